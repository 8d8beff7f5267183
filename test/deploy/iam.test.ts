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

  it('lets the http Lambda write originals only, read both prefixes, delete both, use the table and send jobs', () => {
    const map = grantMap(s.stack.api.handler);
    expect(map['s3:PutObject']).toEqual(['photos/originals/*']);
    // A presigned upload signs x-amz-tagging: S3 then needs s3:PutObjectTagging of the signer.
    expect(map['s3:PutObjectTagging']).toEqual(['photos/originals/*']);
    // Multipart uploads of originals: Create, UploadPart and Complete are s3:PutObject; ListParts is
    // s3:ListMultipartUploadParts (in s3:List*), and aborting is s3:AbortMultipartUpload.
    expect(map['s3:Abort*']).toEqual(['photos/originals/*']);
    expect(map['s3:List*']).toContain('photos/originals/*');
    expect(map['s3:GetObject*']).toEqual(['photos', 'photos/originals/*', 'photos/renditions/*']);
    expect(map['s3:DeleteObject*']).toEqual(['photos/originals/*', 'photos/renditions/*']);
    expect(map['dynamodb:PutItem']).toEqual(['table']);
    expect(map['sqs:SendMessage']).toEqual(['queue']);
    expect(map['sqs:ReceiveMessage']).toBeUndefined();
    const resources = new Set(Object.values(map).flat());
    expect([...resources].sort()).toEqual(
      ['photos', 'photos/originals/*', 'photos/renditions/*', 'queue', 'table'].sort(),
    );
  });

  it('lets the worker read originals, write renditions, use the table and consume jobs', () => {
    const map = grantMap(s.stack.processing.worker);
    expect(map['s3:GetObject*']).toEqual(['photos', 'photos/originals/*']);
    expect(map['s3:PutObject']).toEqual(['photos/renditions/*']);
    expect(map['s3:DeleteObject*']).toEqual(['photos/renditions/*']);
    expect(map['s3:DeleteObject']).toEqual(['photos/originals/*']);
    expect(map['dynamodb:UpdateItem']).toEqual(['table']);
    expect(map['sqs:ReceiveMessage']).toEqual(['queue']);
    expect(map['sqs:DeleteMessage']).toEqual(['queue']);
    expect(map['sqs:SendMessage']).toBeUndefined();
    const resources = new Set(Object.values(map).flat());
    expect([...resources].sort()).toEqual(
      ['photos', 'photos/originals/*', 'photos/renditions/*', 'queue', 'table'].sort(),
    );
  });

  it('lets the worker remove tags of originals, and nothing else of tagging that writes', () => {
    const map = grantMap(s.stack.processing.worker);
    const onOriginals = Object.entries(map)
      .filter(([, resources]) => resources.includes('photos/originals/*'))
      .map(([action]) => action)
      .sort();
    // GetObject* (reading tags included) comes with reading originals; the only write of tags
    // is DeleteObjectTagging, for an accepted upload. No PutObjectTagging: it cannot mark anything pending.
    expect(onOriginals).toEqual([
      's3:DeleteObject',
      's3:DeleteObjectTagging',
      's3:GetBucket*',
      's3:GetObject*',
      's3:List*',
    ]);
    expect(map['s3:DeleteObjectTagging']).toEqual(['photos/originals/*']);
    const writesTags = (action: string) => /^s3:(Put|Delete)\w*(\*|Tagging)$/.test(action);
    const tagWrites = Object.entries(map)
      .filter(([action]) => writesTags(action))
      .sort(([a], [b]) => a.localeCompare(b));
    // Renditions: CDK's grantPut and grantDelete bring their tagging actions along.
    expect(tagWrites).toEqual([
      ['s3:DeleteObject*', ['photos/renditions/*']],
      ['s3:DeleteObjectTagging', ['photos/originals/*']],
      ['s3:PutObjectTagging', ['photos/renditions/*']],
      ['s3:PutObjectVersionTagging', ['photos/renditions/*']],
    ]);
  });

  it("lists what CDK's own handlers are allowed on every resource (`Resource: *`)", () => {
    const appRoles = [roleOf(s.stack.api.handler), roleOf(s.stack.processing.worker)];
    const anyResource = statements
      .filter((f) => f.statement.Effect === 'Allow' && asList(f.statement.Resource).includes('*'))
      .map((f) => ({ roles: f.roles, actions: asList(f.statement.Action).sort() }));
    for (const { roles } of anyResource) for (const role of roles) expect(appRoles).not.toContain(role);
    // BucketDeployment invalidates the distribution after copying the page; CloudFront
    // invalidation actions take no resource narrower than `*`.
    expect(anyResource.map((f) => f.actions)).toEqual([
      ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation'],
    ]);
  });
});
