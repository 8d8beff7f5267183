// The parts of workerd's test modules these tests use, typed for the root
// `tsc` (which knows DOM and Node, not the Workers globals). vitest resolves
// the real modules inside workerd.
declare module 'cloudflare:workers' {
  import type { KVNamespace, Queue } from '@cloudflare/workers-types/index.js';
  import type { WorkerEnv } from '../../src/entrypoints/cloudflare/worker-env.js';

  export const env: WorkerEnv & {
    readonly RECEIVED: KVNamespace;
    readonly CONTRACT_JOBS: Queue<unknown>;
    readonly TEST_MIGRATIONS: { name: string; queries: string[] }[];
  };
}

declare module 'cloudflare:test' {
  import type {
    D1Database,
    ExecutionContext,
    MessageBatch,
    ScheduledController,
  } from '@cloudflare/workers-types/index.js';

  export const SELF: { fetch(input: string | Request, init?: RequestInit): Promise<Response> };
  export function createExecutionContext(): ExecutionContext;
  export function waitOnExecutionContext(ctx: ExecutionContext): Promise<void>;
  export function createScheduledController(options?: {
    scheduledTime?: Date | number;
    cron?: string;
  }): ScheduledController;
  export function createMessageBatch<Body = unknown>(
    queueName: string,
    messages: { id: string; timestamp: Date; attempts: number; body: Body }[],
  ): MessageBatch<Body>;
  export function getQueueResult(
    batch: MessageBatch,
    ctx: ExecutionContext,
  ): Promise<{ explicitAcks: string[]; retryMessages: { msgId: string; delaySeconds?: number }[] }>;
  export function applyD1Migrations(
    db: D1Database,
    migrations: { name: string; queries: string[] }[],
  ): Promise<void>;
}
