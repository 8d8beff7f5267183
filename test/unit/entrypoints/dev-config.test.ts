import { describe, expect, it } from 'vitest';
import { parseDevConfig } from '../../../src/entrypoints/composition/dev-config.js';

describe("the dev server's analysis settings", () => {
  it('analyses with the local models by default, under the default moderation policy', () => {
    const config = parseDevConfig({});
    expect(config.analysisMode).toBe('local');
    expect(config.analysis?.moderation.mode).toBe('flag');
    expect(config.analysis?.minLabelConfidence).toBe(70);
  });

  it('turns analysis off with ANALYSIS=off, and takes the MODERATION_* variables', () => {
    const config = parseDevConfig({ ANALYSIS: 'off', MODERATION_MODE: 'block', MODERATION_BLOCK_AT: '90' });
    expect(config.analysisMode).toBe('off');
    expect(config.analysis?.moderation).toMatchObject({ mode: 'block', blockAt: 90 });
  });

  it('refuses an unknown ANALYSIS value, naming the variable', () => {
    expect(() => parseDevConfig({ ANALYSIS: 'rekognition' })).toThrow(/ANALYSIS/);
  });
});

describe("the dev server's image warm-up", () => {
  it.each([
    [{}, true],
    [{ IMAGE_WARM_UP: 'on' }, true],
    [{ IMAGE_WARM_UP: 'off' }, false],
  ])('with %o warms the image worker up: %s', (env, warm) => {
    expect(parseDevConfig(env).imageWarmUp).toBe(warm);
  });

  it('refuses an unknown IMAGE_WARM_UP value, naming the variable', () => {
    expect(() => parseDevConfig({ IMAGE_WARM_UP: 'yes' })).toThrow(/IMAGE_WARM_UP/);
  });
});
