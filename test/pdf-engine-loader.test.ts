// The PDF engine's code cache (src/adapters/letters/pdf-engine-loader.ts,
// scripts/engine-cache.mjs): the built bundle compiles its engine from the
// cache; a cache that is damaged, made for another source, or made with other
// V8 flags is not used, and the engine then renders the very same bytes. Each
// case runs in a fresh `node` (V8 keys the cache by its flags; vitest's own
// process may differ).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { PDFMAKE_JSON } from '../src/adapters/letters/pdf-fonts.js';
import { REPO } from './helpers/cli.js';

const BUNDLE = join(REPO, 'dist', 'bundle');
const LOADER = pathToFileURL(join(REPO, 'dist', 'adapters', 'code-cache.js')).href;
const ROBOTO = join(PDFMAKE_JSON, '..', 'fonts', 'Roboto');

// Beside dist/bundle/, as deep below the project folder: pdfkit's __dirname is relative to the engine's place.
const dir = mkdtempSync(join(REPO, 'dist', 'engine-cache-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PROBE = `
import { createHash } from 'node:crypto';
import { join } from 'node:path';
const [engine, cache, roboto] = process.argv.slice(2);
let pdfmake, state;
if (engine === 'installed') {
  pdfmake = (await import('node:module')).createRequire(${JSON.stringify(PDFMAKE_JSON)})('pdfmake');
  state = 'installed';
} else {
  const loaded = (await import(${JSON.stringify(LOADER)})).loadWithCodeCache(engine, cache);
  pdfmake = loaded.exports.pdfmake;
  state = loaded.cache;
}
pdfmake.setUrlAccessPolicy(() => false);
pdfmake.setLocalAccessPolicy(() => true);
const font = (f) => join(roboto, f);
pdfmake.setFonts({ Roboto: { normal: font('Roboto-Regular.ttf'), bold: font('Roboto-Medium.ttf'),
  italics: font('Roboto-Italic.ttf'), bolditalics: font('Roboto-MediumItalic.ttf') } });
const pdf = await pdfmake.createPdf({
  info: { creationDate: new Date('2023-01-02T03:04:05Z'), title: 'kodecache' },
  content: ['Tekst med æøå, Ærø og ﬁ.', { text: 'Fed', bold: true }, { table: { body: [['a', 'b'], ['1', '2']] } }],
}).getBuffer();
console.log(JSON.stringify({ state, pdf: createHash('sha256').update(pdf).digest('hex') }));
`;
writeFileSync(join(dir, 'probe.mjs'), PROBE);

function probe(engine: string, cache: string, flags: string[] = []): { state: string; pdf: string } {
  const env = { ...process.env, NODE_OPTIONS: '' };
  const out = execFileSync(process.execPath, [...flags, join(dir, 'probe.mjs'), engine, cache, ROBOTO], { env });
  return JSON.parse(out.toString()) as { state: string; pdf: string };
}

const engine = join(dir, 'pdf-engine.cjs');
copyFileSync(join(BUNDLE, 'pdf-engine.cjs'), engine);
const builtCache = readFileSync(join(BUNDLE, 'pdf-engine.cache'));
/** A cache file in the test folder with these bytes. */
function cacheFile(name: string, bytes: Buffer): string {
  writeFileSync(join(dir, name), bytes);
  return join(dir, name);
}

describe('the engine code cache', () => {
  const expected = probe('installed', '').pdf;

  it("is used by the bundle's own engine in a fresh process", () => {
    const entry = pathToFileURL(join(BUNDLE, 'pdf-engine-build.js')).href;
    const out = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', `console.log((await import(${JSON.stringify(entry)})).engineCacheState())`],
      { env: { ...process.env, NODE_OPTIONS: '' } },
    );
    expect(out.toString().trim()).toBe('used');
  });

  it('is used by a helper thread too (render-worker.js loads the engine the same way)', () => {
    const entry = pathToFileURL(join(BUNDLE, 'pdf-engine-build.js')).href;
    writeFileSync(
      join(dir, 'worker.mjs'),
      `import { parentPort } from 'node:worker_threads';
parentPort.postMessage((await import(${JSON.stringify(entry)})).engineCacheState());`,
    );
    const main = `import { Worker } from 'node:worker_threads';
const w = new Worker(${JSON.stringify(join(dir, 'worker.mjs'))}, { execArgv: [] });
w.on('message', (m) => { console.log(m); w.terminate(); });`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', main], {
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    expect(out.toString().trim()).toBe('used');
  });

  it('is used for the built engine, which renders the bytes the installed pdfmake renders', () => {
    expect(probe(engine, cacheFile('built.cache', builtCache))).toEqual({ state: 'used', pdf: expected });
  });

  const flipped = (at: number) => {
    const bytes = Buffer.from(builtCache);
    for (let i = at; i < at + 8; i++) bytes[i]! ^= 0x5a;
    return bytes;
  };
  it.each([
    ['missing', () => join(dir, 'no-such.cache')],
    ['empty', () => cacheFile('empty.cache', Buffer.alloc(0))],
    ['only a header', () => cacheFile('header.cache', builtCache.subarray(0, 32))],
    ['damaged in its header', () => cacheFile('flip-head.cache', flipped(4))],
    ['damaged near the start of V8 data', () => cacheFile('flip-start.cache', flipped(132))],
    ['damaged in the middle', () => cacheFile('flip-mid.cache', flipped(builtCache.length >> 1))],
    ['damaged at the end', () => cacheFile('flip-end.cache', flipped(builtCache.length - 100))],
  ])('is not offered to V8 when %s; same bytes', (_, file) => {
    expect(probe(engine, file())).toEqual({ state: 'none', pdf: expected });
  });

  it('is not offered for another source (the header hashes source and data); same bytes', () => {
    const changed = join(dir, 'changed.cjs');
    writeFileSync(changed, Buffer.concat([readFileSync(engine), Buffer.from('\n// changed\n')]));
    expect(probe(changed, cacheFile('built.cache', builtCache))).toEqual({ state: 'none', pdf: expected });
  });

  it('is refused by V8 itself for another source even with a matching header; same bytes', () => {
    const changed = join(dir, 'changed.cjs');
    const source = Buffer.concat([readFileSync(engine), Buffer.from('\n// changed\n')]);
    writeFileSync(changed, source);
    const data = builtCache.subarray(32);
    const forged = Buffer.concat([createHash('sha256').update(source).update(data).digest(), data]);
    expect(probe(changed, cacheFile('forged.cache', forged))).toEqual({ state: 'rejected', pdf: expected });
  });

  it('is refused by V8 under other V8 flags; same bytes', () => {
    expect(probe(engine, cacheFile('built.cache', builtCache), ['--no-opt'])).toEqual({
      state: 'rejected',
      pdf: expected,
    });
  });
});
