import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { Base64Url } from '../../../src/domain/base64url.js';

describe('Base64Url', () => {
  test.prop([fc.uint8Array({ maxLength: 300 })])('decodes what it encoded', (bytes) => {
    expect(Base64Url.decode(Base64Url.encode(bytes))).toEqual(Uint8Array.from(bytes));
  });

  test.prop([fc.uint8Array({ maxLength: 300 })])('writes only the URL-safe alphabet, unpadded', (bytes) => {
    expect(Base64Url.encode(bytes)).toMatch(/^[A-Za-z0-9_-]*$/);
  });

  it.each([
    [[], ''],
    [[251, 255], '-_8'],
    [[102, 111, 111, 98], 'Zm9vYg'],
  ])('encodes %j as %j', (bytes, text) => {
    expect(Base64Url.encode(new Uint8Array(bytes))).toBe(text);
    expect(Base64Url.decode(text)).toEqual(new Uint8Array(bytes));
  });

  it.each(['not base64!', 'a+b/', 'Zm9vYg==', 'A'])('refuses %j', (text) => {
    expect(Base64Url.decode(text)).toBeUndefined();
  });
});
