// The width estimates before layout (src/adapters/letters/pdf-text-width.ts):
// textWidthBound never falls below textWidth, so a text the bound lets pass
// would have passed textWidth too (pdf-text.ts decides with the bound first).
import { describe, expect, it } from 'vitest';
import { textWidth, textWidthBound } from '../src/adapters/letters/pdf-text-width.js';
import { random as seededRandom } from './helpers/random.js';

const ALPHABET = [
  ...'abcdefghijklmnopqrstuvwxyzæøåABCDEFGHIJKLMNOPQRSTUVWXYZÆØÅ0123456789 .,;:-–—/\\()[]§%&@',
  'W',
  'M',
  'ﬁ',
  '∆',
  '😀',
  '\u0301',
  '\u{10FFFF}',
];

describe('textWidthBound', () => {
  it.each([
    ['the widest letters', 'WWWWMMMM—————', 10, false],
    ['bold', 'WWWWMMMM—————', 10, true],
    ['characters outside the font and surrogate pairs', '😀😀\u{10FFFF}x', 9, false],
    ['the empty text', '', 10, false],
  ])('is at least textWidth for %s', (_what, text, size, bold) => {
    expect(textWidthBound(text, size, bold)).toBeGreaterThanOrEqual(textWidth(text, size, bold));
  });

  it('is at least textWidth for 5,000 random texts, sizes and faces', () => {
    const random = seededRandom(20261126);
    for (let n = 0; n < 5000; n++) {
      const length = Math.floor(random() * 40);
      let text = '';
      for (let i = 0; i < length; i++) text += ALPHABET[Math.floor(random() * ALPHABET.length)];
      const size = 6 + Math.floor(random() * 100) / 10;
      const bold = random() < 0.5;
      const bound = textWidthBound(text, size, bold);
      const width = textWidth(text, size, bold);
      expect(bound).toBeGreaterThanOrEqual(width);
    }
  });

  it('is close for the widest letters (the largest advance in Roboto is ~1.16 em, Œ ~0.95 em)', () => {
    for (const bold of [false, true]) {
      const text = 'Œ'.repeat(20);
      expect(textWidthBound(text, 10, bold) / textWidth(text, 10, bold)).toBeLessThan(1.3);
    }
  });
});
