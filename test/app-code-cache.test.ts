// The CLI's own code cache (dist/bundle/app.cjs + app.cache, made by
// scripts/app-cache.mjs, loaded by bin/kommunebrev.js through
// src/adapters/code-cache.ts): used by a fresh node, and with the cache
// missing, damaged or refused by V8 the CLI writes the very same files. The
// loader's checks themselves are tested on the engine (pdf-engine-loader.test.ts).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLE_DATA, REPO } from './helpers/cli.js';

const LOADER = pathToFileURL(join(REPO, 'dist', 'adapters', 'code-cache.js')).href;
const APP = join(REPO, 'dist', 'bundle', 'app.cjs');
const dir = mkdtempSync(join(tmpdir(), 'kb-app-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Runs the CLI as bin/kommunebrev.js does, with the given cache file, and says how the cache went.
const PROBE = `
const [loader, app, cache, ...args] = process.argv.slice(1);
const loaded = (await import(loader)).loadWithCodeCache(app, cache);
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = process.stderr.write = () => true;
const code = await loaded.exports.main(['node', 'kommunebrev', ...args]);
write(JSON.stringify({ code, cache: loaded.cache }));
`;
function runApp(cache: string, args: string[], flags: string[] = []): { code: number; cache: string } {
  const out = execFileSync(
    process.execPath,
    [...flags, '--input-type=module', '-e', PROBE, LOADER, APP, cache, ...args],
    {
      env: { ...process.env, NODE_OPTIONS: '' },
    },
  );
  return JSON.parse(out.toString()) as { code: number; cache: string };
}

/** Renders kommune 173 into a fresh folder; its letter files by name. */
function render(cache: string, flags: string[] = []): { state: string; files: Map<string, Buffer> } {
  const out = mkdtempSync(join(dir, 'out-'));
  const { code, cache: state } = runApp(
    cache,
    ['render', '--data', EXAMPLE_DATA, '--out', out, '--kommune', '173'],
    flags,
  );
  expect(code).toBe(0);
  const folder = join(out, '2023-ledsagelse');
  const names = readdirSync(folder).filter((f) => /\.(pdf|eml)$/.test(f) || f === 'manifest.json');
  return { state, files: new Map(names.map((f) => [f, readFileSync(join(folder, f))])) };
}

describe("the CLI's code cache", () => {
  const built = join(REPO, 'dist', 'bundle', 'app.cache');
  const withCache = render(built);

  it('is used by a fresh node, for render as for check', () => {
    expect(withCache.state).toBe('used');
    expect(withCache.files.size).toBe(3);
    expect(runApp(built, ['check', '--data', EXAMPLE_DATA])).toEqual({ code: 0, cache: 'used' });
  });

  it('missing: the CLI compiles from source and writes the same files', () => {
    const without = render(join(dir, 'no-such.cache'));
    expect(without.state).toBe('none');
    expect(without.files).toEqual(withCache.files);
  });

  it('damaged: not offered to V8, and the same files', () => {
    const bytes = Buffer.from(readFileSync(built));
    for (let i = bytes.length >> 1; i < (bytes.length >> 1) + 8; i++) bytes[i]! ^= 0x5a;
    writeFileSync(join(dir, 'damaged.cache'), bytes);
    const damaged = render(join(dir, 'damaged.cache'));
    expect(damaged.state).toBe('none');
    expect(damaged.files).toEqual(withCache.files);
  });

  it('refused by V8 under other flags, and the same files', () => {
    const refused = render(built, ['--no-opt']);
    expect(refused.state).toBe('rejected');
    expect(refused.files).toEqual(withCache.files);
  });
});
