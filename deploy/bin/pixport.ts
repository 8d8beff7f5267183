/**
 * The Pixport CDK app: `npm run synth` / `npm run deploy` (see docs/deploy.md).
 * Parameters come from context, e.g. `npm run deploy -- -c alarmEmail=ops@example.com`.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readContext } from '../lib/context.js';
import { PixportStack } from '../lib/pixport-stack.js';

const app = new App();
// cdk-nag's AwsSolutions pack checks the stack at every synth: a finding that is neither
// fixed nor acknowledged (deploy/lib/rule-pack.ts) stops it.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
const { stackName, props } = readContext(app.node);
new PixportStack(app, stackName, {
  description: 'Pixport: photo uploads, thumbnails and a gallery',
  ...props,
});
