// The retry schedule of the durable jobs: doubling from the first delay, capped, with ±50 % jitter.
import { describe, expect, it } from 'vitest';
import { backoffDelay, isRetryable } from '../../src/jobs/durable.ts';

const o = { baseDelayMs: 5_000, maxDelayMs: 60_000 };

describe('backoff', () => {
  it('doubles each attempt up to the cap (jitter at its middle)', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, o, () => 0.5))).toEqual([
      5_000, 10_000, 20_000, 40_000, 60_000, 60_000, 60_000,
    ]);
  });

  it('spreads each delay from half to one and a half times', () => {
    expect(backoffDelay(2, o, () => 0)).toBe(5_000);
    expect(backoffDelay(2, o, () => 0.999999)).toBe(15_000);
    expect(backoffDelay(10, o, () => 0.999999)).toBe(90_000);
  });

  it('retries unless the error says it cannot help', () => {
    expect(isRetryable(new Error('ECONNRESET'))).toBe(true);
    expect(isRetryable(Object.assign(new Error('no'), { retryable: false }))).toBe(false);
  });
});
