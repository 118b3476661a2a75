// Text widths as estimates for line-breaking decisions made before pdfmake
// lays a letter out (pdf-text.ts: a token too wide for any line; render-pdf.ts:
// the sender's address on one line): the sum of the glyphs' advances, no
// kerning, no ligatures. Not used for layout itself.
import { FONT_FILES, sharedFont, type FontkitFont } from './pdf-fonts.js';

interface Metrics {
  font: FontkitFont;
  unitsPerEm: number;
  /** Code point -> advance width (font units). */
  advances: Map<number, number>;
  /** The largest advance of any glyph (font units), once asked for. */
  maxAdvance?: number;
}

const byFile = new Map<string, Metrics>();

function metrics(bold: boolean): Metrics {
  const file = bold ? FONT_FILES.bold : FONT_FILES.normal;
  let m = byFile.get(file);
  if (!m) {
    const font = sharedFont(file);
    m = { font, unitsPerEm: font.unitsPerEm, advances: new Map() };
    byFile.set(file, m);
  }
  return m;
}

/** Width of `text` in points as the sum of its glyphs' advances. */
export function textWidth(text: string, size: number, bold: boolean): number {
  const m = metrics(bold);
  let units = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    let advance = m.advances.get(cp);
    if (advance === undefined) {
      advance = m.font.glyphForCodePoint(cp).advanceWidth;
      m.advances.set(cp, advance);
    }
    units += advance;
  }
  return (units * size) / m.unitsPerEm;
}

/**
 * An upper bound of textWidth(text, size, bold), without looking at the
 * characters: each UTF-16 unit (at least one per character) at the face's
 * largest advance. For decisions where only a text that may not fit needs
 * textWidth: when the bound fits, textWidth does too (the same operations on
 * a larger integer sum cannot round to a smaller width).
 */
export function textWidthBound(text: string, size: number, bold: boolean): number {
  const m = metrics(bold);
  m.maxAdvance ??= maxAdvanceOf(m.font);
  return (text.length * m.maxAdvance * size) / m.unitsPerEm;
}

/** The largest advance in the font's hmtx table (what glyphForCodePoint(cp).advanceWidth reads); none for a variable font. */
function maxAdvanceOf(font: FontkitFont): number {
  if (Object.keys(font.variationAxes).length > 0) return Infinity;
  const { metrics: hmtx } = font.hmtx;
  let max = 0;
  for (let i = 0; i < hmtx.length; i++) max = Math.max(max, hmtx.get(i).advance);
  return max;
}
