import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnPipe } from 'aws-cdk-lib/aws-pipes';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import {
  Choice,
  Condition,
  CustomState,
  DefinitionBody,
  LogLevel,
  Pass,
  StateMachine,
  StateMachineType,
  Succeed,
  TaskInput,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { consumerQueue } from './fan-out.js';
import { allow } from './grants.js';
import { LAMBDA_ENTRIES } from './lambda-bundle.js';
import { NodeLambda } from './node-lambda.js';
import { shipWorkerPackages, WORKER_MEMORY_MB } from './processing.js';
import { ORIGINALS_PREFIX, RENDITIONS_PREFIX } from './storage.js';

/** The state names of the workflow, which its executions' histories and the tests read. */
export const VIDEO_STATES = {
  upload: 'Upload',
  probe: 'Probe',
  submitted: 'Submitted?',
  transcode: 'StartTranscode',
  record: 'Record',
  recordFailure: 'RecordFailure',
  nothing: 'NothingToTranscode',
} as const;

/**
 * The fields of the CreateJob request the StartTranscode state takes from the Probe
 * step's output (`$.probe.createJob`); `Role` is fixed in the definition instead, so
 * the state can only ever pass the workflow's own MediaConvert role.
 */
export const CREATE_JOB_FIELDS = ['Settings', 'UserMetadata', 'StatusUpdateInterval'] as const;

/** The longest a MediaConvert job may take before the workflow gives up on it: videos are 10 minutes at most. */
export const TRANSCODE_TIMEOUT = Duration.hours(2);
/** The longest an execution may take, queueing in MediaConvert included. */
export const WORKFLOW_TIMEOUT = Duration.hours(3);
/** The start step reads one record per message (batch size 1): a few DynamoDB reads. */
export const START_TIMEOUT = Duration.seconds(30);
/** Probing reads a container header and index by ranges (hundreds of KB), never the file. */
export const PROBE_TIMEOUT = Duration.seconds(60);
/** Record renders the poster's three presets, as the thumbnail worker renders a photo's. */
export const RECORD_TIMEOUT = Duration.seconds(60);

/** Options of {@link VideoProcessing}. */
export interface VideoProcessingProps {
  /** The upload topic (fan-out.ts) the video queue subscribes to. */
  readonly uploads: ITopic;
  readonly photos: Bucket;
  readonly table: Table;
  readonly logRetention: RetentionDays;
  /** The environment the Lambdas' composition root reads (bucket, table, queue...). */
  readonly environment: Record<string, string>;
  /** The analysis consumer's queue, where uploads are analysed: a video's poster is analysed once it exists. */
  readonly analysisQueue?: Queue;
}

/**
 * Videos on AWS: a queue of their own on the upload topic (with a DLQ), drained
 * by an EventBridge Pipe into a Step Functions workflow, one execution per upload
 * of a video item:
 *
 * ```
 * video queue ─ Pipe ─ start (Lambda enrichment: videos only) ─> state machine
 *   Upload ─ Probe (Lambda: ProcessVideo) ─ Submitted? ─┬─ StartTranscode (mediaconvert:createJob.sync)
 *                                                       │    ├─ Record (Lambda: RecordTranscode, ready)
 *                                                       │    └─ catch ─ RecordFailure (Lambda: failed, MediaConvert's error)
 *                                                       └─ NothingToTranscode (refused and recorded, or skipped)
 * ```
 *
 * The enrichment drops every upload that is not a video (`[]` starts nothing),
 * so photos cost the workflow a pipe request and a table read. MediaConvert runs
 * as its own role (read originals, write a video's MP4 and poster captures), which
 * only the state machine may pass to it. A workflow that fails (a step that kept
 * failing) can be redriven from the failed state; an alarm says when one does.
 */
export class VideoProcessing extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly start: NodejsFunction;
  readonly probe: NodejsFunction;
  readonly record: NodejsFunction;
  /** The role MediaConvert assumes for the workflow's jobs. */
  readonly mediaConvertRole: Role;
  readonly stateMachine: StateMachine;
  readonly pipe: CfnPipe;
  readonly pipeRole: Role;

  constructor(scope: Construct, id: string, props: VideoProcessingProps) {
    super(scope, id);
    const stack = Stack.of(this);
    ({ queue: this.queue, deadLetterQueue: this.deadLetterQueue } = consumerQueue(this, {
      uploads: props.uploads,
      workerTimeout: START_TIMEOUT,
    }));
    const originals = props.photos.arnForObjects(`${ORIGINALS_PREFIX}*`);
    const renditions = props.photos.arnForObjects(`${RENDITIONS_PREFIX}*`);

    // MediaConvert reads the original and writes the MP4 and the frame captures (the poster's and
    // the sampled frames'), nothing else.
    this.mediaConvertRole = new Role(this, 'MediaConvertRole', {
      assumedBy: new ServicePrincipal('mediaconvert.amazonaws.com'),
      description: 'Pixport video workflow: MediaConvert reads originals and writes a video MP4 and poster',
    });
    allow(this.mediaConvertRole, ['s3:GetObject'], [originals]);
    allow(
      this.mediaConvertRole,
      ['s3:PutObject'],
      [
        props.photos.arnForObjects(`${RENDITIONS_PREFIX}*/video.mp4`),
        props.photos.arnForObjects(`${RENDITIONS_PREFIX}*/poster.*.jpg`),
        props.photos.arnForObjects(`${RENDITIONS_PREFIX}*/frame.*.jpg`),
      ],
    );

    this.start = new NodeLambda(this, 'Start', {
      entry: LAMBDA_ENTRIES['video-start'],
      description: 'Pixport video workflow: lets uploads of videos through to the state machine',
      memorySize: 256,
      timeout: START_TIMEOUT,
      logRetention: props.logRetention,
      environment: props.environment,
    }).fn;
    props.table.grantReadData(this.start);

    this.probe = new NodeLambda(this, 'Probe', {
      entry: LAMBDA_ENTRIES['video-probe'],
      description: 'Pixport video workflow: probes a video original, checks its limits, plans its transcode',
      memorySize: 1024,
      timeout: PROBE_TIMEOUT,
      logRetention: props.logRetention,
      environment: { ...props.environment, MEDIACONVERT_ROLE_ARN: this.mediaConvertRole.roleArn },
    }).fn;
    // Reads the original by ranges (HEAD and ranged GETs); ListBucket makes a missing key a 404.
    allow(this.probe, ['s3:GetObject'], [originals]);
    allow(this.probe, ['s3:ListBucket'], [props.photos.bucketArn]);
    props.table.grantReadWriteData(this.probe);

    this.record = new NodeLambda(this, 'Record', {
      entry: LAMBDA_ENTRIES['video-record'],
      description: "Pixport video workflow: records a transcode, renders its poster's renditions",
      // The thumbnail worker's render, so its memory (processing.ts).
      memorySize: WORKER_MEMORY_MB,
      timeout: RECORD_TIMEOUT,
      logRetention: props.logRetention,
      environment: {
        ...props.environment,
        ...(props.analysisQueue ? { ANALYSIS_QUEUE_URL: props.analysisQueue.queueUrl } : {}),
      },
      afterBundling: shipWorkerPackages,
    }).fn;
    // Reads the captures and the MP4's size, writes the poster, the sampled frames and the poster's
    // renditions, deletes the captures (and what it made for an item deleted meanwhile).
    allow(this.record, ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], [renditions]);
    allow(this.record, ['s3:ListBucket'], [props.photos.bucketArn]);
    props.table.grantReadWriteData(this.record);
    props.analysisQueue?.grantSendMessages(this.record);

    this.stateMachine = this.workflow(props.logRetention);

    // The pipe reads the queue, asks `start` which messages are videos, and starts one
    // execution per video. Standard workflows are started fire-and-forget.
    this.pipeRole = new Role(this, 'PipeRole', {
      assumedBy: new ServicePrincipal('pipes.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: 'Pixport video workflow: the pipe from the video queue to the state machine',
    });
    allow(
      this.pipeRole,
      ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
      [this.queue.queueArn],
    );
    allow(this.pipeRole, ['lambda:InvokeFunction'], [this.start.functionArn]);
    allow(this.pipeRole, ['states:StartExecution'], [this.stateMachine.stateMachineArn]);
    this.pipe = new CfnPipe(this, 'Pipe', {
      roleArn: this.pipeRole.roleArn,
      description: 'Pixport: video uploads from the video queue to the video workflow',
      source: this.queue.queueArn,
      sourceParameters: { sqsQueueParameters: { batchSize: 1 } },
      enrichment: this.start.functionArn,
      target: this.stateMachine.stateMachineArn,
      targetParameters: { stepFunctionStateMachineParameters: { invocationType: 'FIRE_AND_FORGET' } },
    });
    this.pipe.node.addDependency(this.pipeRole);
  }

  /** The state machine: Probe, then MediaConvert and the record of its outcome. */
  private workflow(logRetention: RetentionDays): StateMachine {
    const stack = Stack.of(this);
    const lambdaRetry = {
      errors: ['States.TaskFailed'],
      interval: Duration.seconds(5),
      maxAttempts: 3,
      backoffRate: 2,
    };

    // The pipe starts an execution with the enrichment's output as it is: a JSON array, even
    // of one (Pipes' batching rules for Step Functions targets); the batch size is 1.
    const upload = new Pass(this, 'UploadStep', {
      stateName: VIDEO_STATES.upload,
      comment: 'The one upload of the batch the pipe started this execution with',
      parameters: { 'ownerId.$': '$[0].ownerId', 'photoId.$': '$[0].photoId' },
    });
    const probe = new LambdaInvoke(this, 'ProbeStep', {
      stateName: VIDEO_STATES.probe,
      lambdaFunction: this.probe,
      payloadResponseOnly: true,
      resultPath: '$.probe',
    }).addRetry(lambdaRetry);

    const createJob: Record<string, unknown> = { Role: this.mediaConvertRole.roleArn };
    for (const field of CREATE_JOB_FIELDS) createJob[`${field}.$`] = `$.probe.createJob.${field}`;
    // A CustomState's id is its state name.
    const transcode = new CustomState(this, VIDEO_STATES.transcode, {
      stateJson: {
        Type: 'Task',
        Comment: 'Submits the MediaConvert job the Probe step built, and waits for it to end',
        Resource: `arn:${stack.partition}:states:::mediaconvert:createJob.sync`,
        Parameters: createJob,
        ResultPath: '$.transcode',
        TimeoutSeconds: TRANSCODE_TIMEOUT.toSeconds(),
      },
    });
    // Throttling and MediaConvert's own trouble pass; a job MediaConvert failed would fail again.
    transcode.addRetry({
      errors: ['MediaConvert.TooManyRequestsException', 'MediaConvert.InternalServerErrorException'],
      interval: Duration.seconds(10),
      maxAttempts: 5,
      backoffRate: 2,
    });

    const record = new LambdaInvoke(this, 'RecordStep', {
      stateName: VIDEO_STATES.record,
      lambdaFunction: this.record,
      payloadResponseOnly: true,
      payload: TaskInput.fromObject({ 'job.$': '$.probe.job', 'transcode.$': '$.transcode' }),
      resultPath: '$.record',
    }).addRetry(lambdaRetry);
    const recordFailure = new LambdaInvoke(this, 'RecordFailureStep', {
      stateName: VIDEO_STATES.recordFailure,
      lambdaFunction: this.record,
      payloadResponseOnly: true,
      payload: TaskInput.fromObject({ 'job.$': '$.probe.job', 'error.$': '$.error' }),
      resultPath: '$.record',
    }).addRetry(lambdaRetry);
    transcode.addCatch(recordFailure, { errors: ['States.ALL'], resultPath: '$.error' });

    const definition = upload
      .next(probe)
      .next(
        new Choice(this, 'SubmittedChoice', { stateName: VIDEO_STATES.submitted })
          .when(Condition.stringEquals('$.probe.outcome', 'submitted'), transcode.next(record))
          .otherwise(new Succeed(this, 'NothingStep', { stateName: VIDEO_STATES.nothing })),
      );

    const stateMachine = new StateMachine(this, 'Workflow', {
      definitionBody: DefinitionBody.fromChainable(definition),
      stateMachineType: StateMachineType.STANDARD,
      timeout: WORKFLOW_TIMEOUT,
      tracingEnabled: true,
      logs: {
        destination: new LogGroup(this, 'WorkflowLogs', {
          retention: logRetention,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
        level: LogLevel.ALL,
        // Each state's input and output would put every item's keys in the log; the
        // execution history keeps them for 90 days for whoever needs them.
        includeExecutionData: false,
      },
    });

    // What `mediaconvert:createJob.sync` needs, and no more: CreateJob on the on-demand queue
    // the job goes to, GetJob and CancelJob on jobs (their ids are MediaConvert's), the rule
    // Step Functions watches jobs with, and passing the MediaConvert role, to MediaConvert only.
    const mediaconvert = (resource: string) =>
      stack.formatArn({
        service: 'mediaconvert',
        resource,
        resourceName: resource === 'queues' ? 'Default' : '*',
      });
    allow(stateMachine, ['mediaconvert:CreateJob'], [mediaconvert('queues')]);
    allow(stateMachine, ['mediaconvert:GetJob', 'mediaconvert:CancelJob'], [mediaconvert('jobs')]);
    allow(
      stateMachine,
      ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
      [
        stack.formatArn({
          service: 'events',
          resource: 'rule',
          resourceName: 'StepFunctionsGetEventsForMediaConvertJobRule',
        }),
      ],
    );
    stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [this.mediaConvertRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'mediaconvert.amazonaws.com' } },
      }),
    );
    return stateMachine;
  }
}
