import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readContext } from '../../deploy/lib/context.js';
import {
  type CfnResource,
  onlyResource,
  refersTo,
  resourcesOf,
  type Synthesized,
  synthesize,
} from './synth.js';

/**
 * Production hardening (issue 18) on the template: no photo lost, cost and abuse
 * bounded, what operators see. Shapes only, so no bundling; the bundled Lambdas
 * are cold-started in pixport-stack.test.ts.
 */
let s: Synthesized;
const idOf = (construct: IConstruct): string =>
  Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);
const props = (synthesized: Synthesized, type: string, id: string): Record<string, unknown> => {
  const resource = resourcesOf(synthesized.template, type)[id];
  if (!resource) throw new Error(`no ${type} ${id}`);
  return resource.Properties ?? {};
};
/** The lifecycle rules of the photos bucket, by id. */
const lifecycleOf = (synthesized: Synthesized): Record<string, Record<string, unknown>> => {
  const bucket = props(synthesized, 'AWS::S3::Bucket', idOf(synthesized.stack.storage.photos));
  const rules = (bucket.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
  return Object.fromEntries(rules.map((r) => [r.Id as string, r]));
};

beforeAll(() => {
  s = synthesize({}, { bundle: false });
});

describe('no photo lost', () => {
  it('versions the photos bucket', () => {
    expect(props(s, 'AWS::S3::Bucket', idOf(s.stack.storage.photos)).VersioningConfiguration).toEqual({
      Status: 'Enabled',
    });
  });

  it('expires noncurrent originals after 30 days, noncurrent renditions after 1, and lone delete markers', () => {
    const rules = lifecycleOf(s);
    expect(rules['expire-noncurrent-originals']).toEqual({
      Id: 'expire-noncurrent-originals',
      Prefix: 'originals/',
      NoncurrentVersionExpiration: { NoncurrentDays: 30 },
      Status: 'Enabled',
    });
    expect(rules['expire-noncurrent-renditions']).toEqual({
      Id: 'expire-noncurrent-renditions',
      Prefix: 'renditions/',
      NoncurrentVersionExpiration: { NoncurrentDays: 1 },
      Status: 'Enabled',
    });
    expect(rules['remove-expired-delete-markers']).toEqual({
      Id: 'remove-expired-delete-markers',
      ExpiredObjectDeleteMarker: true,
      Status: 'Enabled',
    });
    // Still there: parts of abandoned multipart uploads, and originals never accepted.
    expect(Object.keys(rules)).toEqual(
      expect.arrayContaining(['abort-incomplete-multipart-uploads', 'expire-unaccepted-originals']),
    );
  });

  it('keeps noncurrent originals as many days as originalVersionRetentionDays says', () => {
    const custom = synthesize({ originalVersionRetentionDays: 90 }, { bundle: false });
    expect(lifecycleOf(custom)['expire-noncurrent-originals']?.NoncurrentVersionExpiration).toEqual({
      NoncurrentDays: 90,
    });
    expect(() => synthesize({ originalVersionRetentionDays: 0 }, { bundle: false })).toThrow(
      /originalVersionRetentionDays/,
    );
  });
});

describe('cost and abuse bounded', () => {
  const stageOf = (synthesized: Synthesized) =>
    onlyResource(synthesized.template, 'AWS::ApiGatewayV2::Stage')[1].Properties ?? {};
  const envOf = (synthesized: Synthesized, fn: IConstruct) =>
    (
      props(synthesized, 'AWS::Lambda::Function', idOf(fn)).Environment as {
        Variables: Record<string, unknown>;
      }
    ).Variables;

  it('throttles every route of the API on its default stage: 50 requests a second, bursts of 100', () => {
    expect(stageOf(s)).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
    const custom = synthesize({ apiThrottle: { rateLimit: 5, burstLimit: 9 } }, { bundle: false });
    expect(stageOf(custom).DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 5, ThrottlingBurstLimit: 9 });
  });

  it('caps the instances of every SQS event source (MaximumConcurrency), the thumbnail worker at 10', () => {
    const sqsMappings = Object.values(resourcesOf(s.template, 'AWS::Lambda::EventSourceMapping')).filter(
      (m) => JSON.stringify(m.Properties?.EventSourceArn).includes('Arn'),
    );
    const fromQueues = sqsMappings.filter((m) => {
      const arn = m.Properties?.EventSourceArn as { 'Fn::GetAtt'?: [string, string] } | undefined;
      const source = arn?.['Fn::GetAtt']?.[0];
      return source !== undefined && resourcesOf(s.template, 'AWS::SQS::Queue')[source] !== undefined;
    });
    expect(fromQueues.length).toBeGreaterThanOrEqual(1);
    for (const mapping of fromQueues) {
      expect(mapping.Properties?.ScalingConfig).toEqual({ MaximumConcurrency: expect.any(Number) });
    }
    const worker = fromQueues.find((m) =>
      refersTo(m.Properties?.FunctionName, idOf(s.stack.processing.worker)),
    );
    expect(worker?.Properties?.ScalingConfig).toEqual({ MaximumConcurrency: 10 });
    const custom = synthesize({ workerMaxConcurrency: 40 }, { bundle: false });
    const customWorker = Object.values(resourcesOf(custom.template, 'AWS::Lambda::EventSourceMapping')).find(
      (m) => refersTo(m.Properties?.FunctionName, idOf(custom.stack.processing.worker)),
    );
    expect(customWorker?.Properties?.ScalingConfig).toEqual({ MaximumConcurrency: 40 });
  });

  it('sets no quota by default, and tells the http Lambda (only) the quota it is given', () => {
    expect(envOf(s, s.stack.api.handler)).not.toHaveProperty('QUOTA_MAX_PHOTOS');
    const custom = synthesize({ ownerQuota: { maxPhotos: 500, maxBytes: 10 * 2 ** 30 } }, { bundle: false });
    expect(envOf(custom, custom.stack.api.handler)).toMatchObject({
      QUOTA_MAX_PHOTOS: '500',
      QUOTA_MAX_BYTES: String(10 * 2 ** 30),
    });
    expect(envOf(custom, custom.stack.processing.worker)).not.toHaveProperty('QUOTA_MAX_PHOTOS');
    expect(() => synthesize({ ownerQuota: { maxPhotos: 0 } }, { bundle: false })).toThrow(/owner quota/);
  });

  it('releases the quota of uploads the table purges: its stream, filtered to TTL deletions, feeds a Lambda with a DLQ', () => {
    expect(props(s, 'AWS::DynamoDB::Table', idOf(s.stack.storage.table)).StreamSpecification).toEqual({
      StreamViewType: 'OLD_IMAGE',
    });
    const mapping = Object.values(resourcesOf(s.template, 'AWS::Lambda::EventSourceMapping')).find((m) =>
      refersTo(m.Properties?.FunctionName, idOf(s.stack.purgedUploads.fn)),
    );
    expect(mapping?.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [idOf(s.stack.storage.table), 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [idOf(s.stack.purgedUploads.deadLetterQueue), 'Arn'] } },
      },
    });
    const filters =
      (mapping?.Properties?.FilterCriteria as { Filters: { Pattern: string }[] } | undefined)?.Filters ?? [];
    expect(filters.map((f) => JSON.parse(f.Pattern))).toEqual([
      {
        eventName: ['REMOVE'],
        userIdentity: { type: ['Service'], principalId: ['dynamodb.amazonaws.com'] },
      },
    ]);
  });
});

describe('context of the hardening parameters', () => {
  const read = (context: Record<string, unknown>) => readContext(new App({ context }).node).props;

  it('reads them all', () => {
    expect(
      read({
        originalVersionRetentionDays: '60',
        apiRateLimit: '20',
        apiBurstLimit: '40',
        workerMaxConcurrency: '25',
        quotaMaxPhotos: '1000',
        quotaMaxBytes: '5368709120',
      }),
    ).toEqual({
      originalVersionRetentionDays: 60,
      apiThrottle: { rateLimit: 20, burstLimit: 40 },
      workerMaxConcurrency: 25,
      ownerQuota: { maxPhotos: 1000, maxBytes: 5368709120 },
    });
    expect(read({ apiRateLimit: 10 }).apiThrottle).toEqual({ rateLimit: 10, burstLimit: 100 });
  });

  it.each([
    [{ originalVersionRetentionDays: '0' }, /originalVersionRetentionDays/],
    [{ apiRateLimit: 'fast' }, /apiRateLimit/],
    [{ workerMaxConcurrency: '1' }, /workerMaxConcurrency/],
    [{ workerMaxConcurrency: '1001' }, /workerMaxConcurrency is 2 to 1000/],
    [{ quotaMaxBytes: '-5' }, /quotaMaxBytes/],
    [{ quotaMaxPhotos: '8001' }, /quotaMaxPhotos is at most 8000/],
  ])('refuses %o', (context, message) => {
    expect(() => read(context)).toThrow(message);
  });
});

describe('operators can see', () => {
  const distributionConfig = (synthesized: Synthesized) =>
    onlyResource(synthesized.template, 'AWS::CloudFront::Distribution')[1].Properties
      ?.DistributionConfig as Record<string, unknown>;

  it("logs every API request as one JSON object into the API's own log group", () => {
    const stage = onlyResource(s.template, 'AWS::ApiGatewayV2::Stage')[1].Properties ?? {};
    const settings = stage.AccessLogSettings as { DestinationArn: unknown; Format: string };
    expect(settings.DestinationArn).toEqual({ 'Fn::GetAtt': [idOf(s.stack.api.accessLogs), 'Arn'] });
    const format = JSON.parse(settings.Format);
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      routeKey: '$context.routeKey',
      status: '$context.status',
      sub: '$context.authorizer.claims.sub',
      integrationError: '$context.integrationErrorMessage',
    });
    expect(props(s, 'AWS::Logs::LogGroup', idOf(s.stack.api.accessLogs)).RetentionInDays).toBe(30);
  });

  it('keeps S3 server access logs of both buckets and CloudFront standard logs in a log bucket that expires them', () => {
    const logs = idOf(s.stack.storage.logs);
    expect(props(s, 'AWS::S3::Bucket', idOf(s.stack.storage.photos)).LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: logs },
      LogFilePrefix: 's3/photos/',
    });
    expect(props(s, 'AWS::S3::Bucket', idOf(s.stack.storage.web)).LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: logs },
      LogFilePrefix: 's3/web/',
    });
    expect(distributionConfig(s).Logging).toEqual({
      Bucket: { 'Fn::GetAtt': [logs, 'RegionalDomainName'] },
      Prefix: 'cloudfront/',
      IncludeCookies: false,
    });
    const bucket = resourcesOf(s.template, 'AWS::S3::Bucket')[logs] as
      | (CfnResource & { DeletionPolicy?: string })
      | undefined;
    expect(bucket?.DeletionPolicy).toBe('Retain');
    expect(bucket?.Properties).toMatchObject({
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    const rules = (
      bucket?.Properties?.LifecycleConfiguration as { Rules: Record<string, unknown>[] } | undefined
    )?.Rules;
    expect(rules).toContainEqual({ Id: 'expire-access-logs', ExpirationInDays: 90, Status: 'Enabled' });
    const custom = synthesize({ accessLogRetentionDays: 400 }, { bundle: false });
    const customRules = (
      props(custom, 'AWS::S3::Bucket', idOf(custom.stack.storage.logs)).LifecycleConfiguration as {
        Rules: Record<string, unknown>[];
      }
    ).Rules;
    expect(customRules).toContainEqual({
      Id: 'expire-access-logs',
      ExpirationInDays: 400,
      Status: 'Enabled',
    });
  });

  it('traces every Lambda of the app with X-Ray (active tracing; Powertools Tracer in the handlers)', () => {
    for (const fn of [s.stack.api.handler, s.stack.processing.worker, s.stack.purgedUploads.fn]) {
      expect(props(s, 'AWS::Lambda::Function', idOf(fn)).TracingConfig).toEqual({ Mode: 'Active' });
    }
  });

  it('builds a dashboard of uploads, thumbnails, queue ages, DLQ depths, and Lambda errors and durations', () => {
    const [, dashboard] = onlyResource(s.template, 'AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dashboard.Properties?.DashboardBody);
    for (const metric of [
      'UploadsAccepted',
      'ThumbnailsMade',
      'ThumbnailsFailed',
      'ApproximateAgeOfOldestMessage',
      'ApproximateNumberOfMessagesVisible',
      'Errors',
      'Duration',
    ]) {
      expect(body, metric).toContain(`\\"${metric}\\"`);
    }
    // Every DLQ and every app Lambda is on it.
    for (const dlq of [s.stack.processing.deadLetterQueue, s.stack.purgedUploads.deadLetterQueue]) {
      expect(body).toContain(idOf(dlq));
    }
    for (const fn of [s.stack.api.handler, s.stack.processing.worker, s.stack.purgedUploads.fn]) {
      expect(body).toContain(idOf(fn));
    }
  });

  it('puts no web ACL on CloudFront unless asked; takes an existing one by ARN', () => {
    s.template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    expect(distributionConfig(s).WebACLId).toBeUndefined();
    const arn = 'arn:aws:wafv2:us-east-1:111111111111:global/webacl/pixport/abc';
    const existing = synthesize({ webAcl: { arn } }, { bundle: false });
    expect(distributionConfig(existing).WebACLId).toBe(arn);
    existing.template.resourceCountIs('AWS::WAFv2::WebACL', 0);
  });

  it('makes a web ACL (AWS common rules, a rate-based rule per IP) only in a stack in us-east-1', () => {
    const east = synthesize(
      { env: { account: '111111111111', region: 'us-east-1' }, webAcl: { rateLimit: 500 } },
      { bundle: false },
    );
    const [aclId, acl] = onlyResource(east.template, 'AWS::WAFv2::WebACL');
    expect(distributionConfig(east).WebACLId).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
    expect(acl.Properties).toMatchObject({ Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} } });
    const rules = acl.Properties?.Rules as Record<string, unknown>[];
    expect(rules).toContainEqual(
      expect.objectContaining({
        Name: 'aws-common-rules',
        Statement: {
          ManagedRuleGroupStatement: {
            VendorName: 'AWS',
            Name: 'AWSManagedRulesCommonRuleSet',
            // Direct uploads and multipart completions have bodies over its 8 KB limit.
            RuleActionOverrides: [{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }],
          },
        },
      }),
    );
    expect(rules).toContainEqual(
      expect.objectContaining({
        Name: 'rate-per-ip',
        Action: { Block: {} },
        Statement: { RateBasedStatement: { Limit: 500, AggregateKeyType: 'IP' } },
      }),
    );
    expect(() => synthesize({ webAcl: { rateLimit: 500 } }, { bundle: false })).toThrow(/us-east-1/);
    expect(() =>
      synthesize({ env: { region: 'eu-west-1' }, webAcl: { rateLimit: 500 } }, { bundle: false }),
    ).toThrow(/webAclArn/);
  });

  it('asks for TLSv1.2_2021 at least on a custom domain', () => {
    const custom = synthesize(
      {
        domain: {
          domainName: 'photos.example.com',
          certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/abc',
        },
      },
      { bundle: false },
    );
    expect(distributionConfig(custom).ViewerCertificate).toMatchObject({
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
  });

  it('reads the parameters of logs and the web ACL', () => {
    const read = (context: Record<string, unknown>) => readContext(new App({ context }).node).props;
    expect(read({ accessLogRetentionDays: '30' }).accessLogRetentionDays).toBe(30);
    const arn = 'arn:aws:wafv2:us-east-1:111111111111:global/webacl/pixport/abc';
    expect(read({ webAclArn: arn }).webAcl).toEqual({ arn });
    expect(read({ wafRateLimit: '1000' }).webAcl).toEqual({ rateLimit: 1000 });
    expect(() => read({ webAclArn: arn, wafRateLimit: '1000' })).toThrow(/one of them/);
    expect(() => read({ webAclArn: 'arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/x/y' })).toThrow(
      /us-east-1/,
    );
    expect(() => read({ wafRateLimit: '5' })).toThrow(/wafRateLimit/);
  });
});
