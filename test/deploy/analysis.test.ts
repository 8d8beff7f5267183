import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ANALYSIS_BATCH_SIZE,
  ANALYSIS_TIMEOUT,
  type AnalysisProcessing,
  REKOGNITION_ACTIONS,
} from '../../deploy/lib/analysis.js';
import { readContext } from '../../deploy/lib/context.js';
import {
  type CfnResource,
  pageConfigOf,
  refersTo,
  resourcesOf,
  type Synthesized,
  synthesize,
} from './synth.js';

/** The analysis consumer in the template: its function, its queue subscription and its grants. */

const idOf = (construct: IConstruct): string =>
  Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

/** Every statement of the identity policies attached to `fn`'s role. */
function statementsOf(s: Synthesized, fn: IConstruct & { role?: IConstruct }): Statement[] {
  const role = Stack.of(fn).getLogicalId(fn.role?.node.defaultChild as CfnElement);
  return Object.values(resourcesOf(s.template, 'AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties?.Roles).includes(`"${role}"`))
    .flatMap(
      (p) => (p.Properties?.PolicyDocument as { Statement?: Statement[] } | undefined)?.Statement ?? [],
    );
}

const actionsOf = (statement: Statement): string[] =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

describe('analysis on (the default)', () => {
  let s: Synthesized;
  let analysis: AnalysisProcessing;
  beforeAll(() => {
    s = synthesize({}, { bundle: false });
    analysis = s.stack.analysis as AnalysisProcessing;
  });

  it('feeds the analysis worker from its own queue, with partial batch failures', () => {
    const mapping = Object.values(resourcesOf(s.template, 'AWS::Lambda::EventSourceMapping')).find((m) =>
      refersTo(m.Properties?.FunctionName, idOf(analysis.worker)),
    );
    expect(mapping?.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [idOf(analysis.queue), 'Arn'] },
      BatchSize: ANALYSIS_BATCH_SIZE,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const fn = resourcesOf(s.template, 'AWS::Lambda::Function')[idOf(analysis.worker)] as CfnResource;
    expect(fn.Properties?.Timeout).toBe(ANALYSIS_TIMEOUT.toSeconds());
    expect(fn.Properties?.Architectures).toEqual(['arm64']);
    const queue = resourcesOf(s.template, 'AWS::SQS::Queue')[idOf(analysis.queue)] as CfnResource;
    expect(queue.Properties?.VisibilityTimeout).toBeGreaterThanOrEqual(6 * ANALYSIS_TIMEOUT.toSeconds());
  });

  it('grants exactly DetectLabels and DetectModerationLabels of Rekognition, to the analysis worker only', () => {
    const rekognition = statementsOf(s, analysis.worker).filter((st) =>
      actionsOf(st).some((a) => a.startsWith('rekognition:')),
    );
    // CDK merges statements on the same resource (`*`), so other services' actions may share it.
    const granted = rekognition.flatMap(actionsOf).filter((a) => a.startsWith('rekognition:'));
    expect(granted.sort()).toEqual([...REKOGNITION_ACTIONS].sort());
    expect([...REKOGNITION_ACTIONS].sort()).toEqual([
      'rekognition:DetectLabels',
      'rekognition:DetectModerationLabels',
    ]);
    for (const fn of [s.stack.api.handler, s.stack.processing.worker]) {
      expect(JSON.stringify(statementsOf(s, fn))).not.toContain('rekognition:');
    }
  });

  it('lets the worker read originals and write only the analysis JPEG, which Rekognition reads as the worker', () => {
    const s3 = statementsOf(s, analysis.worker).filter((st) =>
      actionsOf(st).some((a) => a.startsWith('s3:')),
    );
    const puts = s3.filter((st) => actionsOf(st).includes('s3:PutObject'));
    expect(puts).toHaveLength(1);
    expect(JSON.stringify(puts[0]?.Resource)).toContain('/renditions/*/analysis.jpg');
    const gets = s3
      .filter((st) => actionsOf(st).includes('s3:GetObject'))
      .map((st) => JSON.stringify(st.Resource));
    expect(gets.some((r) => r.includes('/originals/*'))).toBe(true);
    expect(gets.some((r) => r.includes('/renditions/*/analysis.jpg'))).toBe(true);
    expect(s3.flatMap(actionsOf).filter((a) => a.includes('*') || /Version/.test(a))).toEqual([]);
  });
});

describe('analysis off (`-c analysis=false`)', () => {
  it('reads the parameter from context', () => {
    const app = new App({ context: { analysis: 'false' } });
    expect(readContext(app.node).props.analysis).toBe(false);
    expect(readContext(new App().node).props.analysis).toBeUndefined();
  });

  it('deploys no analysis queue, subscription, function or Rekognition grant', () => {
    const s = synthesize({ analysis: false }, { bundle: false });
    expect(s.stack.analysis).toBeUndefined();
    const subscriptions = Object.values(resourcesOf(s.template, 'AWS::SNS::Subscription'));
    // The thumbnail queue's, and the video queue's (the `video` parameter is on by default).
    expect(subscriptions.filter((r) => r.Properties?.Protocol === 'sqs')).toHaveLength(s.stack.video ? 2 : 1);
    expect(JSON.stringify(s.template.toJSON())).not.toContain('rekognition:');
    // The page is told, so it waits for no analysis after a thumbnail.
    expect(pageConfigOf(s)).toMatchObject({ analysis: false });
  });
});

describe('the moderation policy of a deployment', () => {
  const variablesOf = (s: Synthesized) => {
    const fn = resourcesOf(s.template, 'AWS::Lambda::Function')[
      idOf((s.stack.analysis as AnalysisProcessing).worker)
    ] as CfnResource;
    return (
      (fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {}
    );
  };

  it('hands the worker nothing by default, so its defaults apply', () => {
    const vars = variablesOf(synthesize({}, { bundle: false }));
    expect(Object.keys(vars).filter((k) => k.startsWith('MODERATION_'))).toEqual([]);
  });

  it('reads it from context and hands it to the worker as MODERATION_* variables', () => {
    const app = new App({
      context: {
        moderationMode: 'block',
        moderationReviewAt: '50',
        moderationBlockAt: '90',
        moderationCategories: 'Explicit,Violence',
      },
    });
    const { moderation } = readContext(app.node).props;
    expect(moderation).toEqual({
      mode: 'block',
      reviewAt: 50,
      blockAt: 90,
      categories: ['Explicit', 'Violence'],
    });
    const vars = variablesOf(synthesize({ moderation: moderation ?? {} }, { bundle: false }));
    expect(vars).toMatchObject({
      MODERATION_MODE: 'block',
      MODERATION_REVIEW_AT: '50',
      MODERATION_BLOCK_AT: '90',
      MODERATION_CATEGORIES: 'Explicit,Violence',
    });
  });

  it.each([
    [{ moderationMode: 'hide' }, /moderationMode is flag or block/],
    [{ moderationBlockAt: '101' }, /moderationBlockAt is 0-100/],
  ])('refuses context %o', (context, message) => {
    expect(() => readContext(new App({ context }).node)).toThrow(message);
  });

  it('refuses a review threshold over the block threshold at synth', () => {
    expect(() => synthesize({ moderation: { reviewAt: 90, blockAt: 80 } }, { bundle: false })).toThrow(
      /reviewAt must not be over blockAt/,
    );
  });
});
