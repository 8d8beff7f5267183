import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { REPO_ROOT } from '../../deploy/lib/node-lambda.js';
import { PixportStack, type PixportStackProps } from '../../deploy/lib/pixport-stack.js';

/** The feature flags and settings `cdk synth` reads from deploy/cdk.json, so tests see the same template. */
export const CDK_CONTEXT: Record<string, unknown> = JSON.parse(
  readFileSync(join(REPO_ROOT, 'deploy', 'cdk.json'), 'utf8'),
).context;

/** A synthesized stack: its construct, its template and the cloud assembly's directory. */
export interface Synthesized {
  readonly stack: PixportStack;
  readonly template: Template;
  readonly assemblyDir: string;
}

/**
 * Synthesizes a PixportStack once, as `npm run synth` would.
 *
 * `bundle: false` skips esbuild (CDK's `aws:cdk:bundling-stacks` context, as
 * `cdk deploy --exclusively` uses it) and the CloudFormation schema validation,
 * for tests about the template's shape that need neither. `rulePack: true` runs
 * cdk-nag's AwsSolutions checks as `cdk synth` does (deploy/bin/pixport.ts): a
 * finding neither fixed nor acknowledged makes the synth throw, with the report.
 */
export function synthesize(
  props: PixportStackProps = {},
  options: { bundle?: boolean; rulePack?: boolean } = {},
): Synthesized {
  const bundle = options.bundle ?? true;
  const app = new App({
    context: {
      ...CDK_CONTEXT,
      ...(bundle
        ? {}
        : { 'aws:cdk:bundling-stacks': [], '@aws-cdk/core:validateAgainstDefaultRules': false }),
    },
  });
  if (options.rulePack) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  // Constructing the stack bundles the Lambdas; synth writes the assembly.
  const [stack, assembly] = quietBundling(() => {
    const built = new PixportStack(app, 'Pixport', props);
    return [built, app.synth()] as const;
  });
  const template = Template.fromJSON(assembly.getStackByName(stack.stackName).template);
  return { stack, template, assemblyDir: assembly.directory };
}

/**
 * Runs `build` without CDK's "Bundling asset <path>..." progress lines, which
 * it writes straight to stderr for every Lambda; anything else still shows.
 */
function quietBundling<T>(build: () => T): T {
  const write = process.stderr.write;
  process.stderr.write = ((chunk: unknown, ...rest: unknown[]) =>
    String(chunk).startsWith('Bundling asset ')
      ? true
      : (write as (...args: unknown[]) => boolean).call(process.stderr, chunk, ...rest)) as typeof write;
  try {
    return build();
  } finally {
    process.stderr.write = write;
  }
}

/** A CloudFormation resource as it appears in a template. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
}

/** Every resource of `type`, by logical id. */
export function resourcesOf(template: Template, type: string): Record<string, CfnResource> {
  return template.findResources(type) as Record<string, CfnResource>;
}

/** The one resource of `type` (fails if there are more or none). */
export function onlyResource(template: Template, type: string): [string, CfnResource] {
  const entries = Object.entries(resourcesOf(template, type));
  if (entries.length !== 1) throw new Error(`expected one ${type}, found ${entries.length}`);
  return entries[0] as [string, CfnResource];
}

/** `{ Ref: id }` or `{ 'Fn::GetAtt': [id, ...] }` pointing at logical id `id`? */
export function refersTo(value: unknown, id: string): boolean {
  return JSON.stringify(value).includes(`"${id}"`);
}

/**
 * A CloudFormation value in `Fn::Sub` notation, to compare by reference in a readable way.
 *
 * @example
 * asSub({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': ['Site', 'DomainName'] }, '/']] }) // 'https://${Site.DomainName}/'
 */
export function asSub(value: unknown): string {
  if (typeof value === 'string') return value;
  const node = value as Record<string, unknown>;
  if (typeof node.Ref === 'string') return `\${${node.Ref}}`;
  if (Array.isArray(node['Fn::GetAtt'])) return `\${${node['Fn::GetAtt'].join('.')}}`;
  if (Array.isArray(node['Fn::Join'])) {
    const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
    return parts.map(asSub).join(separator);
  }
  throw new Error(`no Fn::Sub form for ${JSON.stringify(value)}`);
}

/**
 * The page's config.json as the deployment will write it: the file staged in the cloud
 * assembly, with each deploy-time marker replaced by its value in `Fn::Sub` notation
 * (see {@link asSub}), taken from the deployment's `SourceMarkers`.
 */
export function pageConfigOf(s: Synthesized): Record<string, unknown> {
  const dir = readdirSync(s.assemblyDir).find((d) => existsSync(join(s.assemblyDir, d, 'config.json')));
  if (!dir) throw new Error('no staged config.json in the cloud assembly');
  const [, deployment] = onlyResource(s.template, 'Custom::CDKBucketDeployment');
  const { SourceObjectKeys: keys, SourceMarkers: markerSets } = (deployment.Properties ?? {}) as {
    SourceObjectKeys: string[];
    SourceMarkers: Record<string, unknown>[];
  };
  const markers = markerSets[keys.indexOf(`${dir.replace(/^asset\./, '')}.zip`)] ?? {};
  let text = readFileSync(join(s.assemblyDir, dir, 'config.json'), 'utf8');
  for (const [marker, value] of Object.entries(markers)) text = text.split(marker).join(asSub(value));
  return JSON.parse(text);
}
