// Concurrent deliveries race on unique keys and row locks; a statement that loses (a deadlock, a
// serialization failure) is rolled back whole and run again, so constraints in the database (not
// in-process locks) keep the rules.

// unique violation, write conflict or deadlock, no connection free in time
const RETRYABLE_PRISMA_CODES = new Set(['P2002', 'P2034', 'P2028']);
// the same from raw statements, by SQLSTATE or PostgreSQL's message
const RETRYABLE_SQLSTATE = /\b(40001|40P01|23505)\b|deadlock detected|could not serialize|duplicate key value/i;

export function isRetryable(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown };
  if (typeof e?.code === 'string' && RETRYABLE_PRISMA_CODES.has(e.code)) return true;
  return typeof e?.message === 'string' && RETRYABLE_SQLSTATE.test(e.message);
}

export async function withRetry<T>(run: () => Promise<T>, attempts = 8): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= attempts || !isRetryable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}

/** Interactive transactions wait longer than Prisma's 2 s for a connection under bursts of deliveries. */
export const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 20_000 };
