#!/usr/bin/env node
// Entry point for `npx kommunebrev`. The TypeScript is compiled to dist/ by
// `npm run build` (run automatically by `npm ci` via the prepare script).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/bundle/cli.js', import.meta.url);
if (!existsSync(cli)) {
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
const { main } = await import(cli.href);
process.exitCode = await main(process.argv);
