// The one path every event takes, from a webhook, a reconciliation or a replay: store and apply in
// one statement (the ingest routine: deduplicated by event id, atomic, its changes written to the
// change log with it), then, after commit, have the changes numbered and delivered.
import { Prisma } from '../db/generated/prisma/client.ts';
import type { Effect } from '../attendance/events.ts';
import type { PlugNMeetEvent } from '../plugnmeet/events.ts';
import { courseSlugFromRoomId, isBot } from '../attendance/rules.ts';
import type { SequencedChange } from '../changes/log.ts';
import { withRetry } from '../db/retry.ts';
import type { PrismaClient } from '../db/types.ts';
import { EventNotApplied, markFailed, type InboundEvent } from './inbox.ts';
import { INGEST_FUNCTION } from './routines.ts';

export type Outcome = { duplicate: true } | { duplicate: false; effect: Effect };

export interface IngestDeps {
  prisma: PrismaClient;
  /**
   * Changes were committed to the change log: deliver them. With their numbers when the database
   * numbered them as they were written (one connection), else the sequencer numbers them.
   */
  changesCommitted(numbered?: readonly SequencedChange[]): void;
  /** Wakes the recording downloader after a recording event committed. */
  onRecordingWork?: () => void;
  /** Wakes the analytics importer after an analytics event committed. */
  onAnalyticsWork?: () => void;
}

export type Ingest = (inbound: InboundEvent, event: PlugNMeetEvent) => Promise<Outcome>;

const CALL = Prisma.raw(`SELECT ${INGEST_FUNCTION}($1::jsonb, $2) AS result`);

/** The event as the ingest routine reads it. */
export function routineEvent(inbound: InboundEvent, event: PlugNMeetEvent): string {
  const { roomId, roomSid } = event.room;
  return JSON.stringify({
    id: inbound.id,
    name: event.name,
    roomId,
    roomSid: roomSid ?? null,
    at: event.at.toISOString(),
    occurredAt: inbound.occurredAt?.toISOString() ?? null,
    courseSlug: courseSlugFromRoomId(roomId) ?? null,
    participant:
      'participant' in event
        ? {
            ...event.participant,
            joinedAt: event.participant.joinedAt?.toISOString() ?? null,
            isBot: isBot(event.participant.identity),
          }
        : undefined,
    recording: 'recording' in event ? event.recording : undefined,
    track: 'track' in event ? event.track : undefined,
    analytics: 'analytics' in event ? event.analytics : undefined,
  });
}

/**
 * Stores and applies one event, unless it was applied before (a duplicate), and publishes its
 * changes. Throws EventNotApplied when applying failed (the event is then kept as FAILED).
 */
export function createIngest({ prisma, changesCommitted, onRecordingWork, onAnalyticsWork }: IngestDeps): Ingest {
  return async (inbound, event) => {
    const json = routineEvent(inbound, event);
    let outcome: Outcome;
    try {
      const [{ result }] = await withRetry(() =>
        prisma.$queryRawUnsafe<[{ result: Effect & { duplicate: boolean } }]>(CALL.sql, json, inbound.body),
      );
      outcome = result.duplicate ? { duplicate: true } : { duplicate: false, effect: result };
    } catch (error) {
      throw new EventNotApplied(error, await markFailed(prisma, inbound, error));
    }
    if (!outcome.duplicate) {
      const { changes } = outcome.effect;
      if (changes.length)
        changesCommitted(changes.every((c) => 'seq' in c) ? (changes as SequencedChange[]) : undefined);
      if (event.name === 'recording_proceeded' || outcome.effect.changes.some((c) => c.type === 'recording'))
        onRecordingWork?.();
      if (event.name === 'analytics_proceeded' || event.name === 'artifact_created') onAnalyticsWork?.();
    }
    return outcome;
  };
}
