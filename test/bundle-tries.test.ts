// The Unicode tries the build inflates ahead (scripts/bundle-tries.mjs)
// against unicode-trie inflating them itself: unicode-trie's module as the
// plugin makes it for the bundle is built here with esbuild and run, and for
// every trie that fontkit, unicode-properties and linebreak build it must
// give the same table and the same value for every code point, without
// inflating; a trie it has not seen is inflated as before.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { pdfmakeModulePaths } from '../src/adapters/letters/pdfmake-modules.js';
import { REPO } from './helpers/cli.js';

interface Trie {
  data: Uint32Array;
  highStart: number;
  errorValue: number;
  get(codePoint: number): number;
}
type TrieClass = new (data: Uint8Array) => Trie;
interface Recorded {
  compressed: Buffer;
  table: Buffer;
  highStart: number;
  errorValue: number;
}
interface Plugin {
  name: string;
  setup(build: unknown): void;
}

const pluginUrl = pathToFileURL(join(REPO, 'scripts', 'bundle-tries.mjs')).href;
const { recordTries, prebuiltTries } = (await import(pluginUrl)) as {
  recordTries(triePath: string, loaders: (() => unknown)[]): Recorded[];
  prebuiltTries(triePath: string, tries: Recorded[]): Plugin;
};

const paths = pdfmakeModulePaths();
const triePath = createRequire(paths.fontkit).resolve('unicode-trie');
const requireTrie = createRequire(triePath);
const tries = recordTries(triePath, [
  () => createRequire(paths.pdfkit)('fontkit'),
  () => createRequire(paths.LayoutBuilder)('linebreak'),
]);
const Original = requireTrie(triePath) as TrieClass;

// unicode-trie's module as the bundle gets it, with tiny-inflate counted.
const built = await build({
  stdin: { contents: `module.exports = require(${JSON.stringify(triePath)});`, resolveDir: REPO },
  bundle: true,
  write: false,
  format: 'cjs',
  platform: 'node',
  external: ['tiny-inflate'],
  plugins: [prebuiltTries(triePath, tries) as never],
  logLevel: 'silent',
});
let inflations = 0;
const inflate = requireTrie('tiny-inflate') as (source: Uint8Array, dest: Uint8Array) => Uint8Array;
const countedRequire = (id: string): unknown =>
  id === 'tiny-inflate'
    ? (source: Uint8Array, dest: Uint8Array) => {
        inflations++;
        return inflate(source, dest);
      }
    : requireTrie(id);
const mod = { exports: {} as unknown };
new Function('module', 'exports', 'require', built.outputFiles[0]!.text)(mod, mod.exports, countedRequire);
const Prebuilt = mod.exports as TrieClass;

describe('prebuilt Unicode tries', () => {
  it('records the tries of fontkit (three), unicode-properties and linebreak', () => {
    expect(tries.length).toBe(5);
    expect(new Set(tries.map((t) => t.compressed.toString('base64'))).size).toBe(5);
  });

  it.each(tries.map((t, i) => [i, t] as const))('trie %i: same table and values, not inflated', (_i, recorded) => {
    const theirs = new Original(new Uint8Array(recorded.compressed));
    const before = inflations;
    const ours = new Prebuilt(new Uint8Array(recorded.compressed));
    expect(inflations).toBe(before);
    expect([ours.highStart, ours.errorValue]).toEqual([theirs.highStart, theirs.errorValue]);
    expect(Buffer.from(ours.data.buffer).equals(Buffer.from(theirs.data.buffer))).toBe(true);
    const differing: number[] = [];
    for (let cp = -1; cp <= 0x110000; cp++) if (ours.get(cp) !== theirs.get(cp)) differing.push(cp);
    expect(differing).toEqual([]);
  });

  it('inflates a trie it has not seen, as unicode-trie does', () => {
    const Builder = requireTrie('unicode-trie/builder') as new (
      initial: number,
      error: number,
    ) => {
      set(cp: number, value: number): void;
      setRange(start: number, end: number, value: number, overwrite: boolean): void;
      toBuffer(): Buffer;
    };
    const builder = new Builder(7, 99);
    builder.setRange(0x41, 0x5a, 1, true);
    builder.set(0x1f600, 3);
    const bytes = builder.toBuffer();
    const before = inflations;
    const ours = new Prebuilt(bytes);
    expect(inflations).toBe(before + 2); // unicode-trie inflates twice
    const theirs = new Original(bytes);
    for (const cp of [0, 0x40, 0x41, 0x5a, 0x5b, 0xe9, 0x1f600, 0x1f601, 0x10ffff, 0x110000]) {
      expect(ours.get(cp)).toBe(theirs.get(cp));
    }
    expect(ours.get(0x41)).toBe(1);
    expect(ours.get(0x1f600)).toBe(3);
  });
});
