import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The repository root: bundling runs from here, with its lock file and node_modules. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * esbuild's ESM output has no `require`; bundled CommonJS dependencies still call it
 * for Node built-ins. The alias keeps clear of a `createRequire` import in the bundle.
 */
const REQUIRE_SHIM =
  "import { createRequire as __pixportCreateRequire } from 'node:module'; const require = __pixportCreateRequire(import.meta.url);";

/** Options of {@link NodeLambda}. */
export interface NodeLambdaProps {
  /** Entry file, relative to the repository root, that exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly logRetention: RetentionDays;
  readonly environment?: Record<string, string>;
  /** Packages left out of the bundle; they must then be shipped beside it (see `afterBundling`). */
  readonly externalModules?: string[];
  /** Shell commands run after esbuild, from the repository root, to add files to the bundle. */
  readonly afterBundling?: (inputDir: string, outputDir: string) => string[];
}

/**
 * A Node Lambda built the one way this project builds them: NodejsFunction with the
 * local esbuild (no Docker), ESM, arm64, Node 24, minified with source maps, and its
 * own log group with a retention (instead of the `logRetention` custom resource).
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
      forceDockerBundling: false,
      format: OutputFormat.ESM,
      target: 'node24',
      mainFields: ['module', 'main'],
      minify: true,
      sourceMap: true,
      // esbuild's size table on every synth is noise; its warnings and errors still show.
      logLevel: LogLevel.WARNING,
      banner: REQUIRE_SHIM,
      // Bundle the pinned AWS SDK rather than use whichever the runtime carries.
      externalModules: props.externalModules ?? [],
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
