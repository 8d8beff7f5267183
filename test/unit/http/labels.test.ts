import { describe, expect, it } from 'vitest';
import { ImageAnalysis } from '../../../src/domain/image-analysis.js';
import { defaultModerationPolicy, ModerationPolicy } from '../../../src/domain/moderation-policy.js';
import type { OwnerId } from '../../../src/domain/owner-id.js';
import { Photo } from '../../../src/domain/photo.js';
import type { PhotoId } from '../../../src/domain/photo-id.js';
import { type AppHarness, createAppHarness } from '../../support/app-harness.js';
import { analyses } from '../../support/scripted-image-analyzer.js';
import { as, expectProblem, getPhoto, readyPng } from './http-helpers.js';

/** Records an analysis on a stored photo, as AnalyzeMedia does. */
async function analysed(h: AppHarness, id: string, analysis: ImageAnalysis, owner = 'dev', block = false) {
  const photo = (await h.photos.get(owner as OwnerId, id as PhotoId)) as Photo;
  const next = Photo.recordAnalysis(
    photo,
    {
      labels: ImageAnalysis.topLabels(analysis.labels, 70),
      moderation: analysis.moderation,
      judgement: ModerationPolicy.judge(defaultModerationPolicy, analysis.moderation),
      block,
    },
    h.clock.now(),
  );
  expect((await h.photos.save(next)).ok).toBe(true);
}

const ids = async (res: Response) =>
  ((await res.json()) as { items: { id: string }[] }).items.map((p) => p.id);

describe('labels and moderation on the API', () => {
  it('shows a photo its labels and moderation verdict', async () => {
    const h = createAppHarness();
    const { id } = await readyPng(h);
    await analysed(h, id, analyses.dog);
    const photo = await getPhoto(h, id);
    expect(photo).toMatchObject({
      status: 'ready',
      labels: [
        { name: 'Animal', confidence: 98.7, parents: [] },
        { name: 'Dog', confidence: 98.7, parents: ['Animal', 'Canine', 'Mammal', 'Pet'] },
        { name: 'Pet', confidence: 98.7, parents: ['Animal'] },
        { name: 'Grass', confidence: 81.2, parents: ['Plant'] },
      ],
      moderation: { verdict: 'allow', labels: [], modelVersion: '7.0' },
      analysis: { status: 'done' },
    });
  });

  it("GET /photos?label= lists only the owner's photos with that label, any case, newest first, paged", async () => {
    const h = createAppHarness();
    const first = await readyPng(h);
    const beach = await readyPng(h);
    const second = await readyPng(h);
    const notMine = await readyPng(h, 'someone-else');
    await analysed(h, first.id, analyses.dog);
    await analysed(h, beach.id, analyses.swimwear);
    await analysed(h, second.id, analyses.dog);
    await analysed(h, notMine.id, analyses.dog, 'someone-else');

    expect(await ids(await h.app.request('/photos?label=dog'))).toEqual([second.id, first.id]);
    const page = await h.app.request('/photos?label=Dog&limit=1');
    const { items, nextCursor } = (await page.json()) as { items: { id: string }[]; nextCursor: string };
    expect(items.map((p) => p.id)).toEqual([second.id]);
    expect(await ids(await h.app.request(`/photos?label=Dog&limit=1&cursor=${nextCursor}`))).toEqual([
      first.id,
    ]);
    // The cursor belongs to the Dog listing: the plain list or another label's refuses it.
    await expectProblem(await h.app.request(`/photos?limit=1&cursor=${nextCursor}`), 400);
    await expectProblem(await h.app.request(`/photos?label=Cat&limit=1&cursor=${nextCursor}`), 400);
    expect(await ids(await h.app.request('/photos?label=Cat'))).toEqual([]);
    expect(await ids(await h.app.request('/photos?label=Dog', { headers: as('someone-else') }))).toEqual([
      notMine.id,
    ]);
    await expectProblem(await h.app.request('/photos?label='), 400);
  });

  it('holds a blocked photo: rejected with its reason, no URLs, 404 on its files', async () => {
    const h = createAppHarness();
    const { id } = await readyPng(h);
    await analysed(h, id, analyses.explicit, 'dev', true);

    const photo = await getPhoto(h, id);
    expect(photo).toMatchObject({
      status: 'rejected',
      failure: { code: 'moderation-blocked', message: expect.stringContaining('Explicit') },
      moderation: { verdict: 'block' },
    });
    expect(photo.urls).toBeUndefined();
    await expectProblem(await h.app.request(`/photos/${id}/thumbnails/thumb`), 404, 'photo-rejected');
    await expectProblem(await h.app.request(`/photos/${id}/original`), 404, 'photo-rejected');
    // The owner still sees it in the gallery.
    expect(await ids(await h.app.request('/photos'))).toEqual([id]);
  });
});
