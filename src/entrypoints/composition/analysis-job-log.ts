import type { ThumbnailJob } from '../../application/ports/thumbnail-queue.js';
import type { AnalysisOutcome } from '../../application/use-cases/analyze-media.js';

/**
 * The "analysis job" log entry every runtime writes once a job is done: the job,
 * its outcome, the verdict and labels, why it was skipped or failed, and how long.
 *
 * @example
 * log({ level: 'info', msg: 'analysis job', ...analysisJobEntry(job, outcome, ms) });
 */
export function analysisJobEntry(
  job: ThumbnailJob,
  outcome: AnalysisOutcome,
  durationMs: number,
): Record<string, unknown> {
  return {
    ...job,
    outcome: outcome.kind,
    ...(outcome.kind === 'skipped' ? { reason: outcome.reason } : {}),
    ...(outcome.kind === 'failed' ? { reason: outcome.photo.analysis?.reason } : {}),
    ...(outcome.kind === 'analyzed'
      ? {
          verdict: outcome.photo.moderation?.verdict,
          labels: outcome.photo.labels?.map((l) => l.name),
          status: outcome.photo.status,
        }
      : {}),
    durationMs: Math.round(durationMs),
  };
}
