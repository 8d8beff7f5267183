import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import { D1PhotoRepository } from '../../src/adapters/cloudflare/d1-photo-repository.js';
import type {
  ImageClassificationBinding,
  WORKERS_AI_CLASSIFIER,
} from '../../src/adapters/cloudflare/workers-ai-image-analyzer.js';
import type { OwnerId } from '../../src/domain/owner-id.js';
import { Photo } from '../../src/domain/photo.js';
import { StorageKeys } from '../../src/domain/storage-keys.js';
import worker from '../../src/entrypoints/cloudflare/worker.js';
import type { WorkerEnv } from '../../src/entrypoints/cloudflare/worker-env.js';
import { photoIdAt, uniqueOwner } from '../support/fixtures.js';
import { fromBase64 } from './support.js';

/**
 * The Worker's analysis consumer in workerd, with local R2, D1 and Images. Miniflare
 * has no local Workers AI (the binding proxies to Cloudflare's service), so `env.AI` is a
 * documented stand-in that records what the binding receives (model, the analysis JPEG's
 * bytes) and answers in ResNet-50's output shape; docs/cloudflare.md says so.
 */

const images = inject('workerImages');
const ANALYSIS_QUEUE = 'analysis';

class StandInAi implements ImageClassificationBinding {
  readonly requests: { model: string; image: number[] }[] = [];
  constructor(private readonly answer: () => Promise<{ label: string; score: number }[]>) {}
  async run(model: typeof WORKERS_AI_CLASSIFIER, inputs: { image: number[] }) {
    this.requests.push({ model, image: inputs.image });
    return this.answer();
  }
}

async function processingPhoto(owner: OwnerId): Promise<Photo> {
  const bytes = fromBase64(images.portraitJpeg);
  const pending = Photo.register({
    id: photoIdAt(),
    ownerId: owner,
    filename: 'dog.jpg',
    contentType: 'image/jpeg',
    size: bytes.byteLength,
    now: new Date(),
  });
  const photo = Photo.startProcessing(pending, bytes.byteLength, new Date());
  const photos = new D1PhotoRepository(env.DB);
  await photos.save(pending);
  await photos.save(photo);
  await env.PHOTOS.put(StorageKeys.original(owner, photo.id), bytes);
  return photo;
}

async function deliver(ai: StandInAi, photo: Photo) {
  const analysisEnv = { ...(env as unknown as WorkerEnv), AI: ai, ANALYSIS_QUEUE } as WorkerEnv;
  const batch = createMessageBatch(ANALYSIS_QUEUE, [
    {
      id: 'm-1',
      timestamp: new Date(),
      attempts: 1,
      body: { type: 'thumbnail-job', ownerId: photo.ownerId, photoId: photo.id },
    },
  ]);
  const ctx = createExecutionContext();
  await worker.queue(batch, analysisEnv);
  return getQueueResult(batch, ctx);
}

describe('the analysis queue of the Worker (stand-in Workers AI binding)', () => {
  it('classifies the analysis JPEG, stores Rekognition-named labels and acknowledges', async () => {
    const ai = new StandInAi(async () => [
      { label: 'GOLDEN RETRIEVER', score: 0.91 },
      { label: 'TENNIS BALL', score: 0.04 },
    ]);
    const photo = await processingPhoto(uniqueOwner('ai'));

    const result = await deliver(ai, photo);

    expect(result.explicitAcks).toEqual(['m-1']);
    expect(ai.requests).toHaveLength(1);
    expect(ai.requests[0]?.model).toBe('@cf/microsoft/resnet-50');
    // A JPEG, made by the Images binding from the original.
    expect(ai.requests[0]?.image.slice(0, 3)).toEqual([0xff, 0xd8, 0xff]);
    const stored = await new D1PhotoRepository(env.DB).get(photo.ownerId, photo.id);
    expect(stored?.labels?.map((l) => l.name)).toEqual(['Animal', 'Canine', 'Dog', 'Mammal', 'Pet']);
    expect(stored?.moderation).toEqual({ verdict: 'allow', labels: [], modelVersion: 'none' });
    const page = await new D1PhotoRepository(env.DB).listByLabel(photo.ownerId, 'dog', { limit: 5 });
    expect(page.items.map((p) => p.id)).toEqual([photo.id]);
  });

  it('retries the message when Workers AI fails, and records nothing', async () => {
    const ai = new StandInAi(async () => {
      throw new Error('AiError: 3040: Capacity temporarily exceeded');
    });
    const photo = await processingPhoto(uniqueOwner('ai-down'));

    const result = await deliver(ai, photo);

    expect(result.retryMessages.map((m) => m.msgId)).toEqual(['m-1']);
    expect((await new D1PhotoRepository(env.DB).get(photo.ownerId, photo.id))?.analysis).toBeUndefined();
  });
});
