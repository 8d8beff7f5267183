import { FileTooLargeError } from '../../domain/errors.js';
import { RequestAbortedError } from './errors.js';

/**
 * Reads a request body, refusing it as soon as it passes `limit` bytes, so an
 * oversized upload is never held in memory whole. A declared Content-Length
 * over the limit is refused before a byte is read. A body that breaks off
 * (the client aborted: Node's `Error: aborted`, a reset stream) is the
 * client's doing, a RequestAbortedError, never an unhandled 500.
 */
export async function readBounded(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) throw new FileTooLargeError(declared, limit);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read().catch((error: unknown) => {
      throw new RequestAbortedError({ cause: error });
    });
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      throw new FileTooLargeError(total, limit);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
