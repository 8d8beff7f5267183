import { describe, expect, it } from 'vitest';
import type { PhotoRepository } from '../../../src/application/ports/photo-repository.js';
import type { UsageLedger } from '../../../src/application/ports/usage-ledger.js';
import { AbortUpload } from '../../../src/application/use-cases/abort-upload.js';
import { DeletePhoto } from '../../../src/application/use-cases/delete-photo.js';
import { RegisterUpload } from '../../../src/application/use-cases/register-upload.js';
import { ReleasePurgedUploads } from '../../../src/application/use-cases/release-purged-uploads.js';
import { SweepStaleUploads } from '../../../src/application/use-cases/sweep-stale-uploads.js';
import { PhotoNotFoundError } from '../../../src/domain/errors.js';
import type { OwnerId } from '../../../src/domain/owner-id.js';
import type { OwnerQuota } from '../../../src/domain/owner-usage.js';
import type { Photo } from '../../../src/domain/photo.js';
import type { PhotoId } from '../../../src/domain/photo-id.js';
import { TOKENS as T } from '../../../src/entrypoints/composition/tokens.js';
import { uniqueOwner } from '../../support/fixtures.js';
import { expectErr, expectOk } from '../../support/results.js';
import { uploadWorld } from './upload-world.js';

/**
 * How the next call of a method fails, as a table's does under faults:
 * `before` it is carried out (nothing written), `after` it (written, answered
 * with an error), or `lost` (written, and the answer of the SDK's retry, which
 * finds nothing to remove, is what the caller gets).
 */
type Fault = 'before' | 'after' | 'lost';

/** A PhotoRepository around the world's own, whose next save or delete fails as told. */
class FaultyPhotoRepository implements PhotoRepository {
  readonly faults: { save?: Fault; delete?: Fault } = {};

  constructor(private readonly inner: PhotoRepository) {}

  get(ownerId: OwnerId, photoId: PhotoId) {
    return this.inner.get(ownerId, photoId);
  }

  async save(photo: Photo) {
    const fault = this.take('save');
    if (fault === 'before') throw new Error('injected: save failed before it was carried out');
    const saved = await this.inner.save(photo);
    if (fault) throw new Error('injected: save carried out, answered 500');
    return saved;
  }

  listByOwner(ownerId: OwnerId, options: { limit: number; after?: PhotoId }) {
    return this.inner.listByOwner(ownerId, options);
  }

  listByLabel(ownerId: OwnerId, label: string, options: { limit: number; after?: PhotoId }) {
    return this.inner.listByLabel(ownerId, label, options);
  }

  listPurgeable(now: Date, limit: number) {
    return this.inner.listPurgeable(now, limit);
  }

  async delete(ownerId: OwnerId, photoId: PhotoId) {
    const fault = this.take('delete');
    if (fault === 'before') throw new Error('injected: delete failed before it was carried out');
    const removed = await this.inner.delete(ownerId, photoId);
    if (fault === 'after') throw new Error('injected: delete carried out, answered 500');
    return fault === 'lost' ? undefined : removed;
  }

  private take(method: 'save' | 'delete'): Fault | undefined {
    const fault = this.faults[method];
    delete this.faults[method];
    return fault;
  }
}

/** A UsageLedger around the world's own whose next reservation is carried out, then throws (its answer lost). */
class AnswerLosingLedger implements UsageLedger {
  loseNextReserve = false;

  constructor(private readonly inner: UsageLedger) {}

  get(ownerId: OwnerId) {
    return this.inner.get(ownerId);
  }

  async reserve(ownerId: OwnerId, photoId: PhotoId, bytes: number, quota: OwnerQuota) {
    const reserved = await this.inner.reserve(ownerId, photoId, bytes, quota);
    if (this.loseNextReserve) {
      this.loseNextReserve = false;
      throw new Error('injected: reservation carried out, answered 500');
    }
    return reserved;
  }

  release(ownerId: OwnerId, photoId: PhotoId) {
    return this.inner.release(ownerId, photoId);
  }
}

/** The upload world with its use cases built again on a repository and a ledger whose writes can be failed. */
function faultyWorld() {
  const world = uploadWorld();
  const { container } = world;
  const photos = new FaultyPhotoRepository(world.photos);
  const blobs = container.get(T.BlobStore);
  const multipart = container.get(T.MultipartUploads);
  const usage = container.get(T.UsageLedger);
  const ledger = new AnswerLosingLedger(usage);
  return {
    ...world,
    faulty: photos,
    ledger,
    usage,
    register: new RegisterUpload(
      photos,
      container.get(T.UrlSigner),
      multipart,
      ledger,
      container.get(T.IdGenerator),
      world.clock,
      container.get(T.Limits),
    ),
    abort: new AbortUpload(photos, blobs, multipart, usage),
    delete: new DeletePhoto(photos, blobs, container.get(T.RenditionSettings), multipart, usage),
    sweepStale: new SweepStaleUploads(photos, blobs, multipart, usage, world.clock),
    releasePurged: new ReleasePurgedUploads(usage),
  };
}

type FaultyWorld = ReturnType<typeof faultyWorld>;

const registerJpeg = (world: FaultyWorld, ownerId: OwnerId, size: number) =>
  world.register.execute({ ownerId, filename: 'a.jpg', contentType: 'image/jpeg', size });

/** An owner with one photo of 7 bytes that nothing below touches: a double release would show on it. */
async function ownerWithOne(world: FaultyWorld): Promise<OwnerId> {
  const owner = uniqueOwner();
  expectOk(await registerJpeg(world, owner, 7));
  return owner;
}

describe('the quota ledger under retries and failures half-way', () => {
  it('keeps counting a registration whose record was written though its save failed, until the purge of that record releases it, once', async () => {
    const world = faultyWorld();
    const owner = await ownerWithOne(world);
    world.faulty.faults.save = 'after';
    await expect(registerJpeg(world, owner, 100)).rejects.toThrow(/answered 500/);
    // The pending record is there (the client never learned its id): it counts, as any kept photo does.
    const [written] = (await world.photos.listByOwner(owner, { limit: 10 })).items.filter(
      (p) => p.size === 100,
    );
    expect(written?.status).toBe('pending');
    expect(await world.usage.get(owner)).toEqual({ photos: 2, bytes: 107 });

    // DynamoDB's TTL removes the record; its stream hands it to the release, maybe twice.
    const purged = { ownerId: owner, id: (written as Photo).id };
    await world.photos.delete(owner, purged.id);
    await world.releasePurged.execute({ photos: [purged] });
    await world.releasePurged.execute({ photos: [purged] });
    expect(await world.usage.get(owner)).toEqual({ photos: 1, bytes: 7 });
  });

  it('releases at once a registration whose save was never carried out', async () => {
    const world = faultyWorld();
    const owner = await ownerWithOne(world);
    world.faulty.faults.save = 'before';
    await expect(registerJpeg(world, owner, 100)).rejects.toThrow(/before it was carried out/);
    expect((await world.photos.listByOwner(owner, { limit: 10 })).items).toHaveLength(1);
    expect(await world.usage.get(owner)).toEqual({ photos: 1, bytes: 7 });
  });

  it('releases a reservation that was counted though it failed, and registers nothing', async () => {
    const world = faultyWorld();
    const owner = await ownerWithOne(world);
    world.ledger.loseNextReserve = true;
    await expect(registerJpeg(world, owner, 100)).rejects.toThrow(/reservation carried out/);
    expect((await world.photos.listByOwner(owner, { limit: 10 })).items).toHaveLength(1);
    expect(await world.usage.get(owner)).toEqual({ photos: 1, bytes: 7 });
  });

  it.each([
    ['carried out and answered 500', 'after'],
    ['carried out, and its retry found nothing to remove', 'lost'],
    ['not carried out', 'before'],
  ] as const)(
    'releases a photo once when the removal of its record was %s and the delete is retried',
    async (_, fault) => {
      const world = faultyWorld();
      const owner = await ownerWithOne(world);
      const photo = expectOk(await registerJpeg(world, owner, 100)).photo;
      world.faulty.faults.delete = fault;
      const first = world.delete.execute({ ownerId: owner, photoId: photo.id });
      if (fault === 'lost') expectOk(await first);
      else await expect(first).rejects.toThrow(/injected/);

      const retried = await world.delete.execute({ ownerId: owner, photoId: photo.id });
      if (fault === 'before') expectOk(retried);
      else expectErr(retried, PhotoNotFoundError);
      expect(await world.photos.get(owner, photo.id)).toBeUndefined();
      expect(await world.usage.get(owner)).toEqual({ photos: 1, bytes: 7 });
    },
  );

  it('releases an aborted upload once when the removal of its record was answered 500 and the abort is retried', async () => {
    const world = faultyWorld();
    const owner = await ownerWithOne(world);
    const photo = expectOk(await registerJpeg(world, owner, 2000)).photo;
    world.faulty.faults.delete = 'after';
    await expect(world.abort.execute({ ownerId: owner, photoId: photo.id })).rejects.toThrow(/injected/);
    expectErr(await world.abort.execute({ ownerId: owner, photoId: photo.id }), PhotoNotFoundError);
    expect(await world.usage.get(owner)).toEqual({ photos: 1, bytes: 7 });
  });

  it('completes on its next run a sweep whose removal of a record failed, releasing the photo once', async () => {
    const world = faultyWorld();
    const owner = uniqueOwner();
    const stale = expectOk(await registerJpeg(world, owner, 30)).photo;
    world.clock.advance(30 * 24 * 3600_000);
    const kept = expectOk(await registerJpeg(world, owner, 7)).photo;
    world.faulty.faults.delete = 'before';
    await expect(world.sweepStale.execute()).rejects.toThrow(/injected/);
    expect(await world.sweepStale.execute()).toEqual({ deleted: 1 });
    expect(await world.photos.get(owner, stale.id)).toBeUndefined();
    expect(await world.photos.get(owner, kept.id)).toBeDefined();
    expect(await world.usage.get(owner)).toEqual({ photos: 1, bytes: 7 });
  });
});
