import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import {
  type BundlingOptions,
  LogLevel,
  NodejsFunction,
  OutputFormat,
  SourceMapMode,
} from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BUNDLE_FLAGS, type BundleFlags } from './lambda-bundle.js';

/** The repository root: bundling runs from here, with its lock file and node_modules. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** `flags` in NodejsFunction's option names; it runs esbuild with them. */
function bundlingOptions(flags: BundleFlags = BUNDLE_FLAGS): BundlingOptions {
  // Keyed by flag, so a flag added to BundleFlags does not compile until it is mapped here.
  const byFlag = {
    // NodejsFunction always passes --platform=node.
    platform: {},
    target: { target: flags.target },
    format: { format: { esm: OutputFormat.ESM }[flags.format] },
    mainFields: { mainFields: [...flags.mainFields] },
    minify: { minify: flags.minify },
    // Its DEFAULT mode is a bare --sourcemap, which is esbuild's linked.
    sourcemap: { sourceMap: true, sourceMapMode: { linked: SourceMapMode.DEFAULT }[flags.sourcemap] },
    legalComments: { esbuildArgs: { '--legal-comments': flags.legalComments } },
    banner: { banner: flags.banner },
    // Always set: NodejsFunction's default leaves out the AWS SDK, and the pinned SDK
    // should be bundled rather than whichever the runtime carries.
    external: { externalModules: [...flags.external] },
    logLevel: { logLevel: { warning: LogLevel.WARNING }[flags.logLevel] },
  } satisfies Record<keyof BundleFlags, BundlingOptions>;
  return Object.assign({}, ...Object.values(byFlag));
}

/** Options of {@link NodeLambda}. */
export interface NodeLambdaProps {
  /** Entry file, relative to the repository root, that exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly logRetention: RetentionDays;
  readonly environment?: Record<string, string>;
  /** Shell commands run after esbuild, from the repository root, to add files to the bundle. */
  readonly afterBundling?: (inputDir: string, outputDir: string) => string[];
}

/**
 * A Node Lambda built the one way this project builds them: NodejsFunction with the
 * local esbuild (no Docker), arm64, the Node 24 runtime, the bundle settings of
 * lambda-bundle.ts (ESM, minified, source maps, wasm-vips external), its
 * own log group with a retention (instead of the `logRetention` custom resource),
 * and active X-Ray tracing, which the handlers' Powertools Tracer adds to (a
 * subsegment per invocation and per AWS SDK call).
 *
 * @example
 * new NodeLambda(this, 'Http', { entry: 'src/entrypoints/lambda/http.ts', ... }).fn
 */
export class NodeLambda extends Construct {
  readonly fn: NodejsFunction;

  constructor(scope: Construct, id: string, props: NodeLambdaProps) {
    super(scope, id);
    const entry = join(REPO_ROOT, props.entry);
    if (!existsSync(entry)) throw new Error(`Lambda entry ${props.entry} does not exist`);
    const logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const afterBundling = props.afterBundling;
    const bundling: BundlingOptions = {
      ...bundlingOptions(),
      forceDockerBundling: false,
      commandHooks: {
        beforeBundling: () => [],
        beforeInstall: () => [],
        afterBundling: (inputDir, outputDir) => afterBundling?.(inputDir, outputDir) ?? [],
      },
    };
    this.fn = new NodejsFunction(this, 'Function', {
      entry,
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      logGroup,
      tracing: Tracing.ACTIVE,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'pixport',
        POWERTOOLS_METRICS_NAMESPACE: 'Pixport',
        ...props.environment,
      },
      bundling,
    });
  }
}
