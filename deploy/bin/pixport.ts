/**
 * The Pixport CDK app: `npm run synth` / `npm run deploy` (see docs/deploy.md).
 * Parameters come from context, e.g. `npm run deploy -- -c alarmEmail=ops@example.com`.
 */
import { App } from 'aws-cdk-lib';
import { readContext } from '../lib/context.js';
import { PixportStack } from '../lib/pixport-stack.js';

const app = new App();
const { stackName, props } = readContext(app.node);
new PixportStack(app, stackName, {
  description: 'Pixport: photo uploads, thumbnails and a gallery',
  ...props,
});
