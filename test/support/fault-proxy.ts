import { randomUUID } from 'node:crypto';
import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The AWS services the proxies stand in front of; each answers a fault in its own protocol. */
export type FaultService = 's3' | 'sqs' | 'dynamodb';

/** How a call fails: answered 500 before it is carried out, or carried out and then answered 500. */
export type Fault = 'before' | 'after';

/** What one proxy did: calls seen, and the faults it made of them. */
export interface FaultCounts {
  calls: number;
  /** Answered 500 without being forwarded: the call was never carried out. */
  failedBefore: number;
  /** Forwarded and carried out, then answered 500: a retry meets work already done. */
  failedAfter: number;
}

/** A call the upstream carried out, and whether its caller was told so. */
export interface ForwardedCall {
  readonly method: string;
  /** The raw request path and query, as the client sent it. */
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly bodyBytes: number;
  /** The upstream's status. */
  readonly status: number;
  /** True when the caller got a 500 instead of the upstream's answer. */
  readonly faulted: boolean;
}

/** A fault-injecting proxy; `rate` may change between phases of a run. */
export interface FaultProxy {
  readonly url: string;
  readonly counts: FaultCounts;
  rate: number;
  close(): Promise<void>;
}

/** Options of {@link startFaultProxy}. */
export interface FaultProxyOptions {
  readonly service: FaultService;
  /** Where calls that are not failed before go. */
  readonly upstream: string;
  /** Share of calls that fail, 0-1; half of them before, half after being carried out. */
  readonly rate: number;
  readonly random: () => number;
  /**
   * Decides instead of `rate` and `random` which calls fail and how, by their
   * order of arrival (0, 1, ...): a fixed pattern, for a test whose outcome must
   * not depend on a draw.
   */
  readonly schedule?: (call: number) => Fault | undefined;
  /** Told of every call the upstream carried out, faulted or not (for S3 notifications, kills). */
  readonly onForwarded?: (call: ForwardedCall) => void;
}

/**
 * The 500 each service sends for a transient failure of its own, in the shape
 * its SDK client parses: S3's XML `InternalError` (no body for a HEAD, as S3
 * sends none), SQS's JSON-protocol `InternalError` with its query-error header,
 * DynamoDB's `InternalServerError`. The SDKs retry any 500 (a transient status
 * code); the bodies make the error they surface name the right code.
 */
function answerFault(service: FaultService, req: IncomingMessage, res: ServerResponse): void {
  const requestId = randomUUID();
  switch (service) {
    case 's3': {
      res.writeHead(500, { 'content-type': 'application/xml', 'x-amz-request-id': requestId });
      if (req.method === 'HEAD') return void res.end();
      res.end(
        `<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message><RequestId>${requestId}</RequestId></Error>`,
      );
      return;
    }
    case 'sqs':
      res.writeHead(500, {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-requestid': requestId,
        'x-amzn-query-error': 'InternalError;Receiver',
      });
      res.end(
        JSON.stringify({ __type: 'com.amazonaws.sqs#InternalError', message: 'An internal error occurred.' }),
      );
      return;
    case 'dynamodb':
      res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': requestId });
      res.end(
        JSON.stringify({
          __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
          message: 'Internal server error',
        }),
      );
      return;
  }
}

const readBody = async (stream: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/**
 * An HTTP proxy on 127.0.0.1, port 0, in front of one emulator endpoint. Each
 * call draws from `random`: with probability `rate` it fails, and a second
 * draw picks how: answered 500 at once without reaching the upstream, or
 * forwarded, carried out, its answer thrown away and 500 sent instead (or
 * `schedule` says, by the call's number). The
 * request is passed on untouched (Host included, so SigV4 signatures made for
 * the proxy's address still verify behind it).
 *
 * @example
 * const proxy = await startFaultProxy({ service: 'dynamodb', upstream, rate: 0.2, random: seededRandom(1) }); // test/support/seeded-random.ts
 * new DynamoDBClient({ endpoint: proxy.url });
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const upstream = new URL(options.upstream);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const counts: FaultCounts = { calls: 0, failedBefore: 0, failedAfter: 0 };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
  });

  const proxy: FaultProxy = {
    url: '',
    counts,
    rate: options.rate,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        agent.destroy();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };

  function decide(call: number): Fault | undefined {
    if (options.schedule) return options.schedule(call);
    if (options.random() >= proxy.rate) return undefined;
    return options.random() < 0.5 ? 'before' : 'after';
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const fault = decide(counts.calls++);
    if (fault === 'before') {
      counts.failedBefore++;
      return answerFault(options.service, req, res);
    }
    const headers = { ...req.headers, 'content-length': String(body.byteLength) };
    delete headers['transfer-encoding'];
    const answer = await new Promise<IncomingMessage>((resolve, reject) => {
      const out = request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent },
        resolve,
      );
      out.on('error', reject);
      out.end(body);
    });
    const status = answer.statusCode ?? 502;
    options.onForwarded?.({
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      bodyBytes: body.byteLength,
      status,
      faulted: fault === 'after',
    });
    if (fault === 'after') {
      counts.failedAfter++;
      await readBody(answer);
      return answerFault(options.service, req, res);
    }
    res.writeHead(status, answer.headers);
    answer.pipe(res);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(proxy, { url: `http://127.0.0.1:${port}` });
}
