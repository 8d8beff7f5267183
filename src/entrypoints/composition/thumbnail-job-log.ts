import type { ThumbnailJob } from '../../application/ports/thumbnail-queue.js';
import type { ThumbnailOutcome } from '../../application/use-cases/generate-thumbnail.js';

/**
 * The "thumbnail job" log entry every runtime writes once a job is done, so
 * one query finds them all: the job, its outcome, why it was skipped or
 * failed, and how long it took.
 *
 * @example
 * log({ level: 'info', msg: 'thumbnail job', ...thumbnailJobEntry(job, outcome, ms) });
 */
export function thumbnailJobEntry(
  job: ThumbnailJob,
  outcome: ThumbnailOutcome,
  durationMs: number,
): Record<string, unknown> {
  return {
    ...job,
    outcome: outcome.kind,
    ...(outcome.kind === 'skipped' ? { reason: outcome.reason } : {}),
    ...(outcome.kind === 'failed' ? { failure: outcome.photo.failure } : {}),
    durationMs: Math.round(durationMs),
  };
}
