// npm run build, second step: bundles the compiled CLI (dist/) with its
// pure-JavaScript dependencies into dist/bundle/, which bin/kommunebrev.js runs.
//
// Why: Node 20 loads ES modules one file at a time (resolve, stat, read,
// compile), and `check` alone loaded about 180 of them (95 from zod, 43 from
// date-fns). One bundle cut `check` from ~270 to ~200 ms (issue 11;
// `npm run bench` measures it); the CLI is now one CommonJS file run with
// V8's code cache (see the CLI's build below).
//
// pdfmake, pdfkit and fontkit are in the bundle too, as the PDF engine
// (pdf-engine.cjs, see below), which only `render` and the render worker
// load (`check` and `--help` do not): loaded
// from node_modules they were ~60 files through Node's CommonJS loader plus
// brotli's decoder building its dictionary (~18 ms), together ~35 ms more per
// process than from the bundle (render-worker.js start, pdfmake and fonts
// loaded: 184 against 220 ms wall, 219 against 263 ms CPU, medians of 15
// alternating runs). Three plugins below keep their behaviour:
// - pdfmakeModulesInBundle and engineEntry: the hooks (pdf-fonts.ts,
//   pdfkit-writes.ts, ...) must patch the very modules pdfmake uses; they get
//   them through pdfmake-modules.ts, which here hands out the engine's static
//   requires of the same files, so each is in the bundle once (render-pdf.ts
//   checks it on the first letter);
// - noBrotli: brotli (WOFF2 fonts only) left out;
// - installedDirname: pdfkit reads its AFM files and the sRGB ICC profile
//   (PDF/A) through __dirname; it gets the folder it is installed in.
// - tries (bundle-tries.mjs): the Unicode tries fontkit, unicode-properties
//   and linebreak build at load come inflated from the build (render-worker.js
//   start 182 -> 150 ms CPU, medians of 11 alternating runs).
// - lazyUnused (bundle-lazy.mjs): encryption, PNG, SVG and QR code, which
//   pdfmake and pdfkit load at start and no letter uses, are loaded from
//   node_modules on first use (render-worker.js start with the tries
//   184 -> 136 ms CPU, medians of 15 alternating runs).
// The engine is one CommonJS file of its own, not an ES module chunk, so that
// pdf-engine-loader.ts can run it as a vm.Script with V8's code cache
// (pdf-engine.cache, made by scripts/engine-cache.mjs after rendering example
// letters, so lazily compiled functions are in it): Node 20 compiled the
// 1.6 MB from source in every process and thread (Node 22's
// module.enableCompileCache does not exist here). `render --kommune 173`
// 468 -> 455 ms CPU, 384 -> 365 ms wall (medians of 11 alternating runs; a
// first round 579 -> 565 ms CPU); a full render unchanged within the noise.
// The hooks' checks read pdfmake's and pdfkit's function source: esbuild
// prints strings in double quotes and may number a name that another module
// of the chunk also has (LEADING2); the checks allow for both, and fail loudly
// on anything else.
//
// nodemailer is bundled as well (its MailComposer, for the .eml of every
// letter, was ~15 ES module files, ~25 ms to load; render-worker.js start
// 242 -> 197 ms CPU with both changes, email-worker.js 98 -> 82 ms).
// Left outside, loaded from node_modules: @e965/xlsx, large and only needed
// for workbooks (imported lazily).
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { lazyUnused } from './bundle-lazy.mjs';
import { prebuiltTries, recordTries } from './bundle-tries.mjs';

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

// pdfmake, pdfkit and fontkit in the bundle, each once (see
// src/adapters/letters/pdfmake-modules.ts): the hooks' pdfmakeModule(name)
// becomes a static require of the very file pdfmake (or pdfkit) requires, so
// esbuild includes that file once and both get the same module object.
const modulesFile = join(root, 'dist', 'adapters', 'letters', 'pdfmake-modules.js');
const modulesJs = await import(pathToFileURL(modulesFile).href);
if (Object.keys(modulesJs).sort().join() !== 'pdfmakeModule,pdfmakeModulePaths') {
  throw new Error(`${modulesFile}: exports changed; update the pdfmake-in-bundle plugin in scripts/bundle.mjs`);
}
const engineLoader = join(root, 'dist', 'adapters', 'letters', 'pdf-engine-loader.js');
const pdfmakeModulesInBundle = {
  name: 'pdfmake-modules-in-bundle',
  setup(b) {
    b.onLoad({ filter: /[\\/]pdfmake-modules\.js$/ }, (args) => {
      if (args.path !== modulesFile) return undefined;
      return {
        contents: [
          '// Made by scripts/bundle.mjs from src/adapters/letters/pdfmake-modules.ts.',
          `import { pdfEngine } from ${JSON.stringify(engineLoader)};`,
          'export function pdfmakeModule(name) {',
          '  return pdfEngine().exports.modules[name]();',
          '}',
        ].join('\n'),
        loader: 'js',
      };
    });
    // render-pdf.ts' `import pdfmake from 'pdfmake'`: the engine's pdfmake, the one the hooks patch.
    b.onResolve({ filter: /^pdfmake$/ }, () => ({ path: 'pdfmake', namespace: 'engine-pdfmake' }));
    b.onLoad({ filter: /.*/, namespace: 'engine-pdfmake' }, () => ({
      contents: `import { pdfEngine } from ${JSON.stringify(engineLoader)};\nexport default pdfEngine().exports.pdfmake;`,
      resolveDir: root,
      loader: 'js',
    }));
  },
};

// The engine's entry: pdfmake's main file and the modules pdfmakeModule(name)
// hands out, each a static require of the very file pdfmake (or pdfkit)
// requires, so esbuild includes that file once and both get the same object.
const pdfmakeMain = createRequire(join(root, 'dist', 'adapters', 'letters', 'render-pdf.js')).resolve('pdfmake');
const engineEntry = {
  name: 'engine-entry',
  setup(b) {
    b.onResolve({ filter: /^kommunebrev-pdf-engine$/ }, () => ({ path: 'pdf-engine', namespace: 'engine-entry' }));
    b.onLoad({ filter: /.*/, namespace: 'engine-entry' }, () => ({
      contents: [
        '// Made by scripts/bundle.mjs: what src/adapters/letters/pdf-engine-loader.ts loads.',
        `exports.pdfmake = require(${JSON.stringify(pdfmakeMain)});`,
        'exports.modules = {',
        ...Object.entries(modulesJs.pdfmakeModulePaths()).map(
          ([name, path]) => `  ${name}: () => require(${JSON.stringify(path)}),`,
        ),
        '};',
      ].join('\n'),
      resolveDir: root,
      loader: 'js',
    }));
  },
};

// fontkit, unicode-properties and linebreak build their Unicode tries at
// load; the bundle gets them inflated at build time (see bundle-tries.mjs).
const modulePaths = modulesJs.pdfmakeModulePaths();
const triePath = createRequire(modulePaths.fontkit).resolve('unicode-trie');
const tries = prebuiltTries(
  triePath,
  recordTries(triePath, [
    () => createRequire(modulePaths.pdfkit)('fontkit'),
    () => createRequire(modulePaths.LayoutBuilder)('linebreak'),
  ]),
);

// fontkit requires brotli's decoder to read WOFF2 fonts, and that decoder
// builds its dictionary when it is loaded (~18 ms of start-up). kommunebrev
// gives fontkit the four Roboto TTF files only (pdf-fonts.ts), so the
// decoder is never called; a stand-in that throws keeps it out.
const noBrotli = {
  name: 'no-brotli',
  setup(b) {
    b.onResolve({ filter: /^brotli[\\/]decompress(\.js)?$/ }, () => ({
      path: 'brotli/decompress',
      namespace: 'no-brotli',
    }));
    b.onLoad({ filter: /.*/, namespace: 'no-brotli' }, () => ({
      contents:
        "module.exports = function () { throw new Error('kommunebrev: WOFF2 fonts are not supported (brotli is left out of the bundle, see scripts/bundle.mjs)'); };",
      loader: 'js',
    }));
  },
};

// A bundled CommonJS file that reads files next to itself through __dirname
// (pdfkit its AFM metrics and the sRGB ICC profile that PDF/A needs, pdfmake's
// virtual-fs.js) gets its own __dirname: the folder it is installed in,
// found at run time from the chunk's place (dist/bundle/), so the bundle
// reads the installed data files, as before, and still runs if the project
// folder is moved. An ES module chunk has no __dirname of its own.
const installedDirname = {
  name: 'installed-dirname',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/].*\.c?js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!/\b__dirname\b/.test(source) || /\b(var|let|const)\s+__dirname\b/.test(source)) return undefined;
      const dir = relative(outdir, dirname(args.path)).split('\\').join('/');
      return {
        contents:
          `var __dirname = require('node:url').fileURLToPath(new URL(${JSON.stringify(dir)}, __kbChunkUrl));\n` +
          source,
        loader: 'js',
        resolveDir: dirname(args.path),
      };
    });
  },
};

const common = {
  absWorkingDir: root,
  outdir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  legalComments: 'none',
  logLevel: 'warning',
};
// The CLI: one CommonJS file, dist/bundle/app.cjs, which bin/kommunebrev.js
// runs as a script with V8's code cache (src/adapters/code-cache.ts;
// app.cache, made by scripts/app-cache.mjs). Node 20 gives ES modules no code
// cache: as split ES module chunks the CLI compiled ~1 MB of source in every
// run (`render --kommune 173`: ~21 ms of module compiling, and more of lazy
// function compiling). As one script from the cache, `render --kommune 173`
// went 323 -> 283 ms wall and `check` 136 -> 125 ms (medians of 11 and 9
// alternating runs; node -e 0: 52-54 ms); `--help` 71 -> 84 ms, as the cache
// is read whole. The commands' own modules are still initialised only when their
// command runs (esbuild turns the lazy `import()` of a bundled module into a
// deferred require), and a script cannot `import()` at all: the precompiled
// templates are CommonJS, and @e965/xlsx is required.
await build({
  ...common,
  entryPoints: { app: 'dist/cli.js' },
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  external: ['@e965/xlsx'],
  define: { 'import.meta.url': '__kbChunkUrl' },
  banner: { js: "var __kbChunkUrl = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [handlebarsWithoutSourceMaps, zodEnglishOnly, pdfmakeModulesInBundle, installedDirname],
});
// The helper threads (render-worker.js, email-worker.js) and the build's
// engine-cache entry: ES modules with shared chunks. render-pool.ts and
// email-thread.ts find the workers beside app.cjs.
await build({
  ...common,
  entryPoints: [
    'dist/adapters/letters/render-worker.js',
    'dist/adapters/letters/email-worker.js',
    'dist/adapters/letters/pdf-engine-build.js',
  ],
  entryNames: '[name]',
  splitting: true,
  format: 'esm',
  external: ['@e965/xlsx'],
  // Bundled CommonJS (handlebars, commander) may require Node's own modules;
  // an ES module has no `require`, so each chunk gets one.
  banner: {
    js: "import { createRequire as __kbCreateRequire } from 'node:module'; const __kbChunkUrl = import.meta.url; const require = __kbCreateRequire(__kbChunkUrl);",
  },
  plugins: [handlebarsWithoutSourceMaps, zodEnglishOnly, pdfmakeModulesInBundle, installedDirname],
});
// A dynamic import() left in the CLI would fail at run time (see above).
const app = readFileSync(join(outdir, 'app.cjs'), 'utf8');
if (/[^\w$.]import\(/.test(app.replace(/\/\/.*$/gm, ''))) {
  throw new Error('dist/bundle/app.cjs contains import(): a script run from the code cache cannot import');
}
// The PDF engine: pdfmake, pdfkit, fontkit and what they require, one
// CommonJS file that pdf-engine-loader.ts runs with V8's code cache
// (pdf-engine.cache, made by scripts/engine-cache.mjs).
await build({
  ...common,
  entryPoints: { 'pdf-engine': 'kommunebrev-pdf-engine' },
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  banner: { js: "var __kbChunkUrl = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [engineEntry, noBrotli, installedDirname, tries, lazyUnused(outdir)],
});
