// The direct subset writer (pdf-subset.ts) against fontkit's own
// TTFSubset.encode: for every letter face and many glyph sets, the same bytes
// and the same subset (glyph order, composite components appended, mapping).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FONT_DIR, FONT_FILES, PDFMAKE_JSON } from '../src/adapters/letters/pdf-fonts.js';
import {
  rememberSubsetProbe,
  subsetProbeOf,
  type TtfSubset,
  writeSubsetDirectly,
} from '../src/adapters/letters/pdf-subset.js';
import { random } from './helpers/random.js';

interface Font {
  numGlyphs: number;
  createSubset(): TtfSubset;
  glyphForCodePoint(cp: number): { id: number };
  layout(text: string): { glyphs: { id: number }[] };
}
const fontkit = createRequire(createRequire(PDFMAKE_JSON).resolve('pdfkit'))('fontkit') as {
  create(data: Uint8Array): Font;
};

/** Where each composite glyph (numberOfContours < 0) starts and how long it is, read from the font file. */
function compositeStarts(data: Buffer): Map<number, { start: number; length: number }> {
  const tables = new Map<string, number>();
  for (let i = 0; i < data.readUInt16BE(4); i++) {
    tables.set(data.toString('latin1', 12 + 16 * i, 16 + 16 * i), data.readUInt32BE(20 + 16 * i));
  }
  const head = tables.get('head') as number;
  const loca = tables.get('loca') as number;
  const glyf = tables.get('glyf') as number;
  const long = data.readInt16BE(head + 50) === 1;
  const offset = (id: number) => (long ? data.readUInt32BE(loca + 4 * id) : 2 * data.readUInt16BE(loca + 2 * id));
  const numGlyphs = data.readUInt16BE((tables.get('maxp') as number) + 4);
  const starts = new Map<number, { start: number; length: number }>();
  for (let id = 0; id < numGlyphs; id++) {
    const length = offset(id + 1) - offset(id);
    if (length > 0 && data.readInt16BE(glyf + offset(id)) < 0) starts.set(id, { start: glyf + offset(id), length });
  }
  return starts;
}

function compositeGlyphs(data: Buffer): number[] {
  return [...compositeStarts(data).keys()];
}

/** Component records: flags and the bytes after the glyph id (arguments, then transform). */
const RECORDS: [number, number][] = [
  [0x0080, 2 + 8], // 2×2 transform, byte arguments
  [0x0040 | 0x0001, 4 + 4], // x and y scale, word arguments
  [0x0008, 2 + 2], // one scale, byte arguments
];

/**
 * Roboto's components have no scale or transform, so this copy of a font
 * rewrites every composite glyph of at least 44 bytes in place: three
 * components, one with each kind of transform (in turn first, middle, last),
 * referring to a simple glyph, to another composite (nested) and to glyph 1;
 * the rest of the glyph's bytes zero.
 */
function withTransformedComponents(data: Buffer): { data: Buffer; changed: number[] } {
  const copy = Buffer.from(data);
  const starts = compositeStarts(copy);
  const ids = [...starts.keys()];
  const changed: number[] = [];
  ids.forEach((id, i) => {
    const { start, length } = starts.get(id) as { start: number; length: number };
    if (length < 44) return;
    const targets = [copy.readUInt16BE(start + 12), ids[(i + 7) % ids.length] as number, 1];
    let at = start + 10;
    copy.fill(0, at, start + 44);
    for (let k = 0; k < 3; k++) {
      const [flags, rest] = RECORDS[(k + changed.length) % 3] as [number, number];
      copy.writeUInt16BE(flags | (k < 2 ? 0x0020 : 0), at);
      copy.writeUInt16BE(targets[k] as number, at + 2);
      copy.fill(k + 1, at + 4, at + 4 + rest);
      at += 4 + rest;
    }
    changed.push(id);
  });
  return { data: copy, changed };
}

const LETTER_TEXT =
  'Ankestyrelsen har gennemgået 7 sager fra Lyngby-Taarbæk Kommune om ledsagelse efter § 97. ' +
  'Æblegrød, Øster Åby, Ærø; “citat” – fiﬁ ﬂ Δ ∆ € ½ № ©®™ Ÿ ő Ł ĳ ǅ ẞ ş ț à á â ã ä å ç è é ê ë ì í î ï ñ ò ó ô õ ö ù ú û ü ý ÿ.';

function glyphSets(font: Font, data: Buffer, seed: number): [string, number[]][] {
  const next = random(seed);
  const pick = (n: number) => Array.from({ length: n }, () => Math.floor(next() * font.numGlyphs));
  const composites = compositeGlyphs(data);
  const sets: [string, number[]][] = [
    ['a short text', font.layout('Kære kommune').glyphs.map((g) => g.id)],
    ['.notdef only', []],
    ['a letter text, shaped', font.layout(LETTER_TEXT).glyphs.map((g) => g.id)],
    ['every composite glyph', composites],
    ['composites in reverse, with their components first', [...composites].reverse()],
    ['every glyph', Array.from({ length: font.numGlyphs }, (_, i) => i)],
    ['every glyph, last first', Array.from({ length: font.numGlyphs }, (_, i) => font.numGlyphs - 1 - i)],
    ['the last glyph', [font.numGlyphs - 1]],
  ];
  for (let i = 0; i < 40; i++) sets.push([`random ${i}`, pick(1 + Math.floor(next() * 400))]);
  for (let i = 0; i < 20; i++) {
    const some = composites.filter(() => next() < 0.1);
    sets.push([`random with composites ${i}`, [...pick(30), ...some, ...pick(30)]]);
  }
  return sets;
}

function subsetOf(font: Font, ids: number[]): TtfSubset {
  const subset = font.createSubset();
  for (const id of ids) subset.includeGlyph(id);
  return subset;
}

describe('the direct subset writer', () => {
  Object.values(FONT_FILES).forEach((file, faceIndex) => {
    it(`writes the bytes fontkit writes, ${file}`, () => {
      const data = readFileSync(join(FONT_DIR, file));
      const reference = fontkit.create(data);
      const fast = fontkit.create(data);
      const sets = glyphSets(reference, data, 1000 + faceIndex);
      expect(compositeGlyphs(data).length).toBeGreaterThan(100);
      for (const [name, ids] of sets) {
        const expected = subsetOf(reference, ids);
        const actual = subsetOf(fast, ids);
        writeSubsetDirectly(actual, fast, data);
        expect(actual.encode === expected.encode, name).toBe(false);
        const want = Buffer.from(expected.encode());
        const got = Buffer.from(actual.encode());
        expect(got.equals(want), `${file}: ${name}`).toBe(true);
        expect(actual.glyphs, name).toEqual(expected.glyphs);
        expect(actual.mapping, name).toEqual(expected.mapping);
      }
    });
  });

  it('writes the bytes fontkit writes for components with a scale, an x and y scale and a 2×2 transform', () => {
    const { data, changed } = withTransformedComponents(readFileSync(join(FONT_DIR, FONT_FILES.normal)));
    expect(changed.length).toBeGreaterThanOrEqual(9);
    const reference = fontkit.create(data);
    const fast = fontkit.create(data);
    const next = random(7);
    const sets = [
      changed,
      [...changed].reverse(),
      ...Array.from({ length: 20 }, () => changed.filter(() => next() < 0.2)),
    ];
    for (const ids of [[1], ...sets]) {
      const expected = subsetOf(reference, ids);
      const actual = subsetOf(fast, ids);
      writeSubsetDirectly(actual, fast, data);
      expect(Buffer.from(actual.encode()).equals(Buffer.from(expected.encode()))).toBe(true);
      expect(actual.glyphs).toEqual(expected.glyphs);
    }
  });

  it('renumbers composite components: an accented letter brings its base and accent into the subset', () => {
    const data = readFileSync(join(FONT_DIR, FONT_FILES.normal));
    const fast = fontkit.create(data);
    const aRing = fast.glyphForCodePoint(0xe5).id; // å
    expect(compositeGlyphs(data)).toContain(aRing);
    const subset = subsetOf(fast, [aRing]);
    writeSubsetDirectly(subset, fast, data);
    subset.encode();
    expect(subset.glyphs.length).toBeGreaterThan(2);
    expect(subset.glyphs.slice(0, 2)).toEqual([0, aRing]);
  });

  it('refuses a subset object of another shape, naming fontkit', () => {
    const data = readFileSync(join(FONT_DIR, FONT_FILES.bold));
    const font = fontkit.create(data);
    expect(() => writeSubsetDirectly({ glyphs: [0] }, font, data)).toThrow(/uventet fontkit-version/);
    expect(() => writeSubsetDirectly(font.createSubset(), {}, data)).toThrow(/uventet fontkit-version/);
  });

  // The probe subset fontkit made for a font is recorded (the shaping cache
  // keeps it), and a later process starts from the record instead of running
  // fontkit's encoders; the writer must still reproduce it byte for byte.
  it("starts from fontkit's recorded probe subset, and writes the same bytes", () => {
    const data = readFileSync(join(FONT_DIR, FONT_FILES.normal));
    const first = fontkit.create(data);
    const one = subsetOf(first, [5, 40]);
    writeSubsetDirectly(one, first, data);
    one.encode();
    const probe = subsetProbeOf(first);
    expect(probe?.bytes.length).toBeGreaterThan(1000);

    const reference = fontkit.create(data);
    const second = fontkit.create(data);
    let fontkitEncodes = 0;
    const createSubset = second.createSubset.bind(second);
    second.createSubset = () => {
      const subset = createSubset();
      const encode = subset.encode.bind(subset);
      subset.encode = () => {
        fontkitEncodes++;
        return encode();
      };
      return subset;
    };
    rememberSubsetProbe(second, probe as NonNullable<typeof probe>);
    const actual = subsetOf(second, [5, 40, 77]);
    writeSubsetDirectly(actual, second, data);
    expect(Buffer.from(actual.encode()).equals(Buffer.from(subsetOf(reference, [5, 40, 77]).encode()))).toBe(true);
    expect(fontkitEncodes).toBe(0);
  });

  it('a recorded probe the writer does not reproduce (a damaged record) is dropped and fontkit asked after all', () => {
    const data = readFileSync(join(FONT_DIR, FONT_FILES.bold));
    const reference = fontkit.create(data);
    const font = fontkit.create(data);
    const recordedBy = fontkit.create(data);
    const first = subsetOf(recordedBy, [3]);
    writeSubsetDirectly(first, recordedBy, data);
    first.encode();
    const good = subsetProbeOf(recordedBy) as NonNullable<ReturnType<typeof subsetProbeOf>>;
    // One byte of the glyf table changed (a glyph-independent table would be
    // copied as recorded: the record is trusted there as fontkit's output is,
    // guarded by the cache file's sha256 and key).
    const bytes = Buffer.from(good.bytes);
    const entries = Array.from({ length: bytes.readUInt16BE(4) }, (_, i) => 12 + 16 * i);
    const glyf = entries.find((at) => bytes.toString('latin1', at, at + 4) === 'glyf') as number;
    const at = bytes.readUInt32BE(glyf + 8) + 1;
    bytes.writeUInt8((bytes[at] as number) ^ 1, at);
    rememberSubsetProbe(font, { bytes, glyphs: good.glyphs });
    const actual = subsetOf(font, [9, 31]);
    writeSubsetDirectly(actual, font, data);
    expect(Buffer.from(actual.encode()).equals(Buffer.from(subsetOf(reference, [9, 31]).encode()))).toBe(true);
    expect(Buffer.from(subsetProbeOf(font)?.bytes ?? []).equals(bytes)).toBe(false);
  });

  it('refuses to take over when fontkit writes something else than the writer would', () => {
    const data = readFileSync(join(FONT_DIR, FONT_FILES.italics));
    const font = fontkit.create(data);
    // fontkit's subsets of this font write a changed glyf table (head, cvt and
    // the like are copied from fontkit's output, so a change there would not show).
    const createSubset = font.createSubset.bind(font);
    font.createSubset = () => {
      const subset = createSubset();
      const encode = subset.encode.bind(subset);
      subset.encode = () => {
        const bytes = Buffer.from(encode());
        const entries = Array.from({ length: bytes.readUInt16BE(4) }, (_, i) => 12 + 16 * i);
        const glyf = entries.find((at) => bytes.toString('latin1', at, at + 4) === 'glyf') as number;
        const at = bytes.readUInt32BE(glyf + 8) + 1;
        bytes.writeUInt8((bytes[at] as number) ^ 1, at);
        return bytes;
      };
      return subset;
    };
    const subset = subsetOf(font, [5]);
    writeSubsetDirectly(subset, font, data);
    expect(() => subset.encode()).toThrow(/TTFSubset.encode skriver ikke som forventet/);
  });
});
