// Modules that pdfmake and pdfkit load at start but kommunebrev's letters never
// use, left out of the bundle and loaded from node_modules on first use, for
// scripts/bundle.mjs.
//
// Why: pdfkit requires its encryption (@noble/ciphers, which builds AES tables
// when loaded, and @noble/hashes) and its PNG decoder, pdfmake its SVG support
// (xmldoc with sax, svg-to-pdfkit) and its QR encoder, all at load. A letter
// has no password, image, SVG or QR code, yet every rendering process parsed
// and ran them (~300 KB of the chunk).
//
// How: the bundle gets, for each, a stand-in that requires the installed
// module (the file esbuild would have bundled) the first time anything reads
// from it, calls it or constructs it, so a document that needs one still gets
// the real module. Babel's interop reads `__esModule` at load; the stand-in
// answers that from the module's source without loading it.
import { readFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';

/** importer (path ending) -> the specifiers it requires that are made lazy. */
const LAZY = [
  ['pdfkit/js/pdfkit.js', ['@noble/hashes/utils', '@noble/hashes/sha2', '@noble/ciphers/aes', 'png-js']],
  ['pdfmake/js/SVGMeasure.js', ['xmldoc']],
  ['pdfmake/js/Renderer.js', ['./3rd-party/svg-to-pdfkit']],
  ['pdfmake/js/DocMeasure.js', ['./qrEnc.js']],
];

/** An esbuild plugin; `outdir` is where the chunks go (the stand-ins find node_modules from there). */
export function lazyUnused(outdir) {
  const specifiers = new Set(LAZY.flatMap(([, s]) => s));
  const escaped = [...specifiers].map((s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
  const made = new Set();
  return {
    name: 'lazy-unused',
    setup(b) {
      b.onResolve({ filter: new RegExp(`^(${escaped.join('|')})$`) }, async (args) => {
        const importer = args.importer.split('\\').join('/');
        const entry = LAZY.find(([end, list]) => importer.endsWith(`/node_modules/${end}`) && list.includes(args.path));
        if (!entry || args.pluginData?.lazy) return undefined;
        const real = await b.resolve(args.path, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          importer: args.importer,
          pluginData: { lazy: true },
        });
        if (real.errors.length) return { errors: real.errors };
        made.add(`${entry[0]} ${args.path}`);
        return { path: real.path, namespace: 'lazy-unused' };
      });
      b.onLoad({ filter: /.*/, namespace: 'lazy-unused' }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        const esModule = /exports\.__esModule = true|Object\.defineProperty\(exports, ["']__esModule["']/.test(source);
        const file = relative(outdir, args.path).split('\\').join('/');
        return {
          contents: `// Made by scripts/bundle-lazy.mjs: ${file}, loaded from node_modules on first use.
let real;
const load = () => (real ??= require(require('node:url').fileURLToPath(new URL(${JSON.stringify(file)}, __kbChunkUrl))));
module.exports = new Proxy(function () {}, {
  get: (_, key) => (key === '__esModule' ? ${esModule} : Reflect.get(load(), key)),
  has: (_, key) => Reflect.has(load(), key),
  apply: (_, self, args) => Reflect.apply(load(), self, args),
  construct: (_, args) => Reflect.construct(load(), args),
});
`,
          loader: 'js',
          resolveDir: dirname(args.path),
        };
      });
      b.onEnd((result) => {
        const expected = LAZY.flatMap(([end, list]) => list.map((s) => `${end} ${s}`));
        const missing = expected.filter((e) => !made.has(e));
        if (result.errors.length === 0 && missing.length) {
          throw new Error(`bundle-lazy: not required any more (has pdfmake or pdfkit changed?): ${missing.join(', ')}`);
        }
      });
    },
  };
}
