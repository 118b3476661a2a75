// The shaping cache beside the letters (src/adapters/letters/shaping-cache.ts)
// never changes a byte: a render that takes words from it writes exactly what
// a render without it writes, also when the words of the new data reach a
// glyph from other code points than the cached ones did, and a damaged or
// foreign cache file is ignored and replaced. Through the real CLI, one
// kommune at a time.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyExampleData, REPO, runCli, tempDir } from './helpers/cli.js';
import { readRecords, writeRecords } from './helpers/csv.js';

const KODE = '173';
const CACHE = '.shaping-cache.json';
/** Hang guard for a one-letter render; never a verdict. */
const RENDER = 120_000;

interface Letter {
  pdf: Buffer;
  eml: Buffer;
  dir: string;
}

function render(data: string, out: string, env: Record<string, string> = {}): Letter {
  const r = runCli(['render', '--data', data, '--out', out, '--kommune', KODE], { env });
  expect(r.code, r.stderr).toBe(0);
  const dir = join(out, '2023-ledsagelse');
  const base = readdirSync(dir).find((f) => f.startsWith(`${KODE}-`) && f.endsWith('.pdf'));
  expect(base).toBeDefined();
  const stem = (base as string).slice(0, -'.pdf'.length);
  return { pdf: readFileSync(join(dir, `${stem}.pdf`)), eml: readFileSync(join(dir, `${stem}.eml`)), dir };
}

/** The letter as a render without the cache writes it. */
function renderCold(data: string): Letter {
  const letter = render(data, tempDir('kommunebrev-cold-'), { KOMMUNEBREV_SHAPING_CACHE: '0' });
  expect(existsSync(join(letter.dir, CACHE))).toBe(false);
  return letter;
}

function expectSameLetter(actual: Letter, expected: Letter): void {
  expect(actual.pdf.equals(expected.pdf), 'PDF').toBe(true);
  expect(actual.eml.equals(expected.eml), '.eml').toBe(true);
}

/** Sets the bemærkning of kommune KODE's cases, in order. */
function setRemarks(data: string, remarks: string[]): void {
  const path = join(data, 'sager.csv');
  const records = readRecords(path);
  const header = records[0] as string[];
  const k = header.indexOf('kommunekode');
  const b = header.indexOf('bemærkning');
  let i = 0;
  for (const row of records.slice(1)) if (row[k] === KODE && i < remarks.length) row[b] = remarks[i++] as string;
  expect(i).toBe(remarks.length);
  writeRecords(path, records);
}

function readCache(dir: string): { header: { key: string; sha256: string }; body: string } {
  const text = readFileSync(join(dir, CACHE), 'utf8');
  const nl = text.indexOf('\n');
  return { header: JSON.parse(text.slice(0, nl)) as { key: string; sha256: string }, body: text.slice(nl + 1) };
}

/** The file's faces and words (its layout: a JSON line per face, then a line per word: JSON text, tab, JSON data). */
function cacheLines(body: string): { faces: string[]; words: { text: string; data: unknown[] }[] } {
  const faces: string[] = [];
  const words: { text: string; data: unknown[] }[] = [];
  for (const line of body.split('\n').filter((l) => l !== '')) {
    if (line.startsWith('{')) faces.push((JSON.parse(line) as { file: string }).file);
    else {
      const tab = line.indexOf('\t');
      words.push({
        text: JSON.parse(line.slice(0, tab)) as string,
        data: JSON.parse(line.slice(tab + 1)) as unknown[],
      });
    }
  }
  return { faces, words };
}

/** `body` with each word line's data changed by `change` (face lines as they are). */
function changeWords(body: string, change: (text: string, data: unknown[]) => unknown[]): string {
  return body
    .split('\n')
    .map((line) => {
      if (line === '' || line.startsWith('{')) return line;
      const tab = line.indexOf('\t');
      const text = JSON.parse(line.slice(0, tab)) as string;
      return `${line.slice(0, tab)}\t${JSON.stringify(change(text, JSON.parse(line.slice(tab + 1)) as unknown[]))}`;
    })
    .join('\n');
}

const sha256Of = (text: string): string => createHash('sha256').update(text).digest('hex');

function writeCache(dir: string, key: string, body: string, sha256 = sha256Of(body)) {
  writeFileSync(join(dir, CACHE), `${JSON.stringify({ key, sha256 })}\n${body}`);
}

describe('the shaping cache beside the letters', () => {
  /**
   * The example data with remarks whose words the build's seed (made from the
   * example data) does not have, so that a render has new words to cache; and
   * its letter as a render without the cache writes it.
   */
  let data: string;
  let cold: Letter;

  beforeAll(() => {
    data = copyExampleData();
    setRemarks(data, ['Kvæstelsesbemærkning: zygomorfe ytringer.', 'Qvistgaards tankegang.']);
    cold = renderCold(data);
  }, RENDER);

  it(
    'a render leaves its shaped words beside the letters; the next render there takes them and writes the same bytes',
    () => {
      const out = tempDir('kommunebrev-warm-');
      const first = render(data, out);
      expectSameLetter(first, cold);
      const cache = readCache(first.dir);
      expect(cache.header.key).toMatch(/^[0-9a-f]{64}$/);
      expect(createHash('sha256').update(cache.body).digest('hex')).toBe(cache.header.sha256);
      const { faces, words } = cacheLines(cache.body);
      expect(faces).toContain('Roboto-Regular.ttf');
      expect(words.map((w) => w.text)).toContain('zygomorfe ');
      expectSameLetter(render(data, out), cold);
    },
    RENDER,
  );

  it(
    "a folder without a cache starts from the build's seed: its cache then has the other letters' words too",
    () => {
      const { dir } = render(data, tempDir('kommunebrev-seed-'));
      const words = new Set(cacheLines(readCache(dir).body).words.map((w) => w.text));
      // Kommune 173's letter has neither name; other letters of the example do.
      expect(words.has('Læsø')).toBe(true);
      expect(words.has('Ærøskøbing')).toBe(true);
    },
    RENDER,
  );

  it(
    'words taken from the seed, used or not, are written again exactly as the seed has them; new words are added',
    () => {
      const { dir } = render(data, tempDir('kommunebrev-verbatim-'));
      const seedText = readFileSync(join(REPO, 'dist', 'shaping-seed.json'), 'utf8');
      const wordLines = (body: string) => body.split('\n').filter((l) => l !== '' && !l.startsWith('{'));
      const seedLines = wordLines(seedText.slice(seedText.indexOf('\n') + 1));
      const cacheLinesNow = new Set(wordLines(readCache(dir).body));
      expect(seedLines.length).toBeGreaterThan(500);
      expect(seedLines.filter((l) => !cacheLinesNow.has(l))).toEqual([]);
      expect(cacheLinesNow.size).toBeGreaterThan(seedLines.length);
      // Kommune 173's letter used many seed words (its fixed text), and those lines are unchanged too.
      expect(cacheLinesNow.has(seedLines.find((l) => l.startsWith('"Ankestyrelsen')) ?? '')).toBe(true);
    },
    RENDER,
  );

  it(
    'the cache is read: a cached word with other positions (and a matching checksum) shows in the letter; with a wrong checksum it is ignored',
    () => {
      const out = tempDir('kommunebrev-used-');
      const { dir } = render(data, out);
      const { header, body } = readCache(dir);
      // xOffset + 50 in every position of every word.
      const altered = changeWords(body, (_text, [glyphs, positions, ...rest]) => [
        glyphs,
        (positions as number[][]).map((p) => p.map((v, k) => (k === 2 ? v + 50 : v))),
        ...rest,
      ]);

      writeCache(dir, header.key, altered, header.sha256);
      expectSameLetter(render(data, out), cold);

      writeCache(dir, header.key, altered);
      expect(render(data, out).pdf.equals(cold.pdf)).toBe(false);
    },
    RENDER,
  );

  // The glyph of the fi ligature is reached from U+FB01 (ﬁ, through the cmap)
  // and from "fi" (through the liga feature); Δ U+0394 and ∆ U+2206 share a
  // glyph in the cmap. Words with such a glyph must never carry one render's
  // code points into another's ToUnicode map.
  it.each([
    ['"fi" cached, then ﬁ', ['Se filen.'], ['Se ﬁlen.', 'Se ﬁlen og filen igen.']],
    ['ﬁ cached, then "fi"', ['Se ﬁlen.'], ['Se filen.']],
    ['Δ cached, then ∆ and Δ', ['Δ-værdien er målt.'], ['∆-værdien er målt.', 'Δ-værdien og ∆-værdien.']],
  ])(
    'one glyph from two code point sequences (%s): the same bytes as without the cache',
    (_what, before, after) => {
      const changed = copyExampleData();
      const out = tempDir('kommunebrev-glyph-');
      setRemarks(changed, before);
      render(changed, out);
      setRemarks(changed, after);
      expectSameLetter(render(changed, out), renderCold(changed));
    },
    RENDER,
  );

  it.each([
    ['text that is not the cache format', () => 'ikke en cache'],
    ['a cut-off file', (text: string) => text.slice(0, Math.floor(text.length / 2))],
    ['another key', (text: string) => text.replace(/"key":"[0-9a-f]{4}/, '"key":"0000')],
    [
      'a word with a glyph id of the wrong kind (checksum matching)',
      (text: string) => {
        const nl = text.indexOf('\n');
        const header = JSON.parse(text.slice(0, nl)) as { key: string };
        // A word every letter has; its first glyph id made negative.
        const body = changeWords(text.slice(nl + 1), (word, [glyphs, ...rest]) =>
          word.startsWith('Ankestyrelsen')
            ? [[[-1, 0, [65]], ...(glyphs as unknown[]).slice(1)], ...rest]
            : [glyphs, ...rest],
        );
        expect(body).toContain('[[[-1,');
        return `${JSON.stringify({ key: header.key, sha256: sha256Of(body) })}\n${body}`;
      },
    ],
    [
      'a subset probe the subset writer does not reproduce (checksum matching)',
      (text: string) => {
        const nl = text.indexOf('\n');
        const header = JSON.parse(text.slice(0, nl)) as { key: string };
        const lines = text.slice(nl + 1).split('\n');
        const face = JSON.parse(lines[0] as string) as { subsetProbe: { bytes: string } };
        const bytes = Buffer.from(face.subsetProbe.bytes, 'base64');
        const entries = Array.from({ length: bytes.readUInt16BE(4) }, (_, i) => 12 + 16 * i);
        const glyf = entries.find((at) => bytes.toString('latin1', at, at + 4) === 'glyf') as number;
        const at = bytes.readUInt32BE(glyf + 8) + 1;
        bytes.writeUInt8((bytes[at] as number) ^ 1, at);
        face.subsetProbe.bytes = bytes.toString('base64');
        lines[0] = JSON.stringify(face);
        const body = lines.join('\n');
        return `${JSON.stringify({ key: header.key, sha256: sha256Of(body) })}\n${body}`;
      },
    ],
  ])(
    'a cache file with %s is ignored and replaced',
    (_what, damage) => {
      const out = tempDir('kommunebrev-damaged-');
      const { dir } = render(data, out);
      const path = join(dir, CACHE);
      writeFileSync(path, damage(readFileSync(path, 'utf8')));
      expectSameLetter(render(data, out), cold);
      const { header, body } = readCache(dir);
      expect(sha256Of(body)).toBe(header.sha256);
      expect(body).not.toContain('[[[-1,');
    },
    RENDER,
  );
});
