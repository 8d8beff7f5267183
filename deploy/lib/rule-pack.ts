import { type CfnElement, Stack, Token, Validations } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import type { PixportStack } from './pixport-stack.js';

/**
 * The stack is checked by cdk-nag's AwsSolutions rule pack (test/deploy/rule-pack.test.ts,
 * and `cdk synth` through deploy/bin/pixport.ts): every finding is fixed, or acknowledged
 * here with the reason it stands. The findings fixed instead, for the record: server access
 * logs on every bucket (S1), API access logs (APIG1), CloudFront logging (CFR3), TLSv1.2_2021
 * on a custom domain (CFR4), no wildcard S3 actions in the app's roles (IAM5, grants.ts).
 */

/** One acknowledged finding: the rule (with the finding in brackets, as cdk-nag names it) and why it stands. */
export interface Acknowledgement {
  readonly id: string;
  readonly reason: string;
}

/** What was acknowledged, and where: for the test and the docs. */
export interface AcknowledgedFinding extends Acknowledgement {
  readonly path: string;
}

const BASIC_EXECUTION =
  'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]';

const REASONS = {
  basicExecution:
    'AWSLambdaBasicExecutionRole grants only logs:CreateLogGroup, CreateLogStream and PutLogEvents, what every Lambda needs to log; AWS keeps it current, and a copy of it would say the same with more to maintain.',
  xray: 'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords have no resource-level permissions, so IAM takes them on `*` only.',
  photoPrefix:
    'Object keys are built from owner and photo ids (src/domain/storage-keys.ts), so a role is granted a key prefix of the photos bucket (originals/ or renditions/), with each action named exactly; a prefix cannot be narrower without a policy per photo.',
} as const;

/**
 * Acknowledges the AwsSolutions findings that stand, each on the construct it is
 * about, with its reason; returns them, for the test that lists them. Called at the
 * end of PixportStack's constructor, once every resource exists.
 */
export function acknowledgeRulePackFindings(stack: PixportStack): AcknowledgedFinding[] {
  const found: AcknowledgedFinding[] = [];
  const ack = (scope: IConstruct | undefined, id: string, reason: string) => {
    if (!scope) return;
    Validations.of(scope).acknowledge({ id, reason });
    found.push({ path: scope.node.path, id, reason });
  };
  const photos = `<${logicalId(stack.storage.photos)}.Arn>`;
  const prefix = (p: string) => `AwsSolutions-IAM5[Resource::${photos}/${p}]`;
  /** The role and its default policy of an app Lambda. */
  const roleOf = (fn: IFunction) => fn.role?.node;
  const appFunction = (
    fn: IFunction,
    extra: { readonly starReason?: string; readonly prefixes: string[] },
  ) => {
    const role = roleOf(fn);
    ack(role?.defaultChild, BASIC_EXECUTION, REASONS.basicExecution);
    const policy = role?.tryFindChild('DefaultPolicy')?.node.defaultChild;
    ack(policy, 'AwsSolutions-IAM5[Resource::*]', extra.starReason ?? REASONS.xray);
    for (const p of extra.prefixes) ack(policy, prefix(p), REASONS.photoPrefix);
  };

  appFunction(stack.api.handler, { prefixes: ['originals/*', 'renditions/*'] });
  appFunction(stack.processing.worker, { prefixes: ['originals/*', 'renditions/*'] });
  appFunction(stack.purgedUploads.fn, {
    prefixes: [],
    starReason: `${REASONS.xray} The DynamoDB stream event source adds dynamodb:ListStreams, which has no resource-level permission either.`,
  });
  const video = stack.video;
  if (video) {
    appFunction(video.start, { prefixes: [] });
    appFunction(video.probe, { prefixes: ['originals/*'] });
    appFunction(video.record, { prefixes: ['renditions/*'] });
    const mediaConvert = video.mediaConvertRole.node.tryFindChild('DefaultPolicy')?.node.defaultChild;
    for (const p of [
      'originals/*',
      'renditions/*/video.mp4',
      'renditions/*/poster.*.jpg',
      'renditions/*/frame.*.jpg',
    ]) {
      ack(
        mediaConvert,
        prefix(p),
        `${REASONS.photoPrefix} MediaConvert writes only a video's MP4 (video.mp4) and its frame captures (the poster's, poster.NNNNNNN.jpg, and the frames sampled for analysis, frame.NNNNNNN.jpg).`,
      );
    }
    const workflow = video.stateMachine.role.node.tryFindChild('DefaultPolicy')?.node.defaultChild;
    ack(
      workflow,
      'AwsSolutions-IAM5[Resource::*]',
      "The state machine's X-Ray tracing (PutTraceSegments, PutTelemetryRecords, GetSampling*) and its log delivery to CloudWatch Logs (logs:CreateLogDelivery and the other *LogDelivery actions, DescribeLogGroups, DescribeResourcePolicies, PutResourcePolicy) take no resource narrower than `*`.",
    );
    ack(
      workflow,
      `AwsSolutions-IAM5[Resource::arn:${named(stack.partition, 'AWS::Partition')}:mediaconvert:${named(stack.region, 'AWS::Region')}:${named(stack.account, 'AWS::AccountId')}:jobs/*]`,
      'GetJob and CancelJob of `createJob.sync` act on a job whose id MediaConvert assigns when the job is created, so no narrower ARN can be written in advance; CreateJob itself is limited to the on-demand Default queue.',
    );
    for (const fn of [video.probe, video.record]) {
      ack(
        workflow,
        `AwsSolutions-IAM5[Resource::<${logicalId(fn)}.Arn>:*]`,
        "CDK's LambdaInvoke grants lambda:InvokeFunction on the function and its versions and aliases (`<arn>:*`); the workflow invokes only these two functions of its own.",
      );
    }
  }

  const analysis = stack.analysis as { readonly worker?: IFunction } | undefined;
  if (analysis?.worker) {
    appFunction(analysis.worker, {
      prefixes: ['originals/*', 'renditions/*/analysis.jpg'],
      starReason: `${REASONS.xray} Rekognition's DetectLabels and DetectModerationLabels on image bytes have no resource-level permissions either.`,
    });
  }

  // The public routes: the app answers them without a token, on purpose.
  for (const route of stack.api.api.node.children) {
    const id = route.node.id;
    if (id === 'GET--health' || id === 'GET--openapi.json' || id === 'OPTIONS--{proxy+}') {
      ack(
        route.node.defaultChild,
        'AwsSolutions-APIG4',
        id.startsWith('OPTIONS')
          ? 'CORS preflight: browsers send OPTIONS without credentials, so it cannot carry a token; the app answers it and nothing else.'
          : 'Public by design: the health check and the OpenAPI document hold nothing of anyone (routes.ts, and a test keeps the routes in step with the document).',
      );
    }
  }

  // The DLQ of the table stream's event source (an on-failure destination, not a redrive policy).
  ack(
    stack.purgedUploads.deadLetterQueue.node.defaultChild,
    'AwsSolutions-SQS3',
    'It is a dead-letter queue: the on-failure destination of the DynamoDB stream event source, which cdk-nag does not recognise as one (it looks for a redrive policy).',
  );

  const userPool = stack.auth.userPool?.node.defaultChild;
  ack(
    userPool,
    'AwsSolutions-COG1',
    "Passwords are 12 characters or more, above the rule's 8; the rule's demand for upper case, digits and symbols is what NIST SP 800-63B advises against (length over composition), so the pool keeps Cognito's defaults there.",
  );
  ack(
    userPool,
    'AwsSolutions-COG2',
    'MFA is not forced on people sharing photos; it can be turned on in the user pool without a code change (the page signs in through managed login, which handles it).',
  );
  ack(
    userPool,
    'AwsSolutions-COG8',
    'The Essentials plan has managed login and refresh token rotation, which the page needs; Plus (threat protection) costs about 4x per active user and is a per-deployment choice in the console.',
  );

  const site = stack.delivery.distribution.node.defaultChild;
  ack(
    site,
    'AwsSolutions-CFR1',
    'Photos are shared with people anywhere; no country is excluded. A deployment that must can add a geo restriction.',
  );
  if (!stack.delivery.webAclArn) {
    ack(
      site,
      'AwsSolutions-CFR2',
      'WAF is a parameter (webAclArn, or wafRateLimit in us-east-1), off by default for its fixed monthly cost; API Gateway throttling and the per-owner quota bound abuse without it.',
    );
  }
  if (!stack.delivery.customDomain) {
    ack(
      site,
      'AwsSolutions-CFR4',
      'On the default *.cloudfront.net certificate CloudFront sets the TLS policy itself (TLSv1 is allowed); a custom domain (domainName, certificateArn) gets TLSv1.2_2021.',
    );
  }

  // CDK's own handlers, whose code and policies CDK writes.
  for (const child of stack.node.children) {
    const id = child.node.id;
    if (id.startsWith('Custom::CDKBucketDeployment')) {
      ack(
        child,
        'AwsSolutions-L1',
        "CDK's BucketDeployment handler: CDK picks and updates its runtime with aws-cdk-lib.",
      );
      const role = child.node.tryFindChild('ServiceRole');
      ack(role?.node.defaultChild, BASIC_EXECUTION, REASONS.basicExecution);
      const policy = role?.node.tryFindChild('DefaultPolicy')?.node.defaultChild;
      const deployment =
        "CDK's BucketDeployment copies the page from CDK's asset bucket into the web bucket and invalidates the distribution: CDK writes this policy (read any object of the assets, write and delete any object of the web bucket), and CloudFront invalidations take no resource narrower than `*`.";
      for (const finding of [
        'Action::s3:GetBucket*',
        'Action::s3:GetObject*',
        'Action::s3:List*',
        'Action::s3:Abort*',
        'Action::s3:DeleteObject*',
        `Resource::arn:${named(stack.partition, 'AWS::Partition')}:s3:::cdk-hnb659fds-assets-${named(stack.account, 'AWS::AccountId')}-${named(stack.region, 'AWS::Region')}/*`,
        `Resource::<${logicalId(stack.storage.web)}.Arn>/*`,
        'Resource::*',
      ]) {
        ack(policy, `AwsSolutions-IAM5[${finding}]`, deployment);
      }
    }
    if (id.startsWith('BucketNotificationsHandler')) {
      ack(
        child.node.tryFindChild('Role')?.node.defaultChild,
        BASIC_EXECUTION,
        `CDK's bucket notifications handler. ${REASONS.basicExecution}`,
      );
    }
  }
  return found;
}

/** A stack attribute as cdk-nag writes it in a finding: its value, or `<AWS::...>` while it is a token. */
function named(value: string, pseudo: string): string {
  return Token.isUnresolved(value) ? `<${pseudo}>` : value;
}

/** The logical id of a construct's CloudFormation resource, as cdk-nag names it in a finding. */
function logicalId(construct: IConstruct): string {
  return Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);
}
