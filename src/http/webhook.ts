// POST /webhooks/plugnmeet: verify -> parse -> ingest (store, apply, publish) -> answer.
import type { Logger } from 'pino';
import { jsonResponse } from './json.ts';
import type { Change } from '../attendance/events.ts';
import type { PrismaClient } from '../db/types.ts';
import { EventNotApplied, storeOnly, type InboundEvent } from '../ingest/inbox.ts';
import type { Ingest } from '../ingest/ingest.ts';
import { ACTED_ON, interpret, parseBody, storedFields } from '../plugnmeet/webhook-body.ts';
import type { WebhookVerifier } from '../plugnmeet/signature.ts';
import { metrics } from '../ops/metrics.ts';

export const WEBHOOK_PATH = '/webhooks/plugnmeet';
export const MAX_BODY_BYTES = 1024 * 1024;

export interface WebhookDeps {
  prisma: PrismaClient;
  ingest: Ingest;
  verify: WebhookVerifier;
  logger: Logger;
}

const json = (status: number, body: Record<string, unknown>) => jsonResponse(status, body);
const error = (status: number, message: string) => json(status, { status: 'error', message });

class BodyTooLarge extends Error {}

/** Reads the body, refusing (without buffering it) anything over the limit. */
async function readBody(request: Request): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > MAX_BODY_BYTES) throw new BodyTooLarge();
  if (!request.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function describeChange(c: Change) {
  if (c.type === 'attendance') return { kind: c.kind, userId: c.userId };
  if (c.type === 'session') return { kind: c.kind };
  return { recording: c.recordingId, status: c.status };
}

export async function handleWebhook(request: Request, deps: WebhookDeps): Promise<Response> {
  if (request.method !== 'POST') {
    return jsonResponse(405, { status: 'error', message: 'Use POST' }, { allow: 'POST' });
  }
  let raw: Uint8Array;
  try {
    raw = await readBody(request);
  } catch (e) {
    if (e instanceof BodyTooLarge) {
      metrics.webhookRejected(undefined, 'too_large');
      // the rest of the body is never read: close the connection so the next request starts clean
      const response = error(413, `Payload too large: the limit is ${MAX_BODY_BYTES} bytes`);
      response.headers.set('connection', 'close');
      return response;
    }
    throw e;
  }

  const verified = await deps.verify(
    { authorization: request.headers.get('authorization'), hashToken: request.headers.get('hash-token') },
    raw,
  );
  if (!verified.ok) {
    metrics.webhookRejected(undefined, 'signature');
    deps.logger.warn({ reason: verified.reason }, 'webhook rejected: invalid signature');
    return error(403, 'Invalid webhook signature');
  }

  const parsed = parseBody(raw);
  if (!parsed.ok) {
    metrics.webhookRejected(undefined, parsed.message === 'Missing event field' ? 'missing_event' : 'invalid_json');
    deps.logger.warn({ reason: parsed.message }, 'webhook rejected');
    return error(400, parsed.message);
  }
  const { id, name, json: body } = parsed;
  const inbound: InboundEvent = { id, name, body: parsed.text, ...storedFields(body) };
  const log = deps.logger.child({ eventId: id, event: name, room: inbound.roomId, roomSid: inbound.roomSid });

  if (!ACTED_ON.has(name)) {
    if (!(await storeOnly(deps.prisma, inbound, 'IGNORED'))) {
      metrics.webhook(name, 'duplicate');
      log.info('webhook duplicate: already stored as ignored');
      return json(200, { status: 'ok', duplicate: true, id });
    }
    metrics.webhook(name, 'ignored');
    log.info('webhook ignored: not an event Rollcall acts on');
    return json(200, { status: 'ok', message: `Event ${name} ignored` });
  }
  const interpreted = interpret(name, body, new Date());
  if (!interpreted.ok && interpreted.ignored) {
    if (!(await storeOnly(deps.prisma, inbound, 'IGNORED', interpreted.message))) {
      metrics.webhook(name, 'duplicate');
      return json(200, { status: 'ok', duplicate: true, id });
    }
    metrics.webhook(name, 'ignored');
    log.info(interpreted.message);
    return json(200, { status: 'ok', message: interpreted.message });
  }
  if (!interpreted.ok) {
    await storeOnly(deps.prisma, inbound, 'REJECTED', interpreted.message);
    metrics.webhookRejected(name, 'unusable');
    log.warn({ reason: interpreted.message }, 'webhook rejected: unusable payload (stored)');
    return error(400, interpreted.message);
  }

  let outcome: Awaited<ReturnType<typeof deps.ingest>>;
  try {
    outcome = await deps.ingest(inbound, interpreted.event);
  } catch (e) {
    metrics.webhook(name, 'failed');
    if (e instanceof EventNotApplied && e.stored) {
      log.error({ err: e.cause }, 'webhook failed; the event is kept for a retry');
      return error(500, 'Internal error: the event is stored and will be applied when PlugNMeet retries it');
    }
    log.error({ err: e instanceof EventNotApplied ? e.cause : e }, 'webhook failed and could not be stored');
    return error(500, 'Internal error: the event was not stored; retry it');
  }
  if (outcome.duplicate) {
    metrics.webhook(name, 'duplicate');
    log.info('webhook duplicate: already processed');
    return json(200, { status: 'ok', duplicate: true, id });
  }
  const { effect } = outcome;
  metrics.webhook(name, effect.status === 'APPLIED' ? 'applied' : effect.status === 'PENDING' ? 'pending' : 'ignored');
  log.info({ status: effect.status, sessionId: effect.sessionId, changes: effect.changes.length }, effect.message);
  return json(200, {
    status: 'ok',
    id,
    event: name,
    result: effect.status.toLowerCase(),
    message: effect.message,
    ...(effect.sessionId ? { sessionId: effect.sessionId } : {}),
    changes: effect.changes.map(describeChange),
  });
}
