// The shaping cache: the words fontkit has shaped for the letters of a
// barometer, kept beside them in the out folder (.shaping-cache.json) so
// that the next render there starts with them shaped.
//
// Why: a fresh process shapes every word of its first letter with fontkit
// code V8 has not optimised yet, and decodes the fonts' substitution and
// positioning tables on the way: ~150 ms of a one-letter `render --kommune`
// (issue 11). The words are the same the next time.
//
// Why it cannot change a letter: a cached word is exactly what pdfkit's
// layoutRun returned for it (glyph ids, advances, positions; JSON keeps every
// double exactly), taken in as if this process had shaped it earlier
// (pdf-fonts.ts, importSharedWords). The file is used only when its key
// matches: this format, the fontkit and pdfkit versions, and the bytes of the
// four font files; and only whole (a sha256 of its contents is checked). A
// file that is unreadable, damaged, of another key or not of the expected
// shape is ignored and replaced; words are then shaped as before.
//
// Where: beside the letters, because the words come from them (names in
// remarks, too); the cache goes wherever the letters go, and nowhere else.
// It is not part of the render's all-or-nothing output: it is written after
// the render, atomically (a rename), without fsync (a cache lost in a crash
// is rebuilt). A folder without a cache starts from the build's seed (below).
// KOMMUNEBREV_SHAPING_CACHE=0 turns both off.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PROJECT_ROOT } from '../project-root.js';
import type { PlainFace, PlainWord, StoredFace, StoredPayload, StoredWords } from './shaped-words.js';
import { exportSharedWords, fontData, importSharedWords, PDFMAKE_JSON, sharedWordsAdded } from './pdf-fonts.js';

export const SHAPING_CACHE_FILE = '.shaping-cache.json';
/**
 * The seed, for a folder without a cache of its own: the words of the example
 * barometer's letters (the letter templates' text, the 98 kommuner's names,
 * dates, numbers), shaped by `npm run build` (scripts/seed-shaping-cache.mjs)
 * with the fonts and fontkit installed here. Build output, never committed.
 */
export const SHAPING_SEED_FILE = join(PROJECT_ROOT, 'dist', 'shaping-seed.json');
/** Bump when PlainWord's meaning or the file's layout changes. */
const FORMAT = 3;

export function shapingCacheEnabled(): boolean {
  return process.env.KOMMUNEBREV_SHAPING_CACHE !== '0';
}

let key: string | undefined;

function packageVersion(entry: string, name: string): string {
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === name) return String(pkg.version);
    } catch {
      // no package.json at this level
    }
  }
  throw new Error(`${name}: package.json ikke fundet`);
}

/** What the cached words depend on: the shaping code's versions and the font bytes. */
function cacheKey(): string {
  if (key) return key;
  const fromPdfmake = createRequire(PDFMAKE_JSON);
  const pdfkit = fromPdfmake.resolve('pdfkit');
  const fontkit = createRequire(pdfkit).resolve('fontkit');
  const hash = createHash('sha256');
  hash.update(`kommunebrev-shaping-${FORMAT}\0pdfkit ${packageVersion(pdfkit, 'pdfkit')}\0`);
  hash.update(`fontkit ${packageVersion(fontkit, 'fontkit')}\0`);
  for (const { file, data } of fontData()) hash.update(`${file}\0`).update(data);
  key = hash.digest('hex');
  return key;
}

const isInt = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isCodePoints = (v: unknown): boolean => Array.isArray(v) && v.every((cp) => isInt(cp) && cp <= 0x10ffff);

/** A word's data (as written by encodeWord) when it has exactly the expected shape, else undefined. */
function decodeWord(text: string, payload: string): PlainWord | undefined {
  let v: unknown;
  try {
    v = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (!Array.isArray(v) || v.length !== 4) return undefined;
  const [glyphs, positions, advanceWidth, firstRequests] = v as unknown[];
  if (!isNum(advanceWidth) || !Array.isArray(glyphs) || !Array.isArray(positions)) return undefined;
  if (glyphs.length !== positions.length) return undefined;
  if (!glyphs.every((g) => Array.isArray(g) && g.length === 3 && isInt(g[0]) && isNum(g[1]) && isCodePoints(g[2])))
    return undefined;
  if (!positions.every((p) => Array.isArray(p) && p.length === 5 && p.every(isNum))) return undefined;
  if (!Array.isArray(firstRequests)) return undefined;
  if (!firstRequests.every((r) => Array.isArray(r) && r.length === 2 && isInt(r[0]) && isCodePoints(r[1])))
    return undefined;
  return { text, glyphs, positions, advanceWidth, firstRequests } as PlainWord;
}

/** A word's line: the word as a JSON string, a tab, its data (as decodeWord reads it, or as a file had it). */
function encodeWord(w: PlainWord | StoredPayload): string {
  const data = 'payload' in w ? w.payload : JSON.stringify([w.glyphs, w.positions, w.advanceWidth, w.firstRequests]);
  return `${JSON.stringify(w.text)}\t${data}`;
}

/** Words by text, decoded on first use (a one-letter render uses a few hundred of the ~1,200 the seed has). */
class LazyWords implements StoredWords {
  private readonly decoded = new Map<string, PlainWord | undefined>();
  constructor(private readonly payloads: Map<string, string>) {}
  get size(): number {
    return this.payloads.size;
  }
  get(text: string): PlainWord | undefined {
    if (this.decoded.has(text)) return this.decoded.get(text);
    const payload = this.payloads.get(text);
    const word = payload === undefined ? undefined : decodeWord(text, payload);
    this.decoded.set(text, word);
    return word;
  }
  payload(text: string): string | undefined {
    return this.payloads.get(text);
  }
  keys(): Iterable<string> {
    return this.payloads.keys();
  }
}

// The file: one line of header (the key, and the sha256 of the rest, so that
// a damaged file is noticed), then per face a line with the face as JSON
// ({"file", "requestedAs", and fontkit's probe subset the subset writer is
// checked against, pdf-subset.ts}) and a line per word: the word as a JSON string, a
// tab, and its data as a JSON array (decodeWord). Reading the ~1,200 words of
// the seed as one JSON document took 11-22 ms; as lines, with each word's
// data parsed only when a letter asks for the word, ~2 ms.
interface Header {
  key: string;
  sha256: string;
}

/** fontkit's probe subset of a face (pdf-subset.ts) as the face line keeps it. */
interface EncodedProbe {
  bytes: string;
  glyphs: number[];
}

/** The faces in a file's body, or undefined if it is not of this layout. */
function parseBody(body: string): StoredFace[] | undefined {
  const faces: StoredFace[] = [];
  let payloads: Map<string, string> | undefined;
  for (const line of body.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('{')) {
      const f = JSON.parse(line) as Partial<Omit<StoredFace, 'subsetProbe'>> & { subsetProbe?: EncodedProbe };
      if (typeof f.file !== 'string' || !Array.isArray(f.requestedAs)) return undefined;
      if (!f.requestedAs.every((e) => Array.isArray(e) && isInt(e[0]) && typeof e[1] === 'string')) return undefined;
      const probe = f.subsetProbe;
      if (probe !== undefined && (typeof probe.bytes !== 'string' || !isCodePoints(probe.glyphs))) return undefined;
      payloads = new Map();
      faces.push({
        file: f.file,
        requestedAs: f.requestedAs,
        words: new LazyWords(payloads),
        ...(probe ? { subsetProbe: { bytes: Buffer.from(probe.bytes, 'base64'), glyphs: probe.glyphs } } : {}),
      });
      continue;
    }
    const tab = line.indexOf('\t');
    const text: unknown = tab > 0 ? JSON.parse(line.slice(0, tab)) : undefined;
    if (!payloads || typeof text !== 'string') return undefined;
    payloads.set(text, line.slice(tab + 1));
  }
  return faces;
}

function serializeBody(faces: readonly PlainFace[]): string {
  const lines: string[] = [];
  for (const f of faces) {
    const probe: EncodedProbe | undefined = f.subsetProbe && {
      bytes: Buffer.from(f.subsetProbe.bytes).toString('base64'),
      glyphs: f.subsetProbe.glyphs,
    };
    lines.push(JSON.stringify({ file: f.file, requestedAs: f.requestedAs, ...(probe ? { subsetProbe: probe } : {}) }));
    for (const w of f.words) lines.push(encodeWord(w));
  }
  return `${lines.join('\n')}\n`;
}

/** The faces in a cache file at `path` when it is whole and of this key, else undefined. */
async function readCacheFile(path: string): Promise<StoredFace[] | undefined> {
  const bytes = await readFile(path).catch(() => undefined);
  const nl = bytes?.indexOf(0x0a) ?? -1;
  if (!bytes || nl < 0) return undefined;
  try {
    const header = JSON.parse(bytes.subarray(0, nl).toString('utf8')) as Partial<Header>;
    const body = bytes.subarray(nl + 1);
    if (header.key !== cacheKey() || header.sha256 !== createHash('sha256').update(body).digest('hex'))
      return undefined;
    return parseBody(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Writes every shared word of this process to `path` (atomically, by a rename). */
async function writeCacheFile(path: string): Promise<void> {
  const body = Buffer.from(serializeBody(exportSharedWords()));
  const header: Header = { key: cacheKey(), sha256: createHash('sha256').update(body).digest('hex') };
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), body]));
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
}

/**
 * Takes in the words cached in `dir`, or else those of the build's seed.
 * Returns how many were taken.
 */
export async function readShapingCache(dir: string): Promise<number> {
  if (!shapingCacheEnabled()) return 0;
  const faces = (await readCacheFile(join(dir, SHAPING_CACHE_FILE))) ?? (await readCacheFile(SHAPING_SEED_FILE));
  return faces ? importSharedWords(faces) : 0;
}

/** Writes this process's shared words to `dir` when it shaped new ones. Never fails a render. */
export async function writeShapingCache(dir: string): Promise<void> {
  if (!shapingCacheEnabled() || sharedWordsAdded() === 0) return;
  // A cache that cannot be written is only a cache: the next render shapes the words again.
  await writeCacheFile(join(dir, SHAPING_CACHE_FILE)).catch(() => undefined);
}

/** True when the build's seed is there, whole and of this key (scripts/seed-shaping-cache.mjs). */
export async function shapingSeedIsCurrent(): Promise<boolean> {
  return (await readCacheFile(SHAPING_SEED_FILE)) !== undefined;
}

/** Writes the words this process shaped as the build's seed. */
export async function writeShapingSeed(): Promise<void> {
  await writeCacheFile(SHAPING_SEED_FILE);
}
