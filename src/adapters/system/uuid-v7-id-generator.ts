import type { IdGenerator } from '../../application/ports/id-generator.js';
import { PhotoId } from '../../domain/photo-id.js';

/**
 * UUIDv7 ids from Web Crypto randomness, strictly increasing within this
 * process: ids made in the same millisecond count up instead of being random,
 * so the newest photo is always listed first.
 */
export class UuidV7IdGenerator implements IdGenerator {
  private lastMs = -1;
  private readonly random = new Uint8Array(10);

  constructor(private readonly now: () => number = Date.now) {}

  newPhotoId(): PhotoId {
    const ms = Math.max(this.now(), this.lastMs);
    if (ms === this.lastMs) {
      for (let i = this.random.length - 1; i >= 0; i--) {
        this.random[i] = ((this.random[i] ?? 0) + 1) & 0xff;
        if (this.random[i] !== 0) break;
      }
    } else {
      crypto.getRandomValues(this.random);
      // Leave head-room for the same-millisecond counter.
      this.random[3] = (this.random[3] ?? 0) & 0x7f;
    }
    this.lastMs = ms;
    return PhotoId.fromParts(ms, this.random);
  }
}
