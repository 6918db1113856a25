// Replaying a stored webhook: the event read back from its stored body and given to the one ingest
// path, as if PlugNMeet had delivered it again. The ingest routine decides, under the event's row
// lock, whether it still needs applying (FAILED, REJECTED) or was applied already: two
// replays at once, or a replay racing PlugNMeet's own retry, apply it once.
import { DomainError } from '../attendance/courses.ts';
import type { PrismaClient } from '../db/types.ts';
import type { Ingest } from '../ingest/ingest.ts';
import { EventNotApplied } from '../ingest/inbox.ts';
import { interpret, parseBody, storedFields } from '../plugnmeet/webhook-body.ts';

/** The statuses a replay acts on; any other is the event's final word, and a replay changes nothing. */
const REPLAYABLE = new Set(['FAILED', 'REJECTED']);

export type ReplayResult = { replayed: boolean; message: string };

export async function replayWebhookEvent(prisma: PrismaClient, ingest: Ingest, id: string): Promise<ReplayResult> {
  const stored = await prisma.webhookEvent.findUnique({
    where: { id },
    select: { id: true, name: true, body: true, status: true },
  });
  if (!stored) throw new DomainError(`No stored webhook event ${id}`, 'NOT_FOUND');
  if (!REPLAYABLE.has(stored.status))
    return { replayed: false, message: `Already ${stored.status.toLowerCase()}: nothing to replay` };

  const parsed = parseBody(Buffer.from(stored.body));
  if (!parsed.ok) throw new DomainError(`The stored body cannot be read: ${parsed.message}`, 'BAD_USER_INPUT');
  const interpreted = interpret(parsed.name, parsed.json, new Date());
  if (!interpreted.ok) {
    // still unusable (a REJECTED body does not change by itself): say so, keep the event as it is
    throw new DomainError(`Still not applicable: ${interpreted.message}`, 'BAD_USER_INPUT');
  }
  try {
    const outcome = await ingest(
      { id: stored.id, name: parsed.name, body: parsed.text, ...storedFields(parsed.json) },
      interpreted.event,
    );
    if (outcome.duplicate)
      return { replayed: false, message: 'Applied meanwhile (a retry or another replay): nothing to replay' };
    return { replayed: true, message: outcome.effect.message };
  } catch (error) {
    if (error instanceof EventNotApplied)
      throw new DomainError(`Applying it failed again: ${error.message}`, 'REPLAY_FAILED');
    throw error;
  }
}
