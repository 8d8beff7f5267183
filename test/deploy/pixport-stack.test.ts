import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import { type CfnElement, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ANALYSIS_TIMEOUT, type AnalysisProcessing } from '../../deploy/lib/analysis.js';
import { QUEUE_VISIBILITY_TIMEOUT, WORKER_MEMORY_MB } from '../../deploy/lib/processing.js';
import { API_ROUTES } from '../../deploy/lib/routes.js';
import { PENDING_PHOTO_TTL_ATTRIBUTE, PENDING_UPLOAD_TAG } from '../../deploy/lib/storage.js';
import type { VideoProcessing } from '../../deploy/lib/video.js';
import { TTL_ATTRIBUTE } from '../../src/adapters/aws/dynamodb-photo-repository.js';
import { PENDING_UPLOAD_TAG as SIGNED_UPLOAD_TAG } from '../../src/adapters/aws/s3-upload-tagging.js';
import type { WorkerReply, WorkerRequest } from '../../src/adapters/image/wasm-vips-worker-protocol.js';
import { defaultLimits } from '../../src/domain/limits.js';
import { defaultRenditionSettings } from '../../src/domain/presets.js';
import { openApiDocument } from '../../src/entrypoints/http/openapi.js';
import { heicSample } from '../support/heic.js';
import {
  asSub,
  onlyResource,
  pageConfigOf,
  refersTo,
  resourcesOf,
  type Synthesized,
  synthesize,
} from './synth.js';

let s: Synthesized;
/** The logical id of a construct's CloudFormation resource. */
const idOf = (construct: IConstruct): string =>
  Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);
const props = (type: string, id: string): Record<string, unknown> => {
  const resource = resourcesOf(s.template, type)[id];
  if (!resource) throw new Error(`no ${type} ${id}`);
  return resource.Properties ?? {};
};
/** The statements of the bucket policy on the bucket with logical id `bucket`. */
const bucketPolicyOf = (bucket: string): Record<string, unknown>[] => {
  const policy = Object.values(resourcesOf(s.template, 'AWS::S3::BucketPolicy')).find(
    (p) => JSON.stringify(p.Properties?.Bucket) === JSON.stringify({ Ref: bucket }),
  );
  const document = policy?.Properties?.PolicyDocument as { Statement: Record<string, unknown>[] } | undefined;
  if (!document) throw new Error(`no bucket policy on ${bucket}`);
  return document.Statement;
};

beforeAll(() => {
  // Once for the file: this runs esbuild for both Lambdas and CloudFormation's schema validation.
  s = synthesize();
});

describe('storage', () => {
  it('keeps the photos bucket private, encrypted, retained, with the lifecycle rules', () => {
    const id = idOf(s.stack.storage.photos);
    s.template.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
      }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    const bucket = props('AWS::S3::Bucket', id);
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    // Versioned, so a deleted or overwritten object can be brought back (hardening.test.ts).
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect((bucket.LifecycleConfiguration as { Rules: unknown[] }).Rules.slice(0, 2)).toEqual([
      {
        Id: 'abort-incomplete-multipart-uploads',
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
        Status: 'Enabled',
      },
      {
        Id: 'expire-unaccepted-originals',
        Prefix: 'originals/',
        TagFilters: [{ Key: 'pixport-upload', Value: 'pending' }],
        ExpirationInDays: 14,
        Status: 'Enabled',
      },
    ]);
  });

  it('expires by the very tag that presigned uploads put on originals', () => {
    // The bucket's rule and S3UploadTagging name the tag each on its own side (deploy/ imports no src/).
    expect(PENDING_UPLOAD_TAG).toEqual(SIGNED_UPLOAD_TAG);
    expect(PENDING_UPLOAD_TAG).toEqual({ key: 'pixport-upload', value: 'pending' });
  });

  it('lets the site send signed uploads to the photos bucket (CORS PUT and POST from the site origin)', () => {
    const cors = props('AWS::S3::Bucket', idOf(s.stack.storage.photos)).CorsConfiguration as {
      CorsRules: { AllowedMethods: string[]; AllowedOrigins: unknown[] }[];
    };
    expect(cors.CorsRules).toHaveLength(1);
    const [rule] = cors.CorsRules;
    expect(rule?.AllowedMethods).toEqual(expect.arrayContaining(['PUT', 'POST']));
    // Every header of a presigned PUT's target: Content-Type, the signed x-amz-tagging and If-None-Match.
    const allowed = (rule as { AllowedHeaders?: string[] } | undefined)?.AllowedHeaders ?? [];
    for (const header of ['content-type', 'x-amz-tagging', 'if-none-match']) {
      const covered = allowed.some((a) =>
        a.endsWith('*') ? header.startsWith(a.slice(0, -1).toLowerCase()) : a.toLowerCase() === header,
      );
      expect(covered, `CORS allows the ${header} request header`).toBe(true);
    }
    expect(JSON.stringify(rule?.AllowedOrigins)).toContain(idOf(s.stack.delivery.distribution));
    expect(JSON.stringify(rule?.AllowedOrigins)).not.toContain('"*"');
    // The page reads the ETag each part's PUT answers with, to complete a multipart upload.
    expect((rule as { ExposedHeaders?: string[] } | undefined)?.ExposedHeaders).toContain('ETag');
  });

  it('has a separate private, encrypted web bucket', () => {
    const photos = idOf(s.stack.storage.photos);
    const web = idOf(s.stack.storage.web);
    expect(web).not.toBe(photos);
    const bucket = props('AWS::S3::Bucket', web);
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.BucketEncryption).toBeDefined();
    expect(bucket.WebsiteConfiguration).toBeUndefined();
  });

  it('denies every request without TLS in both bucket policies', () => {
    for (const bucket of [s.stack.storage.photos, s.stack.storage.web]) {
      const id = idOf(bucket);
      const statements = bucketPolicyOf(id);
      expect(statements).toContainEqual({
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Resource: [
          { 'Fn::GetAtt': [id, 'Arn'] },
          { 'Fn::Join': ['', [{ 'Fn::GetAtt': [id, 'Arn'] }, '/*']] },
        ],
      });
    }
  });

  it('makes the table pk/sk strings, on demand, with point-in-time recovery, retained', () => {
    s.template.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      },
      DeletionPolicy: 'Retain',
    });
  });

  it('expires pending photos by the TTL attribute the repository sets on them', () => {
    // The table and DynamoDbPhotoRepository name the attribute each on its own side (deploy/ imports no src/).
    expect(PENDING_PHOTO_TTL_ATTRIBUTE).toBe(TTL_ATTRIBUTE);
    expect(props('AWS::DynamoDB::Table', idOf(s.stack.storage.table)).TimeToLiveSpecification).toEqual({
      AttributeName: TTL_ATTRIBUTE,
      Enabled: true,
    });
  });
});

describe('thumbnail processing', () => {
  it('sends ObjectCreated events under originals/ (and only those) to the upload topic', () => {
    const [, notifications] = onlyResource(s.template, 'Custom::S3BucketNotifications');
    expect(notifications.Properties?.BucketName).toEqual({ Ref: idOf(s.stack.storage.photos) });
    expect(notifications.Properties?.NotificationConfiguration).toEqual({
      TopicConfigurations: [
        {
          Events: ['s3:ObjectCreated:*'],
          Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'originals/' }] } },
          TopicArn: { Ref: idOf(s.stack.uploads.topic) },
        },
      ],
    });
  });

  it('lets S3, from the photos bucket only, publish to the upload topic', () => {
    const topic = idOf(s.stack.uploads.topic);
    const policy = Object.values(resourcesOf(s.template, 'AWS::SNS::TopicPolicy')).find((p) =>
      JSON.stringify(p.Properties?.Topics).includes(topic),
    );
    expect(policy?.Properties?.PolicyDocument).toMatchObject({
      Statement: expect.arrayContaining([
        expect.objectContaining({
          Effect: 'Allow',
          Action: 'sns:Publish',
          Principal: { Service: 's3.amazonaws.com' },
          Condition: {
            ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [idOf(s.stack.storage.photos), 'Arn'] } },
          },
        }),
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      ]),
    });
  });

  it.each([
    ['thumbnail', () => s.stack.processing.queue],
    ['analysis', () => (s.stack.analysis as AnalysisProcessing).queue],
  ])('subscribes the %s queue to the topic with raw delivery, and lets only the topic send to it', (_, q) => {
    const queue = idOf(q());
    const subscription = Object.values(resourcesOf(s.template, 'AWS::SNS::Subscription')).find((r) =>
      refersTo(r.Properties?.Endpoint, queue),
    );
    expect(subscription?.Properties).toMatchObject({
      Protocol: 'sqs',
      RawMessageDelivery: true,
      TopicArn: { Ref: idOf(s.stack.uploads.topic) },
      Endpoint: { 'Fn::GetAtt': [queue, 'Arn'] },
    });
    const policy = Object.values(resourcesOf(s.template, 'AWS::SQS::QueuePolicy')).find((p) =>
      JSON.stringify(p.Properties?.Queues).includes(queue),
    );
    expect(policy?.Properties?.PolicyDocument).toMatchObject({
      Statement: expect.arrayContaining([
        expect.objectContaining({
          Effect: 'Allow',
          Action: 'sqs:SendMessage',
          Principal: { Service: 'sns.amazonaws.com' },
          Condition: { ArnEquals: { 'aws:SourceArn': { Ref: idOf(s.stack.uploads.topic) } } },
        }),
      ]),
    });
  });

  it('gives the analysis queue its own DLQ, and waits 6x its worker timeout before a retry', () => {
    const analysis = s.stack.analysis as AnalysisProcessing;
    const queue = props('AWS::SQS::Queue', idOf(analysis.queue));
    expect(queue.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [idOf(analysis.deadLetterQueue), 'Arn'] },
      maxReceiveCount: 5,
    });
    expect(analysis.deadLetterQueue).not.toBe(s.stack.processing.deadLetterQueue);
    expect(queue.VisibilityTimeout).toBe(6 * ANALYSIS_TIMEOUT.toSeconds());
  });

  it('dead-letters a job after 5 receives, and waits at least 6x the worker timeout before a retry', () => {
    const queue = props('AWS::SQS::Queue', idOf(s.stack.processing.queue));
    expect(queue.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [idOf(s.stack.processing.deadLetterQueue), 'Arn'] },
      maxReceiveCount: 5,
    });
    const worker = props('AWS::Lambda::Function', idOf(s.stack.processing.worker));
    expect(typeof worker.Timeout).toBe('number');
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * (worker.Timeout as number));
    expect(queue.VisibilityTimeout).toBe(QUEUE_VISIBILITY_TIMEOUT.toSeconds());
    expect(queue.SqsManagedSseEnabled).toBe(true);
  });

  it('feeds the worker from the queue with ReportBatchItemFailures', () => {
    const mapping = Object.values(resourcesOf(s.template, 'AWS::Lambda::EventSourceMapping')).find((m) =>
      refersTo(m.Properties?.FunctionName, idOf(s.stack.processing.worker)),
    );
    expect(mapping?.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [idOf(s.stack.processing.queue), 'Arn'] },
      FunctionName: { Ref: idOf(s.stack.processing.worker) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('sizes the worker from the bench', () => {
    expect(props('AWS::Lambda::Function', idOf(s.stack.processing.worker)).MemorySize).toBe(WORKER_MEMORY_MB);
  });
});

describe('lambdas', () => {
  it.each([
    ['http', () => s.stack.api.handler],
    ['thumbnail-worker', () => s.stack.processing.worker],
  ])('runs %s on arm64, Node 24, with a log group that expires', (_name, fn) => {
    const lambda = props('AWS::Lambda::Function', idOf(fn()));
    expect(lambda).toMatchObject({
      Architectures: ['arm64'],
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
    });
    const logGroup = (lambda.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    expect(props('AWS::Logs::LogGroup', logGroup).RetentionInDays).toBe(30);
    const env = (lambda.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env).toMatchObject({
      PHOTOS_BUCKET: { Ref: idOf(s.stack.storage.photos) },
      PHOTOS_TABLE: { Ref: idOf(s.stack.storage.table) },
      THUMBNAIL_QUEUE_URL: { Ref: idOf(s.stack.processing.queue) },
    });
    expect(env).not.toHaveProperty('AWS_REGION');
  });

  it('tells the http Lambda the site origin for CORS', () => {
    const env = (
      props('AWS::Lambda::Function', idOf(s.stack.api.handler)).Environment as {
        Variables: Record<string, unknown>;
      }
    ).Variables;
    expect(JSON.stringify(env.ALLOWED_ORIGINS)).toContain(idOf(s.stack.delivery.distribution));
  });

  /** The staged bundle of a function: `asset.<hash>` in the cloud assembly. */
  const bundleOf = (fn: IConstruct): string => {
    const code = props('AWS::Lambda::Function', idOf(fn)).Code as { S3Key: string };
    const dir = join(s.assemblyDir, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
    expect(existsSync(dir), dir).toBe(true);
    return dir;
  };

  it('ships the worker with its wasm-vips worker thread and the wasm-vips and libheif-js packages', () => {
    const dir = bundleOf(s.stack.processing.worker);
    expect(readdirSync(dir).sort()).toEqual([
      'index.mjs',
      'index.mjs.map',
      'node_modules',
      'package.json',
      'wasm-vips-worker.js',
      'wasm-vips-worker.js.map',
    ]);
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))).toEqual({ type: 'module' });
    expect(readdirSync(join(dir, 'node_modules', 'wasm-vips', 'lib')).sort()).toEqual([
      'vips-heif.wasm',
      'vips-node.mjs',
      'vips.wasm',
    ]);
    expect(readdirSync(join(dir, 'node_modules', 'libheif-js', 'libheif-wasm')).sort()).toEqual([
      'LICENSE',
      'libheif.js',
      'libheif.wasm',
    ]);
    // wasm-vips and libheif-js stay external: imported, not inlined (no .wasm in the bundle).
    const thread = readFileSync(join(dir, 'wasm-vips-worker.js'), 'utf8');
    expect(thread).toMatch(/from\s*"wasm-vips"/);
    expect(thread).toMatch(/import\("libheif-js\/libheif-wasm\/libheif\.js"\)/);
    expect(thread.length).toBeLessThan(200 * 1024);
  });

  it('starts wasm-vips from the worker bundle alone, and decodes a HEIC with the libheif-js it ships', async () => {
    // The assembly lies outside the repository: nothing resolves from the repository's node_modules.
    const dir = bundleOf(s.stack.processing.worker);
    const worker = new Worker(join(dir, 'wasm-vips-worker.js'));
    const reply = () =>
      new Promise<WorkerReply>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
      });
    try {
      expect((await reply()).type).toBe('ready');
      const request: WorkerRequest = {
        op: 'render',
        id: 1,
        bytes: heicSample('rotated'),
        settings: defaultRenditionSettings,
        limits: { maxPixels: defaultLimits.maxPixels },
      };
      worker.postMessage(request);
      const done = await reply();
      expect(done).toMatchObject({
        type: 'done',
        id: 1,
        outcome: { ok: true, value: { width: 300, height: 400 } },
      });
      expect(done.type === 'done' && done.stats.libheifHeapBytes).toBeGreaterThan(0);
    } finally {
      await worker.terminate();
    }
  });

  /**
   * Imports a bundle in a fresh Node process, as Lambda would (cold start: configuration,
   * container), and calls its handler with `event`. Events that need no AWS call only.
   */
  const invoke = (dir: string, event: unknown): unknown => {
    // A handler that throws is reported as `{ thrown }`: Node would print the minified line it
    // was thrown from, which can be larger than execFileSync's buffer.
    const script = `const { handler } = await import(${JSON.stringify(pathToFileURL(join(dir, 'index.mjs')).href)});
      let result;
      try {
        result = await handler(${JSON.stringify(event)}, { awsRequestId: 'test', functionName: 'test' });
      } catch (error) {
        result = { thrown: { name: error.name, message: error.message } };
      }
      process.stdout.write('\\n' + JSON.stringify(result));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'none',
        AWS_SECRET_ACCESS_KEY: 'none',
        AWS_EC2_METADATA_DISABLED: 'true',
        PHOTOS_BUCKET: 'pixport-photos',
        PHOTOS_TABLE: 'pixport-photos',
        THUMBNAIL_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/111111111111/jobs',
        MEDIACONVERT_ROLE_ARN: 'arn:aws:iam::111111111111:role/pixport-mediaconvert',
        POWERTOOLS_LOG_LEVEL: 'ERROR',
        POWERTOOLS_METRICS_DISABLED: 'true',
      },
    });
    return JSON.parse(out.trim().split('\n').at(-1) as string);
  };

  it('cold-starts the bundled worker and acknowledges the s3:TestEvent S3 sends first', () => {
    const body = JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'pixport-photos' });
    const event = {
      Records: [{ messageId: 'm1', body, eventSource: 'aws:sqs', attributes: {}, messageAttributes: {} }],
    };
    expect(invoke(bundleOf(s.stack.processing.worker), event)).toEqual({ batchItemFailures: [] });
  });

  it('cold-starts the bundled purged-uploads Lambda (with its tracer) and skips the removal of a usage item', () => {
    const record = {
      eventID: '1',
      eventName: 'REMOVE',
      eventSource: 'aws:dynamodb',
      dynamodb: {
        SequenceNumber: '1',
        OldImage: { pk: { S: 'OWNER#alice' }, sk: { S: 'USAGE' }, photos: { N: '1' }, bytes: { N: '5' } },
      },
    };
    expect(invoke(bundleOf(s.stack.purgedUploads.fn), { Records: [record] })).toEqual({
      batchItemFailures: [],
    });
  });

  it('cold-starts the bundled http Lambda: /health answers, /photos without claims is a 401', () => {
    const dir = bundleOf(s.stack.api.handler);
    const request = (method: string, path: string) => ({
      version: '2.0',
      routeKey: `${method} ${path}`,
      rawPath: path,
      rawQueryString: '',
      headers: { host: 'api.example.com' },
      isBase64Encoded: false,
      requestContext: {
        http: { method, path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'test' },
        requestId: 'r1',
        routeKey: `${method} ${path}`,
        stage: '$default',
        domainName: 'api.example.com',
        accountId: '111111111111',
        apiId: 'api',
        time: '22/Nov/2026:00:00:00 +0000',
        timeEpoch: 0,
      },
    });
    expect(invoke(dir, request('GET', '/health'))).toMatchObject({ statusCode: 200 });
    expect(invoke(dir, request('GET', '/photos'))).toMatchObject({ statusCode: 401 });
  });

  it('cold-starts the bundled video start step: the s3:TestEvent starts no execution', () => {
    const video = s.stack.video as VideoProcessing;
    const body = JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'pixport-photos' });
    expect(invoke(bundleOf(video.start), [{ messageId: 'm1', body }])).toEqual([]);
  });

  it('cold-starts the bundled video Probe step (mediabunny, the MediaConvert role) and refuses an input it never gets', () => {
    const video = s.stack.video as VideoProcessing;
    expect(invoke(bundleOf(video.probe), { ownerId: 'alice', photoId: 'not-an-id' })).toMatchObject({
      thrown: { name: 'MalformedTaskInputError', message: expect.stringMatching(/^not a Pixport item/) },
    });
  });

  it("ships the video Record step with wasm-vips as the worker's (it renders the poster's renditions)", () => {
    const video = s.stack.video as VideoProcessing;
    expect(readdirSync(bundleOf(video.record)).sort()).toEqual(
      readdirSync(bundleOf(s.stack.processing.worker)).sort(),
    );
    expect(invoke(bundleOf(video.record), { job: {} })).toMatchObject({
      thrown: { name: 'MalformedTaskInputError', message: expect.stringMatching(/^the Record input: /) },
    });
  });

  it('bundles everything into the http Lambda (no node_modules, no wasm-vips)', () => {
    const dir = bundleOf(s.stack.api.handler);
    expect(readdirSync(dir).sort()).toEqual(['index.mjs', 'index.mjs.map']);
    expect(readFileSync(join(dir, 'index.mjs'), 'utf8')).not.toContain('wasm-vips');
    expect(readFileSync(join(dir, 'index.mjs'), 'utf8')).not.toContain('libheif');
  });
});

describe('api and auth', () => {
  const routes = () =>
    Object.values(resourcesOf(s.template, 'AWS::ApiGatewayV2::Route')).map(
      (r) => r.Properties as { RouteKey: string; AuthorizationType?: string; AuthorizerId?: unknown },
    );
  const authorizerId = () => onlyResource(s.template, 'AWS::ApiGatewayV2::Authorizer')[0];

  it("has a JWT authorizer over the user pool whose audience is exactly the page's app client", () => {
    const [, authorizer] = onlyResource(s.template, 'AWS::ApiGatewayV2::Authorizer');
    const pool = idOf(s.stack.auth.userPool as IConstruct);
    expect(authorizer.Properties).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Issuer: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [pool, 'ProviderURL'] }]] },
      },
    });
    // Cognito access tokens carry the client id as `client_id`, which the authorizer accepts as audience.
    const [client] = onlyResource(s.template, 'AWS::Cognito::UserPoolClient');
    const jwt = authorizer.Properties?.JwtConfiguration as { Audience: unknown } | undefined;
    expect(jwt?.Audience).toEqual([{ Ref: client }]);
    expect(client).toBe(idOf(s.stack.auth.userPoolClient as IConstruct));
  });

  it('creates a retained user pool: email sign-in, self sign-up verified by an emailed code', () => {
    s.template.hasResource('AWS::Cognito::UserPool', {
      Properties: Match.objectLike({
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
        UsernameAttributes: ['email'],
        AutoVerifiedAttributes: ['email'],
        VerificationMessageTemplate: Match.objectLike({ DefaultEmailOption: 'CONFIRM_WITH_CODE' }),
        // Managed login (not the classic hosted UI) and refresh token rotation need Essentials.
        UserPoolTier: 'ESSENTIALS',
      }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('gives the page one public client: authorization code only, openid email profile, the site as redirect', () => {
    const [, client] = onlyResource(s.template, 'AWS::Cognito::UserPoolClient');
    const p = client.Properties ?? {};
    expect(p.UserPoolId).toEqual({ Ref: idOf(s.stack.auth.userPool as IConstruct) });
    expect(p.GenerateSecret).toBe(false);
    expect(p.AllowedOAuthFlowsUserPoolClient).toBe(true);
    expect(p.AllowedOAuthFlows).toEqual(['code']); // no implicit, no client_credentials
    expect([...(p.AllowedOAuthScopes as string[])].sort()).toEqual(['email', 'openid', 'profile']);
    expect(p.SupportedIdentityProviders).toEqual(['COGNITO']);
    const site = `https://\${${idOf(s.stack.delivery.distribution)}.DomainName}/`;
    expect((p.CallbackURLs as unknown[]).map(asSub)).toEqual([site]);
    expect((p.LogoutURLs as unknown[]).map(asSub)).toEqual([site]);
    // No password-carrying or refresh-token API flow: the page uses only the OAuth endpoints,
    // and rotation refuses ALLOW_REFRESH_TOKEN_AUTH.
    expect(p.ExplicitAuthFlows).toEqual(['ALLOW_USER_SRP_AUTH']);
    expect(p.RefreshTokenRotation).toMatchObject({ Feature: 'ENABLED' });
    expect(p.EnableTokenRevocation).toBe(true);
    expect(p.TokenValidityUnits).toEqual({
      AccessToken: 'minutes',
      IdToken: 'minutes',
      RefreshToken: 'minutes',
    });
    expect(p.AccessTokenValidity).toBeLessThanOrEqual(60);
    expect(p.IdTokenValidity).toBeLessThanOrEqual(60);
  });

  it('serves managed login (version 2) on a Cognito domain named after the stack and account, styled for the client', () => {
    const [, domain] = onlyResource(s.template, 'AWS::Cognito::UserPoolDomain');
    expect(domain.Properties).toEqual({
      Domain: { 'Fn::Join': ['', ['pixport-', { Ref: 'AWS::AccountId' }]] },
      ManagedLoginVersion: 2,
      UserPoolId: { Ref: idOf(s.stack.auth.userPool as IConstruct) },
    });
    const [, branding] = onlyResource(s.template, 'AWS::Cognito::ManagedLoginBranding');
    expect(branding.Properties).toEqual({
      ClientId: { Ref: idOf(s.stack.auth.userPoolClient as IConstruct) },
      UserPoolId: { Ref: idOf(s.stack.auth.userPool as IConstruct) },
      UseCognitoProvidedValues: true,
    });
  });

  it('puts the authorizer on every route but health, the OpenAPI document and CORS preflight', () => {
    const all = routes();
    expect(all.map((r) => r.RouteKey).sort()).toEqual(API_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    for (const route of all) {
      const isPublic = ['GET /health', 'GET /openapi.json', 'OPTIONS /{proxy+}'].includes(route.RouteKey);
      if (isPublic) {
        expect(route.AuthorizationType ?? 'NONE', route.RouteKey).toBe('NONE');
        expect(route.AuthorizerId, route.RouteKey).toBeUndefined();
      } else {
        expect(route.AuthorizationType, route.RouteKey).toBe('JWT');
        expect(route.AuthorizerId, route.RouteKey).toEqual({ Ref: authorizerId() });
      }
    }
  });

  it("routes exactly the app's OpenAPI operations, public exactly where the document says so", () => {
    // As the http Lambda serves it: bearer tokens, no /files routes (S3 serves the bytes).
    const doc = openApiDocument({
      auth: 'bearer',
      limits: defaultLimits,
      renditions: defaultRenditionSettings,
      files: false,
    }) as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    const fromDoc = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({
        key: `${method.toUpperCase()} ${path}`,
        public: Array.isArray(op.security) && op.security.length === 0,
      })),
    );
    const fromStack = API_ROUTES.filter((r) => r.method !== 'OPTIONS').map((r) => ({
      key: `${r.method} ${r.path}`,
      public: r.public === true,
    }));
    const byKey = (a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key);
    expect(fromStack.sort(byKey)).toEqual(fromDoc.sort(byKey));
  });
});

describe('delivery', () => {
  const distribution = () =>
    props('AWS::CloudFront::Distribution', idOf(s.stack.delivery.distribution)).DistributionConfig as {
      Origins: {
        Id: string;
        DomainName: unknown;
        OriginAccessControlId?: unknown;
        S3OriginConfig?: unknown;
      }[];
      DefaultCacheBehavior: Record<string, unknown>;
      CacheBehaviors: Record<string, unknown>[];
      DefaultRootObject: string;
    };

  it('serves the web bucket through origin access control', () => {
    const [oacId, oac] = onlyResource(s.template, 'AWS::CloudFront::OriginAccessControl');
    expect(oac.Properties?.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    const config = distribution();
    const s3Origin = config.Origins.find((o) => o.OriginAccessControlId !== undefined);
    expect(s3Origin?.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [oacId, 'Id'] });
    expect(JSON.stringify(s3Origin?.DomainName)).toContain(idOf(s.stack.storage.web));
    expect(s3Origin?.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
    expect(config.DefaultRootObject).toBe('index.html');
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(config.DefaultCacheBehavior.TargetOriginId).toBe(s3Origin?.Id);
  });

  it('lets only this distribution read the web bucket', () => {
    const web = idOf(s.stack.storage.web);
    const statements = bucketPolicyOf(web);
    const cloudfront = statements.filter(
      (st) => JSON.stringify(st.Principal) === JSON.stringify({ Service: 'cloudfront.amazonaws.com' }),
    );
    expect(cloudfront).toHaveLength(1);
    expect(cloudfront[0]).toMatchObject({ Effect: 'Allow', Action: 's3:GetObject' });
    expect(JSON.stringify(cloudfront[0]?.Condition)).toContain(idOf(s.stack.delivery.distribution));
  });

  it('sends /api/* to the HTTP API uncached, with every viewer header but Host, through the prefix-cutting function', () => {
    const config = distribution();
    const [api] = config.CacheBehaviors;
    expect(config.CacheBehaviors).toHaveLength(1);
    expect(api).toMatchObject({
      PathPattern: '/api/*',
      ViewerProtocolPolicy: 'https-only',
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // CachingDisabled
      OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac', // AllViewerExceptHostHeader
      FunctionAssociations: [
        {
          EventType: 'viewer-request',
          FunctionARN: {
            'Fn::GetAtt': [idOf(s.stack.delivery.node.findChild('Strip Api Base')), 'FunctionARN'],
          },
        },
      ],
    });
    const origin = config.Origins.find((o) => o.Id === api?.TargetOriginId);
    expect(JSON.stringify(origin?.DomainName)).toContain(idOf(s.stack.api.api));
    expect(JSON.stringify(origin?.DomainName)).toContain('execute-api');
  });

  it('cuts /api off the path in the CloudFront Function', () => {
    const [, fn] = onlyResource(s.template, 'AWS::CloudFront::Function');
    const code = fn.Properties?.FunctionCode as string;
    const run = (uri: string): string =>
      runInNewContext(`${code}\nhandler({ request: { uri: ${JSON.stringify(uri)} } }).uri`) as string;
    expect(run('/api/photos')).toBe('/photos');
    expect(run('/api/photos/0190/thumbnails/thumb')).toBe('/photos/0190/thumbnails/thumb');
    expect(run('/api/')).toBe('/');
    expect(fn.Properties?.FunctionConfig).toMatchObject({ Runtime: 'cloudfront-js-2.0' });
  });

  it('deploys web/ with a generated config.json: the API base and how to sign in', () => {
    const [, deployment] = onlyResource(s.template, 'Custom::CDKBucketDeployment');
    expect(deployment.Properties?.DestinationBucketName).toEqual({ Ref: idOf(s.stack.storage.web) });
    expect(deployment.Properties?.DistributionPaths).toEqual(['/*']);
    const site = `https://\${${idOf(s.stack.delivery.distribution)}.DomainName}`;
    const managedLogin = `https://\${${idOf(s.stack.auth.domain as IConstruct)}}.auth.\${AWS::Region}.amazoncognito.com`;
    expect(pageConfigOf(s)).toEqual({
      apiBase: '/api',
      analysis: true,
      video: true,
      // What the http Lambda enforces: the domain's defaults, as nothing sets MAX_ORIGINAL_BYTES on it.
      limits: {
        maxOriginalBytes: defaultLimits.maxOriginalBytes,
        video: { maxBytes: defaultLimits.video.maxBytes },
      },
      auth: {
        mode: 'jwt',
        issuer: `https://\${${idOf(s.stack.auth.userPool as IConstruct)}.ProviderURL}`,
        clientId: `\${${idOf(s.stack.auth.userPoolClient as IConstruct)}}`,
        scope: 'openid email profile',
        redirectUri: `${site}/`,
        logoutUri: `${site}/`,
        endSessionEndpoint: `${managedLogin}/logout`,
        signUpEndpoint: `${managedLogin}/signup`,
      },
    });
    const pageDir = readdirSync(s.assemblyDir).find((d) => existsSync(join(s.assemblyDir, d, 'index.html')));
    expect(pageDir).toBeDefined();
    expect(existsSync(join(s.assemblyDir, pageDir as string, 'config.json'))).toBe(false);
  });

  it('tells the page the very issuer and client the authorizer trusts', () => {
    const [, authorizer] = onlyResource(s.template, 'AWS::ApiGatewayV2::Authorizer');
    const jwt = authorizer.Properties?.JwtConfiguration as { Issuer: unknown; Audience: unknown[] };
    const { auth } = pageConfigOf(s) as { auth: { issuer: string; clientId: string } };
    expect(auth.issuer).toBe(asSub(jwt.Issuer));
    expect([auth.clientId]).toEqual(jwt.Audience.map(asSub));
  });

  /** The staged copy of `vendor/<name>` in the cloud assembly. */
  const vendored = (name: string): string => {
    const dir = readdirSync(s.assemblyDir).find((d) => existsSync(join(s.assemblyDir, d, 'vendor', name)));
    expect(dir, `vendor/${name} is staged`).toBeDefined();
    return readFileSync(join(s.assemblyDir, dir as string, 'vendor', name), 'utf8');
  };

  it('ships the ThumbHash decoder the page imports from vendor/', () => {
    const importMap = readFileSync(join(REPO_ROOT_FOR_TEST, 'web/index.html'), 'utf8');
    expect(importMap).toContain('./vendor/thumbhash.js');
    expect(vendored('thumbhash.js')).toContain('thumbHashToDataURL');
  });

  it("ships oauth4webapi's ESM build as vendor/oauth4webapi.js, whole and with no imports of its own", () => {
    const source = vendored('oauth4webapi.js');
    expect(source).toBe(
      readFileSync(join(REPO_ROOT_FOR_TEST, 'node_modules/oauth4webapi/build/index.js'), 'utf8'),
    );
    expect(source).toMatch(/export (async )?function authorizationCodeGrantRequest\b/);
    expect(source).toMatch(/export (async )?function calculatePKCECodeChallenge\b/);
    // Served as is beside the page, so it must not import anything by a bare name.
    expect(source).not.toMatch(/^\s*import\s/m);
  });
});

const REPO_ROOT_FOR_TEST = join(import.meta.dirname, '../..');

describe('operations', () => {
  const alarms = () =>
    Object.values(resourcesOf(s.template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties ?? {});

  it('alarms on DLQ depth, worker errors and API 5xx, to the SNS topic', () => {
    const topic = { Ref: idOf(s.stack.alarms.topic) };
    const all = alarms();
    for (const alarm of all) {
      expect(alarm.AlarmActions).toEqual([topic]);
      expect(alarm.OKActions).toEqual([topic]);
    }
    const find = (metric: string, namespace: string) =>
      all.find((a) => a.MetricName === metric && a.Namespace === namespace);
    expect(find('ApproximateNumberOfMessagesVisible', 'AWS/SQS')).toMatchObject({
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [idOf(s.stack.processing.deadLetterQueue), 'QueueName'] },
        },
      ],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(
      all.find(
        (a) =>
          a.MetricName === 'Errors' && JSON.stringify(a.Dimensions).includes(idOf(s.stack.processing.worker)),
      ),
    ).toBeDefined();
    expect(find('5xx', 'AWS/ApiGateway')).toMatchObject({
      Dimensions: [{ Name: 'ApiId', Value: { Ref: idOf(s.stack.api.api) } }],
    });
    expect(
      all.find(
        (a) =>
          a.MetricName === 'ApproximateNumberOfMessagesVisible' &&
          refersTo(a.Dimensions, idOf((s.stack.analysis as AnalysisProcessing).deadLetterQueue)),
      ),
    ).toMatchObject({ Threshold: 1 });
    expect(
      all.find(
        (a) =>
          a.MetricName === 'Errors' &&
          refersTo(a.Dimensions, idOf((s.stack.analysis as AnalysisProcessing).worker)),
      ),
    ).toBeDefined();
    // Each consumer's jobs have an age alarm of their own: analysis may lag longer than thumbnails.
    expect(
      all
        .filter((a) => a.MetricName === 'ApproximateAgeOfOldestMessage')
        .map((a) => [
          a.Threshold,
          refersTo(a.Dimensions, idOf((s.stack.analysis as AnalysisProcessing).queue)),
        ]),
    ).toEqual(
      expect.arrayContaining([
        [15 * 60, false],
        [30 * 60, true],
      ]),
    );
    // Thumbnails and the API 4, analysis 3, video 4 (its DLQ, its queue's age, failed and timed-out
    // executions: test/deploy/video.test.ts).
    expect(all).toHaveLength(12);
    // No email subscription unless an address is given; the queues' subscriptions are the upload topic's.
    expect(
      Object.values(resourcesOf(s.template, 'AWS::SNS::Subscription')).map((r) => r.Properties?.Protocol),
    ).toEqual(['sqs', 'sqs', 'sqs']);
  });

  it('outputs the URLs, the user pool, its client and managed login domain, the bucket, the table and the queue', () => {
    expect(Object.keys(s.template.findOutputs('*')).sort()).toEqual(
      [
        'AlarmTopicArn',
        'ApiUrl',
        'DeadLetterQueueName',
        'JwtIssuer',
        'PhotosBucketName',
        'QueueName',
        'QueueUrl',
        'SiteUrl',
        'TableName',
        'UserPoolClientId',
        'UserPoolId',
        'VideoDeadLetterQueueName',
        'VideoStateMachineArn',
        'AuthDomainUrl',
        'WebBucketName',
        'LogsBucketName',
        'ApiAccessLogGroup',
        'DashboardName',
      ].sort(),
    );
  });
});
