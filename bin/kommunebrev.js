#!/usr/bin/env node
// Entry point for `npx kommunebrev`. The TypeScript is compiled to dist/ and
// bundled into dist/bundle/app.cjs by `npm run build` (run automatically by
// `npm ci` via the prepare script); app.cjs runs with V8's code cache from
// the build (src/adapters/code-cache.ts).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const app = fileURLToPath(new URL('../dist/bundle/app.cjs', import.meta.url));
const loader = new URL('../dist/adapters/code-cache.js', import.meta.url);
if (!existsSync(app)) {
  process.stderr.write('kommunebrev er ikke bygget endnu. Kør »npm ci« eller »npm run build« i projektmappen.\n');
  process.exit(3);
}
// A reader that stops early (`kommunebrev check | head`) closes the pipe;
// that is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}
const { loadWithCodeCache } = await import(loader.href);
const { main } = loadWithCodeCache(app).exports;
process.exitCode = await main(process.argv);
