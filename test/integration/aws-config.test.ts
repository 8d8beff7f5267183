import { describe, expect, it, vi } from 'vitest';
import { parseAwsConfig } from '../../src/entrypoints/composition/aws-config.js';

const valid = {
  PHOTOS_BUCKET: 'pixport-photos',
  PHOTOS_TABLE: 'pixport-photos',
  THUMBNAIL_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/pixport-thumbnails',
  AWS_REGION: 'eu-west-1',
};

describe('the AWS configuration', () => {
  it('reads the required variables and applies the defaults', () => {
    const config = parseAwsConfig(valid);
    expect(config).toMatchObject({
      bucket: 'pixport-photos',
      table: 'pixport-photos',
      region: 'eu-west-1',
      forcePathStyle: false,
      allowedOrigins: [],
      uploadExpiresInSeconds: 300,
      downloadExpiresInSeconds: 900,
      limits: { maxOriginalBytes: 50 * 1024 * 1024, maxPixels: 50_000_000 },
    });
  });

  it('accepts videos unless VIDEO_UPLOADS=off, which refuses them with a reason', () => {
    expect(parseAwsConfig(valid).videoRefusal).toBeUndefined();
    expect(parseAwsConfig({ ...valid, VIDEO_UPLOADS: 'off' }).videoRefusal).toMatch(/videos are not enabled/);
    expect(() => parseAwsConfig({ ...valid, VIDEO_UPLOADS: 'no' })).toThrow(/VIDEO_UPLOADS/);
  });

  it('reads the optional ones', () => {
    const config = parseAwsConfig({
      ...valid,
      S3_FORCE_PATH_STYLE: 'true',
      ALLOWED_ORIGINS: 'https://a.example, https://b.example',
      MAX_ORIGINAL_BYTES: '1000000',
      UPLOAD_URL_EXPIRES_SECONDS: '60',
    });
    expect(config.forcePathStyle).toBe(true);
    expect(config.allowedOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(config.limits.maxOriginalBytes).toBe(1_000_000);
    expect(config.uploadExpiresInSeconds).toBe(60);
  });

  it('goes by multipart over 16 MiB in parts of 8 MiB, and keeps stale uploads 14 days, unless told otherwise', () => {
    expect(parseAwsConfig(valid).limits).toMatchObject({
      multipartThresholdBytes: 16 * 1024 * 1024,
      multipartPartBytes: 8 * 1024 * 1024,
      pendingUploadGraceSeconds: 14 * 24 * 3600,
    });
    const config = parseAwsConfig({
      ...valid,
      MULTIPART_THRESHOLD_BYTES: '10000000',
      MULTIPART_PART_BYTES: String(5 * 1024 * 1024),
      PENDING_UPLOAD_GRACE_SECONDS: '86400',
    });
    expect(config.limits).toMatchObject({
      multipartThresholdBytes: 10_000_000,
      multipartPartBytes: 5 * 1024 * 1024,
      pendingUploadGraceSeconds: 86_400,
    });
  });

  it.each([
    [{ PHOTOS_BUCKET: undefined }, 'PHOTOS_BUCKET is required'],
    [{ THUMBNAIL_QUEUE_URL: 'not a url' }, 'THUMBNAIL_QUEUE_URL'],
    [{ AWS_REGION: undefined }, 'AWS_REGION is required'],
    [{ S3_FORCE_PATH_STYLE: 'yes' }, 'S3_FORCE_PATH_STYLE'],
    [{ MAX_ORIGINAL_BYTES: '-5' }, 'MAX_ORIGINAL_BYTES'],
    [{ UPLOAD_URL_EXPIRES_SECONDS: '86400' }, 'UPLOAD_URL_EXPIRES_SECONDS'],
    [{ MULTIPART_PART_BYTES: String(5 * 1024 * 1024 - 1) }, 'MULTIPART_PART_BYTES must be at least 5242880'],
    [{ PENDING_UPLOAD_GRACE_SECONDS: '0' }, 'PENDING_UPLOAD_GRACE_SECONDS'],
    [{ QUOTA_MAX_PHOTOS: '8001' }, 'QUOTA_MAX_PHOTOS must be at most 8000'],
  ])('refuses %o, naming the variable', (change, message) => {
    expect(() => parseAwsConfig({ ...valid, ...change })).toThrow(message);
  });

  it('fails the http Lambda cold start with the name of what is missing', async () => {
    vi.stubEnv('PHOTOS_TABLE', '');
    vi.stubEnv('PHOTOS_BUCKET', 'pixport-photos');
    vi.stubEnv('THUMBNAIL_QUEUE_URL', valid.THUMBNAIL_QUEUE_URL);
    await expect(import('../../src/entrypoints/lambda/http.js')).rejects.toThrow(/PHOTOS_TABLE/);
    vi.unstubAllEnvs();
  });
});
