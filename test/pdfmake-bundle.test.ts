// pdfmake, pdfkit and fontkit loaded once per thread, in tsc's output and in
// the bundle (src/adapters/letters/pdfmake-modules.ts, pdfmake-one-copy.ts,
// scripts/bundle.mjs): the modules the hooks patch are the ones pdfmake's own
// requires return; a document made with other copies is refused; the bundle
// holds each file once, keeps brotli out and loads none of it for `check`.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fontData, PDFMAKE_JSON } from '../src/adapters/letters/pdf-fonts.js';
import { pdfmakeModule, pdfmakeModulePaths, type PdfmakeModuleName } from '../src/adapters/letters/pdfmake-modules.js';
import { assertOneCopy } from '../src/adapters/letters/pdfmake-one-copy.js';
import { prepareRenderer } from '../src/adapters/letters/render-pdf.js';
import { REPO } from './helpers/cli.js';

const PDFMAKE_JS = join(dirname(PDFMAKE_JSON), 'js');
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

  it('loads no pdfmake for cli.js, check and --help (the chunks they import statically)', () => {
    const staticImports = (file: string) =>
      [...(text.get(file) ?? '').matchAll(/^(?:import|export)[^;]*? from "\.\/([^"]+)"/gms)].map((m) => m[1]!);
    const reached = new Set<string>();
    const visit = (file: string) => {
      if (reached.has(file)) return;
      reached.add(file);
      staticImports(file).forEach(visit);
    };
    visit('cli.js');
    const check = files.find((f) => f.startsWith('check-'));
    expect(check).toBeDefined();
    visit(check!);
    expect(reached.size).toBeGreaterThan(2);
    // The engine (pdf-engine.cjs, with pdfkit) is loaded by pdf-engine-loader.ts' chunk only.
    const loadsEngine = (file: string) => text.get(file)?.includes('new URL("./pdf-engine.cjs", import.meta.url)');
    for (const file of reached) {
      expect(text.get(file), file).not.toContain('"node_modules/pdfkit/js/pdfkit.js"');
      expect(loadsEngine(file), file).toBe(false);
    }
    expect(text.get('pdf-engine.cjs')).toContain('"node_modules/pdfkit/js/pdfkit.js"');
    const render = files.find((f) => f.startsWith('render-') && f !== 'render-worker.js');
    expect(staticImports(render!).some(loadsEngine)).toBe(true);
    expect(staticImports('render-worker.js').some(loadsEngine)).toBe(true);
  });
});
