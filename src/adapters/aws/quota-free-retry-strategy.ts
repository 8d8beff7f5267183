import type { RetryErrorInfo, RetryErrorType, RetryStrategyV2, RetryToken } from '@smithy/types';

/** Options of {@link QuotaFreeRetryStrategy}; the defaults are the ones the Lambdas use. */
export interface QuotaFreeRetryOptions {
  /** Attempts of one call, the first included. Default 6. */
  readonly maxAttempts?: number;
  /** Ceiling of the first retry's delay after a transient error (5xx, timeout, network); doubles each retry. Default 100 ms. */
  readonly baseDelayMs?: number;
  /** The same after a throttling error (429, `ThrottlingException`, `SlowDown`...). Default 250 ms. */
  readonly throttlingBaseDelayMs?: number;
  /** No delay is longer, whatever the doubling or a `Retry-After` says. Default 2,000 ms. */
  readonly maxDelayMs?: number;
  /** Draws the jitter, 0 <= x < 1. Default `Math.random`. */
  readonly random?: () => number;
}

/**
 * The error types the SDK's retry middleware retries: it classifies each error
 * itself (`@smithy/core/retry`'s `isThrottlingError`, then `isTransientError`:
 * 500/502/503/504, `TimeoutError`, ECONNRESET and the other network codes, a
 * corrected clock skew, a `$retryable` trait) and hands the strategy the result.
 * SERVER_ERROR (another 5xx, such as 501) and CLIENT_ERROR are not retried, as
 * the SDK's StandardRetryStrategy does not retry them.
 */
const RETRIED: ReadonlySet<RetryErrorType> = new Set(['TRANSIENT', 'THROTTLING']);

/** A call's retry count and the delay the middleware waits before the next attempt. */
class Attempt implements RetryToken {
  constructor(
    private readonly retries: number,
    private readonly delayMs: number,
  ) {}

  getRetryCount(): number {
    return this.retries;
  }

  getRetryDelay(): number {
    return this.delayMs;
  }
}

/**
 * The SDK v3 clients' retry strategy in the Lambdas: what the SDK classifies as
 * transient or throttling is retried up to 6 attempts in all, after exponential
 * backoff with full jitter (a delay drawn between 0 and 100 ms, 200, 400, 800,
 * 1,600; from 250 ms after throttling, never over 2 s), and there is no retry quota.
 *
 * The SDK's standard strategy keeps a token bucket per client: a retry costs 14
 * of 500 tokens (5 after throttling), a first-try success earns 1 back and a
 * success after retries the cost of its last one, so under sustained faults a
 * busy client's bucket runs dry and it stops retrying altogether. In
 * bench:chaos at 20% faults that cost 0-4 photos of 1,000 to the DLQ over 9
 * runs, the worker reporting 161 records failed in the last of them; with this
 * strategy, DLQ 0 and 1 record failed (at 50% faults: DLQ 38, not 1,011).
 * The bucket protects a service from a fleet of clients retrying into an
 * outage; in a Lambda it protects little, since instances are many and
 * short-lived and each starts with its own, full, bucket. What bounds the load
 * here is the number of callers: the SQS event sources' MaximumConcurrency (10
 * thumbnail workers, 5 analysis workers, deploy/lib/processing.ts and
 * analysis.ts) and API Gateway's throttle in front of the http Lambda (50
 * requests a second, bursts of 100, deploy/lib/api.ts). Retries multiply those
 * callers' calls by 6 at most, however many instances serve them. Six
 * attempts: at 20% independent faults a call then fails for good about once in
 * 16,000 (with 3 attempts, once in 125), at 50% once in 64; a seventh would add
 * up to 2 s to a call for little more.
 *
 * The waits fit the functions' timeouts (deploy/lib): a call that fails every
 * attempt waits at most 3.1 s in all (5.75 s when throttled). The http Lambda
 * (29 s) makes 2-4 calls in a row for a request: 12.4 s at worst (23 s
 * throttled). The thumbnail and analysis workers and the video probe and record
 * steps (60 s) make about 10 calls in a row per record beside a render of
 * 1-3 s: 31 s at worst, and a batch's records run side by side. The purged
 * uploads (30 s) and video start (30 s) Lambdas make one or two calls per record.
 *
 * Stateless, so one instance serves every client. It returns tokens that carry
 * their delay, and the SDK's retry middleware waits it (abortable) before retrying.
 *
 * @example
 * const retryStrategy = new QuotaFreeRetryStrategy();
 * new DynamoDBClient({ retryStrategy, maxAttempts: retryStrategy.maxAttempts });
 */
export class QuotaFreeRetryStrategy implements RetryStrategyV2 {
  readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly throttlingBaseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly random: () => number;

  constructor(options: QuotaFreeRetryOptions = {}) {
    this.maxAttempts = options.maxAttempts ?? 6;
    this.baseDelayMs = options.baseDelayMs ?? 100;
    this.throttlingBaseDelayMs = options.throttlingBaseDelayMs ?? 250;
    this.maxDelayMs = options.maxDelayMs ?? 2000;
    this.random = options.random ?? Math.random;
    if (!Number.isInteger(this.maxAttempts) || this.maxAttempts < 1) {
      throw new RangeError(`maxAttempts must be a whole number, 1 or more: ${this.maxAttempts}`);
    }
  }

  async acquireInitialRetryToken(_retryTokenScope: string): Promise<RetryToken> {
    return new Attempt(0, 0);
  }

  async refreshRetryTokenForRetry(token: RetryToken, errorInfo: RetryErrorInfo): Promise<RetryToken> {
    const retries = token.getRetryCount();
    if (!RETRIED.has(errorInfo.errorType)) {
      throw new Error(`not retried: ${errorInfo.errorType} error`, { cause: errorInfo.error });
    }
    if (retries + 1 >= this.maxAttempts) {
      throw new Error(`not retried: ${this.maxAttempts} attempts made`, { cause: errorInfo.error });
    }
    const base = errorInfo.errorType === 'THROTTLING' ? this.throttlingBaseDelayMs : this.baseDelayMs;
    const ceiling = Math.min(this.maxDelayMs, base * 2 ** retries);
    let delay = Math.floor(this.random() * ceiling);
    if (errorInfo.retryAfterHint) {
      const hinted = errorInfo.retryAfterHint.getTime() - Date.now();
      delay = Math.max(delay, Math.min(this.maxDelayMs, Math.ceil(hinted)));
    }
    return new Attempt(retries + 1, delay);
  }

  recordSuccess(_token: RetryToken): void {
    // Nothing to earn back: there is no quota.
  }
}
