import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';

/** Where the emulators listen and what they hold; JSON-safe, so vitest can `provide` it to test workers. */
export interface AwsEmulatorInfo {
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** S3 as clients see it: the presign gate in front of fauxqs. */
  readonly s3Endpoint: string;
  readonly sqsEndpoint: string;
  readonly dynamodbEndpoint: string;
  readonly bucket: string;
  readonly table: string;
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    aws: AwsEmulatorInfo;
  }
}

/** Owners whose originals the gate fails with a 500, to prove that a transient S3 error is retried. */
export const S3_FAULT_OWNER_PREFIX = 's3-fault-';

const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
const REGION = 'us-east-1';

/**
 * Starts fauxqs (S3 and SQS) and dynalite (DynamoDB) on 127.0.0.1, port 0,
 * with the bucket, the queue (with a DLQ after 3 receives) and the table that
 * Pixport's AWS adapters expect.
 *
 * fauxqs does not check signatures at all, so S3 is reached through a small
 * gate (below) that checks presigned URLs the way S3 does; everything else is
 * passed through untouched.
 *
 * @example
 * const emulators = await startEmulators();
 * new S3Client({ endpoint: emulators.info.s3Endpoint, forcePathStyle: true });
 * await emulators.stop();
 */
export async function startEmulators(): Promise<{ info: AwsEmulatorInfo; stop: () => Promise<void> }> {
  const fauxqs = buildApp({ logger: false });
  // startFauxqs() binds 0.0.0.0; the app is listened on here so that nothing leaves loopback.
  const fauxqsUrl = await fauxqs.listen({ port: 0, host: '127.0.0.1' });
  const gate = await startS3PresignGate(new URL(fauxqsUrl), {
    [CREDENTIALS.accessKeyId]: CREDENTIALS.secretAccessKey,
  });
  const dynamo = await startDynalite();

  const bucket = 'pixport-photos';
  const table = 'pixport-photos';
  const common = { region: REGION, credentials: CREDENTIALS };
  const s3 = new S3Client({ ...common, endpoint: gate.url, forcePathStyle: true });
  const sqs = new SQSClient({ ...common, endpoint: fauxqsUrl, useQueueUrlAsEndpoint: false });
  const ddb = new DynamoDBClient({ ...common, endpoint: dynamo.url });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: 'pixport-thumbnails-dlq' }));
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: 'pixport-thumbnails',
      Attributes: {
        VisibilityTimeout: '30',
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: `arn:aws:sqs:${REGION}:000000000000:pixport-thumbnails-dlq`,
          maxReceiveCount: 3,
        }),
      },
    }),
  );
  await ddb.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
  for (const client of [s3, sqs, ddb]) client.destroy();

  return {
    info: {
      region: REGION,
      ...CREDENTIALS,
      s3Endpoint: gate.url,
      sqsEndpoint: fauxqsUrl,
      dynamodbEndpoint: dynamo.url,
      bucket,
      table,
      queueUrl: queue.QueueUrl as string,
      deadLetterQueueUrl: dlq.QueueUrl as string,
    },
    async stop() {
      await gate.close();
      await dynamo.close();
      await fauxqs.close();
    },
  };
}

interface Listening {
  readonly url: string;
  close(): Promise<void>;
}

const listen = async (server: Server): Promise<Listening> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
};

async function startDynalite(): Promise<Listening> {
  // dynalite is CommonJS without types; in memory (no path), tables ready at once.
  const dynalite = createRequire(import.meta.url)('dynalite') as (options: Record<string, unknown>) => Server;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const listening = await listen(server);
  return {
    url: listening.url,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

/** RFC 3986 encoding, as SigV4 canonical queries use it. */
const uriEncode = (value: string): string =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data).digest();

const s3Error = (res: ServerResponse, status: number, code: string, message: string): void => {
  res.writeHead(status, { 'Content-Type': 'application/xml' });
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
  );
};

const readBody = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/**
 * What S3 checks on a presigned (query-string SigV4) request, and fauxqs
 * does not: the signature over method, path, query and the signed headers
 * (so a body whose Content-Length differs from the signed one is refused),
 * the expiry, and a signed `x-amz-checksum-crc32` against the body. On a
 * presigned GET it also applies `response-content-type` and
 * `response-content-disposition` as S3 does. Written from the SigV4
 * specification, not with the SDK's signer, so it does not share the
 * signer's mistakes. Requests signed in headers (the SDK's own calls) pass
 * straight through.
 *
 * It also fills what fauxqs leaves out of the S3 behaviour Pixport relies on,
 * each tested on its own in test/integration/s3-gate.test.ts: object tagging
 * ({@link handleTagging}), ListParts and the tags of a multipart upload
 * ({@link multipart}), and conditional writes: a PUT or a
 * CompleteMultipartUpload with `If-None-Match: *` where an object already is
 * answers 412 PreconditionFailed, as S3 does, so a presigned upload cannot be
 * replayed over a stored original.
 *
 * For fault injection, any request on an original of an owner starting with
 * {@link S3_FAULT_OWNER_PREFIX} answers 500 InternalError.
 */
async function startS3PresignGate(upstream: URL, secrets: Record<string, string>): Promise<Listening> {
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => s3Error(res, 500, 'InternalError', String(error)));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const path = q < 0 ? raw : raw.slice(0, q);
    const params = (q < 0 ? '' : raw.slice(q + 1))
      .split('&')
      .filter(Boolean)
      .map((pair) => {
        const eq = pair.indexOf('=');
        const k = decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq));
        const v = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1));
        return [k, v] as const;
      });
    const param = (name: string) => params.find(([k]) => k === name)?.[1];
    const body = await readBody(req);

    if (decodeURIComponent(path).includes(`/originals/${S3_FAULT_OWNER_PREFIX}`)) {
      return s3Error(res, 500, 'InternalError', 'We encountered an internal error. Please try again.');
    }

    const signature = param('X-Amz-Signature');
    if (signature !== undefined) {
      const refusal = verifyPresigned(req, path, params, signature, secrets);
      if (refusal) return s3Error(res, 403, refusal.code, refusal.message);
      const signedCrc = param('x-amz-checksum-crc32') ?? req.headers['x-amz-checksum-crc32'];
      if (typeof signedCrc === 'string') {
        const actual = Buffer.alloc(4);
        actual.writeUInt32BE(crc32(body));
        if (actual.toString('base64') !== signedCrc) {
          return s3Error(
            res,
            400,
            'BadDigest',
            'The CRC32 you specified did not match the calculated checksum.',
          );
        }
      }
    }

    const objectPath = objectPathOf(path);
    if (objectPath && params.some(([k]) => k === 'tagging')) {
      return handleTagging(req, res, raw, objectPath, body);
    }
    const uploadId = param('uploadId');
    if (objectPath && uploadId !== undefined && req.method === 'GET') {
      return listParts(res, objectPath, uploadId, param);
    }
    // S3 conditional writes: `If-None-Match: *` on a PUT (or a CompleteMultipartUpload) writes
    // only where no object is. fauxqs ignores the header.
    const conditional = req.method === 'PUT' ? uploadId === undefined : req.method === 'POST' && !!uploadId;
    if (objectPath && conditional && req.headers['if-none-match'] === '*') {
      if (await exists(req, raw)) {
        return s3Error(
          res,
          412,
          'PreconditionFailed',
          'At least one of the pre-conditions you specified did not hold',
        );
      }
    }

    const overrides: Record<string, string> = {};
    if (signature !== undefined && req.method === 'GET') {
      const type = param('response-content-type');
      const disposition = param('response-content-disposition');
      if (type) overrides['content-type'] = type;
      if (disposition) overrides['content-disposition'] = disposition;
    }

    const headers = { ...req.headers, 'content-length': String(body.byteLength) };
    delete headers['transfer-encoding'];
    const upstreamRes = await new Promise<IncomingMessage>((resolve, reject) => {
      const out = request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: raw, headers },
        resolve,
      );
      out.on('error', reject);
      out.end(body);
    });
    const status = upstreamRes.statusCode ?? 502;
    if (objectPath && status < 300 && uploadId === undefined) {
      // S3 semantics: a new object takes the tags of its PUT (x-amz-tagging) or none; a deleted one has none.
      if (req.method === 'PUT') setTags(objectPath, req.headers['x-amz-tagging']);
      if (req.method === 'DELETE') tags.delete(objectPath);
    }
    if (
      objectPath &&
      req.method === 'POST' &&
      (uploadId !== undefined || params.some(([k]) => k === 'uploads'))
    ) {
      // CreateMultipartUpload and CompleteMultipartUpload: read the answer to record what it says.
      const answer = await readBody(upstreamRes);
      const text = answer.toString('utf8');
      if (status === 200 && !text.includes('<Error>')) {
        if (uploadId === undefined) {
          const created = /<UploadId>([^<]+)<\/UploadId>/.exec(text)?.[1];
          if (created)
            multipart.set(xmlUnescape(created), {
              objectPath,
              tagging: req.headers['x-amz-tagging'],
              parts: new Map(),
            });
        } else {
          // The joined object takes the tags the upload was created with, as on S3.
          setTags(objectPath, multipart.get(uploadId)?.tagging);
          multipart.delete(uploadId);
        }
      }
      res.writeHead(status, upstreamRes.headers);
      res.end(answer);
      return;
    }
    if (objectPath && uploadId !== undefined && status < 300) {
      const partNumber = Number(param('partNumber'));
      const etag = upstreamRes.headers.etag;
      if (req.method === 'PUT' && Number.isInteger(partNumber) && typeof etag === 'string') {
        const decoded = Number(req.headers['x-amz-decoded-content-length'] ?? body.byteLength);
        multipart.get(uploadId)?.parts.set(partNumber, { etag, size: decoded, lastModified: new Date() });
      }
      if (req.method === 'DELETE') multipart.delete(uploadId);
    }
    res.writeHead(status, { ...upstreamRes.headers, ...(status < 300 ? overrides : {}) });
    upstreamRes.pipe(res);
  }

  /** Whether an object is stored at the request's path: a HEAD upstream. */
  async function exists(req: IncomingMessage, raw: string): Promise<boolean> {
    const q = raw.indexOf('?');
    const head = await new Promise<IncomingMessage>((resolve, reject) => {
      const out = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: 'HEAD',
          path: q < 0 ? raw : raw.slice(0, q),
          headers: { host: req.headers.host ?? upstream.host },
        },
        resolve,
      );
      out.on('error', reject);
      out.end();
    });
    head.resume();
    return head.statusCode === 200;
  }

  /**
   * The multipart uploads the gate has seen created, by upload id, with each
   * part's ETag and size as UploadPart answered them: fauxqs 2.4 implements
   * CreateMultipartUpload, UploadPart, CompleteMultipartUpload and
   * AbortMultipartUpload, but no ListParts, and loses the `x-amz-tagging` a
   * CreateMultipartUpload carries. An upload is forgotten once completed or
   * aborted, as S3 forgets it.
   */
  const multipart = new Map<
    string,
    {
      readonly objectPath: string;
      readonly tagging: string | string[] | undefined;
      readonly parts: Map<number, { etag: string; size: number; lastModified: Date }>;
    }
  >();

  /**
   * ListParts from the records above, in S3's XML: parts by number after
   * `part-number-marker`, `max-parts` (1000) at a time. An upload the gate
   * does not know under this key is a 404 NoSuchUpload, as on S3.
   */
  function listParts(
    res: ServerResponse,
    objectPath: string,
    uploadId: string,
    param: (name: string) => string | undefined,
  ): void {
    const upload = multipart.get(uploadId);
    if (!upload || upload.objectPath !== objectPath) {
      s3Error(
        res,
        404,
        'NoSuchUpload',
        'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
      );
      return;
    }
    const marker = Number(param('part-number-marker') ?? 0);
    const max = Math.min(1000, Number(param('max-parts') ?? 1000));
    const after = [...upload.parts].filter(([n]) => n > marker).sort(([a], [b]) => a - b);
    const page = after.slice(0, max);
    const truncated = after.length > page.length;
    const [bucket, ...key] = objectPath.slice(1).split('/');
    const partsXml = page
      .map(
        ([n, p]) =>
          `<Part><PartNumber>${n}</PartNumber><LastModified>${p.lastModified.toISOString()}</LastModified><ETag>${xmlEscape(p.etag)}</ETag><Size>${p.size}</Size></Part>`,
      )
      .join('');
    res.writeHead(200, { 'Content-Type': 'application/xml' });
    res.end(
      `<?xml version="1.0" encoding="UTF-8"?><ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${xmlEscape(bucket ?? '')}</Bucket><Key>${xmlEscape(key.join('/'))}</Key><UploadId>${xmlEscape(uploadId)}</UploadId><PartNumberMarker>${marker}</PartNumberMarker><NextPartNumberMarker>${page.at(-1)?.[0] ?? marker}</NextPartNumberMarker><MaxParts>${max}</MaxParts><IsTruncated>${truncated}</IsTruncated>${partsXml}</ListPartsResult>`,
    );
  }

  /** Object tags by `/bucket/key` (decoded); see {@link handleTagging}. */
  const tags = new Map<string, Map<string, string>>();

  const setTags = (objectPath: string, header: string | string[] | undefined): void => {
    const text = Array.isArray(header) ? header.join('&') : header;
    if (text) tags.set(objectPath, new Map(new URLSearchParams(text)));
    else tags.delete(objectPath);
  };

  /**
   * fauxqs 1.9 has no object tagging: it routes `?tagging` as a plain object
   * request, so a PutObjectTagging would overwrite the object with the XML and
   * a DeleteObjectTagging would delete the object. The gate answers
   * GetObjectTagging, PutObjectTagging and DeleteObjectTagging itself, minimally
   * (no versions, no limits on tag count or length), and records the tags of a
   * PUT's `x-amz-tagging` header. The object must exist (a HEAD upstream), as on S3.
   */
  async function handleTagging(
    req: IncomingMessage,
    res: ServerResponse,
    raw: string,
    objectPath: string,
    body: Buffer,
  ): Promise<void> {
    if (!(await exists(req, raw))) return s3Error(res, 404, 'NoSuchKey', 'The specified key does not exist.');
    switch (req.method) {
      case 'GET': {
        const tagSet = [...(tags.get(objectPath) ?? new Map<string, string>())]
          .map(([k, v]) => `<Tag><Key>${xmlEscape(k)}</Key><Value>${xmlEscape(v)}</Value></Tag>`)
          .join('');
        res.writeHead(200, { 'Content-Type': 'application/xml' });
        res.end(`<?xml version="1.0" encoding="UTF-8"?><Tagging><TagSet>${tagSet}</TagSet></Tagging>`);
        return;
      }
      case 'PUT': {
        const xml = body.toString('utf8');
        const set = new Map<string, string>();
        for (const m of xml.matchAll(/<Tag>\s*<Key>([^<]*)<\/Key>\s*<Value>([^<]*)<\/Value>\s*<\/Tag>/g)) {
          set.set(xmlUnescape(m[1] ?? ''), xmlUnescape(m[2] ?? ''));
        }
        if (set.size > 0) tags.set(objectPath, set);
        else tags.delete(objectPath);
        res.writeHead(200).end();
        return;
      }
      case 'DELETE':
        tags.delete(objectPath);
        res.writeHead(204).end();
        return;
      default:
        return s3Error(
          res,
          405,
          'MethodNotAllowed',
          'The specified method is not allowed against this resource.',
        );
    }
  }

  return listen(server);
}

/** `/bucket/key` (decoded) of a path-style object request; undefined for a bucket or the root. */
const objectPathOf = (path: string): string | undefined => {
  const decoded = decodeURIComponent(path);
  const slash = decoded.indexOf('/', 1);
  return slash > 0 && slash < decoded.length - 1 ? decoded : undefined;
};

const xmlEscape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const xmlUnescape = (text: string): string =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

function verifyPresigned(
  req: IncomingMessage,
  path: string,
  params: readonly (readonly [string, string])[],
  signature: string,
  secrets: Record<string, string>,
): { code: string; message: string } | undefined {
  const get = (name: string) => params.find(([k]) => k === name)?.[1] ?? '';
  if (get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') {
    return { code: 'AuthorizationQueryParametersError', message: 'X-Amz-Algorithm must be AWS4-HMAC-SHA256' };
  }
  const [accessKey, day, region, service, terminator] = get('X-Amz-Credential').split('/');
  const secret = accessKey === undefined ? undefined : secrets[accessKey];
  if (!secret || !day || !region || !service || terminator !== 'aws4_request') {
    return {
      code: 'InvalidAccessKeyId',
      message: 'The AWS access key Id you provided does not exist in our records.',
    };
  }
  const amzDate = get('X-Amz-Date');
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  const expires = Number(get('X-Amz-Expires'));
  if (!m || !Number.isInteger(expires) || expires < 1 || expires > 604_800 || !amzDate.startsWith(day)) {
    return { code: 'AuthorizationQueryParametersError', message: 'X-Amz-Date or X-Amz-Expires is malformed' };
  }
  const signedAt = Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6]),
  );
  if (Date.now() > signedAt + expires * 1000) return { code: 'AccessDenied', message: 'Request has expired' };
  if (Date.now() < signedAt - 15 * 60 * 1000)
    return { code: 'AccessDenied', message: 'Request is not valid yet' };

  const signedHeaders = get('X-Amz-SignedHeaders').split(';');
  const canonicalHeaders = signedHeaders
    .map((name) => {
      const value = req.headers[name];
      const text = Array.isArray(value) ? value.join(',') : (value ?? '');
      return `${name}:${text.trim().replace(/\s+/g, ' ')}\n`;
    })
    .join('');
  const canonicalQuery = params
    .filter(([k]) => k !== 'X-Amz-Signature')
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalRequest = [
    req.method,
    path,
    canonicalQuery,
    canonicalHeaders,
    signedHeaders.join(';'),
    get('X-Amz-Content-Sha256') || 'UNSIGNED-PAYLOAD',
  ].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    scope,
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), service), 'aws4_request');
  const expected = Buffer.from(hmac(key, stringToSign).toString('hex'));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return {
      code: 'SignatureDoesNotMatch',
      message: 'The request signature we calculated does not match the signature you provided.',
    };
  }
  return undefined;
}
