import aslValidator from 'asl-validator';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readContext } from '../../deploy/lib/context.js';
import {
  CREATE_JOB_FIELDS,
  TRANSCODE_TIMEOUT,
  VIDEO_STATES,
  type VideoProcessing,
} from '../../deploy/lib/video.js';
import { MediaConvertCompletions } from '../../src/adapters/aws/mediaconvert-completions.js';
import { MediaConvertJobRequest } from '../../src/adapters/aws/mediaconvert-job-request.js';
import { MediaConvertWorkflowTranscoder } from '../../src/adapters/aws/mediaconvert-workflow-transcoder.js';
import { WasmVipsImageProcessor } from '../../src/adapters/image/wasm-vips-image-processor.js';
import { InMemoryBlobStore } from '../../src/adapters/memory/in-memory-blob-store.js';
import { MediabunnyMediaProbe } from '../../src/adapters/video/mediabunny-media-probe.js';
import type { VideoTranscodeCompletion } from '../../src/application/ports/video-transcoder.js';
import type { OwnerId } from '../../src/domain/owner-id.js';
import type { PhotoId } from '../../src/domain/photo-id.js';
import { StorageKeys } from '../../src/domain/storage-keys.js';
import { TOKENS as T } from '../../src/entrypoints/composition/tokens.js';
import { VideoWorkflowTasks } from '../../src/entrypoints/lambda/video-workflow-tasks.js';
import {
  type VideoTranscoderHarness,
  videoTranscoderContract,
} from '../contract/video-transcoder.contract.js';
import { uniqueOwner } from '../support/fixtures.js';
import { ManualClock } from '../support/manual-clock.js';
import { testContainer } from '../support/test-container.js';
import {
  type AslDefinition,
  MediaConvertOnFfmpeg,
  runWorkflow,
  synthesizedDefinition,
  type TaskHandler,
  TEST_ACCOUNT,
  TEST_REGION,
  type WorkflowRun,
} from '../support/video-workflow.js';
import { testFfmpeg, testVideo } from '../support/videos.js';
import {
  type CfnResource,
  onlyResource,
  pageConfigOf,
  refersTo,
  resourcesOf,
  type Synthesized,
  synthesize,
} from './synth.js';

/**
 * The video workflow (deploy/lib/video.ts): the template, the state machine's
 * definition as CloudFormation would create it (validated by asl-validator), and
 * that definition run locally by aws-local-stepfunctions, an Amazon States Language
 * interpreter. Its Lambda tasks are bound, by the ARNs the definition names, to the
 * same task code the Lambdas run (src/entrypoints/lambda/video-workflow-tasks.ts)
 * over the real use cases on the memory adapters; MediaConvert's
 * `createJob.sync` task, which has no emulator, is played by the ffmpeg transcoder
 * (`MediaConvertOnFfmpeg`), which reads the job request as MediaConvert would.
 */

const idOf = (construct: IConstruct): string =>
  Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

const asList = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** The statements of one policy resource. */
const statementsIn = (policy: CfnResource): Statement[] =>
  (policy.Properties?.PolicyDocument as { Statement?: Statement[] } | undefined)?.Statement ?? [];

/** Every statement of the identity policies attached to the role `roleId`. */
function statementsOfRole(s: Synthesized, roleId: string): Statement[] {
  return Object.values(resourcesOf(s.template, 'AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties?.Roles).includes(`"${roleId}"`))
    .flatMap(statementsIn);
}
const roleIdOf = (fn: { role?: IConstruct }): string => idOf(fn.role as IConstruct);
const actionsOf = (statements: Statement[]): string[] => statements.flatMap((st) => asList(st.Action)).sort();
/** Action -> the resources it is allowed on, each as JSON text (tokens included). */
const grantMap = (statements: Statement[]): Record<string, string[]> => {
  const map: Record<string, string[]> = {};
  for (const st of statements) {
    for (const action of asList(st.Action)) {
      map[action] = [...(map[action] ?? []), ...asList(st.Resource).map((r) => JSON.stringify(r))];
    }
  }
  return map;
};

let s: Synthesized;
let video: VideoProcessing;
let definition: AslDefinition;
const lambdaArn = (fn: IConstruct) => `arn:aws:lambda:${TEST_REGION}:${TEST_ACCOUNT}:function:${idOf(fn)}`;
const CREATE_JOB_SYNC = 'arn:aws:states:::mediaconvert:createJob.sync';

beforeAll(() => {
  s = synthesize({}, { bundle: false });
  video = s.stack.video as VideoProcessing;
  definition = synthesizedDefinition(s.template, idOf(video.stateMachine));
});

describe('the video workflow in the template', () => {
  it('subscribes its own queue to the upload topic, with a DLQ and alarms on both', () => {
    const subscription = Object.values(resourcesOf(s.template, 'AWS::SNS::Subscription')).find((r) =>
      refersTo(r.Properties?.Endpoint, idOf(video.queue)),
    );
    expect(subscription?.Properties).toMatchObject({ Protocol: 'sqs', RawMessageDelivery: true });
    const queue = resourcesOf(s.template, 'AWS::SQS::Queue')[idOf(video.queue)] as CfnResource;
    expect(JSON.stringify(queue.Properties?.RedrivePolicy)).toContain(idOf(video.deadLetterQueue));
    const alarms = Object.values(resourcesOf(s.template, 'AWS::CloudWatch::Alarm'));
    const on = (id: string) => alarms.filter((a) => JSON.stringify(a.Properties?.Dimensions).includes(id));
    expect(on(idOf(video.deadLetterQueue)).map((a) => a.Properties?.MetricName)).toEqual([
      'ApproximateNumberOfMessagesVisible',
    ]);
    expect(on(idOf(video.queue)).map((a) => a.Properties?.MetricName)).toEqual([
      'ApproximateAgeOfOldestMessage',
    ]);
    expect(
      on(idOf(video.stateMachine))
        .map((a) => a.Properties?.MetricName)
        .sort(),
    ).toEqual(['ExecutionsFailed', 'ExecutionsTimedOut']);
  });

  it('pipes the queue through the start Lambda into the state machine, one fire-and-forget execution a message', () => {
    const [, pipe] = onlyResource(s.template, 'AWS::Pipes::Pipe');
    expect(pipe.Properties).toMatchObject({
      Source: { 'Fn::GetAtt': [idOf(video.queue), 'Arn'] },
      SourceParameters: { SqsQueueParameters: { BatchSize: 1 } },
      Enrichment: { 'Fn::GetAtt': [idOf(video.start), 'Arn'] },
      Target: { Ref: idOf(video.stateMachine) },
      TargetParameters: { StepFunctionStateMachineParameters: { InvocationType: 'FIRE_AND_FORGET' } },
    });
    const grants = grantMap(statementsOfRole(s, idOf(video.pipeRole)));
    expect(Object.keys(grants).sort()).toEqual([
      'lambda:InvokeFunction',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:ReceiveMessage',
      'states:StartExecution',
    ]);
    expect(grants['states:StartExecution']).toEqual([JSON.stringify({ Ref: idOf(video.stateMachine) })]);
    const role = resourcesOf(s.template, 'AWS::IAM::Role')[idOf(video.pipeRole)] as CfnResource;
    expect(role.Properties?.AssumeRolePolicyDocument).toMatchObject({
      Statement: [
        {
          Principal: { Service: 'pipes.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        },
      ],
    });
  });

  it('runs a standard workflow with X-Ray and every event logged, without execution data', () => {
    const machine = resourcesOf(s.template, 'AWS::StepFunctions::StateMachine')[
      idOf(video.stateMachine)
    ] as CfnResource;
    expect(machine.Properties).toMatchObject({
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
    });
  });

  it('gives MediaConvert a role of its own: trusted by MediaConvert only, reading originals, writing an MP4 and captures', () => {
    const role = resourcesOf(s.template, 'AWS::IAM::Role')[idOf(video.mediaConvertRole)] as CfnResource;
    expect(role.Properties?.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'mediaconvert.amazonaws.com' } },
      ],
    });
    expect(role.Properties?.ManagedPolicyArns).toBeUndefined();
    const grants = grantMap(statementsOfRole(s, idOf(video.mediaConvertRole)));
    expect(Object.keys(grants).sort()).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(grants['s3:GetObject']?.join()).toMatch(/\/originals\/\*"\]\]\}$/);
    expect(grants['s3:PutObject']?.map((r) => r.match(/\/renditions\/[^"]+/)?.[0]).sort()).toEqual([
      '/renditions/*/frame.*.jpg',
      '/renditions/*/poster.*.jpg',
      '/renditions/*/video.mp4',
    ]);
  });

  it('lets the state machine alone pass that role, to MediaConvert only', () => {
    const passes = Object.values(resourcesOf(s.template, 'AWS::IAM::Policy')).flatMap((p) =>
      statementsIn(p)
        .filter((st) => asList(st.Action).includes('iam:PassRole'))
        .map((st) => ({ st, roles: JSON.stringify(p.Properties?.Roles) })),
    );
    expect(passes).toHaveLength(1);
    expect(passes[0]?.roles).toContain(roleIdOf(video.stateMachine));
    expect(passes[0]?.st).toMatchObject({
      Action: 'iam:PassRole',
      Resource: { 'Fn::GetAtt': [idOf(video.mediaConvertRole), 'Arn'] },
      Condition: { StringEquals: { 'iam:PassedToService': 'mediaconvert.amazonaws.com' } },
    });
  });

  it("lets the state machine create jobs on the on-demand queue, follow its jobs, and invoke the workflow's two Lambdas", () => {
    const grants = grantMap(statementsOfRole(s, roleIdOf(video.stateMachine)));
    const named = Object.keys(grants).filter((a) => !a.startsWith('xray:') && !a.startsWith('logs:'));
    expect(named.sort()).toEqual([
      'events:DescribeRule',
      'events:PutRule',
      'events:PutTargets',
      'iam:PassRole',
      'lambda:InvokeFunction',
      'mediaconvert:CancelJob',
      'mediaconvert:CreateJob',
      'mediaconvert:GetJob',
    ]);
    expect(grants['mediaconvert:CreateJob']?.join()).toMatch(/:queues\/Default"\]\]\}$/);
    expect(grants['mediaconvert:GetJob']?.join()).toMatch(/:jobs\/\*"\]\]\}$/);
    expect(grants['events:PutRule']?.join()).toContain('rule/StepFunctionsGetEventsForMediaConvertJobRule');
    const invoked = grants['lambda:InvokeFunction']?.join() ?? '';
    expect(invoked).toContain(idOf(video.probe));
    expect(invoked).toContain(idOf(video.record));
    expect(invoked).not.toContain(idOf(video.start));
  });

  it('grants each Lambda what its step does, and no more', () => {
    const start = grantMap(statementsOfRole(s, roleIdOf(video.start)));
    expect(
      actionsOf(statementsOfRole(s, roleIdOf(video.start))).filter((a) =>
        /^(s3|sqs|iam|mediaconvert):/.test(a),
      ),
    ).toEqual([]);
    expect(start['dynamodb:GetItem']).toBeDefined();
    expect(start['dynamodb:PutItem']).toBeUndefined();

    const probe = grantMap(statementsOfRole(s, roleIdOf(video.probe)));
    expect(
      Object.keys(probe)
        .filter((a) => a.startsWith('s3:'))
        .sort(),
    ).toEqual(['s3:GetObject', 's3:ListBucket']);
    expect(probe['s3:GetObject']?.join()).toMatch(/\/originals\/\*"\]\]\}$/);
    expect(probe['dynamodb:PutItem']).toBeDefined();
    expect(Object.keys(probe).filter((a) => /^(iam|mediaconvert|sqs):/.test(a))).toEqual([]);

    const record = grantMap(statementsOfRole(s, roleIdOf(video.record)));
    expect(
      Object.keys(record)
        .filter((a) => a.startsWith('s3:'))
        .sort(),
    ).toEqual(['s3:DeleteObject', 's3:GetObject', 's3:ListBucket', 's3:PutObject']);
    for (const action of ['s3:GetObject', 's3:PutObject', 's3:DeleteObject']) {
      expect(record[action]?.join()).toMatch(/\/renditions\/\*"\]\]\}$/);
    }
    // The poster's analysis, where uploads are analysed.
    expect(record['sqs:SendMessage']?.join()).toContain(idOf(s.stack.analysis?.queue as IConstruct));
    expect(Object.keys(record).filter((a) => /^(iam|mediaconvert):/.test(a))).toEqual([]);
  });

  it('tells the Probe step the very role the StartTranscode state passes', () => {
    const fn = resourcesOf(s.template, 'AWS::Lambda::Function')[idOf(video.probe)] as CfnResource;
    const environment = fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined;
    expect(environment?.Variables?.MEDIACONVERT_ROLE_ARN).toEqual({
      'Fn::GetAtt': [idOf(video.mediaConvertRole), 'Arn'],
    });
    const transcode = definition.States[VIDEO_STATES.transcode] as unknown as {
      Parameters: { Role: string };
    };
    expect(transcode.Parameters.Role).toBe(
      `arn:aws:iam::${TEST_ACCOUNT}:role/${idOf(video.mediaConvertRole)}`,
    );
  });
});

describe('the video workflow definition', () => {
  it('is valid Amazon States Language (asl-validator, with its path and ARN checks)', () => {
    const result = aslValidator(definition, { checkPaths: true, checkArn: true });
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('submits the MediaConvert job through `createJob.sync`, from every field of the request Probe builds', () => {
    const transcode = definition.States[VIDEO_STATES.transcode] as unknown as {
      Resource: string;
      Parameters: Record<string, unknown>;
      TimeoutSeconds: number;
      Catch: { ErrorEquals: string[]; Next: string; ResultPath: string }[];
    };
    expect(transcode.Resource).toBe(CREATE_JOB_SYNC);
    expect(transcode.TimeoutSeconds).toBe(TRANSCODE_TIMEOUT.toSeconds());
    expect(transcode.Catch).toEqual([
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: VIDEO_STATES.recordFailure },
    ]);
    const request = MediaConvertJobRequest.build(
      {
        ownerId: 'o' as OwnerId,
        photoId: 'p' as PhotoId,
        originalKey: 'originals/o/p',
        outputs: {
          video: 'renditions/o/p/video.mp4',
          poster: 'renditions/o/p/poster.jpg',
          frames: ['renditions/o/p/frame-1.jpg'],
        },
        plan: { width: 320, height: 240, posterAtMs: 300, frameTimesMs: [1500] },
        durationMs: 3000,
      },
      { bucket: 'b', roleArn: 'arn:aws:iam::123456789012:role/r' },
    );
    // Every field but Role comes from the request; Role is fixed in the definition.
    expect(
      Object.keys(request)
        .filter((k) => k !== 'Role')
        .sort(),
    ).toEqual([...CREATE_JOB_FIELDS].sort());
    expect(Object.keys(transcode.Parameters).sort()).toEqual(
      ['Role', ...CREATE_JOB_FIELDS.map((f) => `${f}.$`)].sort(),
    );
  });

  it("starts from the pipe's batch of one: the execution input is an array (Pipes' rule for Step Functions targets)", () => {
    expect(definition.StartAt).toBe(VIDEO_STATES.upload);
    expect(definition.States[VIDEO_STATES.upload]).toMatchObject({
      Type: 'Pass',
      Parameters: { 'ownerId.$': '$[0].ownerId', 'photoId.$': '$[0].photoId' },
      Next: VIDEO_STATES.probe,
    });
  });

  it('binds Probe to the probe Lambda and both record states to the record Lambda', () => {
    const resource = (name: string) => definition.States[name]?.Resource;
    expect(resource(VIDEO_STATES.probe)).toBe(lambdaArn(video.probe));
    expect(resource(VIDEO_STATES.record)).toBe(lambdaArn(video.record));
    expect(resource(VIDEO_STATES.recordFailure)).toBe(lambdaArn(video.record));
  });
});

describe('the `video` parameter', () => {
  it('reads it from context (default on)', () => {
    expect(readContext(new App({ context: { video: 'false' } }).node).props.video).toBe(false);
    expect(readContext(new App().node).props.video).toBeUndefined();
    expect(() => readContext(new App({ context: { video: 'no' } }).node)).toThrow(/video is true or false/);
  });

  it('deploys nothing of the video workflow with `video=false`', () => {
    const off = synthesize({ video: false }, { bundle: false });
    expect(off.stack.video).toBeUndefined();
    for (const type of ['AWS::StepFunctions::StateMachine', 'AWS::Pipes::Pipe']) {
      expect(Object.keys(resourcesOf(off.template, type))).toEqual([]);
    }
    const text = JSON.stringify(off.template.toJSON());
    expect(text).not.toContain('mediaconvert');
    expect(text).not.toContain('iam:PassRole');
    // The API refuses videos instead of leaving them `processing`; the default stack accepts them.
    const httpVariables = (s: ReturnType<typeof synthesize>): Record<string, unknown> => {
      const fn = resourcesOf(s.template, 'AWS::Lambda::Function')[idOf(s.stack.api.handler)];
      const environment = fn?.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined;
      return environment?.Variables ?? {};
    };
    expect(httpVariables(off).VIDEO_UPLOADS).toBe('off');
    expect(pageConfigOf(off)).toMatchObject({ video: false });
    expect(httpVariables(synthesize({}, { bundle: false })).VIDEO_UPLOADS).toBeUndefined();
  });
});

// ---- The synthesized state machine, run locally on the use cases --------------------------

const BUCKET = 'pixport-photos';

/** The memory world of the use cases, and the workflow's tasks bound to the definition's ARNs. */
async function workflowWorld() {
  const clock = new ManualClock(Date.now());
  const processor = new WasmVipsImageProcessor();
  const container = testContainer({ clock, processor });
  const handOff = new MediaConvertWorkflowTranscoder({
    bucket: BUCKET,
    roleArn: `arn:aws:iam::${TEST_ACCOUNT}:role/${idOf(video.mediaConvertRole)}`,
  });
  const probe = new MediabunnyMediaProbe();
  container.bind(T.MediaProbe).toConstantValue(handOff.watching(probe));
  container.bind(T.VideoTranscoder).toConstantValue(handOff);
  const blobs = container.get(T.InMemoryBlobStore);
  const photos = container.get(T.PhotoRepository);
  const recordTranscode = container.get(T.RecordTranscode);
  const mediaConvert = new MediaConvertOnFfmpeg({
    store: blobs,
    bucket: BUCKET,
    probe,
    ffmpegPath: testFfmpeg(),
  });
  const record = VideoWorkflowTasks.record({
    completions: new MediaConvertCompletions(blobs, { bucket: BUCKET }),
    record: (completion) => recordTranscode.execute(completion),
  });
  const handlers: Record<string, TaskHandler> = {
    [lambdaArn(video.probe)]: VideoWorkflowTasks.probe({
      processVideo: container.get(T.ProcessVideo),
      handOff,
    }),
    [lambdaArn(video.record)]: record,
    [CREATE_JOB_SYNC]: mediaConvert.createJobSync,
  };
  const start = VideoWorkflowTasks.start({ bucket: BUCKET, photos });

  /** Registers an upload of `bytes` declared as `contentType`, and lands the original. */
  const upload = async (bytes: Uint8Array, contentType: string) => {
    const ownerId = uniqueOwner('video');
    const registered = await container
      .get(T.RegisterUpload)
      .execute({ ownerId, filename: 'clip', contentType, size: bytes.byteLength, multipart: false });
    if (!registered.ok) throw registered.error;
    const { photo } = registered.value;
    await blobs.put(StorageKeys.original(ownerId, photo.id), bytes, { contentType });
    return photo;
  };

  /** What the video queue hands the pipe for an original that landed: S3's notification, as SNS delivers it raw. */
  const notification = (key: string, size: number) => [
    {
      messageId: crypto.randomUUID(),
      body: JSON.stringify({
        Records: [
          {
            eventSource: 'aws:s3',
            eventName: 'ObjectCreated:Put',
            s3: { bucket: { name: BUCKET }, object: { key, size } },
          },
        ],
      }),
    },
  ];

  /** The pipe's part (start) and the execution it starts, if any. */
  const landed = async (bytes: Uint8Array, contentType: string) => {
    const photo = await upload(bytes, contentType);
    const inputs = await start(notification(StorageKeys.original(photo.ownerId, photo.id), bytes.byteLength));
    // The pipe starts one execution with the enrichment's output, an array even of one.
    const runs: WorkflowRun[] = inputs.length > 0 ? [await runWorkflow(definition, inputs, handlers)] : [];
    return { photo, inputs, runs, record: await photos.get(photo.ownerId, photo.id) };
  };

  return { landed, blobs, processor };
}

describe('the synthesized workflow, run by aws-local-stepfunctions on the use cases', () => {
  let world: Awaited<ReturnType<typeof workflowWorld>>;
  beforeAll(async () => {
    world = await workflowWorld();
  });
  afterAll(async () => {
    await world.processor.close();
  });

  it('transcodes a video: Probe, StartTranscode, Record, and the item is ready with its MP4, poster and renditions', async () => {
    const { photo, inputs, runs, record } = await world.landed(
      await testVideo('rotated-mov'),
      'video/quicktime',
    );
    expect(inputs).toEqual([{ ownerId: photo.ownerId, photoId: photo.id }]);
    expect(runs[0]?.error).toBeUndefined();
    expect(runs[0]?.path).toEqual([
      VIDEO_STATES.upload,
      VIDEO_STATES.probe,
      VIDEO_STATES.submitted,
      VIDEO_STATES.transcode,
      VIDEO_STATES.record,
    ]);
    expect(record).toMatchObject({ kind: 'video', status: 'ready', width: 240, height: 320 });
    expect(record?.video?.mp4).toMatchObject({
      key: StorageKeys.videoMp4(photo.ownerId, photo.id),
      width: 240,
      height: 320,
    });
    expect(record?.video?.poster).toMatchObject({ key: StorageKeys.videoPoster(photo.ownerId, photo.id) });
    expect(record?.renditions.map((r) => r.preset).sort()).toEqual(['large', 'preview', 'thumb']);
    const base = `renditions/${photo.ownerId}/${photo.id}`;
    expect(await world.blobs.head(`${base}/video.mp4`)).toMatchObject({ contentType: 'video/mp4' });
    expect(await world.blobs.head(`${base}/poster.jpg`)).toMatchObject({ contentType: 'image/jpeg' });
    // The frame captures MediaConvert wrote were moved to the poster's key.
    expect(await world.blobs.head(`${base}/poster.0000000.jpg`)).toBeUndefined();
    expect(await world.blobs.head(`${base}/poster.0000001.jpg`)).toBeUndefined();
    // The sampled frames' captures were moved to their keys, for the analysis to look at.
    expect(record?.video?.frames?.map((f) => f.key)).toEqual(
      [1, 2, 3].map((n) => StorageKeys.videoFrame(photo.ownerId, photo.id, n)),
    );
    expect(record?.video?.frames?.map((f) => f.atMs)).toEqual(record?.video?.plan.frameTimesMs);
    for (const n of [1, 2, 3]) {
      expect(await world.blobs.head(`${base}/frame-${n}.jpg`)).toMatchObject({ contentType: 'image/jpeg' });
    }
    expect(world.blobs.keys(`${base}/frame.`)).toEqual([]);
    expect(runs[0]?.output).toMatchObject({ record: { outcome: 'ready', status: 'ready' } });
  });

  it("records MediaConvert's error when the job fails: StartTranscode is caught into RecordFailure", async () => {
    const { runs, record } = await world.landed(await testVideo('bad-codec-config-mp4'), 'video/mp4');
    expect(runs[0]?.path).toEqual([
      VIDEO_STATES.upload,
      VIDEO_STATES.probe,
      VIDEO_STATES.submitted,
      VIDEO_STATES.transcode,
      VIDEO_STATES.recordFailure,
    ]);
    expect(record).toMatchObject({ status: 'failed', failure: { code: 'transcode-failed' } });
    expect(record?.failure?.message).toMatch(
      /^MediaConvert could not transcode the video \(error 1010\): ffmpeg /,
    );
    expect(runs[0]?.output).toMatchObject({ record: { outcome: 'failed', status: 'failed' } });
  });

  it('refuses a file that is no video at Probe, recorded by ProcessVideo, and submits nothing', async () => {
    const { runs, record } = await world.landed(await testVideo('avi'), 'video/mp4');
    expect(runs[0]?.path).toEqual([
      VIDEO_STATES.upload,
      VIDEO_STATES.probe,
      VIDEO_STATES.submitted,
      VIDEO_STATES.nothing,
    ]);
    expect(record).toMatchObject({ status: 'failed' });
    expect(record?.failure?.message).toContain('AVI');
    expect(runs[0]?.output).toMatchObject({ probe: { outcome: 'failed' } });
  });

  it('starts nothing for a photo: the pipe enrichment lets videos through only', async () => {
    const { inputs, runs } = await world.landed(
      new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]),
      'image/jpeg',
    );
    expect(inputs).toEqual([]);
    expect(runs).toEqual([]);
  });
});

/** Completions by photo, whether they arrive before or after a test asks for them. */
class CompletionBox {
  private readonly arrived = new Map<string, VideoTranscodeCompletion>();
  private readonly waiting = new Map<
    string,
    { resolve: (c: VideoTranscodeCompletion) => void; reject: (e: Error) => void }
  >();
  private readonly failed = new Map<string, Error>();

  deliver(completion: VideoTranscodeCompletion): void {
    const waiter = this.waiting.get(completion.photoId);
    if (waiter) waiter.resolve(completion);
    else this.arrived.set(completion.photoId, completion);
  }

  fail(photoId: string, error: Error): void {
    const waiter = this.waiting.get(photoId);
    if (waiter) waiter.reject(error);
    else this.failed.set(photoId, error);
  }

  completion(photoId: PhotoId): Promise<VideoTranscodeCompletion> {
    const done = this.arrived.get(photoId);
    if (done) return Promise.resolve(done);
    const failure = this.failed.get(photoId);
    if (failure) return Promise.reject(failure);
    return new Promise((resolve, reject) => this.waiting.set(photoId, { resolve, reject }));
  }
}

/**
 * The VideoTranscoder contract, through the synthesized workflow: `submit` hands the
 * job to the workflow as the Probe step does (the request built by
 * MediaConvertWorkflowTranscoder), and runs the definition from there; the
 * MediaConvert task is ffmpeg reading that request, and the Record states turn its
 * outcome into the completion with the Record Lambda's own code, collected here
 * instead of recorded on an item (the contract makes none).
 */
videoTranscoderContract(
  'MediaConvert through the synthesized workflow (ffmpeg in MediaConvert’s place)',
  async () => {
    const store = new InMemoryBlobStore();
    const box = new CompletionBox();
    const probe = new MediabunnyMediaProbe();
    const handOff = new MediaConvertWorkflowTranscoder({
      bucket: BUCKET,
      roleArn: `arn:aws:iam::${TEST_ACCOUNT}:role/${idOf(video.mediaConvertRole)}`,
    });
    const mediaConvert = new MediaConvertOnFfmpeg({ store, bucket: BUCKET, probe, ffmpegPath: testFfmpeg() });
    const record = VideoWorkflowTasks.record({
      completions: new MediaConvertCompletions(store, { bucket: BUCKET }),
      record: async (completion) => {
        box.deliver(completion);
        // No item to record it on: the contract checks the completion itself.
        return { kind: 'skipped', reason: 'not-a-video' };
      },
    });
    const harness: VideoTranscoderHarness = {
      store,
      completion: (photoId) => box.completion(photoId),
      transcoder: {
        async submit(job) {
          // What the Probe step does around ProcessVideo: probe (for its sound), hand the job over.
          const original = await store.get(job.originalKey);
          if (original) await handOff.watching(probe).probe(original.bytes);
          await handOff.submit(job);
          const handed = handOff.take();
          const probeStep: TaskHandler = async () => ({
            outcome: 'submitted',
            job: { ownerId: job.ownerId, photoId: job.photoId, plan: job.plan, durationMs: job.durationMs },
            createJob: JSON.parse(JSON.stringify(handed?.createJob)),
          });
          void runWorkflow(definition, [{ ownerId: job.ownerId, photoId: job.photoId }], {
            [lambdaArn(video.probe)]: probeStep,
            [lambdaArn(video.record)]: record,
            [CREATE_JOB_SYNC]: mediaConvert.createJobSync,
          }).then((run) => {
            if (run.error)
              box.fail(job.photoId, new Error(`the workflow failed: ${run.error.name} ${run.error.message}`));
          });
        },
      },
    };
    return harness;
  },
);
