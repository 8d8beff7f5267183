import type { BlobStore } from '../../application/ports/blob-store.js';
import type { MultipartUploads, SignedPart } from '../../application/ports/multipart-uploads.js';
import { bareEtag, type PartRef, type StoredPart } from '../../domain/multipart-plan.js';
import type { HmacUrlSigner } from '../crypto/hmac-url-signer.js';

interface Upload {
  readonly key: string;
  readonly contentType: string;
  readonly parts: Map<number, { readonly bytes: Uint8Array; readonly etag: string }>;
}

/** A quoted ETag of the bytes, as S3 answers one: here the first 128 bits of their SHA-256. */
const etagOf = async (bytes: Uint8Array): Promise<string> => {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return `"${Array.from(digest.subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join('')}"`;
};

/**
 * Working multipart uploads in memory, for the dev server and tests: parts
 * are kept per upload until it completes (they are joined into the object in
 * the BlobStore) or is aborted. Part URLs are HMAC-signed `/files` URLs; the
 * `/files` part route hands the bytes to {@link putPart}, which answers with
 * a quoted ETag as S3 does. Nothing expires on its own: the sweep aborts the
 * uploads of stale pending photos.
 *
 * @example
 * const uploads = new InMemoryMultipartUploads(blobs, signer);
 * const id = await uploads.create('originals/alice/0190...', { contentType: 'image/jpeg' });
 * const { url } = await uploads.signPart('originals/alice/0190...', id, 1, 8 * MiB);
 */
export class InMemoryMultipartUploads implements MultipartUploads {
  private readonly uploads = new Map<string, Upload>();

  constructor(
    private readonly blobs: BlobStore,
    private readonly signer: HmacUrlSigner,
  ) {}

  get partUrlTtlSeconds(): number {
    return this.signer.uploadTtlSeconds;
  }

  async create(key: string, options: { contentType: string }): Promise<string> {
    const uploadId = crypto.randomUUID();
    this.uploads.set(uploadId, { key, contentType: options.contentType, parts: new Map() });
    return uploadId;
  }

  signPart(key: string, uploadId: string, partNumber: number, size: number): Promise<SignedPart> {
    return this.signer.signPart(key, uploadId, partNumber, size);
  }

  /** Stores a part, replacing one of the same number; its ETag, or undefined when there is no such upload. */
  async putPart(
    key: string,
    uploadId: string,
    partNumber: number,
    bytes: Uint8Array,
  ): Promise<string | undefined> {
    const upload = this.find(key, uploadId);
    if (!upload) return undefined;
    const etag = await etagOf(bytes);
    upload.parts.set(partNumber, { bytes: bytes.slice(), etag });
    return etag;
  }

  async listParts(key: string, uploadId: string): Promise<readonly StoredPart[] | undefined> {
    const upload = this.find(key, uploadId);
    if (!upload) return undefined;
    return [...upload.parts]
      .sort(([a], [b]) => a - b)
      .map(([partNumber, part]) => ({ partNumber, etag: part.etag, size: part.bytes.byteLength }));
  }

  async complete(key: string, uploadId: string, parts: readonly PartRef[]): Promise<void> {
    const upload = this.find(key, uploadId);
    if (!upload) throw new Error(`no multipart upload ${uploadId} of ${key}`);
    const chosen = parts.map(({ partNumber, etag }) => {
      const part = upload.parts.get(partNumber);
      if (!part || bareEtag(part.etag) !== bareEtag(etag))
        throw new Error(`part ${partNumber} of upload ${uploadId} is not the one listed`);
      return part.bytes;
    });
    const bytes = new Uint8Array(chosen.reduce((n, b) => n + b.byteLength, 0));
    let at = 0;
    for (const part of chosen) {
      bytes.set(part, at);
      at += part.byteLength;
    }
    await this.blobs.put(key, bytes, { contentType: upload.contentType });
    this.uploads.delete(uploadId);
  }

  async abort(key: string, uploadId: string): Promise<void> {
    if (this.find(key, uploadId)) this.uploads.delete(uploadId);
  }

  /** Ids of the uploads still open: what a test checks is left behind. */
  openUploads(): string[] {
    return [...this.uploads.keys()];
  }

  private find(key: string, uploadId: string): Upload | undefined {
    const upload = this.uploads.get(uploadId);
    return upload?.key === key ? upload : undefined;
  }
}
