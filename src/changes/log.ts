// The change log: the record of what subscribers are told. A change is written in the transaction
// that makes it (appendChanges, or the routine rollcall_append_changes from SQL), so it exists if
// and only if its effect committed. Its number (seq) is given after commit by one sequencer at a
// time, in the order it finds them committed: a number taken at insert time would not be commit
// order, and a subscriber resuming after seq N could then miss a change numbered below N that
// committed after it.
import type { Change } from '../attendance/events.ts';
import type { Prisma } from '../db/generated/prisma/client.ts';
import type { PrismaClient, Tx } from '../db/types.ts';

export type Topic = Change['type'];

/** A change with its place in the log. */
export type SequencedChange = Change & { seq: number };

/**
 * A change as announced on the bus: with the Date.now() at which its instance knew it committed,
 * so that whichever instance delivers it can measure the publish delay (rollcall_publish_delay_seconds).
 */
export type Announced = SequencedChange & { committedAt?: number };

/** Stamps a batch about to be announced (once: a re-announced batch keeps its first stamp). */
export function stampCommitted(batch: readonly SequencedChange[]): readonly SequencedChange[] {
  const now = Date.now();
  for (const change of batch as Announced[]) change.committedAt ??= now;
  return batch;
}

export const CHANGE_LOG_SQL = [
  // On a database with one connection (the embedded one), transactions run one at a time, so the
  // order of appends is the order of commits: changes are numbered as they are written (the
  // connection says so with the setting rollcall.numbering = 'inline'), and returned with their
  // numbers. Elsewhere they wait for the sequencer.
  /* sql */ `
CREATE OR REPLACE FUNCTION rollcall_append_changes_{v}(changes jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  n int := jsonb_array_length(changes);
  head bigint;
BEGIN
  IF n = 0 THEN RETURN changes; END IF;
  IF current_setting('rollcall.numbering', true) IS DISTINCT FROM 'inline' THEN
    INSERT INTO "Change" (topic, "roomId", "courseId", payload)
    SELECT c->>'type', c->>'roomId', c->>'courseId', c FROM jsonb_array_elements(changes) AS c;
    RETURN changes;
  END IF;
  UPDATE "ChangeLogHead" SET seq = seq + n WHERE id = 1 RETURNING seq - n INTO head;
  INSERT INTO "Change" (seq, topic, "roomId", "courseId", payload)
  SELECT head + i, c->>'type', c->>'roomId', c->>'courseId', c FROM jsonb_array_elements(changes) WITH ORDINALITY AS x(c, i);
  RETURN (SELECT jsonb_agg(c || jsonb_build_object('seq', head + i) ORDER BY i) FROM jsonb_array_elements(changes) WITH ORDINALITY AS x(c, i));
END $$`,

  // One sequencer at a time (an advisory lock held until it commits): it numbers, after the last
  // number given, every change committed so far and not numbered yet.
  /* sql */ `
CREATE OR REPLACE FUNCTION rollcall_sequence_changes_{v}(max_rows int) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  head bigint;
  batch jsonb;
BEGIN
  PERFORM pg_advisory_xact_lock(7205);
  SELECT seq INTO head FROM "ChangeLogHead" WHERE id = 1;
  WITH pending AS (
    SELECT id, head + row_number() OVER (ORDER BY id) AS next FROM "Change" WHERE seq IS NULL ORDER BY id LIMIT max_rows
  ), numbered AS (
    UPDATE "Change" AS c SET seq = pending.next FROM pending WHERE c.id = pending.id RETURNING c.seq, c.payload
  )
  SELECT jsonb_agg(numbered.payload || jsonb_build_object('seq', numbered.seq) ORDER BY numbered.seq) INTO batch FROM numbered;
  IF batch IS NULL THEN RETURN '[]'; END IF;
  UPDATE "ChangeLogHead" SET seq = head + jsonb_array_length(batch) WHERE id = 1;
  RETURN batch;
END $$`,
];

/** Writes changes to the log inside the caller's transaction (Prisma paths; routines append in SQL). */
export async function appendChanges(tx: Tx, changes: readonly Change[]): Promise<void> {
  if (changes.length === 0) return;
  await tx.change.createMany({
    data: changes.map((c) => ({
      topic: c.type,
      roomId: c.roomId,
      courseId: c.courseId,
      payload: c as unknown as Prisma.InputJsonObject,
    })),
  });
}

/** The log's identity and the last number given. */
export async function logHead(prisma: PrismaClient): Promise<{ logId: string; seq: number }> {
  const head = await prisma.changeLogHead.findUniqueOrThrow({ where: { id: 1 } });
  return { logId: head.logId, seq: Number(head.seq) };
}

/** The oldest number still in the log (after pruning), or null when it is empty. */
export async function oldestSeq(prisma: PrismaClient): Promise<number | null> {
  const oldest = await prisma.change.findFirst({
    where: { seq: { not: null } },
    orderBy: { seq: 'asc' },
    select: { seq: true },
  });
  return oldest?.seq === null || oldest === null ? null : Number(oldest.seq);
}

/** Where a subscription reads: one room's attendance, or every session or recording change. */
export type Stream = { topic: 'attendance'; roomId: string } | { topic: 'session' } | { topic: 'recording' };

/** Changes of a stream numbered in (after, until], in order, at most `limit`. */
export async function readChanges(
  prisma: PrismaClient,
  stream: Stream,
  after: number,
  until: number,
  limit: number,
): Promise<SequencedChange[]> {
  const rows = await prisma.change.findMany({
    where: {
      topic: stream.topic,
      ...(stream.topic === 'attendance' ? { roomId: stream.roomId } : {}),
      seq: { gt: after, lte: until },
    },
    orderBy: { seq: 'asc' },
    take: limit,
    select: { seq: true, payload: true },
  });
  return rows.map((r) => ({ ...(r.payload as unknown as Change), seq: Number(r.seq) }));
}

/** Every change numbered after `after`, in order, at most `limit` (an instance catching up). */
export async function readAllChanges(prisma: PrismaClient, after: number, limit: number): Promise<SequencedChange[]> {
  const rows = await prisma.change.findMany({
    where: { seq: { gt: after } },
    orderBy: { seq: 'asc' },
    take: limit,
    select: { seq: true, payload: true },
  });
  return rows.map((r) => ({ ...(r.payload as unknown as Change), seq: Number(r.seq) }));
}

/**
 * Deletes changes older than `keepMs`, a batch at a time (short statements: ingest never waits on
 * them); returns how many.
 */
export async function pruneChanges(prisma: PrismaClient, keepMs: number, batch = 1_000): Promise<number> {
  const before = new Date(Date.now() - keepMs);
  let total = 0;
  for (;;) {
    const deleted = await prisma.$executeRaw`
      DELETE FROM "Change" WHERE id IN (
        SELECT id FROM "Change" WHERE "createdAt" < ${before} AND seq IS NOT NULL ORDER BY id LIMIT ${batch})`;
    total += deleted;
    if (deleted < batch) return total;
  }
}
