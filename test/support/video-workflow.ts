import type { Template } from 'aws-cdk-lib/assertions';
import { StateMachine } from 'aws-local-stepfunctions';
import { FfmpegVideoTranscoder } from '../../src/adapters/video/ffmpeg-video-transcoder.js';
import type { BlobStore } from '../../src/application/ports/blob-store.js';
import type { MediaProbe } from '../../src/application/ports/media-probe.js';
import type {
  VideoTranscodeCompletion,
  VideoTranscodeJob,
} from '../../src/application/ports/video-transcoder.js';
import type { OwnerId } from '../../src/domain/owner-id.js';
import type { PhotoId } from '../../src/domain/photo-id.js';

/** The account and region the synthesized (environment-agnostic) template is resolved in. */
export const TEST_ACCOUNT = '123456789012';
export const TEST_REGION = 'eu-west-1';

type Resources = Record<string, { readonly Type: string; readonly Properties?: Record<string, unknown> }>;

const PSEUDO: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': TEST_REGION,
  'AWS::AccountId': TEST_ACCOUNT,
  'AWS::URLSuffix': 'amazonaws.com',
};

/** The ARN a resource of the template would have, named by its logical id. */
const arnOf = (resources: Resources, id: string): string => {
  const type = resources[id]?.Type;
  switch (type) {
    case 'AWS::Lambda::Function':
      return `arn:aws:lambda:${TEST_REGION}:${TEST_ACCOUNT}:function:${id}`;
    case 'AWS::IAM::Role':
      return `arn:aws:iam::${TEST_ACCOUNT}:role/${id}`;
    case 'AWS::SQS::Queue':
      return `arn:aws:sqs:${TEST_REGION}:${TEST_ACCOUNT}:${id}`;
    case 'AWS::StepFunctions::StateMachine':
      return `arn:aws:states:${TEST_REGION}:${TEST_ACCOUNT}:stateMachine:${id}`;
    case 'AWS::Logs::LogGroup':
      return `arn:aws:logs:${TEST_REGION}:${TEST_ACCOUNT}:log-group:${id}:*`;
    default:
      throw new Error(`no ARN known for ${id} (${type ?? 'not in the template'})`);
  }
};

/**
 * A template value with its CloudFormation intrinsics resolved as CloudFormation
 * would in {@link TEST_ACCOUNT} and {@link TEST_REGION}: pseudo parameters,
 * `Fn::GetAtt` of an ARN, `Fn::Join`. Anything else throws, so a definition that
 * refers to something new is noticed rather than half-resolved.
 *
 * @example resolveIntrinsics({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }]] }, resources) // 'arn:aws'
 */
export function resolveIntrinsics(value: unknown, resources: Resources): string {
  if (typeof value === 'string') return value;
  const node = value as Record<string, unknown>;
  if (typeof node.Ref === 'string') {
    const pseudo = PSEUDO[node.Ref];
    if (pseudo) return pseudo;
    throw new Error(`Ref ${node.Ref} is not resolved by the harness`);
  }
  if (Array.isArray(node['Fn::GetAtt'])) {
    const [id, attribute] = node['Fn::GetAtt'] as [string, string];
    if (attribute !== 'Arn') throw new Error(`Fn::GetAtt ${id}.${attribute} is not resolved by the harness`);
    return arnOf(resources, id);
  }
  if (Array.isArray(node['Fn::Join'])) {
    const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
    return parts.map((part) => resolveIntrinsics(part, resources)).join(separator);
  }
  throw new Error(`no resolution for ${JSON.stringify(value).slice(0, 200)}`);
}

/** An Amazon States Language definition, as far as the harness reads it. */
export interface AslDefinition {
  readonly StartAt: string;
  readonly States: Record<
    string,
    { readonly Type: string; readonly Resource?: string; readonly Retry?: unknown[] }
  >;
  readonly [field: string]: unknown;
}

/**
 * The definition of the state machine `logicalId` as CloudFormation would create
 * it from the synthesized template: its `DefinitionString`, resolved to plain ARNs.
 */
export function synthesizedDefinition(template: Template, logicalId: string): AslDefinition {
  const resources = template.toJSON().Resources as Resources;
  const machine = resources[logicalId];
  if (machine?.Type !== 'AWS::StepFunctions::StateMachine')
    throw new Error(`${logicalId} is no state machine`);
  return JSON.parse(resolveIntrinsics(machine.Properties?.DefinitionString, resources));
}

/** What a Task resource does in the harness, in place of the AWS service it names. */
export type TaskHandler = (input: unknown) => Promise<unknown>;

/** An error thrown by a task, named as Step Functions names it (the Lambda's errorType, or the service's error). */
export class TaskError extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

type RunOptions = NonNullable<Parameters<StateMachine['run']>[1]>;
type LocalHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;

/** How one local execution went: its output or error, and the states it entered, in order. */
export interface WorkflowRun {
  readonly output?: unknown;
  readonly error?: { readonly name: string; readonly message: string };
  readonly path: readonly string[];
}

/**
 * Runs `definition` under aws-local-stepfunctions (an Amazon States Language
 * interpreter) on `input`, every Task bound by its `Resource` to a handler of
 * `handlers` (a Lambda's ARN, or a service integration's `arn:aws:states:::…`);
 * a Task whose resource has no handler fails the run before it starts. Retries
 * keep their rules but do not wait. Records the states entered, in order.
 *
 * @example
 * const run = await runWorkflow(definition, { ownerId, photoId }, { [probeArn]: probe, ... });
 * run.path // ['Probe', 'Submitted?', 'StartTranscode', 'Record']
 */
export async function runWorkflow(
  definition: AslDefinition,
  input: unknown,
  handlers: Record<string, TaskHandler>,
): Promise<WorkflowRun> {
  const taskResourceLocalHandlers: LocalHandlers = {};
  const retryIntervalOverrides: Record<string, number> = {};
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Retry) retryIntervalOverrides[name] = 0;
    if (state.Type !== 'Task') continue;
    const handler = state.Resource ? handlers[state.Resource] : undefined;
    if (!handler) throw new Error(`no handler for ${name}'s resource ${state.Resource}`);
    // The interpreter types task input and output as JSON values; the handlers read and return JSON.
    taskResourceLocalHandlers[name] = handler as unknown as LocalHandlers[string];
  }
  const machine = new StateMachine(definition as never);
  const execution = machine.run(input as never, {
    overrides: { taskResourceLocalHandlers, retryIntervalOverrides },
  });
  const path: string[] = [];
  const logged = (async () => {
    for await (const event of execution.eventLogs) {
      if (event.type === 'StateEntered') path.push(event.state.name);
    }
  })();
  try {
    const output = await execution.result;
    await logged;
    return { output, path };
  } catch (error) {
    await logged;
    const e = error as Error;
    return { error: { name: e.name, message: e.message }, path };
  }
}

/** What {@link MediaConvertOnFfmpeg} reads of a CreateJob request. */
interface Request {
  readonly Role?: unknown;
  readonly UserMetadata?: Record<string, string>;
  readonly Settings?: {
    readonly Inputs?: { FileInput?: string; VideoSelector?: { Rotate?: string } }[];
    readonly OutputGroups?: {
      Name?: string;
      OutputGroupSettings?: { Type?: string; FileGroupSettings?: { Destination?: string } };
      Outputs?: {
        ContainerSettings?: { Container?: string; Mp4Settings?: { MoovPlacement?: string } };
        VideoDescription?: {
          Width?: number;
          Height?: number;
          ScalingBehavior?: string;
          CodecSettings?: {
            Codec?: string;
            FrameCaptureSettings?: {
              FramerateNumerator?: number;
              FramerateDenominator?: number;
              MaxCaptures?: number;
            };
          };
        };
        AudioDescriptions?: { CodecSettings?: { Codec?: string } }[];
      }[];
    }[];
  };
}

/** A check of the request: what the emulator does not emulate is a test failure, not a job failure. */
const expectSetting = (ok: boolean, what: string): void => {
  if (!ok) throw new TypeError(`MediaConvertOnFfmpeg emulates only ${what}`);
};

let jobs = 0;

/**
 * MediaConvert's `createJob.sync` played by the FfmpegVideoTranscoder, for the
 * workflow run locally: no MediaConvert emulator exists. It reads the job as
 * MediaConvert would (the input's S3 URL, each output group's Destination, the
 * MP4's size, the frame capture's rate and count, the user metadata) and refuses
 * any setting whose effect ffmpeg does not reproduce: it emulates rotation by
 * metadata (`Rotate: AUTO`, ffmpeg's autorotation), moov first
 * (`PROGRESSIVE_DOWNLOAD`, ffmpeg's faststart), H.264 + AAC stretched to the
 * output size, a poster at the second frame capture's time, and sampled frames
 * at the frames group's rate. Outputs land where MediaConvert puts them:
 * `<mp4 destination>.mp4`, and the captures `<destination>.NNNNNNN.jpg` (the
 * first of each group as a copy of the next: ffmpeg takes only the frames
 * asked for; it is there to be cleaned up). It answers as `.sync` does:
 * GetJob's `{ Job }` when COMPLETE, and for a job that failed a
 * `States.TaskFailed` error whose cause is the job with its `ErrorMessage`.
 */
export class MediaConvertOnFfmpeg {
  constructor(
    private readonly deps: {
      readonly store: BlobStore;
      readonly bucket: string;
      readonly probe: MediaProbe;
      readonly ffmpegPath: string;
    },
  ) {}

  /** The `arn:aws:states:::mediaconvert:createJob.sync` task. */
  readonly createJobSync: TaskHandler = async (input) => {
    const request = input as Request;
    const s3 = `s3://${this.deps.bucket}/`;
    expectSetting(
      typeof request.Role === 'string' && /^arn:aws:iam::\d{12}:role\//.test(request.Role),
      'a role ARN',
    );
    const inputs = request.Settings?.Inputs ?? [];
    const fileInput = inputs[0]?.FileInput ?? '';
    expectSetting(inputs.length === 1 && fileInput.startsWith(s3), `one input in s3://${this.deps.bucket}`);
    expectSetting(inputs[0]?.VideoSelector?.Rotate === 'AUTO', 'rotation by metadata (Rotate: AUTO)');
    const [mp4Group, posterGroup, framesGroup, ...others] = request.Settings?.OutputGroups ?? [];
    expectSetting(
      others.length === 0 && !!mp4Group && !!posterGroup,
      'an MP4 group, a poster group and perhaps a frames group',
    );
    const groups = framesGroup ? [mp4Group, posterGroup, framesGroup] : [mp4Group, posterGroup];
    for (const group of groups) {
      expectSetting(group?.OutputGroupSettings?.Type === 'FILE_GROUP_SETTINGS', 'File groups');
      expectSetting(group?.Outputs?.length === 1, 'one output a group');
      expectSetting(
        group?.OutputGroupSettings?.FileGroupSettings?.Destination?.startsWith(s3) === true,
        `destinations in s3://${this.deps.bucket}`,
      );
    }
    const mp4 = mp4Group?.Outputs?.[0];
    const poster = posterGroup?.Outputs?.[0];
    const frames = framesGroup?.Outputs?.[0];
    expectSetting(mp4?.ContainerSettings?.Container === 'MP4', 'an MP4 container');
    expectSetting(
      mp4?.ContainerSettings?.Mp4Settings?.MoovPlacement === 'PROGRESSIVE_DOWNLOAD',
      'the moov atom first (PROGRESSIVE_DOWNLOAD)',
    );
    expectSetting(mp4?.VideoDescription?.CodecSettings?.Codec === 'H_264', 'H.264');
    expectSetting(
      (mp4?.AudioDescriptions ?? []).every((a) => a.CodecSettings?.Codec === 'AAC'),
      'AAC sound',
    );
    for (const still of framesGroup ? [poster, frames] : [poster]) {
      expectSetting(still?.ContainerSettings?.Container === 'RAW', 'a frame capture without container');
      expectSetting(still?.VideoDescription?.CodecSettings?.Codec === 'FRAME_CAPTURE', 'frame capture');
    }
    const capture = poster?.VideoDescription?.CodecSettings;
    const width = mp4?.VideoDescription?.Width ?? 0;
    const height = mp4?.VideoDescription?.Height ?? 0;
    for (const output of framesGroup ? [mp4, poster, frames] : [mp4, poster]) {
      expectSetting(
        output?.VideoDescription?.ScalingBehavior === 'STRETCH_TO_OUTPUT',
        'stretching to the output',
      );
      expectSetting(
        output?.VideoDescription?.Width === width && output?.VideoDescription?.Height === height,
        'a poster of the MP4 size',
      );
    }
    const {
      FramerateNumerator = 0,
      FramerateDenominator = 0,
      MaxCaptures = 0,
    } = capture?.FrameCaptureSettings ?? {};
    expectSetting(MaxCaptures === 1 || MaxCaptures === 2, 'one or two captures');
    expectSetting(FramerateNumerator > 0 && FramerateDenominator > 0, 'a capture rate');
    // The first frame, then one every denominator/numerator seconds: the last capture is the poster.
    const posterAtMs = MaxCaptures === 2 ? Math.round((FramerateDenominator / FramerateNumerator) * 1000) : 0;
    // The sampled frames: the first frame, then one every interval; captures 1, 2... are the samples.
    const sampling = frames?.VideoDescription?.CodecSettings?.FrameCaptureSettings;
    const frameCount = Math.max(0, (sampling?.MaxCaptures ?? 1) - 1);
    const intervalMs = sampling
      ? Math.round(((sampling.FramerateDenominator ?? 0) / (sampling.FramerateNumerator ?? 1)) * 1000)
      : 0;
    expectSetting(!framesGroup || (frameCount >= 1 && intervalMs > 0), 'a frame-sampling rate and count');
    const frameTimesMs = Array.from({ length: frameCount }, (_, i) => (i + 1) * intervalMs);
    const metadata = request.UserMetadata ?? {};

    const key = (url: string) => url.slice(s3.length);
    const mp4Base = key(mp4Group?.OutputGroupSettings?.FileGroupSettings?.Destination ?? '');
    const posterBase = key(posterGroup?.OutputGroupSettings?.FileGroupSettings?.Destination ?? '');
    const framesBase = key(framesGroup?.OutputGroupSettings?.FileGroupSettings?.Destination ?? '');
    const captureName = (base: string, n: number) => `${base}.${String(n).padStart(7, '0')}.jpg`;
    const captureKey = (n: number) => captureName(posterBase, n);
    const originalKey = key(fileInput);
    const original = await this.deps.store.get(originalKey);
    const probed = original ? await this.deps.probe.probe(original.bytes) : undefined;
    const job: VideoTranscodeJob = {
      ownerId: (metadata.ownerId ?? 'unknown') as OwnerId,
      photoId: (metadata.photoId ?? 'unknown') as PhotoId,
      originalKey,
      outputs: {
        video: `${mp4Base}.mp4`,
        poster: captureKey(MaxCaptures - 1),
        frames: frameTimesMs.map((_, i) => captureName(framesBase, i + 1)),
      },
      plan: { width, height, posterAtMs, frameTimesMs },
      durationMs: probed?.ok ? probed.value.durationMs : 0,
    };
    const completion = await this.transcode(job);
    const id = `${Date.now()}-emu${++jobs}`;
    const common = { Id: id, Role: request.Role, UserMetadata: metadata };
    if (completion.status === 'failed') {
      const cause = { Job: { ...common, Status: 'ERROR', ErrorCode: 1010, ErrorMessage: completion.reason } };
      throw new TaskError('States.TaskFailed', JSON.stringify(cause));
    }
    if (MaxCaptures === 2) {
      const last = await this.deps.store.get(captureKey(1));
      if (last) await this.deps.store.put(captureKey(0), last.bytes, { contentType: 'image/jpeg' });
    }
    if (frameCount > 0) {
      const first = await this.deps.store.get(captureName(framesBase, 1));
      if (first)
        await this.deps.store.put(captureName(framesBase, 0), first.bytes, { contentType: 'image/jpeg' });
    }
    const { video } = completion.outputs;
    const details = {
      DurationInMs: video.durationMs,
      VideoDetails: { WidthInPx: video.width, HeightInPx: video.height },
    };
    return {
      Job: {
        ...common,
        Status: 'COMPLETE',
        OutputGroupDetails: groups.map(() => ({ OutputDetails: [details] })),
      },
    };
  };

  private transcode(job: VideoTranscodeJob): Promise<VideoTranscodeCompletion> {
    return new Promise((resolve, reject) => {
      const ffmpeg = new FfmpegVideoTranscoder(
        { store: this.deps.store, probe: this.deps.probe, sink: { deliver: async (c) => resolve(c) } },
        { ffmpegPath: this.deps.ffmpegPath, deliveryAttempts: 1 },
      );
      ffmpeg.submit(job).catch(reject);
    });
  }
}
