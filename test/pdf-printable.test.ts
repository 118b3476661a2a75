// printableDeep (src/adapters/letters/pdf-text.ts) returns text that needs
// no change without rebuilding it; this checks the answers against the
// character-by-character rule on a table of texts, with the real letter
// fonts' coverage and with a small glyph set.
import { describe, expect, it } from 'vitest';
import { fontCoverage } from '../src/adapters/letters/pdf-fonts.js';
import { printableDeep } from '../src/adapters/letters/pdf-text.js';

/** The rule, written out: NFC, CR LF and CR → LF, tab → space, anything the font lacks → U+FFFD. */
function reference(text: string, glyphs: Set<number>): string {
  let out = '';
  for (const ch of text.normalize('NFC').replace(/\r\n?/g, '\n').replace(/\t/g, ' ')) {
    const cp = ch.codePointAt(0) ?? 0;
    out += ch === '\n' || (cp >= 0x20 && glyphs.has(cp)) ? ch : '\uFFFD';
  }
  return out;
}

const TEXTS = [
  '',
  'Lyngby-Taarbæk Kommune',
  'ÆØÅ æøå é ü ß – “citat” § 97, stk. 2 · 1.000 kr.',
  'a\u030a decomposed å, A\u030a, e\u0301',
  'line one\nline two\n\n',
  'CR LF\r\nand CR\rend',
  'tab\there\t',
  'bell \u0007, NUL \u0000, ESC \u001b, DEL \u007f, NBSP \u00a0',
  'Emoji 😀 and ➔ arrows, CJK 漢字',
  'Δ U+0394 and ∆ U+2206, Ω and Ω, ﬁ and fi',
  'Ελληνικά, Кириллица, ṩ, ő, ł',
  'lone surrogates \ud800 and \udfff',
  'U+FFFD itself: \ufffd',
  'x'.repeat(5000),
];

describe('printableDeep', () => {
  const sets: [string, Set<number>][] = [
    ['the letter fonts', fontCoverage()],
    ['a small glyph set', new Set([...'abcdefghijklmnopqrstuvwxyz æøå'].map((c) => c.codePointAt(0) ?? 0))],
  ];
  for (const [name, glyphs] of sets) {
    it(`makes each text printable exactly by the rule, with ${name}`, () => {
      for (const text of TEXTS) expect(printableDeep(text, glyphs), JSON.stringify(text)).toBe(reference(text, glyphs));
    });
  }

  it('copies objects and arrays deeply and leaves non-strings as they are', () => {
    const glyphs = fontCoverage();
    const value = { a: ['x\ty', 1, null, { b: 'a\u030a', c: true }], d: undefined, e: 'ok' };
    const copy = printableDeep(value, glyphs);
    expect(copy).toEqual({ a: ['x y', 1, null, { b: '\u00e5', c: true }], d: undefined, e: 'ok' });
    expect(copy.a).not.toBe(value.a);
    expect(value.a[0]).toBe('x\ty');
  });

  it('replaces what the fonts lack in the real coverage (U+FFFD is in Roboto)', () => {
    const glyphs = fontCoverage();
    expect(glyphs.has(0xfffd)).toBe(true);
    expect(printableDeep('a😀b', glyphs)).toBe('a\uFFFDb');
  });
});
