// Glyphs reached from two code points (Δ U+0394 and ∆ U+2206 share a glyph in
// Roboto): pdf-fonts.ts finds them from the cmap, and each PDF's ToUnicode map
// says what that document typed first, as a fresh font parse per document did.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FONT_DIR, FONT_FILES, PDFMAKE_JSON } from '../src/adapters/letters/pdf-fonts.js';
import { renderLetterPdf } from '../src/adapters/letters/render-pdf.js';
import { aCaseView, aLetterModel } from './builders.js';
import { hasCommand, pdfToText } from './helpers/pdf.js';

interface Font {
  characterSet: number[];
  glyphForCodePoint(cp: number): { id: number };
  _cmapProcessor: { lookup(cp: number): number };
}
const fontkit = createRequire(createRequire(PDFMAKE_JSON).resolve('pdfkit'))('fontkit') as {
  create(data: Uint8Array): Font;
};

describe('the cmap lookup pdf-fonts uses to find shared glyphs', () => {
  for (const file of Object.values(FONT_FILES)) {
    it(`gives glyphForCodePoint's glyph for every code point, ${file}`, () => {
      const font = fontkit.create(readFileSync(join(FONT_DIR, file)));
      const viaLookup = font.characterSet.map((cp) => font._cmapProcessor.lookup(cp));
      const viaGlyphs = font.characterSet.map((cp) => font.glyphForCodePoint(cp).id);
      expect(viaLookup).toEqual(viaGlyphs);
      expect(font._cmapProcessor.lookup(0x0394)).toBe(font._cmapProcessor.lookup(0x2206));
    });
  }
});

describe.skipIf(!hasCommand('pdftotext'))('a glyph typed as two characters in two letters', () => {
  it('reads back as what each letter typed first (Δ in one, ∆ in the next)', async () => {
    const letter = (remark: string) => aLetterModel({ sager: [aCaseView({ bemaerkning: remark })] });
    const first = pdfToText(await renderLetterPdf(letter('Ændring Δ9 og siden ∆7.')));
    const second = pdfToText(await renderLetterPdf(letter('Ændring ∆9 og siden Δ7.')));
    const third = pdfToText(await renderLetterPdf(letter('Ændring Δ9 og siden ∆7.')));
    expect(first).toContain('Ændring Δ9 og siden Δ7.');
    expect(second).toContain('Ændring ∆9 og siden ∆7.');
    expect(third).toBe(first);
  });
});
