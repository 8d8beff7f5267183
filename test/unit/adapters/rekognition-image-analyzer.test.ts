import { RekognitionClient } from '@aws-sdk/client-rekognition';
import { describe, expect, it } from 'vitest';
import { RekognitionImageAnalyzer } from '../../../src/adapters/aws/rekognition-image-analyzer.js';
import { ImageAnalysisRefusedError } from '../../../src/domain/errors.js';

/**
 * There is no Rekognition emulator (fauxqs and dynalite cover S3, SQS and DynamoDB
 * only), so this test checks the requests as the real SDK serializes and signs them,
 * captured by a stand-in HTTP handler at the end of the client's middleware stack, and
 * answers with Rekognition's documented JSON, which the real SDK deserializes. Everything
 * but the network is the production code path.
 */

interface Sent {
  readonly target: string;
  readonly body: Record<string, unknown>;
  readonly url: string;
  readonly authorization: string;
}

const responses: Record<string, { status: number; body: unknown }> = {
  DetectLabels: {
    status: 200,
    body: {
      Labels: [
        {
          Name: 'Dog',
          Confidence: 98.7,
          Parents: [{ Name: 'Animal' }, { Name: 'Canine' }, { Name: 'Mammal' }, { Name: 'Pet' }],
          Categories: [{ Name: 'Animals and Pets' }],
          Instances: [],
          Aliases: [],
        },
        { Name: 'Animal', Confidence: 98.7, Parents: [] },
      ],
      LabelModelVersion: '3.0',
    },
  },
  DetectModerationLabels: {
    status: 200,
    body: {
      ModerationLabels: [
        { Name: 'Swimwear or Underwear', ParentName: '', Confidence: 91.2, TaxonomyLevel: 1 },
        {
          Name: 'Female Swimwear or Underwear',
          ParentName: 'Swimwear or Underwear',
          Confidence: 91.2,
          TaxonomyLevel: 2,
        },
      ],
      ModerationModelVersion: '7.0',
    },
  },
};

/** A RekognitionClient whose HTTP handler records each request and answers with `answers`. */
function client(answers: typeof responses = responses) {
  const sent: Sent[] = [];
  const rekognition = new RekognitionClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
    requestHandler: {
      async handle(request: {
        headers: Record<string, string>;
        body: string;
        hostname: string;
        path: string;
        protocol: string;
      }) {
        const target = request.headers['x-amz-target'] ?? '';
        const operation = target.split('.').at(-1) ?? '';
        sent.push({
          target,
          body: JSON.parse(request.body),
          url: `${request.protocol}//${request.hostname}${request.path}`,
          authorization: request.headers.authorization ?? '',
        });
        const answer = answers[operation] ?? { status: 500, body: {} };
        return {
          response: {
            statusCode: answer.status,
            headers: { 'content-type': 'application/x-amz-json-1.1' },
            body: new TextEncoder().encode(JSON.stringify(answer.body)),
          },
        };
      },
    },
  });
  return { sent, rekognition };
}

const image = {
  key: 'renditions/alice/0190/analysis.jpg',
  bytes: new Uint8Array(),
  contentType: 'image/jpeg' as const,
};

describe('RekognitionImageAnalyzer (requests as the SDK serializes them; no Rekognition emulator exists)', () => {
  it('asks DetectLabels and DetectModerationLabels by S3 reference, signed for rekognition', async () => {
    const { sent, rekognition } = client();
    const analyzer = new RekognitionImageAnalyzer(rekognition, { bucket: 'pixport-photos' });

    await analyzer.analyze(image);

    const byTarget = Object.fromEntries(sent.map((s) => [s.target, s]));
    const s3Image = { S3Object: { Bucket: 'pixport-photos', Name: 'renditions/alice/0190/analysis.jpg' } };
    expect(byTarget['RekognitionService.DetectLabels']?.body).toEqual({
      Image: s3Image,
      MaxLabels: 20,
      MinConfidence: 50,
    });
    expect(byTarget['RekognitionService.DetectModerationLabels']?.body).toEqual({
      Image: s3Image,
      MinConfidence: 50,
    });
    expect(sent).toHaveLength(2);
    for (const s of sent) {
      expect(s.url).toBe('https://rekognition.eu-west-1.amazonaws.com/');
      expect(s.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/rekognition\//,
      );
      // No bytes travel: the image is an S3 reference only.
      expect(JSON.stringify(s.body)).not.toContain('Bytes');
    }
  });

  it('maps the answers onto the port: labels with parents, moderation with parent, level and model version', async () => {
    const { rekognition } = client();
    const result = await new RekognitionImageAnalyzer(rekognition, { bucket: 'b' }).analyze(image);
    expect(result).toEqual({
      ok: true,
      value: {
        labels: [
          { name: 'Dog', confidence: 98.7, parents: ['Animal', 'Canine', 'Mammal', 'Pet'] },
          { name: 'Animal', confidence: 98.7, parents: [] },
        ],
        moderation: {
          labels: [
            { name: 'Swimwear or Underwear', parent: '', confidence: 91.2, taxonomyLevel: 1 },
            {
              name: 'Female Swimwear or Underwear',
              parent: 'Swimwear or Underwear',
              confidence: 91.2,
              taxonomyLevel: 2,
            },
          ],
          modelVersion: '7.0',
        },
      },
    });
  });

  it('returns a refusal for an image Rekognition will never take', async () => {
    const { rekognition } = client({
      ...responses,
      DetectLabels: {
        status: 400,
        body: { __type: 'InvalidImageFormatException', Message: 'Request has invalid image format' },
      },
    });
    const result = await new RekognitionImageAnalyzer(rekognition, { bucket: 'b' }).analyze(image);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toBeInstanceOf(ImageAnalysisRefusedError);
      expect(result.error.message).toBe('InvalidImageFormatException: Request has invalid image format');
    }
  });

  it.each([
    ['ThrottlingException', 400],
    ['ProvisionedThroughputExceededException', 400],
    ['InvalidS3ObjectException', 400],
    ['InternalServerError', 500],
  ])('throws on %s, so the job is retried', async (type, status) => {
    const { rekognition } = client({
      ...responses,
      DetectModerationLabels: { status, body: { __type: type, Message: 'try later' } },
    });
    await expect(
      new RekognitionImageAnalyzer(rekognition, { bucket: 'b' }).analyze(image),
    ).rejects.toMatchObject({
      name: type,
    });
  });
});
