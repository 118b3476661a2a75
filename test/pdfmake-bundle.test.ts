// pdfmake, pdfkit and fontkit loaded once per thread, in tsc's output and in
// the bundle (src/adapters/letters/pdfmake-modules.ts, pdfmake-one-copy.ts,
// scripts/bundle.mjs): the modules the hooks patch are the ones pdfmake's own
// requires return; a document made with other copies is refused; the bundle
// holds each file once, keeps brotli out and loads none of it for `check` or `--help`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fontData, PDFMAKE_JSON } from '../src/adapters/letters/pdf-fonts.js';
import { pdfmakeModule, pdfmakeModulePaths, type PdfmakeModuleName } from '../src/adapters/letters/pdfmake-modules.js';
import { assertOneCopy } from '../src/adapters/letters/pdfmake-one-copy.js';
import { prepareRenderer } from '../src/adapters/letters/render-pdf.js';
import { REPO } from './helpers/cli.js';

const PDFMAKE_JS = join(dirname(PDFMAKE_JSON), 'js');
const LOADER = pathToFileURL(join(REPO, 'dist', 'adapters', 'code-cache.js')).href;
const APP = join(REPO, 'dist', 'bundle', 'app.cjs');
const PDFKIT = createRequire(join(PDFMAKE_JS, 'PDFDocument.js')).resolve('pdfkit');

describe('pdfmakeModule', () => {
  // Each module as pdfmake (or pdfkit) itself requires it: the file that requires it and how.
  const requiredBy: [PdfmakeModuleName, string, string][] = [
    ['PDFDocument', join(PDFMAKE_JS, 'Printer.js'), './PDFDocument'],
    ['LayoutBuilder', join(PDFMAKE_JS, 'Printer.js'), './LayoutBuilder'],
    ['StyleContextStack', join(PDFMAKE_JS, 'TextInlines.js'), './StyleContextStack'],
    ['TextInlines', join(PDFMAKE_JS, 'LayoutBuilder.js'), './TextInlines'],
    ['pdfkit', join(PDFMAKE_JS, 'PDFDocument.js'), 'pdfkit'],
    ['fontkit', PDFKIT, 'fontkit'],
  ];

  it.each(requiredBy)('%s is the object pdfmake gets from %s', (name, requirer, specifier) => {
    const source = readFileSync(requirer, 'utf8');
    expect(source).toMatch(new RegExp(`require\\((["'])${specifier.replace('.', '\\.')}\\1\\)`));
    const theirs = createRequire(requirer)(specifier) as unknown;
    expect(pdfmakeModule(name)).toBe(theirs);
    expect(pdfmakeModulePaths()[name]).toBe(createRequire(requirer).resolve(specifier));
  });

  it("pdfmake's PDFDocument extends the pdfkit the hooks patch", () => {
    const pdfmakeDocument = (pdfmakeModule('PDFDocument') as { default: object }).default;
    expect(Object.getPrototypeOf(pdfmakeDocument)).toBe(pdfmakeModule('pdfkit'));
  });
});

describe('assertOneCopy', () => {
  prepareRenderer();
  const PdfmakeDocument = (pdfmakeModule('PDFDocument') as { default: { prototype: object } }).default;
  const PdfkitDocument = pdfmakeModule('pdfkit') as { prototype: object };
  const fontkit = pdfmakeModule('fontkit') as { create(data: Uint8Array): object };
  const roboto = readFileSync(join(dirname(PDFMAKE_JSON), 'fonts', 'Roboto', 'Roboto-Regular.ttf'));
  /** A pdfmake document as the first letter leaves it, with the given fonts. */
  const documentWith = (fonts: Record<string, { font: unknown }>) =>
    Object.assign(Object.create(PdfmakeDocument.prototype) as object, { fontCache: { Roboto: fonts } });

  it('accepts a document of the hooked classes whose fonts are the shared parses', () => {
    // fontkit.create, hooked (pdf-fonts.ts), hands back the shared parse for the buffers pdf-fonts.ts read.
    const shared = fontData().map(({ data }) => fontkit.create(data));
    expect(new Set(shared).size).toBe(4);
    expect(fontkit.create(fontData()[0]!.data)).toBe(shared[0]);
    const doc = documentWith({ normal: { font: shared[0] }, bold: { font: shared[1] } });
    expect(() => assertOneCopy(doc)).not.toThrow();
  });

  it.each([
    ['a plain object', () => ({}), "pdfmake's PDFDocument"],
    [
      'a pdfkit document pdfmake did not make',
      () => Object.create(PdfkitDocument.prototype) as object,
      "pdfmake's PDFDocument",
    ],
    ['a document with no fonts', () => documentWith({}), 'fontkit'],
    [
      'a font parsed by fontkit afresh (a fresh buffer)',
      () => documentWith({ normal: { font: fontkit.create(Buffer.from(roboto)) } }),
      'fontkit',
    ],
  ])('refuses %s', (_what, make, problem) => {
    expect(() => assertOneCopy(make())).toThrow(`${problem}: pdfmake renders with another copy`);
  });
});

describe('the bundle', () => {
  const dir = join(REPO, 'dist', 'bundle');
  const files = readdirSync(dir).filter((f) => f.endsWith('.js') || f.endsWith('.cjs'));
  const text = new Map(files.map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
  const all = [...text.values()].join('\n');

  it.each([
    'node_modules/pdfmake/js/index.js',
    'node_modules/pdfmake/js/PDFDocument.js',
    'node_modules/pdfmake/js/LayoutBuilder.js',
    'node_modules/pdfkit/js/pdfkit.js',
    'node_modules/fontkit/dist/main.cjs',
  ])('holds %s exactly once', (file) => {
    expect(all.split(`"${file}"(exports`).length - 1).toBe(1);
  });

  it('requires pdfmake, pdfkit, fontkit and brotli from nowhere else', () => {
    expect(all).not.toMatch(/(import|require)\(["'](pdfmake|pdfkit|fontkit|brotli)/);
    expect(all).not.toMatch(/from ["'](pdfmake|pdfkit|fontkit|brotli)/);
    expect(all).not.toContain('node_modules/brotli/');
    expect(all).toContain('WOFF2 fonts are not supported');
    // Encryption, PNG, SVG and QR code are loaded from node_modules on first use (test/bundle-lazy.test.ts).
    for (const file of [
      '@noble/ciphers/aes.js',
      'png-js/lib/png-js.cjs',
      'xmldoc/lib/xmldoc.js',
      'pdfmake/js/qrEnc.js',
    ]) {
      expect(all).not.toContain(`"node_modules/${file}"(exports`);
    }
    // The Unicode tries come inflated (test/bundle-tries.test.ts tests the plugin itself).
    expect(all).toMatch(/var PREBUILT = \[\s+\[\d+, "/);
  });

  it("gives pdfkit's files their installed folder (its AFM data and the ICC profile PDF/A needs)", () => {
    expect(all).toContain(
      'var __dirname = require("node:url").fileURLToPath(new URL("../../node_modules/pdfkit/js", __kbChunkUrl));',
    );
    expect(all).not.toMatch(/^\s*var __dirname\d/m);
  });

  // The CLI (app.cjs) holds the renderer's code, but loads the engine
  // (pdf-engine.cjs: pdfmake, pdfkit, fontkit) only when a letter is rendered.
  // Each command runs in a fresh node, which notes every file the process reads.
  const ENGINE_PROBE = `
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
const read = fs.readFileSync;
let engine = false;
fs.readFileSync = (file, ...rest) => {
  if (String(file).endsWith('pdf-engine.cjs')) engine = true;
  return read(file, ...rest);
};
syncBuiltinESMExports();
const [loader, app, ...args] = process.argv.slice(1);
const { main } = (await import(loader)).loadWithCodeCache(app).exports;
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = process.stderr.write = () => true;
const code = await main(['node', 'kommunebrev', ...args]);
write(JSON.stringify({ code, engine }));
`;
  const engineRead = (...args: string[]) => {
    const out = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', ENGINE_PROBE, '--', LOADER, APP, ...args],
      {
        env: { ...process.env, NODE_OPTIONS: '' },
      },
    );
    return JSON.parse(out.toString()) as { code: number; engine: boolean };
  };
  const DATA = join(REPO, 'data', '2023-ledsagelse');

  it.each([[['--help']], [['check', '--data', DATA]]])('loads no pdfmake for %j', (args) => {
    expect(engineRead(...args)).toEqual({ code: 0, engine: false });
  });

  it('loads the engine for render', () => {
    const out = mkdtempSync(join(tmpdir(), 'kb-engine-'));
    try {
      expect(engineRead('render', '--data', DATA, '--out', out, '--kommune', '173')).toEqual({ code: 0, engine: true });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('has no import() in the CLI, which runs as a script', () => {
    expect(text.get('app.cjs')!.replace(/\/\/.*$/gm, '')).not.toMatch(/[^\w$.]import\(/);
    // pdfkit is in the engine only, which the CLI loads beside itself.
    expect(text.get('app.cjs')).toContain('new URL("./pdf-engine.cjs", __kbChunkUrl)');
    expect(text.get('app.cjs')).not.toContain('"node_modules/pdfkit/js/pdfkit.js"(exports');
    expect(text.get('pdf-engine.cjs')).toContain('"node_modules/pdfkit/js/pdfkit.js"');
  });
});
