import * as z from 'zod';
import type { MediaConvertCompletions } from '../../adapters/aws/mediaconvert-completions.js';
import { MediaConvertJobState } from '../../adapters/aws/mediaconvert-job-state.js';
import type { MediaConvertWorkflowTranscoder } from '../../adapters/aws/mediaconvert-workflow-transcoder.js';
import type { PhotoRepository } from '../../application/ports/photo-repository.js';
import type { VideoTranscodeCompletion } from '../../application/ports/video-transcoder.js';
import { type ProcessVideo, transcodeJob } from '../../application/use-cases/process-video.js';
import type { TranscodeOutcome } from '../../application/use-cases/record-transcode.js';
import { OwnerId } from '../../domain/owner-id.js';
import { PhotoId } from '../../domain/photo-id.js';
import { MalformedMessageError, parseWorkerMessage } from './worker-message.js';

/** The execution input of the video workflow: one video item. */
export interface VideoWorkflowInput {
  readonly ownerId: string;
  readonly photoId: string;
}

/** A transcode as it travels between the states: what the keys are built from, nothing more. */
export interface WorkflowJob {
  readonly ownerId: string;
  readonly photoId: string;
  readonly plan: {
    readonly width: number;
    readonly height: number;
    readonly posterAtMs: number;
    readonly frameTimesMs: readonly number[];
  };
  readonly durationMs: number;
}

/** What the Probe step returns (`$.probe`): the Choice after it reads `outcome`. */
export type ProbeResult =
  | { readonly outcome: 'submitted'; readonly job: WorkflowJob; readonly createJob: Record<string, unknown> }
  | { readonly outcome: 'failed'; readonly reason: string }
  | { readonly outcome: 'skipped'; readonly reason: string };

/** What the Record and RecordFailure steps return (`$.record`). */
export interface RecordResult {
  readonly outcome: TranscodeOutcome['kind'];
  readonly status?: string;
  readonly reason?: string;
}

/** A state's input that the workflow never writes: a bug or a hand-made execution, not worth a retry. */
export class MalformedTaskInputError extends Error {
  override name = 'MalformedTaskInputError';
}

/** What the start step needs: the bucket notifications must come from, and the records. */
export interface StartTaskDeps {
  readonly bucket: string;
  readonly photos: PhotoRepository;
}

/** What the Probe step needs: ProcessVideo, submitting to `handOff`. */
export interface ProbeTaskDeps {
  readonly processVideo: Pick<ProcessVideo, 'execute'>;
  readonly handOff: MediaConvertWorkflowTranscoder;
}

/** What the Record steps need: the outputs read back, and where completions are recorded. */
export interface RecordTaskDeps {
  readonly completions: MediaConvertCompletions;
  /** RecordTranscode.execute in the workflow; the contract harness collects completions instead. */
  readonly record: (completion: VideoTranscodeCompletion) => Promise<TranscodeOutcome>;
}

const Ids = { ownerId: z.string(), photoId: z.string() };
const Plan = z.object({
  width: z.number().int().min(2),
  height: z.number().int().min(2),
  posterAtMs: z.number().int().min(0),
  // Executions started before frames were sampled carry none.
  frameTimesMs: z.array(z.number().int().min(1)).max(10).optional().default([]),
});
const Job = z.object({ ...Ids, plan: Plan, durationMs: z.number().int().min(0) });
const StartInput = z.object(Ids);
const RecordInput = z.object({ job: Job, transcode: z.unknown() });
const FailureInput = z.object({
  job: Job,
  error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }),
});
const PipeRecords = z.array(z.object({ messageId: z.string().optional(), body: z.string() }));

const parsed = <T>(schema: z.ZodType<T>, input: unknown, what: string): T => {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new MalformedTaskInputError(`${what}: ${z.prettifyError(result.error)}`);
  }
  return result.data;
};

const ids = (input: { ownerId: string; photoId: string }) => {
  const ownerId = OwnerId.parse(input.ownerId);
  const photoId = PhotoId.parse(input.photoId);
  if (!ownerId.ok || !photoId.ok) {
    throw new MalformedTaskInputError(`not a Pixport item: ${JSON.stringify(input).slice(0, 200)}`);
  }
  return { ownerId: ownerId.value, photoId: photoId.value };
};

/** The port's job, rebuilt from what travelled: keys come from the ids, never from the state's input. */
const jobOf = (job: z.infer<typeof Job>) => {
  const { ownerId, photoId } = ids(job);
  return transcodeJob({ ownerId, id: photoId }, job.plan, job.durationMs);
};

const recorded = (outcome: TranscodeOutcome): RecordResult => ({
  outcome: outcome.kind,
  ...('photo' in outcome
    ? {
        status: outcome.photo.status,
        ...(outcome.photo.failure ? { reason: outcome.photo.failure.message } : {}),
      }
    : { reason: outcome.reason }),
});

/**
 * The tasks of the AWS video workflow (deploy/lib/video.ts), one per Lambda-backed
 * state, written once for the Lambdas (video-start, video-probe, video-record) and
 * for the test that runs the synthesized state machine locally:
 *
 * - `start`, the EventBridge Pipe's enrichment between the video queue and the state
 *   machine: of the S3 notifications it is handed, only uploads of video items go on
 *   (one execution each); anything else is dropped, so a photo costs the workflow
 *   nothing. A body that can never parse is dropped too (and logged by the caller).
 * - `probe`: ProcessVideo (probe by byte ranges, limits, plan), whose transcoder hands
 *   the MediaConvert request to the next state (`MediaConvertWorkflowTranscoder`). A
 *   refusal is recorded on the item by the use case itself.
 * - `record`: the `createJob.sync` result, read (`MediaConvertJobState.fromJob`) and
 *   turned into a completion (`MediaConvertCompletions`: sizes, the poster moved to
 *   its key), then RecordTranscode: the poster's renditions, ready.
 * - `recordFailure`: the error the StartTranscode state was caught with
 *   (`MediaConvertJobState.fromTaskFailure`), recorded as a permanent failure: the
 *   state machine has retried what a retry can cure.
 *
 * @example
 * const probe = VideoWorkflowTasks.probe({ processVideo, handOff });
 * const next = await probe({ ownerId, photoId });
 */
export const VideoWorkflowTasks = {
  start(deps: StartTaskDeps) {
    return async (
      records: unknown,
      onDropped?: (reason: string, messageId?: string) => void,
    ): Promise<VideoWorkflowInput[]> => {
      const inputs: VideoWorkflowInput[] = [];
      for (const record of parsed(PipeRecords, records, 'the video queue batch')) {
        let message: ReturnType<typeof parseWorkerMessage>;
        try {
          message = parseWorkerMessage(record.body, deps.bucket);
        } catch (error) {
          if (!(error instanceof MalformedMessageError)) throw error;
          onDropped?.(`malformed: ${error.message}`, record.messageId);
          continue;
        }
        if (message.kind === 'ignored') {
          onDropped?.(message.reason, record.messageId);
          continue;
        }
        const { ownerId, photoId } = message.job;
        const photo = await deps.photos.get(ownerId, photoId);
        if (photo?.kind !== 'video') {
          onDropped?.(photo ? 'not a video' : 'no such item', record.messageId);
          continue;
        }
        inputs.push({ ownerId, photoId });
      }
      return inputs;
    };
  },

  probe(deps: ProbeTaskDeps) {
    return async (input: unknown): Promise<ProbeResult> => {
      const item = ids(parsed(StartInput, input, 'the execution input'));
      deps.handOff.take();
      const outcome = await deps.processVideo.execute(item);
      const handed = deps.handOff.take();
      if (outcome.kind === 'submitted') {
        if (!handed) throw new Error(`ProcessVideo submitted ${item.photoId} but handed no job over`);
        const { job, createJob } = handed;
        return {
          outcome: 'submitted',
          job: {
            ownerId: job.ownerId,
            photoId: job.photoId,
            plan: {
              width: job.plan.width,
              height: job.plan.height,
              posterAtMs: job.plan.posterAtMs,
              frameTimesMs: [...(job.plan.frameTimesMs ?? [])],
            },
            durationMs: job.durationMs,
          },
          // Plain JSON, as the state machine passes it on.
          createJob: JSON.parse(JSON.stringify(createJob)),
        };
      }
      if (outcome.kind === 'failed') {
        return { outcome: 'failed', reason: outcome.photo.failure?.message ?? 'refused' };
      }
      return { outcome: 'skipped', reason: outcome.reason };
    };
  },

  /**
   * Record (`{ job, transcode }`: the finished job) and RecordFailure (`{ job, error }`:
   * the caught error), which share one Lambda and are told apart by their input.
   */
  record(deps: RecordTaskDeps) {
    return async (input: unknown): Promise<RecordResult> => {
      if (typeof input === 'object' && input !== null && 'error' in input) {
        const { job, error } = parsed(FailureInput, input, 'the RecordFailure input');
        const outcome = MediaConvertJobState.fromTaskFailure({
          ...(error.Error !== undefined ? { Error: error.Error } : {}),
          ...(error.Cause !== undefined ? { Cause: error.Cause } : {}),
        });
        return recorded(await deps.record(await deps.completions.of(jobOf(job), outcome)));
      }
      const { job, transcode } = parsed(RecordInput, input, 'the Record input');
      const completion = await deps.completions.of(jobOf(job), MediaConvertJobState.fromJob(transcode));
      return recorded(await deps.record(completion));
    };
  },
};
