import { describe, expect, it } from 'vitest';
import { createAppHarness } from '../../support/app-harness.js';
import { tinyPng } from '../../support/images.js';
import { as, expectProblem, postUploads } from './http-helpers.js';

const jpeg = (size: number) => ({ filename: 'a.jpg', contentType: 'image/jpeg', size });
const postPhoto = (h: ReturnType<typeof createAppHarness>, owner: string) =>
  h.app.request('/photos?filename=a.png', {
    method: 'POST',
    headers: as(owner, { 'Content-Type': 'image/png' }),
    body: tinyPng() as Uint8Array<ArrayBuffer>,
  });

describe('over the per-owner quota', () => {
  it('answers POST /uploads and POST /photos with 429 quota-exceeded once the photos are used up', async () => {
    const h = createAppHarness({ limits: { ownerQuota: { maxPhotos: 1 } } });
    expect((await postUploads(h, jpeg(100), as('alice'))).status).toBe(201);
    const refused = await expectProblem(await postUploads(h, jpeg(100), as('alice')), 429, 'quota-exceeded');
    expect(refused.detail).toMatch(/quota of 1 photos/);
    await expectProblem(await postPhoto(h, 'alice'), 429, 'quota-exceeded');
    // Another owner has a quota of their own.
    expect((await postUploads(h, jpeg(100), as('bob'))).status).toBe(201);
  });

  it('answers 413 quota-exceeded when the bytes do not fit in what is left, and takes them once a photo is deleted', async () => {
    const h = createAppHarness({ limits: { ownerQuota: { maxBytes: 1000 } } });
    const first = await postUploads(h, jpeg(700), as('alice'));
    expect(first.status).toBe(201);
    await expectProblem(await postUploads(h, jpeg(301), as('alice')), 413, 'quota-exceeded');
    const { photo } = await first.json();
    expect(
      (await h.app.request(`/photos/${photo.id}`, { method: 'DELETE', headers: as('alice') })).status,
    ).toBe(204);
    expect((await postUploads(h, jpeg(1000), as('alice'))).status).toBe(201);
  });
});
