/**
 * One instance of the thumbnail worker Lambda, in its own worker thread: the
 * module scope (configuration, container, SDK clients, the wasm-vips worker
 * thread) is its own, as a Lambda instance's is, and it handles one invocation
 * at a time. Terminating the thread is the instance dying mid-invocation.
 *
 * workerData: `{ handlerUrl }`, the function's code (the bundle's index.mjs).
 * Messages in: `{ id, event, timeoutMs }`; out: `{ kind: 'ready' }` once the
 * module is loaded (the init phase), then `{ id, result }` or `{ id, error }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { lambdaContext } from './aws-events.js';

const port = parentPort;
if (!port) throw new Error('lambda-instance.ts runs in a worker thread');

const { handler } = (await import((workerData as { handlerUrl: string }).handlerUrl)) as {
  handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
};
port.on('message', (message: { id: number; event: SQSEvent; timeoutMs: number }) => {
  handler(message.event, lambdaContext('pixport-thumbnails', message.timeoutMs)).then(
    (result) => port.postMessage({ id: message.id, result }),
    (error: unknown) => port.postMessage({ id: message.id, error: String(error) }),
  );
});
port.postMessage({ kind: 'ready' });
