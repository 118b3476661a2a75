// Text as the letter prints it. A character the font has no glyph for would be drawn as
// glyph 0 (.notdef), which PDF/A forbids (Preflight 3.3.1) and readers show as
// an empty box. Such characters (emoji, arrows, CJK, control characters) are
// replaced by U+FFFD; tabs become spaces; text is NFC-normalised so that a
// decomposed "å" (a + ring, common from macOS) becomes one glyph.

import { textWidth, textWidthBound } from './pdf-text-width.js';

const REPLACEMENT_CHARACTER = '\uFFFD';

function printable(text: string, glyphs: Set<number>): string {
  const nfc = text.normalize('NFC');
  if (allPrintable(nfc, glyphs)) return nfc;
  let out = '';
  for (const ch of nfc.replace(/\r\n?/g, '\n').replace(/\t/g, ' ')) {
    const cp = ch.codePointAt(0) ?? 0;
    out += ch === '\n' || (cp >= 0x20 && glyphs.has(cp)) ? ch : REPLACEMENT_CHARACTER;
  }
  return out;
}

/**
 * True when `printable` would change nothing after NFC: no CR, tab or other
 * control character, no surrogate (the slow path judges those per code point),
 * every character in the font. Most text is; it then skips the rebuild.
 */
function allPrintable(text: string, glyphs: Set<number>): boolean {
  const shown = bmpBitmap(glyphs);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) continue;
    if (c < 0x20 || (c >= 0xd800 && c <= 0xdfff) || shown[c] !== 1) return false;
  }
  return true;
}

/** The set's code points below U+10000 as a table (1 = in the set): a lookup per character of every text. */
const bitmaps = new WeakMap<Set<number>, Uint8Array>();
function bmpBitmap(glyphs: Set<number>): Uint8Array {
  let table = bitmaps.get(glyphs);
  if (!table) {
    table = new Uint8Array(0x10000);
    for (const cp of glyphs) if (cp < 0x10000) table[cp] = 1;
    bitmaps.set(glyphs, table);
  }
  return table;
}

/** A deep copy of `value` with every string made printable with the letter fonts (`glyphs`: what they can show). */
export function printableDeep<T>(value: T, glyphs: Set<number>): T {
  if (typeof value === 'string') return printable(value, glyphs) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => printableDeep(v, glyphs)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, printableDeep(v, glyphs)])) as T;
  }
  return value;
}

// ---------------------------------------------------------------------------
// Line breaking of URLs and long tokens (issue 8 point 6, issue 9 point 3).
//
// - A URL becomes a link (a URI link annotation; pdfkit gives it the Print
//   flag, F=4, which PDF/A-1 requires) and is kept whole: pdfmake would
//   otherwise wrap it after hyphens and slashes (UAX #14), and a copied link
//   would be wrong. Only a URL too wide for any line is broken, then between
//   any two characters, never with a hyphen added.
// - A token too wide for any line (a long word without spaces) may break
//   between any two characters. pdfmake can split such a word itself, but it
//   measures every candidate prefix (slow for long tokens) and, when it lays
//   out the same text twice (a case kept together on one page), the split
//   word's text is lost after its first lines.
// Text without either stays a plain string, so it renders as before.

/** Where text goes: the width of its column and its font size, in points. */
export interface TextRoom {
  width: number;
  size: number;
  bold?: boolean;
}

/** A pdfmake inline text piece (wordBreak is pdfmake 0.3's, not in its types). */
export interface TextPiece {
  text: string;
  link?: string;
  noWrap?: boolean;
  wordBreak?: 'break-all';
}

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`{}|\\^]+/g;
/** Estimates are sums of advances without kerning; keep a margin. */
const FITS = 0.95;

/** A URL as the annotation's URI: ASCII only (PDF 1.4 §8.5.3), or undefined if it is not a URL. */
function uri(url: string): string | undefined {
  try {
    return new URL(url).href;
  } catch {
    return undefined;
  }
}

/** The URL at the start of `candidate` without trailing sentence punctuation (a ")" stays if it closes a "(" in the URL). */
function trimUrl(candidate: string): string {
  let url = candidate;
  for (;;) {
    const last = url.at(-1) ?? '';
    if (/[.,;:!?'"\]]/.test(last)) url = url.slice(0, -1);
    else if (last === ')' && (url.match(/\(/g)?.length ?? 0) < (url.match(/\)/g)?.length ?? 0)) url = url.slice(0, -1);
    else return url;
  }
}

/** pdfmake text for `text` in `room`: a plain string, or pieces with links and breakable tokens. */
export function flowText(text: string, room: TextRoom): string | TextPiece[] {
  const pieces: TextPiece[] = [];
  let plain = '';
  let special = false;
  const bold = room.bold ?? false;
  const limit = room.width * FITS;
  // Most words are far shorter than a line: the bound settles them without measuring.
  const fits = (s: string) => textWidthBound(s, room.size, bold) <= limit || textWidth(s, room.size, bold) <= limit;
  const flush = () => {
    if (plain) pieces.push({ text: plain });
    plain = '';
  };
  const addPlain = (s: string) => {
    let last = 0;
    for (const m of s.matchAll(/\S+/g)) {
      if (fits(m[0])) continue;
      plain += s.slice(last, m.index);
      flush();
      pieces.push({ text: m[0], wordBreak: 'break-all' });
      special = true;
      last = m.index + m[0].length;
    }
    plain += s.slice(last);
  };
  let last = 0;
  for (const m of text.matchAll(URL_PATTERN)) {
    const url = trimUrl(m[0]);
    const href = uri(url);
    if (!href) continue;
    addPlain(text.slice(last, m.index));
    flush();
    pieces.push(
      fits(url) ? { text: url, link: href, noWrap: true } : { text: url, link: href, wordBreak: 'break-all' },
    );
    special = true;
    last = m.index + url.length;
  }
  addPlain(text.slice(last));
  flush();
  return special ? pieces : text;
}

/**
 * flowText as inline pieces carrying `style`, for text that is itself part
 * of a line of several styled pieces (pdfmake drops the style of a piece
 * whose text is an array).
 */
export function inlineText(
  text: string,
  room: TextRoom,
  style: Record<string, unknown> = {},
): Record<string, unknown>[] {
  const flowed = flowText(text, room);
  return typeof flowed === 'string' ? [{ text: flowed, ...style }] : flowed.map((piece) => ({ ...style, ...piece }));
}

/** A URL for a link from a web address that may lack its scheme ("ast.dk"). */
export function webLink(address: string): string | undefined {
  const trimmed = address.trim();
  if (!trimmed || /\s/.test(trimmed)) return undefined;
  return uri(/^https?:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`);
}
