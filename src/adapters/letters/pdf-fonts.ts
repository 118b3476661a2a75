// The letter fonts (Roboto, shipped with pdfmake), parsed once per process and
// shared by every PDF the process renders.
//
// Why: pdfmake makes a new pdfkit document per letter, and pdfkit asks fontkit
// to parse each font file again for every document (a fontkit parse decodes
// the font's tables lazily, ~3.4 parses per letter) and shapes every word
// again per document. That was about half of the time per letter (issue 11).
//
// How, with two small, documented hooks (no patched files):
// 1. fontkit.create (the module pdfkit itself requires) hands back the parsed
//    font when it is given one of our four font buffers (compared by identity),
//    via fontkit's own format registry; any other buffer is parsed as before.
// 2. pdfmake's PDFDocument.provideFont is wrapped so that each document's
//    pdfkit font object (EmbeddedFont: subset, widths, ToUnicode; still one per
//    document) shapes words through a process-wide cache.
//
// Output stays byte-identical to a fresh parse per document. The one piece of
// state fontkit keeps per parsed font that reaches the PDF is which code
// points a glyph "stands for" (Glyph.codePoints, used for the ToUnicode map):
// fontkit sets it at the first request of that glyph and keeps it. With one
// parse per document, that is the first request *within the document*. The
// per-document font objects here keep exactly that: each records, per glyph,
// the code points of its own first request (replayed from the cached word's
// request list), and writes the ToUnicode map from that record, never from the
// shared glyph object. A word is shared only when that replay is exact: none
// of its glyphs can be reached from two different code point sequences (e.g.
// Δ U+0394 and ∆ U+2206, or an ligature glyph typed as U+FB01 in one place and
// spelt "fi" in another). Such words are shaped per document, as before.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pdfmakeModule } from './pdfmake-modules.js';
import { rememberSubsetProbe, subsetProbeOf, writeSubsetDirectly } from './pdf-subset.js';
import { plainWordOf, runOfPlainWord, type PlainFace, type StoredFace, type StoredWords } from './shaped-words.js';

const requireHere = createRequire(import.meta.url);
export const PDFMAKE_JSON = requireHere.resolve('pdfmake/package.json');
export const FONT_DIR = join(dirname(PDFMAKE_JSON), 'fonts', 'Roboto');

/** pdfmake style names -> file in FONT_DIR. Bold is Roboto-Medium. */
export const FONT_FILES = {
  normal: 'Roboto-Regular.ttf',
  bold: 'Roboto-Medium.ttf',
  italics: 'Roboto-Italic.ttf',
  bolditalics: 'Roboto-MediumItalic.ttf',
} as const;

// ---------------------------------------------------------------------------
// The parts of fontkit and pdfkit used here.

interface Glyph {
  id: number;
  codePoints: number[];
  advanceWidth: number;
}
interface Position {
  xAdvance: number;
  yAdvance: number;
  xOffset: number;
  yOffset: number;
  advanceWidth: number;
}
interface GlyphRun {
  glyphs: Glyph[];
  positions: Position[];
  advanceWidth: number;
}
export interface FontkitFont {
  characterSet: number[];
  unitsPerEm: number;
  /** The horizontal metrics table: an advance per glyph up to its length, the last one's for every glyph after. */
  hmtx: { metrics: { length: number; get(i: number): { advance: number } } };
  variationAxes: Record<string, unknown>;
  getGlyph(id: number, codePoints?: number[]): Glyph | null;
  glyphForCodePoint(cp: number): Glyph;
  /** The cmap lookup glyphForCodePoint uses: code point -> glyph id. */
  _cmapProcessor?: { lookup(cp: number): number };
}
interface Fontkit {
  create(data: Uint8Array, postscriptName?: string): FontkitFont;
  registerFormat(format: unknown): void;
}
/** pdfkit's EmbeddedFont (one per document and face). */
interface EmbeddedFont {
  font: FontkitFont;
  scale: number;
  widths: number[];
  unicode: number[][];
  subset: { includeGlyph(id: number): number };
  layoutRun(text: string, features?: unknown): GlyphRun;
  layoutCached(text: string): GlyphRun;
  layout(
    text: string,
    features?: unknown,
    onlyWidth?: boolean,
  ): { glyphs: Glyph[]; positions: Position[]; advanceWidth: number };
  widthOfString(text: string, size: number, features?: unknown): number;
  encode(text: string, features?: unknown): [string[], Position[]];
}

// ---------------------------------------------------------------------------
// Shared faces.

/** A word's shaping, as cached for every document. */
interface SharedWord {
  run: GlyphRun;
  /** Per glyph, in the order fontkit requests them, the code points of its first request. */
  firstRequests: [number, number[]][];
  /** The shaping cache's data for the word, when it was taken from there (passed on as it is). */
  payload?: string;
}

interface Face {
  data: Buffer;
  font: FontkitFont;
  /** Glyph id -> the code point sequence it was requested with (key), or MANY. */
  requestedAs: Map<number, string>;
  words: Map<string, SharedWord>;
  /** Text -> advance width (font units) and its words' glyph requests, for texts whose words are all shared. */
  widths: Map<string, SharedWidth>;
  /** Words of the shaping cache, taken into `words` when first asked for. */
  stored?: StoredWords;
  /** A glyph became MANY in this process (noteRequest): a stored word must be checked before it is passed on. */
  conflicted?: boolean;
}

interface SharedWidth {
  width: number;
  requests: [number, number[]][];
  /** The document (DocumentFontState.id) that replayed `requests` last: replaying again there changes nothing. */
  replayedIn: number;
}

const MANY = '*';
/** Bound on cached words per face (a batch uses a few thousand distinct words, ~1.5 KB each); beyond it the cache starts over. */
const MAX_SHARED_WORDS = 10_000;

/** The document being shaped right now (set only during a synchronous fontkit.layout call). */
interface ShapingContext {
  face: Face;
  /** Glyph id -> code points of its first request in this context. */
  assigned: Map<number, number[]>;
  views: Map<number, Glyph | null>;
  requests: [number, number[]][];
}
let shaping: ShapingContext | undefined;

let faces: Map<string, Face> | undefined;
let coverage: Set<number> | undefined;

function loadFontkit(): Fontkit {
  return pdfmakeModule('fontkit') as Fontkit;
}

function cmapAmbiguousGlyphs(font: FontkitFont): Set<number> {
  // glyphForCodePoint(cp).id without a glyph object per code point (~1,000 per face; ~10 ms at start-up).
  const cmap = font._cmapProcessor;
  if (typeof cmap?.lookup !== 'function') throw new Error('fontkit: cmap-opslag mangler (uventet fontkit-version)');
  const seen = new Map<number, number>();
  const ambiguous = new Set<number>();
  for (const cp of font.characterSet) {
    const id = cmap.lookup(cp);
    if (seen.has(id)) ambiguous.add(id);
    seen.set(id, cp);
  }
  return ambiguous;
}

/**
 * Records that glyph `id` was requested with the code point sequence `key`.
 * Reached from a second sequence, it is MANY: words with it can no longer be
 * shared, and the shared words are dropped (they may contain it).
 */
function noteRequest(face: Face, id: number, key: string): void {
  const before = face.requestedAs.get(id);
  if (before === undefined) face.requestedAs.set(id, key);
  else if (before !== key && before !== MANY) {
    face.requestedAs.set(id, MANY);
    face.conflicted = true;
    face.words.clear();
    face.widths.clear();
  }
}

/** Replaces getGlyph on a shared font: inside a shaping context, glyphs carry that context's code points. */
function hookGetGlyph(face: Face): void {
  const font = face.font;
  const base = font.getGlyph.bind(font);
  font.getGlyph = (id: number, codePoints: number[] = []): Glyph | null => {
    const ctx = shaping;
    if (!ctx || ctx.face !== face) return base(id, codePoints);
    noteRequest(face, id, codePoints.join(','));
    const known = ctx.views.get(id);
    if (known !== undefined) return known;
    let cps = ctx.assigned.get(id);
    if (!cps) {
      cps = codePoints;
      ctx.assigned.set(id, cps);
      ctx.requests.push([id, cps]);
    }
    const glyph = base(id, codePoints);
    // Metrics are computed on the shared glyph, so every view inherits them.
    if (glyph) void glyph.advanceWidth;
    const view = glyph ? (Object.create(glyph, { codePoints: { value: cps, enumerable: true } }) as Glyph) : null;
    ctx.views.set(id, view);
    return view;
  };
}

/** Reads and parses the four fonts once per process. */
function ensureFaces(): Map<string, Face> {
  if (faces) return faces;
  const fontkit = loadFontkit();
  const loaded = new Map<string, Face>();
  for (const file of Object.values(FONT_FILES)) {
    const data = readFileSync(join(FONT_DIR, file));
    const font = fontkit.create(data);
    const face: Face = { data, font, requestedAs: new Map(), words: new Map(), widths: new Map() };
    for (const id of cmapAmbiguousGlyphs(font)) face.requestedAs.set(id, MANY);
    hookGetGlyph(face);
    loaded.set(file, face);
  }
  // Hook 1: fontkit.create (which pdfkit calls) returns the shared parse for
  // our buffers. fontkit.create asks each registered format class, in order,
  // whether it recognises the buffer (static probe) and constructs the first
  // that does. Its TrueType class is told not to recognise our four buffers,
  // and a format registered after it recognises exactly those and "constructs"
  // the shared parse. Checked right away, so a changed fontkit fails loudly.
  const byData = new Map([...loaded.values()].map((f) => [f.data as Uint8Array, f.font]));
  const ttf = (loaded.values().next().value as Face).font.constructor as unknown as {
    probe(data: Uint8Array): boolean;
  };
  const probe = ttf.probe.bind(ttf);
  ttf.probe = (data: Uint8Array) => !byData.has(data) && probe(data);
  class SharedParse {
    static probe(data: Uint8Array): boolean {
      return byData.has(data);
    }
    constructor(stream: { buffer: Uint8Array }) {
      return byData.get(stream.buffer) as object;
    }
  }
  fontkit.registerFormat(SharedParse);
  for (const face of loaded.values()) {
    if (fontkit.create(face.data) !== face.font)
      throw new Error('fontkit.create deler ikke den indlæste font (uventet fontkit-version)');
  }
  faces = loaded;
  return loaded;
}

// ---------------------------------------------------------------------------
// The shared words as plain data, for the shaping cache kept beside the
// letters (shaping-cache.ts). Taking them in is the same as having shaped
// them earlier in this process: the runs and first requests are what
// layoutCached stored, and requestedAs is merged as a new request is
// (noteRequest: a glyph reached from two code point sequences is MANY, and
// then no word with it is shared).

/** Words shared since the faces were loaded or last exported (what a cache file would gain). */
let wordsAdded = 0;

/** How many words were shared since the last exportSharedWords (0: a cache file would gain nothing). */
export function sharedWordsAdded(): number {
  return wordsAdded;
}

/** The shared words of every face: those in use, and those taken in and not yet used. */
export function exportSharedWords(): PlainFace[] {
  const out: PlainFace[] = [];
  for (const [file, face] of ensureFaces()) {
    const words: PlainFace['words'] = [];
    for (const [text, sw] of face.words) {
      if (!shareable(face, sw.firstRequests)) continue;
      words.push(
        sw.payload === undefined ? plainWordOf(text, sw.run, sw.firstRequests) : { text, payload: sw.payload },
      );
    }
    for (const text of face.stored?.keys() ?? []) {
      if (face.words.has(text)) continue;
      // A word no letter asked for is passed on as the file had it, undecoded, while
      // it is certainly still shareable: it was when written (the writer's requestedAs
      // came in with it), and no glyph has become MANY here since.
      const payload = face.conflicted ? undefined : face.stored?.payload(text);
      if (payload !== undefined) {
        words.push({ text, payload });
        continue;
      }
      const w = face.stored?.get(text);
      if (w && shareable(face, w.firstRequests)) words.push(w);
    }
    const subsetProbe = subsetProbeOf(face.font);
    out.push({ file, requestedAs: [...face.requestedAs], words, ...(subsetProbe ? { subsetProbe } : {}) });
  }
  wordsAdded = 0;
  return out;
}

/**
 * Takes in the words of a shaping cache. They are looked up when a word is
 * first asked for (takeStored), so a letter pays only for its own words.
 * Returns how many words the cache has.
 */
export function importSharedWords(stored: readonly StoredFace[]): number {
  const loaded = ensureFaces();
  let count = 0;
  for (const sf of stored) {
    const face = loaded.get(sf.file);
    if (!face) continue;
    for (const [id, key] of sf.requestedAs) noteRequest(face, id, key);
    face.stored = sf.words;
    if (sf.subsetProbe) rememberSubsetProbe(face.font, sf.subsetProbe);
    count += sf.words.size;
  }
  return count;
}

/** A word from the face's shaping cache, shared now if it still may be (else undefined: shape it). */
function takeStored(face: Face, text: string): SharedWord | undefined {
  const w = face.stored?.get(text);
  if (!w || !shareable(face, w.firstRequests)) return undefined;
  const run: GlyphRun = runOfPlainWord(w);
  const payload = face.stored?.payload(text);
  return keepShared(face, text, { run, firstRequests: w.firstRequests, ...(payload === undefined ? {} : { payload }) });
}

/** Adds a word to the face's shared words (bounded: beyond MAX_SHARED_WORDS they start over). */
function keepShared(face: Face, text: string, shared: SharedWord): SharedWord {
  if (face.words.size >= MAX_SHARED_WORDS) face.words.clear();
  face.words.set(text, shared);
  return shared;
}

/** The font file contents, for pdfmake's virtual file system (the same Buffer objects fontkit.create recognises). */
export function fontData(): { file: string; data: Buffer }[] {
  return [...ensureFaces()].map(([file, face]) => ({ file, data: face.data }));
}

/** Code points every letter font has a glyph for. */
export function fontCoverage(): Set<number> {
  if (coverage) return coverage;
  let common: Set<number> | undefined;
  for (const face of ensureFaces().values()) {
    const chars = new Set(face.font.characterSet);
    common = common ? new Set([...common].filter((cp) => chars.has(cp))) : chars;
  }
  coverage = common ?? new Set();
  return coverage;
}

/** The shared parse of one of the letter fonts (a FONT_FILES name). */
export function sharedFont(file: string): FontkitFont {
  const face = ensureFaces().get(file);
  if (!face) throw new Error(`${file}: ikke en af brevets fonte`);
  return face.font;
}

// ---------------------------------------------------------------------------
// Per-document font objects.

interface DocumentFontState {
  id: number;
  face: Face;
  runs: Map<string, GlyphRun>;
  /** Words of `runs` shaped for this document only. */
  local: Set<string>;
  assigned: Map<number, number[]>;
  views: Map<number, Glyph | null>;
}

const decorated = new WeakSet<object>();
let documentFonts = 0;
/** Set when a word had to be shaped for one document only (see widthOfString below). */
let unsharedSeen = false;
/** While measuring a text for the width cache: its words' glyph requests, in order. */
let collecting: [number, number[]][] | undefined;

/** Shapes `text` in a context; returns the run and the glyph requests it made first. */
function shapeIn(ef: EmbeddedFont, ctx: ShapingContext, text: string, features?: unknown): GlyphRun {
  const outer = shaping;
  shaping = ctx;
  try {
    return ef.layoutRun(text, features);
  } finally {
    shaping = outer;
  }
}

function shareable(face: Face, requests: [number, number[]][]): boolean {
  return requests.every(([id]) => face.requestedAs.get(id) !== MANY);
}

/** Makes one document's EmbeddedFont shape through the face's shared word cache. */
function decorate(ef: EmbeddedFont, face: Face): void {
  const state: DocumentFontState = {
    id: ++documentFonts,
    face,
    runs: new Map(),
    local: new Set(),
    assigned: new Map(),
    views: new Map(),
  };
  const assign = (requests: [number, number[]][]) => {
    for (const [id, cps] of requests) if (!state.assigned.has(id)) state.assigned.set(id, cps);
  };
  const docContext = (): ShapingContext => ({ face, assigned: state.assigned, views: state.views, requests: [] });

  ef.layoutCached = (text: string): GlyphRun => {
    const mine = state.runs.get(text);
    if (mine) {
      if (state.local.has(text)) unsharedSeen = true;
      else if (collecting) {
        const sw = face.words.get(text);
        if (sw) collecting.push(...sw.firstRequests);
        else unsharedSeen = true;
      }
      return mine;
    }
    let shared = face.words.get(text) ?? takeStored(face, text);
    if (!shared) {
      // First time in this process: shape as a fresh parse would, and share it if exact.
      const ctx: ShapingContext = { face, assigned: new Map(), views: new Map(), requests: [] };
      const run = shapeIn(ef, ctx, text);
      if (shareable(face, ctx.requests)) {
        shared = keepShared(face, text, { run, firstRequests: ctx.requests });
        wordsAdded++;
      }
    }
    let run: GlyphRun;
    if (shared && shareable(face, shared.firstRequests)) {
      assign(shared.firstRequests);
      collecting?.push(...shared.firstRequests);
      // Views made earlier in this document stay right: assigned only grows, first request wins.
      run = shared.run;
    } else {
      run = shapeIn(ef, docContext(), text);
      state.local.add(text);
      unsharedSeen = true;
    }
    state.runs.set(text, run);
    return run;
  };

  // Widths are measured many times per letter (pdfmake measures every inline
  // text). A width is a sum over words of shared runs, so it is the same in
  // every document and is cached process-wide, with the glyph requests its
  // words make (replayed here, as measuring them would). Texts with a word
  // shaped for this document only are measured as before.
  // pdfkit's formula: width * (size / 1000).
  ef.widthOfString = (text: string, size: number, features?: unknown): number => {
    if (features) return ef.layout(text, features, true).advanceWidth * (size / 1000);
    const known = face.widths.get(text);
    if (known) {
      // assigned only grows and the first request wins, so one replay per document is enough.
      if (known.replayedIn !== state.id) {
        assign(known.requests);
        known.replayedIn = state.id;
      }
      return known.width * (size / 1000);
    }
    unsharedSeen = false;
    collecting = [];
    let width: number;
    try {
      width = ef.layout(text, undefined, true).advanceWidth;
      if (!unsharedSeen) {
        if (face.widths.size >= MAX_SHARED_WORDS) face.widths.clear();
        const firstOnly = new Map<number, number[]>();
        for (const [id, cps] of collecting) if (!firstOnly.has(id)) firstOnly.set(id, cps);
        face.widths.set(text, { width, requests: [...firstOnly], replayedIn: state.id });
      }
    } finally {
      collecting = undefined;
    }
    return width * (size / 1000);
  };

  const plainLayout = ef.layout.bind(ef);
  ef.layout = (text, features, onlyWidth) =>
    features
      ? (shapeIn(ef, docContext(), text, features) as ReturnType<EmbeddedFont['layout']>)
      : plainLayout(text, undefined, onlyWidth);

  // pdfkit's EmbeddedFont.encode, with the ToUnicode entry taken from this
  // document's first request of the glyph instead of the shared glyph object.
  ef.encode = (text: string, features?: unknown): [string[], Position[]] => {
    const { glyphs, positions } = ef.layout(text, features);
    const res: string[] = [];
    for (const glyph of glyphs) {
      const gid = ef.subset.includeGlyph(glyph.id);
      res.push((hex4[gid] ??= `0000${gid.toString(16)}`.slice(-4)));
      if (ef.widths[gid] == null) ef.widths[gid] = glyph.advanceWidth * ef.scale;
      if (ef.unicode[gid] == null) ef.unicode[gid] = state.assigned.get(glyph.id) ?? glyph.codePoints;
    }
    return [res, positions];
  };
}

/** Subset glyph id -> its four hex digits as pdfkit's encode writes them (made once, not per glyph). */
const hex4: string[] = [];

interface PdfmakeDocumentClass {
  prototype: { provideFont(family: string, bold: boolean, italics: boolean): EmbeddedFont };
}

let hooked = false;

/**
 * Hook 2: every font pdfmake hands to a document is decorated once. Call
 * before rendering; idempotent. Throws if pdfmake's internals changed shape,
 * rather than silently rendering differently.
 */
export function shareFontsAcrossDocuments(): void {
  if (hooked) return;
  const byFont = new Map([...ensureFaces().values()].map((f) => [f.font, f]));
  const mod = pdfmakeModule('PDFDocument') as { default?: PdfmakeDocumentClass };
  const proto = mod.default?.prototype;
  if (!proto || typeof proto.provideFont !== 'function') {
    throw new Error('pdfmake.PDFDocument.provideFont mangler (uventet pdfmake-version)');
  }
  const provideFont = proto.provideFont;
  proto.provideFont = function (this: unknown, family: string, bold: boolean, italics: boolean): EmbeddedFont {
    const ef = provideFont.call(this, family, bold, italics);
    const face = byFont.get(ef.font);
    if (face && !decorated.has(ef)) {
      if (
        typeof ef.layoutRun !== 'function' ||
        typeof ef.layout !== 'function' ||
        !ef.subset ||
        !Array.isArray(ef.unicode)
      ) {
        throw new Error('pdfkit.EmbeddedFont har ændret form (uventet pdfkit-version)');
      }
      decorate(ef, face);
      // The font file's subset is written from the font's bytes, as fontkit would (pdf-subset.ts).
      writeSubsetDirectly(ef.subset, face.font, face.data);
      decorated.add(ef);
    }
    return ef;
  };
  hooked = true;
}
