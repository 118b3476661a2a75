// npm run build, last step: V8's code cache for the CLI (dist/bundle/app.cache,
// read by src/adapters/code-cache.ts when bin/kommunebrev.js runs app.cjs).
//
// Runs app.cjs through the same loader, with typical work, so that the cache
// holds the functions these commands compile lazily as well as the start-up
// code: `check` and `render --kommune` of the example barometer (into a
// temporary folder), and `--help`. Made in a process of its own with Node's
// default flags, as bin/kommunebrev.js runs; V8 refuses it in a Node with
// another V8 or other flags, and the CLI then compiles from source.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeCacheFile, loadWithCodeCache } from '../dist/adapters/code-cache.js';

const ROOT = join(import.meta.dirname, '..');
const DATA = join(ROOT, 'data', '2023-ledsagelse');
const APP = join(ROOT, 'dist', 'bundle', 'app.cjs');

const app = loadWithCodeCache(APP, join(ROOT, 'dist', 'bundle', 'no-cache-while-making-one'));
const out = mkdtempSync(join(tmpdir(), 'kommunebrev-app-cache-'));
// The commands print as they would for a user; the build's log does not need it.
const write = { out: process.stdout.write, err: process.stderr.write };
process.stdout.write = process.stderr.write = () => true;
const runs = [['--help'], ['check', '--data', DATA], ['render', '--data', DATA, '--out', out, '--kommune', '173']];
const codes = [];
try {
  for (const args of runs) codes.push(await app.exports.main(['node', 'kommunebrev', ...args]));
} finally {
  process.stdout.write = write.out;
  process.stderr.write = write.err;
  rmSync(out, { recursive: true, force: true });
}
if (codes.some((c) => c !== 0)) throw new Error(`app-cache: the example runs ended with ${codes.join(', ')}`);
writeFileSync(codeCacheFile(APP), app.makeCache());
