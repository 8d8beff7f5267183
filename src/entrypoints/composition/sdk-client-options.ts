import type { NodeHttpHandlerOptions } from '@smithy/types';
import { QuotaFreeRetryStrategy } from '../../adapters/aws/quota-free-retry-strategy.js';

/** How long an SDK call may wait on the network before the attempt fails as a transient error. */
export interface SdkTimeouts {
  /** Most milliseconds to open a connection. */
  readonly connectionTimeout: number;
  /** Most milliseconds a connection may stay silent: before the answer, or between its bytes. */
  readonly socketTimeout: number;
}

/**
 * The Lambdas' timeouts: 3 s to connect, 10 s of silence. The SDK's default is
 * to wait for ever, so a connection that stalls (a dropped packet, a service
 * that accepted the request and went quiet) held the call until the function's
 * own timeout, failing the whole batch. An idle timeout, not a total one, so a
 * large original still streams for as long as its bytes keep coming. The
 * slowest calls answer well within it: Rekognition's by-reference calls in
 * 1-3 s, a copy of a 2 GiB MP4 within S3's own keep-alive whitespace.
 */
export const LAMBDA_SDK_TIMEOUTS: SdkTimeouts = { connectionTimeout: 3_000, socketTimeout: 10_000 };

/** One stateless strategy for every client (why, and how it fits the functions' timeouts: its file). */
const retryStrategy = new QuotaFreeRetryStrategy();

/**
 * What every SDK client of the composition is built with: {@link QuotaFreeRetryStrategy}
 * (6 attempts, no retry quota) and `timeouts` on its HTTP handler. A timed-out
 * attempt is a `TimeoutError`, which the SDK classifies as transient, so it is
 * retried like a 503.
 *
 * @example
 * new DynamoDBClient({ region, ...sdkClientOptions() });
 */
export function sdkClientOptions(timeouts: SdkTimeouts = LAMBDA_SDK_TIMEOUTS): {
  readonly retryStrategy: QuotaFreeRetryStrategy;
  readonly maxAttempts: number;
  readonly requestHandler: NodeHttpHandlerOptions;
} {
  return {
    retryStrategy,
    maxAttempts: retryStrategy.maxAttempts,
    requestHandler: { connectionTimeout: timeouts.connectionTimeout, socketTimeout: timeouts.socketTimeout },
  };
}
