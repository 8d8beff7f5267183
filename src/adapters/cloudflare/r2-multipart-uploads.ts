import type { D1Database, R2Bucket } from '@cloudflare/workers-types/index.js';
import type { MultipartUploads, SignedPart } from '../../application/ports/multipart-uploads.js';
import { bareEtag, type PartRef, type StoredPart } from '../../domain/multipart-plan.js';
import type { HmacUrlSigner } from '../crypto/hmac-url-signer.js';

interface PartRow {
  readonly part_number: number;
  readonly etag: string;
  readonly size: number;
}

/** R2's error for an upload it no longer has (completed, aborted, or expired by the bucket's lifecycle). */
const isNoSuchUpload = (error: unknown): boolean =>
  error instanceof Error && /\(10024\)|NoSuchUpload|multipart upload does not exist/i.test(error.message);

const quoted = (etag: string): string => (etag.startsWith('"') ? etag : `"${etag}"`);

/**
 * MultipartUploads on R2's multipart binding (`createMultipartUpload`,
 * `resumeMultipartUpload`), with parts sent through the Worker: part URLs are
 * HMAC-signed `/files` URLs (R2's presigned URLs need an S3-API access key,
 * which a binding does not), and the `/files` part route hands each part to
 * {@link putPart}.
 *
 * The binding cannot list an upload's parts, so each part is recorded in D1 as
 * it lands (`multipart_uploads`, `multipart_parts`; see
 * deploy/cloudflare/migrations/0002_uploads.sql), and the upload itself when
 * it starts, so that an unknown or ended upload is told apart from one with no
 * part yet. R2 wants every part but the last of one size (at least 5 MiB),
 * which the domain's plan gives. ETags are handed out quoted, as S3's are.
 *
 * @example
 * const uploads = new R2MultipartUploads(env.PHOTOS, env.DB, signer);
 * const id = await uploads.create('originals/alice/0190...', { contentType: 'image/jpeg' });
 */
export class R2MultipartUploads implements MultipartUploads {
  constructor(
    private readonly bucket: R2Bucket,
    private readonly db: D1Database,
    private readonly signer: HmacUrlSigner,
  ) {}

  get partUrlTtlSeconds(): number {
    return this.signer.uploadTtlSeconds;
  }

  async create(key: string, options: { contentType: string }): Promise<string> {
    const upload = await this.bucket.createMultipartUpload(key, {
      httpMetadata: { contentType: options.contentType },
    });
    await this.db
      .prepare('INSERT INTO multipart_uploads (upload_id, object_key) VALUES (?1, ?2)')
      .bind(upload.uploadId, key)
      .run();
    return upload.uploadId;
  }

  signPart(key: string, uploadId: string, partNumber: number, size: number): Promise<SignedPart> {
    return this.signer.signPart(key, uploadId, partNumber, size);
  }

  /** Stores a part in R2 and records it; its quoted ETag, or undefined when there is no such upload. */
  async putPart(
    key: string,
    uploadId: string,
    partNumber: number,
    bytes: Uint8Array,
  ): Promise<string | undefined> {
    if (!(await this.known(key, uploadId))) return undefined;
    let etag: string;
    try {
      ({ etag } = await this.bucket.resumeMultipartUpload(key, uploadId).uploadPart(partNumber, bytes));
    } catch (error) {
      if (isNoSuchUpload(error)) return undefined;
      throw error;
    }
    // A part sent again replaces the one before, in R2 as here.
    await this.db
      .prepare(
        'INSERT INTO multipart_parts (upload_id, part_number, etag, size) VALUES (?1, ?2, ?3, ?4) ' +
          'ON CONFLICT (upload_id, part_number) DO UPDATE SET etag = excluded.etag, size = excluded.size',
      )
      .bind(uploadId, partNumber, etag, bytes.byteLength)
      .run();
    return quoted(etag);
  }

  async listParts(key: string, uploadId: string): Promise<readonly StoredPart[] | undefined> {
    if (!(await this.known(key, uploadId))) return undefined;
    const { results } = await this.db
      .prepare(
        'SELECT part_number, etag, size FROM multipart_parts WHERE upload_id = ?1 ORDER BY part_number',
      )
      .bind(uploadId)
      .all<PartRow>();
    return results.map((r) => ({ partNumber: r.part_number, etag: quoted(r.etag), size: r.size }));
  }

  async complete(key: string, uploadId: string, parts: readonly PartRef[]): Promise<void> {
    await this.bucket
      .resumeMultipartUpload(key, uploadId)
      .complete(parts.map((p) => ({ partNumber: p.partNumber, etag: bareEtag(p.etag) })));
    await this.forget(uploadId);
  }

  async abort(key: string, uploadId: string): Promise<void> {
    try {
      await this.bucket.resumeMultipartUpload(key, uploadId).abort();
    } catch (error) {
      if (!isNoSuchUpload(error)) throw error;
    }
    await this.forget(uploadId);
  }

  private async known(key: string, uploadId: string): Promise<boolean> {
    const row = await this.db
      .prepare('SELECT 1 AS known FROM multipart_uploads WHERE upload_id = ?1 AND object_key = ?2')
      .bind(uploadId, key)
      .first();
    return row !== null;
  }

  private async forget(uploadId: string): Promise<void> {
    await this.db.batch([
      this.db.prepare('DELETE FROM multipart_parts WHERE upload_id = ?1').bind(uploadId),
      this.db.prepare('DELETE FROM multipart_uploads WHERE upload_id = ?1').bind(uploadId),
    ]);
  }
}
