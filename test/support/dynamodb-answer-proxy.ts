import { createServer, type IncomingMessage, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy does with DynamoDB's answer to one request: pass it on, or lose it for a 500. */
export type AnswerDecision = (call: { readonly target: string; readonly status: number }) => 'pass' | 'lose';

/** A proxy in front of DynamoDB (dynalite) on 127.0.0.1, port 0. */
export interface DynamoDbAnswerProxy {
  /** `http://127.0.0.1:<port>`, for a client's `endpoint`. */
  readonly endpoint: string;
  close(): Promise<void>;
}

const read = async (stream: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/**
 * Forwards every request to DynamoDB, then asks `decide` about each answer: a
 * lost one is replaced by a 500 InternalServerError in DynamoDB's own shape,
 * after DynamoDB has carried the request out, as `npm run bench:chaos`'s half
 * of its faults do. `target` is the `X-Amz-Target` operation (`PutItem`,
 * `UpdateItem`...), `status` DynamoDB's answer (200 when it was carried out).
 *
 * @example
 * const proxy = await startDynamoDbAnswerProxy(aws.dynamodbEndpoint, ({ target, status }) =>
 *   target === 'PutItem' && status === 200 ? 'lose' : 'pass');
 */
export async function startDynamoDbAnswerProxy(
  upstreamUrl: string,
  decide: AnswerDecision,
): Promise<DynamoDbAnswerProxy> {
  const upstream = new URL(upstreamUrl);
  const server = createServer(async (req, res) => {
    const body = await read(req);
    const answer = await new Promise<IncomingMessage>((resolve, reject) => {
      const out = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        resolve,
      );
      out.on('error', reject);
      out.end(body);
    });
    const target = String(req.headers['x-amz-target'] ?? '').replace(/^DynamoDB_\d+\./, '');
    if (decide({ target, status: answer.statusCode ?? 0 }) === 'lose') {
      await read(answer);
      res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(
        JSON.stringify({
          __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
          message: 'Internal server error',
        }),
      );
      return;
    }
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
