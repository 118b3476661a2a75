// npm run build, second step: bundles the compiled CLI (dist/) with its
// pure-JavaScript dependencies into dist/bundle/, which bin/kommunebrev.js runs.
//
// Why: Node 20 loads ES modules one file at a time (resolve, stat, read,
// compile), and `check` alone loaded about 180 of them (95 from zod, 43 from
// date-fns). One bundle with split chunks for the lazily imported commands
// cut `check` from ~270 to ~200 ms (issue 11; `npm run bench` measures it).
//
// Left outside the bundle, loaded from node_modules as before:
// - pdfmake (and through it pdfkit and fontkit): src/adapters/letters/pdf-fonts.ts
//   hooks their modules and finds the font files next to pdfmake, so there must
//   be exactly one copy, the installed one;
// - nodemailer and @e965/xlsx: large and only needed by send and by workbooks,
//   and they are imported lazily anyway.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// Handlebars' compiler builds source maps of the template functions it
// generates whenever the source-map package can be required (it is a
// dependency of handlebars), though nothing here asks for a map: every
// template compile built and walked a tree of SourceNodes. Given an empty
// stand-in, Handlebars uses its own plain string builder instead
// (handlebars/dist/cjs/handlebars/compiler/code-gen.js), which yields the same
// code, so the same template output.
const handlebarsWithoutSourceMaps = {
  name: 'handlebars-without-source-maps',
  setup(b) {
    b.onResolve({ filter: /^source-map$/ }, (args) =>
      /[\\/]handlebars[\\/]/.test(args.importer) ? { path: 'source-map', namespace: 'no-source-map' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'no-source-map' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
};
const outdir = join(root, 'dist', 'bundle');
rmSync(outdir, { recursive: true, force: true });

// zod's root module re-exports its message translations for ~60 languages
// (`z.locales`, some 300 KB of source); kommunebrev uses only the English one
// zod installs by default (its messages are turned into Danish problems in
// barometer-schema.ts). The bundle gets a locales index with English alone,
// which cut `check` by ~15-20 ms of module compiling (239 against 258 ms,
// medians of 9 alternating runs; node -e 0: 67 ms).
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /[\\/]locales[\\/]index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer)
        ? { path: join(dirname(args.importer), args.path), namespace: 'zod-en' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-en' }, (args) => ({
      contents: "export { default as en } from './en.js';",
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

await build({
  absWorkingDir: root,
  entryPoints: ['dist/cli.js', 'dist/adapters/letters/render-worker.js', 'dist/adapters/letters/email-worker.js'],
  // cli.js and the workers side by side: render-pool finds them as ./render-worker.js and ./email-worker.js.
  entryNames: '[name]',
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['pdfmake', 'pdfmake/*', 'nodemailer', '@e965/xlsx'],
  // Bundled CommonJS (handlebars, commander) may require Node's own modules;
  // an ES module has no `require`, so each chunk gets one.
  banner: {
    js: "import { createRequire as __kbCreateRequire } from 'node:module'; const require = __kbCreateRequire(import.meta.url);",
  },
  legalComments: 'none',
  plugins: [handlebarsWithoutSourceMaps, zodEnglishOnly],
  logLevel: 'warning',
});
