import { fc, test } from '@fast-check/vitest';
import type { RetryErrorType } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import {
  type QuotaFreeRetryOptions,
  QuotaFreeRetryStrategy,
} from '../../../src/adapters/aws/quota-free-retry-strategy.js';

/** What one call got from the strategy: the delays of the retries it was given, and whether it was refused one. */
interface Call {
  readonly delays: number[];
  readonly refused: boolean;
}

/**
 * One call as the SDK's retry middleware makes it: a token first, then for each
 * failed attempt (of the types given, in order) a refresh, until one is refused;
 * a success at the end when every failure was retried.
 */
async function call(strategy: QuotaFreeRetryStrategy, failures: readonly RetryErrorType[]): Promise<Call> {
  let token = await strategy.acquireInitialRetryToken('us-east-1');
  const delays: number[] = [];
  for (const errorType of failures) {
    try {
      token = await strategy.refreshRetryTokenForRetry(token, { errorType });
    } catch {
      return { delays, refused: true };
    }
    expect(token.getRetryCount()).toBe(delays.length + 1);
    delays.push(token.getRetryDelay());
  }
  strategy.recordSuccess(token);
  return { delays, refused: false };
}

const failing = (n: number, errorType: RetryErrorType = 'TRANSIENT') =>
  Array.from({ length: n }, () => errorType);
/** Draws the top of every range, so each delay is its ceiling. */
const atCeiling: QuotaFreeRetryOptions = { random: () => 1 };

describe('QuotaFreeRetryStrategy', () => {
  it.each<[RetryErrorType, boolean]>([
    ['TRANSIENT', true],
    ['THROTTLING', true],
    ['SERVER_ERROR', false],
    ['CLIENT_ERROR', false],
  ])('retries a %s error: %s', async (errorType, retried) => {
    const { delays, refused } = await call(new QuotaFreeRetryStrategy(), [errorType]);
    expect(refused).toBe(!retried);
    expect(delays).toHaveLength(retried ? 1 : 0);
  });

  it('makes 6 attempts in all: 5 retries, then refuses the 6th failure', async () => {
    const strategy = new QuotaFreeRetryStrategy();
    expect(strategy.maxAttempts).toBe(6);
    expect(await call(strategy, failing(5))).toMatchObject({ refused: false });
    const exhausted = await call(strategy, failing(6));
    expect(exhausted.refused).toBe(true);
    expect(exhausted.delays).toHaveLength(5);
  });

  it('stops at the first error that is not retried, whatever came before', async () => {
    const { delays, refused } = await call(new QuotaFreeRetryStrategy(), [
      'TRANSIENT',
      'THROTTLING',
      'CLIENT_ERROR',
    ]);
    expect(refused).toBe(true);
    expect(delays).toHaveLength(2);
  });

  it('doubles the ceiling from 100 ms after transient errors: at most 3.1 s of waiting in a call', async () => {
    const { delays } = await call(new QuotaFreeRetryStrategy(atCeiling), failing(6));
    expect(delays).toEqual([100, 200, 400, 800, 1600]);
    expect(delays.reduce((a, b) => a + b)).toBe(3100);
  });

  it('doubles it from 250 ms after throttling, capped at 2 s: at most 5.75 s of waiting', async () => {
    const { delays } = await call(new QuotaFreeRetryStrategy(atCeiling), failing(6, 'THROTTLING'));
    expect(delays).toEqual([250, 500, 1000, 2000, 2000]);
    expect(delays.reduce((a, b) => a + b)).toBe(5750);
  });

  it('draws each delay from 0 up (full jitter)', async () => {
    const { delays } = await call(new QuotaFreeRetryStrategy({ random: () => 0 }), failing(5));
    expect(delays).toEqual([0, 0, 0, 0, 0]);
  });

  test.prop([
    fc.array(fc.constantFrom<RetryErrorType>('TRANSIENT', 'THROTTLING'), { minLength: 1, maxLength: 8 }),
    fc.infiniteStream(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true })),
  ])('keeps every delay between 0 and its ceiling', async (failures, draws) => {
    const strategy = new QuotaFreeRetryStrategy({ random: () => draws.next().value });
    const { delays } = await call(strategy, failures);
    delays.forEach((delay, retry) => {
      const base = failures[retry] === 'THROTTLING' ? 250 : 100;
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(Math.min(2000, base * 2 ** retry));
    });
  });

  it('waits as long as a Retry-After asks, up to the cap', async () => {
    const strategy = new QuotaFreeRetryStrategy({ random: () => 0 });
    const token = await strategy.acquireInitialRetryToken('us-east-1');
    const inAnHour = new Date(Date.now() + 3_600_000);
    const retry = await strategy.refreshRetryTokenForRetry(token, {
      errorType: 'THROTTLING',
      retryAfterHint: inAnHour,
    });
    expect(retry.getRetryDelay()).toBe(2000);
  });

  it('is never exhausted: after thousands of calls that failed every attempt, a call still gets its 5 retries', async () => {
    const strategy = new QuotaFreeRetryStrategy({ random: () => 0 });
    for (let i = 0; i < 2000; i++) expect((await call(strategy, failing(6))).refused).toBe(true);
    for (let i = 0; i < 2000; i++) expect((await call(strategy, failing(5))).refused).toBe(false);
    for (let i = 0; i < 100; i++) await call(strategy, []);
    const after = await call(strategy, failing(5, 'THROTTLING'));
    expect(after).toEqual({ delays: [0, 0, 0, 0, 0], refused: false });
  });

  it('refuses a number of attempts that is not a whole number from 1', () => {
    expect(() => new QuotaFreeRetryStrategy({ maxAttempts: 0 })).toThrow(RangeError);
    expect(() => new QuotaFreeRetryStrategy({ maxAttempts: 2.5 })).toThrow(RangeError);
  });
});
