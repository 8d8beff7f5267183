import type { TestProject } from 'vitest/node';
import { startEmulators } from '../support/emulators.js';

/**
 * Starts the AWS emulators once for the integration project and hands their
 * endpoints to the tests (`inject('aws')`); stops them when the run ends.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const emulators = await startEmulators();
  project.provide('aws', emulators.info);
  return () => emulators.stop();
}
