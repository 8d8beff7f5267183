import { describe, expect, it } from 'vitest';
import { contentDisposition } from '../../../src/adapters/wire/content-disposition.js';

describe('contentDisposition', () => {
  it.each([
    ['beach.jpg', `inline; filename="beach.jpg"; filename*=UTF-8''beach.jpg`],
    [
      `l'été "2026"; a\\b (1).jpg`,
      `inline; filename="l'_t_ _2026_; a_b (1).jpg"; filename*=UTF-8''l%27%C3%A9t%C3%A9%20%222026%22%3B%20a%5Cb%20%281%29.jpg`,
    ],
    ['*.jpg', `inline; filename="*.jpg"; filename*=UTF-8''%2A.jpg`],
  ])('%s -> %s', (name, header) => {
    expect(contentDisposition(name)).toBe(header);
  });
});
