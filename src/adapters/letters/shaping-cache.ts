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
import { exportSharedWords, fontData, importSharedWords, PDFMAKE_JSON, sharedWordsAdded } from './pdf-fonts.js';

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

export interface PlainFace {
  file: string;
  requestedAs: [number, string][];
  words: PlainWord[];
}

export const SHAPING_CACHE_FILE = '.shaping-cache.json';
/**
 * The seed, for a folder without a cache of its own: the words of the example
 * barometer's letters (the letter templates' text, the 98 kommuner's names,
 * dates, numbers), shaped by `npm run build` (scripts/seed-shaping-cache.mjs)
 * with the fonts and fontkit installed here. Build output, never committed.
 */
export const SHAPING_SEED_FILE = join(PROJECT_ROOT, 'dist', 'shaping-seed.json');
/** Bump when PlainWord's meaning changes. */
const FORMAT = 1;

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

/** The cached faces when the file has exactly the expected shape, else undefined. */
function checkFaces(v: unknown): PlainFace[] | undefined {
  if (!Array.isArray(v)) return undefined;
  for (const f of v as PlainFace[]) {
    if (typeof f?.file !== 'string' || !Array.isArray(f.requestedAs) || !Array.isArray(f.words)) return undefined;
    if (!f.requestedAs.every((e) => Array.isArray(e) && isInt(e[0]) && typeof e[1] === 'string')) return undefined;
    for (const w of f.words) {
      if (typeof w?.text !== 'string' || !isNum(w.advanceWidth)) return undefined;
      if (!Array.isArray(w.glyphs) || !Array.isArray(w.positions) || w.glyphs.length !== w.positions.length)
        return undefined;
      if (!w.glyphs.every((g) => Array.isArray(g) && isInt(g[0]) && isNum(g[1]) && isCodePoints(g[2])))
        return undefined;
      if (!w.positions.every((p) => Array.isArray(p) && p.length === 5 && p.every(isNum))) return undefined;
      if (!Array.isArray(w.firstRequests) || !w.firstRequests.every((r) => isInt(r[0]) && isCodePoints(r[1])))
        return undefined;
    }
  }
  return v as PlainFace[];
}

// The file: one line of header (the key, and the sha256 of the rest, so that
// a damaged file is noticed), then the faces as JSON.
interface Header {
  key: string;
  sha256: string;
}

/** The faces in a cache file at `path` when it is whole and of this key, else undefined. */
async function readCacheFile(path: string): Promise<PlainFace[] | undefined> {
  const bytes = await readFile(path).catch(() => undefined);
  const nl = bytes?.indexOf(0x0a) ?? -1;
  if (!bytes || nl < 0) return undefined;
  try {
    const header = JSON.parse(bytes.subarray(0, nl).toString('utf8')) as Partial<Header>;
    const body = bytes.subarray(nl + 1);
    if (header.key !== cacheKey() || header.sha256 !== createHash('sha256').update(body).digest('hex'))
      return undefined;
    return checkFaces(JSON.parse(body.toString('utf8')));
  } catch {
    return undefined;
  }
}

/** Writes every shared word of this process to `path` (atomically, by a rename). */
async function writeCacheFile(path: string): Promise<void> {
  const body = Buffer.from(JSON.stringify(exportSharedWords()));
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
