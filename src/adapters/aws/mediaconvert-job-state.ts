import * as z from 'zod';

/** What MediaConvert said of one output file (or of the job's only video output). */
export interface MediaConvertOutputDetail {
  /** Where it landed (`s3://bucket/key`): only in EventBridge's COMPLETE event, not in GetJob. */
  readonly paths: readonly string[];
  readonly durationMs?: number;
  readonly width?: number;
  readonly height?: number;
}

/**
 * How a MediaConvert job ended, from whichever of its reports: the job it
 * belongs to (UserMetadata `ownerId` and `photoId`, as the request sets them) and
 * either its outputs or its error. `running` is any other state (SUBMITTED,
 * PROGRESSING, STATUS_UPDATE, INPUT_INFORMATION...), which is not an ending.
 */
export type MediaConvertJobOutcome =
  | {
      readonly status: 'complete';
      readonly jobId?: string;
      readonly userMetadata: Readonly<Record<string, string>>;
      /** Per output group, per output, in the order of the request's groups. */
      readonly outputGroups: readonly (readonly MediaConvertOutputDetail[])[];
    }
  | {
      readonly status: 'error';
      readonly jobId?: string;
      readonly userMetadata: Readonly<Record<string, string>>;
      /** MediaConvert's error code (1xxx input, 3xxx output and permissions...), when it gave one. */
      readonly errorCode?: number;
      readonly errorMessage: string;
    }
  | {
      readonly status: 'running';
      readonly jobId?: string;
      readonly userMetadata: Readonly<Record<string, string>>;
      readonly state: string;
    };

/** Neither a MediaConvert event nor a job: what was handed over cannot be read as one. */
export class MediaConvertReportError extends Error {
  override name = 'MediaConvertReportError';
}

const metadata = z.record(z.string(), z.string()).optional().default({});

// EventBridge's `MediaConvert Job State Change` (camelCase), as the MediaConvert User
// Guide documents it ("Events with COMPLETE status", "Events with ERROR status").
const JobStateChange = z.object({
  source: z.literal('aws.mediaconvert'),
  'detail-type': z.literal('MediaConvert Job State Change'),
  detail: z.object({
    jobId: z.string().optional(),
    status: z.string(),
    userMetadata: metadata,
    errorCode: z.number().optional(),
    errorMessage: z.string().optional(),
    outputGroupDetails: z
      .array(
        z.object({
          outputDetails: z
            .array(
              z.object({
                outputFilePaths: z.array(z.string()).optional().default([]),
                durationInMs: z.number().optional(),
                videoDetails: z
                  .object({ widthInPx: z.number().optional(), heightInPx: z.number().optional() })
                  .optional(),
              }),
            )
            .optional()
            .default([]),
        }),
      )
      .optional()
      .default([]),
  }),
});

// GetJob's `Job` (PascalCase, the SDK's and Step Functions' form): what a
// `mediaconvert:createJob.sync` task returns, as `{ Job }` or the job itself.
const Job = z.object({
  Id: z.string().optional(),
  Status: z.string(),
  UserMetadata: metadata,
  ErrorCode: z.number().optional(),
  ErrorMessage: z.string().optional(),
  OutputGroupDetails: z
    .array(
      z.object({
        OutputDetails: z
          .array(
            z.object({
              DurationInMs: z.number().optional(),
              VideoDetails: z
                .object({ WidthInPx: z.number().optional(), HeightInPx: z.number().optional() })
                .optional(),
            }),
          )
          .optional()
          .default([]),
      }),
    )
    .optional()
    .default([]),
});

const ending = (
  status: string,
  common: { jobId?: string; userMetadata: Record<string, string> },
  error: { errorCode?: number; errorMessage?: string },
  outputGroups: readonly (readonly MediaConvertOutputDetail[])[],
): MediaConvertJobOutcome => {
  const jobId = common.jobId !== undefined ? { jobId: common.jobId } : {};
  if (status === 'COMPLETE')
    return { status: 'complete', ...jobId, userMetadata: common.userMetadata, outputGroups };
  if (status === 'ERROR' || status === 'CANCELED') {
    return {
      status: 'error',
      ...jobId,
      userMetadata: common.userMetadata,
      ...(error.errorCode !== undefined ? { errorCode: error.errorCode } : {}),
      errorMessage: error.errorMessage ?? (status === 'CANCELED' ? 'the job was canceled' : 'no message'),
    };
  }
  return { status: 'running', ...jobId, userMetadata: common.userMetadata, state: status };
};

const detail = (d: {
  outputFilePaths?: string[];
  durationInMs?: number | undefined;
  widthInPx?: number | undefined;
  heightInPx?: number | undefined;
}): MediaConvertOutputDetail => ({
  paths: d.outputFilePaths ?? [],
  ...(d.durationInMs !== undefined ? { durationMs: d.durationInMs } : {}),
  ...(d.widthInPx !== undefined ? { width: d.widthInPx } : {}),
  ...(d.heightInPx !== undefined ? { height: d.heightInPx } : {}),
});

const tryJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/**
 * Reads MediaConvert's reports of a job, in the three forms they arrive in:
 * EventBridge's `MediaConvert Job State Change` event, GetJob's `Job` (what the
 * Step Functions `.sync` integration returns), and the error a failed `.sync`
 * task is caught with. Nothing here trusts the input's shape: it is parsed.
 *
 * @example
 * const outcome = MediaConvertJobState.fromEvent(JSON.parse(sqsBody));
 * if (outcome.status === 'error') console.log(outcome.errorCode, outcome.errorMessage);
 */
export const MediaConvertJobState = {
  /** An EventBridge `MediaConvert Job State Change` event; throws MediaConvertReportError for anything else. */
  fromEvent(event: unknown): MediaConvertJobOutcome {
    const parsed = JobStateChange.safeParse(event);
    if (!parsed.success) {
      throw new MediaConvertReportError(
        `not a MediaConvert Job State Change event: ${z.prettifyError(parsed.error)}`,
      );
    }
    const { detail: d } = parsed.data;
    return ending(
      d.status,
      { ...(d.jobId !== undefined ? { jobId: d.jobId } : {}), userMetadata: d.userMetadata },
      d,
      d.outputGroupDetails.map((g) =>
        g.outputDetails.map((o) =>
          detail({
            outputFilePaths: o.outputFilePaths,
            durationInMs: o.durationInMs,
            widthInPx: o.videoDetails?.widthInPx,
            heightInPx: o.videoDetails?.heightInPx,
          }),
        ),
      ),
    );
  },

  /** GetJob's `Job`, or `{ Job }` around it; throws MediaConvertReportError for anything else. */
  fromJob(value: unknown): MediaConvertJobOutcome {
    const wrapped = z.object({ Job }).safeParse(value);
    const parsed = wrapped.success
      ? { success: true as const, data: wrapped.data.Job }
      : Job.safeParse(value);
    if (!parsed.success) {
      throw new MediaConvertReportError(`not a MediaConvert job: ${z.prettifyError(parsed.error)}`);
    }
    const job = parsed.data;
    return ending(
      job.Status,
      { ...(job.Id !== undefined ? { jobId: job.Id } : {}), userMetadata: job.UserMetadata },
      {
        ...(job.ErrorCode !== undefined ? { errorCode: job.ErrorCode } : {}),
        ...(job.ErrorMessage ? { errorMessage: job.ErrorMessage } : {}),
      },
      job.OutputGroupDetails.map((g) =>
        g.OutputDetails.map((o) =>
          detail({
            durationInMs: o.DurationInMs,
            widthInPx: o.VideoDetails?.WidthInPx,
            heightInPx: o.VideoDetails?.HeightInPx,
          }),
        ),
      ),
    );
  },

  /**
   * The error a Step Functions Catch hands on (`{ Error, Cause }`) when the
   * `createJob.sync` task failed: the job's own error where the Cause carries the
   * job (as JSON, GetJob's or the event's form), else the Cause itself (CreateJob
   * refused, a timeout), named by the Error.
   *
   * @example MediaConvertJobState.fromTaskFailure({ Error: 'States.TaskFailed', Cause: '{"Job":{"Status":"ERROR","ErrorCode":1010,...}}' })
   */
  fromTaskFailure(failure: { readonly Error?: string; readonly Cause?: string }): MediaConvertJobOutcome & {
    status: 'error';
  } {
    const cause = failure.Cause ?? '';
    const json = tryJson(cause);
    for (const read of [MediaConvertJobState.fromJob, MediaConvertJobState.fromEvent]) {
      try {
        const outcome = read(json);
        if (outcome.status === 'error') return outcome;
      } catch {
        // Not that form; try the next, then take the Cause as it is.
      }
    }
    const camel = z.object({ errorMessage: z.string(), errorCode: z.number().optional() }).safeParse(json);
    const message = camel.success ? camel.data.errorMessage : cause.trim();
    const name = failure.Error ?? 'States.TaskFailed';
    return {
      status: 'error',
      userMetadata: {},
      ...(camel.success && camel.data.errorCode !== undefined ? { errorCode: camel.data.errorCode } : {}),
      errorMessage: message ? `${name}: ${message.slice(0, 500)}` : name,
    };
  },

  /**
   * The reason a failed job is recorded with, as people read it.
   *
   * @example MediaConvertJobState.reason({ status: 'error', userMetadata: {}, errorCode: 1010, errorMessage: 'Unsupported codec' })
   * // 'MediaConvert could not transcode the video (error 1010): Unsupported codec'
   */
  reason(outcome: Extract<MediaConvertJobOutcome, { status: 'error' }>): string {
    const code = outcome.errorCode !== undefined ? ` (error ${outcome.errorCode})` : '';
    return `MediaConvert could not transcode the video${code}: ${outcome.errorMessage}`;
  },
};
