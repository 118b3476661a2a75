// The modules of pdfmake, pdfkit and fontkit that the hooks patch
// (pdf-fonts.ts, pdfkit-writes.ts, pdf-deflate.ts, pdfmake-lines.ts,
// pdfmake-styles.ts). Each must be the very module object pdfmake renders
// with: a hook on another copy would patch prototypes nobody uses (the output
// would be the same, only slower), so there must be one copy of each.
//
// Run from dist/ (tsc's output, which the tests import), each is required
// here from the installed file that pdfmake (or pdfkit, for fontkit) itself
// requires, so Node's module cache hands back pdfmake's own object.
//
// In the bundle, scripts/bundle.mjs bundles pdfmake, pdfkit and fontkit too,
// as the engine (dist/bundle/pdf-engine.cjs, one CommonJS file loaded with
// V8's code cache by pdf-engine-loader.ts), and replaces this file by one
// whose pdfmakeModule returns the engine's require of the same files (taken
// from pdfmakeModulePaths at build time), so esbuild includes each file once
// and pdfmake's own requires reach that one; render-pdf.ts' `pdfmake` is the
// engine's too. render-pdf.ts checks on the first letter that pdfmake's
// document is made of the classes the hooks patched.
import { createRequire } from 'node:module';

const requireHere = createRequire(import.meta.url);

export type PdfmakeModuleName =
  'PDFDocument' | 'LayoutBuilder' | 'StyleContextStack' | 'TextInlines' | 'pdfkit' | 'fontkit';

/** Each module's file, resolved from the file that requires it in pdfmake (or in pdfkit, for fontkit). */
export function pdfmakeModulePaths(): Record<PdfmakeModuleName, string> {
  const fromPdfmake = createRequire(requireHere.resolve('pdfmake/package.json'));
  const pdfkit = createRequire(fromPdfmake.resolve('./js/PDFDocument.js')).resolve('pdfkit');
  return {
    PDFDocument: fromPdfmake.resolve('./js/PDFDocument.js'),
    LayoutBuilder: fromPdfmake.resolve('./js/LayoutBuilder.js'),
    StyleContextStack: fromPdfmake.resolve('./js/StyleContextStack.js'),
    TextInlines: fromPdfmake.resolve('./js/TextInlines.js'),
    pdfkit,
    fontkit: createRequire(pdfkit).resolve('fontkit'),
  };
}

let paths: Record<PdfmakeModuleName, string> | undefined;

/** The module's exports (CommonJS), the same object pdfmake's own require returns. */
export function pdfmakeModule(name: PdfmakeModuleName): unknown {
  return requireHere((paths ??= pdfmakeModulePaths())[name]);
}
