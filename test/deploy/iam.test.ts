import { type CfnElement, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CfnResource, type Synthesized, synthesize } from './synth.js';

interface Statement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | string[];
  readonly NotAction?: unknown;
  readonly Resource?: unknown;
  readonly Principal?: unknown;
}

/** One policy statement and where it was found. */
interface Found {
  readonly where: string;
  readonly statement: Statement;
  /** Logical ids of the roles an identity policy is attached to; empty for resource policies. */
  readonly roles: string[];
}

const asList = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/**
 * Every statement of every policy in the template: identity policies
 * (AWS::IAM::Policy, AWS::IAM::ManagedPolicy, a role's inline Policies) and
 * resource policies (bucket, queue, topic).
 */
function allStatements(resources: Record<string, CfnResource>): Found[] {
  const found: Found[] = [];
  const add = (where: string, document: unknown, roles: string[]) => {
    for (const statement of asList((document as { Statement?: Statement[] })?.Statement)) {
      found.push({ where, statement, roles });
    }
  };
  const roleIds = (refs: unknown): string[] => asList(refs as { Ref: string }[]).map((r) => r.Ref);
  for (const [id, r] of Object.entries(resources)) {
    const p = r.Properties ?? {};
    switch (r.Type) {
      case 'AWS::IAM::Policy':
      case 'AWS::IAM::ManagedPolicy':
        add(id, p.PolicyDocument, roleIds(p.Roles));
        break;
      case 'AWS::IAM::Role':
        for (const inline of asList(p.Policies as { PolicyDocument: unknown }[]))
          add(id, inline.PolicyDocument, [id]);
        break;
      case 'AWS::S3::BucketPolicy':
      case 'AWS::SQS::QueuePolicy':
      case 'AWS::SNS::TopicPolicy':
        add(id, p.PolicyDocument, []);
        break;
    }
  }
  return found;
}

/** `*`, or a whole service (`s3:*`). */
const isWildcardAction = (action: string): boolean => action === '*' || /^[\w-]+:\*$/.test(action);

let s: Synthesized;
let statements: Found[];
const roleOf = (fn: IConstruct & { role?: IConstruct }): string =>
  Stack.of(fn).getLogicalId(fn.role?.node.defaultChild as CfnElement);
const grantsOf = (role: string) => statements.filter((f) => f.roles.includes(role)).map((f) => f.statement);

beforeAll(() => {
  s = synthesize({}, { bundle: false });
  statements = allStatements(s.template.toJSON().Resources as Record<string, CfnResource>);
});

describe('least privilege', () => {
  it('allows no `*` or `service:*` action and no NotAction anywhere in the template', () => {
    const allows = statements.filter((f) => f.statement.Effect === 'Allow');
    expect(allows.length).toBeGreaterThan(10);
    const offenders = allows.filter(
      (f) => f.statement.NotAction !== undefined || asList(f.statement.Action).some(isWildcardAction),
    );
    expect(offenders).toEqual([]);
  });

  it('uses `s3:*` only to deny requests without TLS', () => {
    const denies = statements.filter((f) => asList(f.statement.Action).some(isWildcardAction));
    for (const { statement } of denies) {
      expect(statement).toMatchObject({
        Effect: 'Deny',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      });
    }
  });

  it("gives the app's two roles only the AWS basic execution managed policy", () => {
    for (const fn of [s.stack.api.handler, s.stack.processing.worker]) {
      const role = s.template.toJSON().Resources[roleOf(fn)].Properties;
      expect(role.ManagedPolicyArns).toHaveLength(1);
      expect(JSON.stringify(role.ManagedPolicyArns)).toContain(
        ':iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
      );
      expect(role.Policies).toBeUndefined();
    }
  });

  /** Action -> resources it is allowed on, resources rendered as `photos/originals/*`, `table`, `queue`. */
  const grantMap = (fn: IConstruct & { role?: IConstruct }): Record<string, string[]> => {
    const names: Record<string, string> = {
      [Stack.of(fn).getLogicalId(s.stack.storage.photos.node.defaultChild as CfnElement)]: 'photos',
      [Stack.of(fn).getLogicalId(s.stack.storage.table.node.defaultChild as CfnElement)]: 'table',
      [Stack.of(fn).getLogicalId(s.stack.processing.queue.node.defaultChild as CfnElement)]: 'queue',
    };
    const render = (resource: unknown): string => {
      const text = JSON.stringify(resource);
      const name = Object.entries(names).find(([id]) => text.includes(`"${id}"`))?.[1];
      if (!name) return text;
      const suffix = /"(\/[^"]*)"\]\]\}$/.exec(text)?.[1] ?? '';
      return `${name}${suffix}`;
    };
    const map: Record<string, string[]> = {};
    for (const statement of grantsOf(roleOf(fn))) {
      expect(statement.Effect).toBe('Allow');
      for (const action of asList(statement.Action)) {
        map[action] = [...(map[action] ?? []), ...asList(statement.Resource).map(render)].sort();
      }
    }
    return map;
  };

  it('lets the http Lambda write originals only, read and delete both prefixes, use the table and send jobs', () => {
    const map = grantMap(s.stack.api.handler);
    expect(map['s3:PutObject']).toEqual(['photos/originals/*']);
    // A presigned upload signs x-amz-tagging: S3 then needs s3:PutObjectTagging of the signer.
    expect(map['s3:PutObjectTagging']).toEqual(['photos/originals/*']);
    // Multipart uploads of originals: Create, UploadPart and Complete are s3:PutObject.
    expect(map['s3:ListMultipartUploadParts']).toEqual(['photos/originals/*']);
    expect(map['s3:AbortMultipartUpload']).toEqual(['photos/originals/*']);
    expect(map['s3:GetObject']).toEqual(['photos/originals/*', 'photos/renditions/*']);
    expect(map['s3:DeleteObject']).toEqual(['photos/originals/*', 'photos/renditions/*']);
    expect(map['s3:ListBucket']).toEqual(['photos']);
    expect(map['dynamodb:PutItem']).toEqual(['table']);
    expect(map['dynamodb:UpdateItem']).toEqual(['table']);
    expect(map['sqs:SendMessage']).toEqual(['queue']);
    expect(map['sqs:ReceiveMessage']).toBeUndefined();
    // X-Ray's two actions take no resource but `*` (checked below).
    const resources = new Set(
      Object.entries(map)
        .filter(([action]) => !action.startsWith('xray:'))
        .flatMap(([, r]) => r),
    );
    expect([...resources].sort()).toEqual(
      ['photos', 'photos/originals/*', 'photos/renditions/*', 'queue', 'table'].sort(),
    );
  });

  it('lets the worker read originals, write renditions, use the table and consume jobs', () => {
    const map = grantMap(s.stack.processing.worker);
    expect(map['s3:GetObject']).toEqual(['photos/originals/*']);
    expect(map['s3:ListBucket']).toEqual(['photos']);
    expect(map['s3:PutObject']).toEqual(['photos/renditions/*']);
    expect(map['s3:DeleteObject']).toEqual(['photos/originals/*', 'photos/renditions/*']);
    expect(map['dynamodb:UpdateItem']).toEqual(['table']);
    expect(map['sqs:ReceiveMessage']).toEqual(['queue']);
    expect(map['sqs:DeleteMessage']).toEqual(['queue']);
    expect(map['sqs:SendMessage']).toBeUndefined();
    // X-Ray's two actions take no resource but `*` (checked below).
    const resources = new Set(
      Object.entries(map)
        .filter(([action]) => !action.startsWith('xray:'))
        .flatMap(([, r]) => r),
    );
    expect([...resources].sort()).toEqual(
      ['photos', 'photos/originals/*', 'photos/renditions/*', 'queue', 'table'].sort(),
    );
  });

  it('names every S3 action of the app roles exactly: no wildcard, and no version action', () => {
    for (const fn of [s.stack.api.handler, s.stack.processing.worker]) {
      const actions = Object.keys(grantMap(fn)).filter((a) => a.startsWith('s3:'));
      expect(actions.filter((a) => a.includes('*'))).toEqual([]);
      // The photos bucket is versioned: only an operator may delete (or restore) a version.
      expect(actions.filter((a) => /Version/.test(a))).toEqual([]);
    }
  });

  it('lets the worker remove tags of originals, and nothing else of tagging that writes', () => {
    const map = grantMap(s.stack.processing.worker);
    const onOriginals = Object.entries(map)
      .filter(([, resources]) => resources.includes('photos/originals/*'))
      .map(([action]) => action)
      .sort();
    // The only write of tags is DeleteObjectTagging, for an accepted upload. No
    // PutObjectTagging: it cannot mark anything pending.
    expect(onOriginals).toEqual(['s3:DeleteObject', 's3:DeleteObjectTagging', 's3:GetObject']);
    const writesTags = (action: string) => /^s3:(Put|Delete)\w*(\*|Tagging)$/.test(action);
    expect(Object.keys(map).filter(writesTags)).toEqual(['s3:DeleteObjectTagging']);
  });

  it('allows `Resource: *` only for actions that take no narrower resource, and says which roles have them', () => {
    const anyResource = statements
      .filter((f) => f.statement.Effect === 'Allow' && asList(f.statement.Resource).includes('*'))
      .flatMap((f) => asList(f.statement.Action).map((action) => ({ action, roles: f.roles })));
    const byAction: Record<string, string[]> = {};
    for (const { action, roles } of anyResource)
      byAction[action] = [...(byAction[action] ?? []), ...roles].sort();
    const app = {
      http: roleOf(s.stack.api.handler),
      worker: roleOf(s.stack.processing.worker),
      purged: roleOf(s.stack.purgedUploads.fn),
    };
    expect(Object.keys(byAction).sort()).toEqual(
      [
        // BucketDeployment invalidates the distribution after copying the page.
        'cloudfront:CreateInvalidation',
        'cloudfront:GetInvalidation',
        // The stream event source lists the table's streams.
        'dynamodb:ListStreams',
        // Rekognition's image operations have no resource-level permissions.
        'rekognition:DetectLabels',
        'rekognition:DetectModerationLabels',
        // Active tracing: each Lambda sends its segments to X-Ray, which takes no narrower resource.
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
        // The video workflow's state machine: X-Ray sampling, and delivering its logs to CloudWatch Logs.
        'xray:GetSamplingRules',
        'xray:GetSamplingTargets',
        'logs:CreateLogDelivery',
        'logs:DeleteLogDelivery',
        'logs:DescribeLogGroups',
        'logs:DescribeResourcePolicies',
        'logs:GetLogDelivery',
        'logs:ListLogDeliveries',
        'logs:PutResourcePolicy',
        'logs:UpdateLogDelivery',
      ].sort(),
    );
    const workflow = s.stack.video ? [roleOf(s.stack.video.stateMachine)] : [];
    for (const action of Object.keys(byAction).filter(
      (a) => a.startsWith('logs:') || a.startsWith('xray:GetSampling'),
    )) {
      expect(byAction[action]).toEqual(workflow);
    }
    expect(byAction['dynamodb:ListStreams']).toEqual([app.purged]);
    for (const action of ['xray:PutTelemetryRecords', 'xray:PutTraceSegments']) {
      expect(byAction[action]).toEqual(expect.arrayContaining(Object.values(app)));
    }
    for (const action of ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation']) {
      for (const role of byAction[action] ?? []) expect(Object.values(app)).not.toContain(role);
    }
  });
});
