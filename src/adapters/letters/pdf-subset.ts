// Font subsets written directly from the font file's bytes (issue 11).
//
// Why: every letter embeds a subset of up to four Roboto faces. pdfkit asks
// fontkit's TTFSubset.encode for each, which decodes every glyph of the subset
// (outline and metrics) and encodes the tables through restructure's generic
// encoders: about 1.4 ms per subset, some 14 % of a letter's CPU time.
//
// What fontkit writes for a TrueType subset is simple: a table directory
// (head, hhea, loca, maxp, cvt , prep, glyf, hmtx, fpgm; check sums 0; tables
// back to back, unpadded), where head, cvt , prep and fpgm do not depend on
// the glyphs, hhea and maxp differ only in the glyph count, and glyf, loca and
// hmtx are the subset's glyphs in subset order: each glyph's bytes copied from
// the font (a composite glyph's component ids renumbered, its components
// appended to the subset in the order fontkit meets them), their offsets, and
// their horizontal metrics. This module writes exactly those bytes without
// decoding anything.
//
// How it stays byte-identical: the tables that do not depend on the glyphs are
// taken from fontkit's own output. Before a font's first subset in a process,
// fontkit encodes a tiny subset (.notdef and a composite glyph with its
// components), which is the template; the writer must reproduce it byte for
// byte from the same glyphs before it is used. Any difference (a changed
// fontkit) throws. That probe subset is also recorded in the shaping cache
// (shaping-cache.ts, keyed by the fontkit version and the font bytes), so a
// later process starts from the record and the writer is checked against it
// without running fontkit's encoders (their first run cost ~20-30 ms); a
// record the writer does not reproduce is dropped and fontkit asked. Fonts with variations or CFF outlines are left to fontkit. test/pdf-subset.test.ts
// compares the writer with fontkit on many glyph sets of all four faces.

/** fontkit's TrueType font object: the parts read here. */
interface TtfFont {
  directory: { tables: Record<string, { offset: number; length: number } | undefined> };
  loca: { version: number; offsets: ArrayLike<number> };
  hhea: { numberOfMetrics: number };
  maxp: { numGlyphs: number };
  _variationProcessor?: unknown;
  createSubset(): TtfSubset;
}

/** fontkit's TTFSubset (one per document and face): glyph ids in subset order, old id -> new id. */
export interface TtfSubset {
  font: unknown;
  glyphs: number[];
  mapping: Record<number, number>;
  includeGlyph(id: number): number;
  encode(): Uint8Array;
}

/** Where the glyph count sits in fontkit's encoded hhea (numberOfMetrics) and maxp (numGlyphs). */
const GLYPH_COUNT_AT: Record<string, number> = { hhea: 34, maxp: 4 };
/** Tables made from the glyphs; every other table is copied from the template. */
const GLYPH_TABLES = new Set(['glyf', 'loca', 'hmtx']);

// Composite glyph flags (OpenType glyf table).
const ARG_1_AND_2_ARE_WORDS = 0x0001;
const WE_HAVE_A_SCALE = 0x0008;
const MORE_COMPONENTS = 0x0020;
const WE_HAVE_AN_X_AND_Y_SCALE = 0x0040;
const WE_HAVE_A_TWO_BY_TWO = 0x0080;

interface Template {
  /** Offset table and table directory as fontkit wrote them (offsets and lengths are rewritten). */
  directory: Uint8Array;
  tables: { tag: string; bytes: Uint8Array }[];
}

/** One font's raw tables, read once. */
interface FontBytes {
  data: Uint8Array;
  view: DataView;
  glyf: number;
  /** fontkit's decoded loca: byte offsets of each glyph within glyf. */
  loca: ArrayLike<number>;
  longLoca: boolean;
  hmtx: number;
  numberOfMetrics: number;
  /** Entries of hmtx's trailing left side bearings array. */
  extraBearings: number;
  template?: Template;
}

const fonts = new WeakMap<object, FontBytes>();

/** fontkit's own subset of a font's probe glyphs: what it encoded, and the glyphs (components appended). */
export interface SubsetProbe {
  bytes: Uint8Array;
  glyphs: number[];
}

/**
 * Per font, fontkit's probe subset: made by fontkit in this process, or
 * recorded by an earlier process with the same fontkit and font bytes (the
 * shaping cache keeps it: shaping-cache.ts). Either way the writer must
 * reproduce it byte for byte before it takes over; the recorded one spares
 * fontkit's table encoders their first, slow run (~20-30 ms per process).
 */
const probes = new WeakMap<object, SubsetProbe>();

/** Records fontkit's probe subset of `font` from a cache (used before fontkit is asked). */
export function rememberSubsetProbe(font: object, probe: SubsetProbe): void {
  if (!probes.has(font)) probes.set(font, probe);
}

/** fontkit's probe subset of `font`, if this process has it (for the cache). */
export function subsetProbeOf(font: object): SubsetProbe | undefined {
  return probes.get(font);
}

function readFontBytes(font: TtfFont, data: Uint8Array): FontBytes | undefined {
  const tables = font.directory?.tables;
  const glyf = tables?.glyf;
  const hmtx = tables?.hmtx;
  const loca = font.loca;
  if (!glyf || !hmtx || !loca || font._variationProcessor) return undefined;
  if ((loca.version !== 0 && loca.version !== 1) || typeof loca.offsets?.length !== 'number') {
    throw new Error('fontkit: loca-tabellen har ændret form (uventet fontkit-version)');
  }
  return {
    data,
    view: new DataView(data.buffer, data.byteOffset, data.byteLength),
    glyf: glyf.offset,
    loca: loca.offsets,
    longLoca: loca.version === 1,
    hmtx: hmtx.offset,
    numberOfMetrics: font.hhea.numberOfMetrics,
    extraBearings: font.maxp.numGlyphs - font.hhea.numberOfMetrics,
  };
}

/** Splits fontkit's encoded subset into its directory and tables. */
function templateOf(encoded: Uint8Array): Template {
  const view = new DataView(encoded.buffer, encoded.byteOffset, encoded.byteLength);
  const count = view.getUint16(4);
  const tables: Template['tables'] = [];
  for (let i = 0; i < count; i++) {
    const entry = 12 + 16 * i;
    const tag = String.fromCharCode(...encoded.subarray(entry, entry + 4));
    const offset = view.getUint32(entry + 8);
    tables.push({ tag, bytes: encoded.slice(offset, offset + view.getUint32(entry + 12)) });
  }
  return { directory: encoded.slice(0, 12 + 16 * count), tables };
}

/**
 * Adds the components of every composite glyph to the subset, in the order
 * fontkit's encode does (it appends them while walking the growing list).
 */
function includeComponents(f: FontBytes, subset: TtfSubset): void {
  const glyphs = subset.glyphs;
  for (let i = 0; i < glyphs.length; i++) {
    const id = glyphs[i] as number;
    const start = f.glyf + (f.loca[id] as number);
    if (start === f.glyf + (f.loca[id + 1] as number) || f.view.getInt16(start) >= 0) continue;
    let at = start + 10;
    let flags: number;
    do {
      flags = f.view.getUint16(at);
      subset.includeGlyph(f.view.getUint16(at + 2));
      at += componentLength(flags);
    } while (flags & MORE_COMPONENTS);
  }
}

/** Bytes of one component record: flags, glyph id, arguments, transform. */
function componentLength(flags: number): number {
  const args = flags & ARG_1_AND_2_ARE_WORDS ? 4 : 2;
  const transform =
    flags & WE_HAVE_A_SCALE ? 2 : flags & WE_HAVE_AN_X_AND_Y_SCALE ? 4 : flags & WE_HAVE_A_TWO_BY_TWO ? 8 : 0;
  return 4 + args + transform;
}

function writeGlyf(f: FontBytes, subset: TtfSubset, out: Uint8Array, view: DataView, at: number): number {
  for (const id of subset.glyphs) {
    const start = f.glyf + (f.loca[id] as number);
    const end = f.glyf + (f.loca[id + 1] as number);
    out.set(f.data.subarray(start, end), at);
    if (end > start && f.view.getInt16(start) < 0) {
      let pos = 10;
      let flags: number;
      do {
        flags = f.view.getUint16(start + pos);
        view.setUint16(at + pos + 2, subset.mapping[f.view.getUint16(start + pos + 2)] as number);
        pos += componentLength(flags);
      } while (flags & MORE_COMPONENTS);
    }
    at += end - start;
  }
  return at;
}

function writeLoca(f: FontBytes, subset: TtfSubset, view: DataView, at: number): number {
  let offset = 0;
  const put = (value: number) => {
    if (f.longLoca) view.setUint32(at, value);
    else view.setUint16(at, value >>> 1);
    at += f.longLoca ? 4 : 2;
  };
  for (const id of subset.glyphs) {
    put(offset);
    offset += (f.loca[id + 1] as number) - (f.loca[id] as number);
  }
  put(offset);
  return at;
}

/** fontkit's glyph metrics for a static font: hmtx's entry, or its last advance and a trailing bearing. */
function writeHmtx(f: FontBytes, subset: TtfSubset, view: DataView, at: number): number {
  const metrics = f.numberOfMetrics;
  for (const id of subset.glyphs) {
    if (id < metrics) {
      view.setUint32(at, f.view.getUint32(f.hmtx + 4 * id));
    } else {
      view.setUint16(at, f.view.getUint16(f.hmtx + 4 * (metrics - 1)));
      const extra = id - metrics;
      view.setInt16(at + 2, extra < f.extraBearings ? f.view.getInt16(f.hmtx + 4 * metrics + 2 * extra) : 0);
    }
    at += 4;
  }
  return at;
}

/** The subset as fontkit's TTFSubset.encode writes it (see the top of the file). */
function writeSubset(f: FontBytes, template: Template, subset: TtfSubset): Uint8Array {
  includeComponents(f, subset);
  const glyphs = subset.glyphs;
  let glyfLength = 0;
  for (const id of glyphs) glyfLength += (f.loca[id + 1] as number) - (f.loca[id] as number);
  const lengths: Record<string, number> = {
    glyf: glyfLength,
    loca: (glyphs.length + 1) * (f.longLoca ? 4 : 2),
    hmtx: glyphs.length * 4,
  };
  let total = template.directory.length;
  for (const t of template.tables) total += lengths[t.tag] ?? t.bytes.length;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(template.directory);
  let at = template.directory.length;
  template.tables.forEach((t, i) => {
    const start = at;
    if (t.tag === 'glyf') at = writeGlyf(f, subset, out, view, at);
    else if (t.tag === 'loca') at = writeLoca(f, subset, view, at);
    else if (t.tag === 'hmtx') at = writeHmtx(f, subset, view, at);
    else {
      out.set(t.bytes, at);
      const countAt = GLYPH_COUNT_AT[t.tag];
      if (countAt !== undefined) view.setUint16(at + countAt, glyphs.length);
      at += t.bytes.length;
    }
    view.setUint32(12 + 16 * i + 8, start);
    view.setUint32(12 + 16 * i + 12, at - start);
  });
  return out;
}

/** True when a template has exactly the tables this writer knows how to make. */
function knownTables(template: Template): boolean {
  const tags = template.tables.map((t) => t.tag);
  return [...GLYPH_TABLES].every((tag) => tags.includes(tag)) && tags.every((tag) => tag.length === 4);
}

/** Glyph 0 and the font's first composite glyph (or glyph 1): the glyphs the writer is checked on. */
function probeGlyphs(f: FontBytes): number[] {
  for (let id = 1; id + 1 < f.loca.length; id++) {
    const start = f.glyf + (f.loca[id] as number);
    if (f.glyf + (f.loca[id + 1] as number) > start && f.view.getInt16(start) < 0) return [0, id];
  }
  return [0, 1];
}

/**
 * The template, from fontkit's own subset of .notdef and a composite glyph
 * (with its components): the writer must write the same bytes for the same
 * glyphs, and the glyph count must sit where the writer puts it.
 */
function makeTemplate(f: FontBytes, font: TtfFont): Template {
  const fontkitSubset = () => {
    const subset = font.createSubset();
    for (const id of probeGlyphs(f)) subset.includeGlyph(id);
    return subset;
  };
  /** The template from `expected`, if the writer reproduces it byte for byte, else undefined. */
  const checked = (expected: SubsetProbe): Template | undefined => {
    const template = templateOf(expected.bytes);
    const mine = fontkitSubset();
    const written = knownTables(template) ? writeSubset(f, template, mine) : undefined;
    const countsInPlace = template.tables.every((t) => {
      const at = GLYPH_COUNT_AT[t.tag];
      return at === undefined || (t.bytes[at] as number) * 256 + (t.bytes[at + 1] as number) === expected.glyphs.length;
    });
    const same =
      written !== undefined &&
      countsInPlace &&
      Buffer.compare(written, expected.bytes) === 0 &&
      mine.glyphs.join() === expected.glyphs.join();
    return same ? template : undefined;
  };
  const recorded = probes.get(font);
  if (recorded) {
    // A recorded probe the writer does not reproduce (a damaged cache) is
    // dropped, and fontkit is asked after all.
    let template: Template | undefined;
    try {
      template = checked(recorded);
    } catch {
      template = undefined;
    }
    if (template) return template;
    probes.delete(font);
  }
  const subset = fontkitSubset();
  const probe = { bytes: subset.encode(), glyphs: subset.glyphs };
  probes.set(font, probe);
  const template = checked(probe);
  if (!template) throw new Error('fontkit.TTFSubset.encode skriver ikke som forventet (uventet fontkit-version)');
  return template;
}

/**
 * Makes `subset` (a fontkit TTFSubset of `font`, whose file is `data`) encode
 * with the direct writer. Fonts it does not handle keep fontkit's encode.
 * Throws if fontkit's subset no longer has the expected shape or output.
 */
export function writeSubsetDirectly(fontkitSubset: object, font: object, data: Uint8Array): void {
  const subset = fontkitSubset as Partial<TtfSubset>;
  if (
    typeof subset.encode !== 'function' ||
    typeof subset.includeGlyph !== 'function' ||
    !Array.isArray(subset.glyphs) ||
    typeof subset.mapping !== 'object' ||
    subset.font !== font ||
    typeof (font as Partial<TtfFont>).createSubset !== 'function'
  ) {
    throw new Error('fontkit.TTFSubset har ændret form (uventet fontkit-version)');
  }
  let f = fonts.get(font);
  if (!f) {
    f = readFontBytes(font as TtfFont, data);
    if (!f) return;
    fonts.set(font, f);
  }
  const bytes = f;
  const checked = subset as TtfSubset;
  // The template is made when the font's first subset is written (not every face is embedded).
  checked.encode = () => writeSubset(bytes, (bytes.template ??= makeTemplate(bytes, font as TtfFont)), checked);
}
