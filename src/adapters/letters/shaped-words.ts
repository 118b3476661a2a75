// A shaped word as plain data: what the shaping cache (shaping-cache.ts)
// stores and pdf-fonts.ts shares, and the two conversions between it and the
// run pdfkit's layoutRun returns. Both keep every number as it is (JSON keeps
// doubles exactly), so a word taken from the cache is the run fontkit made.
import type { SubsetProbe } from './pdf-subset.js';

/** A glyph run as pdfkit's EmbeddedFont.layoutRun leaves it (the parts pdfkit and pdf-fonts.ts read). */
export interface Run {
  glyphs: { id: number; advanceWidth: number; codePoints: number[] }[];
  positions: { xAdvance: number; yAdvance: number; xOffset: number; yOffset: number; advanceWidth: number }[];
  advanceWidth: number;
}

/** A shared word: its run as pdfkit's layoutRun left it, and its first glyph requests. */
export interface PlainWord {
  text: string;
  /** Per glyph: id, advance width (font units), code points. */
  glyphs: [number, number, number[]][];
  /** Per glyph: xAdvance, yAdvance, xOffset, yOffset, advanceWidth (scaled by pdfkit). */
  positions: [number, number, number, number, number][];
  advanceWidth: number;
  firstRequests: [number, number[]][];
}

/** A cached word passed on as its file had it (shaping-cache.ts' encoding), not decoded in this process. */
export interface StoredPayload {
  text: string;
  payload: string;
}

export interface PlainFace {
  file: string;
  requestedAs: [number, string][];
  words: (PlainWord | StoredPayload)[];
  /** fontkit's subset of the face's probe glyphs (pdf-subset.ts), if made. */
  subsetProbe?: SubsetProbe;
}

/** A face's words as read from a cache file: each decoded and checked when first asked for. */
export interface StoredWords {
  readonly size: number;
  /** The word, or undefined if the file does not have it whole. */
  get(text: string): PlainWord | undefined;
  /** The word's data as the file has it (what get decodes), to be written again as it is. */
  payload(text: string): string | undefined;
  keys(): Iterable<string>;
}

export interface StoredFace {
  file: string;
  requestedAs: [number, string][];
  words: StoredWords;
  subsetProbe?: SubsetProbe;
}

/** The run of a plain word, as layoutRun returned it when the word was shaped. */
export function runOfPlainWord(w: PlainWord): Run {
  return {
    glyphs: w.glyphs.map(([id, advanceWidth, codePoints]) => ({ id, advanceWidth, codePoints })),
    positions: w.positions.map(([xAdvance, yAdvance, xOffset, yOffset, advanceWidth]) => ({
      xAdvance,
      yAdvance,
      xOffset,
      yOffset,
      advanceWidth,
    })),
    advanceWidth: w.advanceWidth,
  };
}

/** A shaped word as plain data. */
export function plainWordOf(text: string, run: Run, firstRequests: [number, number[]][]): PlainWord {
  return {
    text,
    glyphs: run.glyphs.map((g) => [g.id, g.advanceWidth, [...g.codePoints]]),
    positions: run.positions.map((p) => [p.xAdvance, p.yAdvance, p.xOffset, p.yOffset, p.advanceWidth]),
    advanceWidth: run.advanceWidth,
    firstRequests: firstRequests.map(([id, cps]) => [id, [...cps]]),
  };
}
