import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { S3GetPresigner } from '../../../src/adapters/aws/s3-get-presigner.js';

/**
 * S3GetPresigner signs what the SDK's getSignedUrl signs, byte for byte, for
 * the clients the app builds (aws-module.ts: checksums only when required)
 * and for the SDK's defaults, virtual-hosted and path style, with and without
 * a session token. Nothing is sent: presigning is local. That the URLs work
 * against S3's rules is the integration suite's (the presign gate checks every
 * signature).
 */

const clients = {
  'virtual-hosted, as the Lambdas build it': new S3Client({
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'to/ken+=' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  }),
  'path style on an emulator, the SDK defaults': new S3Client({
    region: 'eu-west-1',
    endpoint: 'http://127.0.0.1:4566',
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  }),
};

const segment = fc.string({
  unit: fc.constantFrom(...Array.from('abcXYZ019-_.~ !\'()*+,;=&$@%#?"é€😀')),
  minLength: 1,
  maxLength: 12,
});
const keyArb = fc.array(segment, { minLength: 1, maxLength: 4 }).map((segments) => segments.join('/'));
const optionsArb = fc.record(
  {
    ResponseContentDisposition: fc.string({ maxLength: 40 }),
    ResponseContentType: fc.constantFrom('image/jpeg', 'image/webp', 'video/mp4', 'application/octet-stream'),
  },
  { requiredKeys: [] },
);
const dateArb = fc.date({
  min: new Date('2020-01-01T00:00:00Z'),
  max: new Date('2030-01-01T00:00:00Z'),
  noInvalidDate: true,
});

describe('S3GetPresigner', () => {
  for (const [name, s3] of Object.entries(clients)) {
    test.prop([keyArb, optionsArb, dateArb, fc.integer({ min: 1, max: 604_800 })], { numRuns: 60 })(
      `signs the URL getSignedUrl signs: ${name}`,
      async (key, options, signingDate, expiresIn) => {
        const presigner = await S3GetPresigner.learn(s3, 'pixport-photos');
        const responseQuery: Record<string, string> = {};
        if (options.ResponseContentDisposition !== undefined)
          responseQuery['response-content-disposition'] = options.ResponseContentDisposition;
        if (options.ResponseContentType !== undefined)
          responseQuery['response-content-type'] = options.ResponseContentType;
        const ours = await presigner.presign(key, responseQuery, signingDate, expiresIn);
        const sdk = await getSignedUrl(
          s3,
          new GetObjectCommand({ Bucket: 'pixport-photos', Key: key, ...options }),
          {
            signingDate,
            expiresIn,
          },
        );
        expect(ours).toBe(sdk);
      },
    );
  }
});
