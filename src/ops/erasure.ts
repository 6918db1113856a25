// Erasing a user (the right to erasure): their attendances and their User row are deleted, and
// their id and name are rewritten out of every stored text that can hold them (webhook bodies and
// errors, the change log, analytics files). Work goes in small statements, each its own
// transaction, so that webhooks keep being applied in between; an erasure cut short (a restart) is
// finished by asking again. The erasure itself is recorded without the identity it erased.
import { setImmediate as yieldToOthers } from 'node:timers/promises';
import type { PrismaClient } from '../db/types.ts';
import { metrics } from './metrics.ts';

export const ERASED = '[erased]';
const BATCH = 100;

/** Where personal data can sit in free-form text: table, key column, and its text or JSON columns. */
const TEXT_COLUMNS: readonly { table: string; key: string; columns: readonly { name: string; json: boolean }[] }[] = [
  {
    table: 'WebhookEvent',
    key: 'id',
    columns: [
      { name: 'body', json: false },
      { name: 'error', json: false },
    ],
  },
  { table: 'Change', key: 'id', columns: [{ name: 'payload', json: true }] },
  {
    table: 'AnalyticsImport',
    key: 'id',
    columns: [
      { name: 'file', json: true },
      { name: 'report', json: true },
      { name: 'error', json: false },
    ],
  },
];

/**
 * A string with every term replaced. Whole values equal to a term always go; inside longer text a
 * term goes too, unless it is all digits (a numeric LMS id would otherwise be cut out of
 * timestamps and sizes). A string holding JSON (PlugNMeet's participant metadata) is redacted as JSON.
 */
function redactString(value: string, terms: readonly string[]): string {
  if (terms.includes(value)) return ERASED;
  const trimmed = value.trimStart();
  if ((trimmed.startsWith('{') || trimmed.startsWith('[')) && terms.some((t) => value.includes(t))) {
    try {
      return JSON.stringify(redactValue(JSON.parse(value), terms));
    } catch {
      // not JSON after all: redacted as text below
    }
  }
  let out = value;
  for (const term of terms) if (!/^\d+$/.test(term)) out = out.replaceAll(term, ERASED);
  return out;
}

export function redactValue(value: unknown, terms: readonly string[]): unknown {
  if (typeof value === 'string') return redactString(value, terms);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, terms));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [terms.includes(k) ? ERASED : k, redactValue(v, terms)]),
    );
  }
  return value;
}

/** Text redacted: as JSON when it parses (a webhook body), else as plain text. */
export function redactText(text: string, terms: readonly string[]): string {
  try {
    return JSON.stringify(redactValue(JSON.parse(text), terms));
  } catch {
    return redactString(text, terms);
  }
}

/** The names a user went by in stored webhooks: every participant object with their identity. */
function namesIn(value: unknown, userId: string, found: Set<string>) {
  if (Array.isArray(value)) for (const v of value) namesIn(v, userId, found);
  else if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (record.identity === userId && typeof record.name === 'string' && record.name.trim()) found.add(record.name);
    for (const v of Object.values(record)) namesIn(v, userId, found);
  }
}

/** Rows of `table` whose columns mention any term, a batch at a time by key, each rewritten by its own statement. */
async function redactTable(
  prisma: PrismaClient,
  spec: (typeof TEXT_COLUMNS)[number],
  terms: readonly string[],
): Promise<number> {
  const cols = spec.columns.map((c) => `"${c.name}"::text AS "${c.name}"`).join(', ');
  const mentions = spec.columns
    .flatMap((c) => terms.map((_, i) => `strpos(coalesce("${c.name}"::text, ''), $${i + 2}) > 0`))
    .join(' OR ');
  const select = `SELECT "${spec.key}"::text AS key, ${cols} FROM "${spec.table}" WHERE "${spec.key}"::text > $1 AND (${mentions}) ORDER BY "${spec.key}"::text LIMIT ${BATCH}`;
  let after = '';
  let redacted = 0;
  for (;;) {
    const rows = await prisma.$queryRawUnsafe<Array<Record<string, string | null>>>(select, after, ...terms);
    for (const row of rows) {
      const sets = spec.columns.map((c, i) => `"${c.name}" = $${i + 2}${c.json ? '::jsonb' : ''}`);
      const values = spec.columns.map((c) => (row[c.name] === null ? null : redactText(row[c.name]!, terms)));
      // a stored webhook about the erased user is not to be applied any more: replaying it would
      // bring back an attendance of "[erased]"
      const settle =
        spec.table === 'WebhookEvent'
          ? `, status = CASE WHEN status IN ('FAILED', 'REJECTED') THEN 'IGNORED'::"WebhookEventStatus" ELSE status END`
          : '';
      await prisma.$executeRawUnsafe(
        `UPDATE "${spec.table}" SET ${sets.join(', ')}${settle} WHERE "${spec.key}"::text = $1`,
        row.key,
        ...values,
      );
      redacted++;
    }
    if (rows.length < BATCH) return redacted;
    after = rows[rows.length - 1].key!;
    await yieldToOthers();
  }
}

export interface ErasureResult {
  id: string;
  attendancesDeleted: number;
  rowsRedacted: number;
}

/** Erases a user's personal data; `requestedBy` names the credential that asked (recorded). */
export async function eraseUser(prisma: PrismaClient, userId: string, requestedBy: string): Promise<ErasureResult> {
  const record = await prisma.userErasure.create({ data: { requestedBy }, select: { id: true } });
  const user = await prisma.user.findUnique({ where: { id: userId }, select: { name: true } });

  // the names to remove: the one Rollcall keeps, and any the user's own webhooks gave
  const names = new Set<string>(user?.name?.trim() ? [user.name] : []);
  const mentioning = await prisma.$queryRawUnsafe<Array<{ body: string }>>(
    `SELECT body FROM "WebhookEvent" WHERE strpos(body, $1) > 0`,
    JSON.stringify(userId).slice(1, -1),
  );
  for (const { body } of mentioning) {
    try {
      namesIn(JSON.parse(body), userId, names);
    } catch {
      // a body that is not JSON names nobody
    }
  }

  let attendancesDeleted = 0;
  for (;;) {
    const batch = await prisma.attendance.findMany({ where: { userId }, select: { id: true }, take: BATCH });
    if (!batch.length) break;
    // spans, media spans and engagement go with their attendance (cascade)
    attendancesDeleted += (await prisma.attendance.deleteMany({ where: { id: { in: batch.map((a) => a.id) } } })).count;
    await yieldToOthers();
  }
  // managed courses and enrolments go with the user (cascade)
  await prisma.user.deleteMany({ where: { id: userId } });

  const terms = [userId, ...names];
  let rowsRedacted = 0;
  for (const spec of TEXT_COLUMNS) rowsRedacted += await redactTable(prisma, spec, terms);

  await prisma.userErasure.update({
    where: { id: record.id },
    data: { completedAt: new Date(), attendancesDeleted, rowsRedacted },
  });
  metrics.userErased();
  return { id: record.id, attendancesDeleted, rowsRedacted };
}
