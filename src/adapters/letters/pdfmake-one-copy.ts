// Checks, on the first letter a process renders, that the hooks patched the
// modules pdfmake renders with (see pdfmake-modules.ts). Were pdfmake,
// pdfkit or fontkit loaded twice (say, one copy in the bundle and one from
// node_modules), the hooks would patch the copy nobody uses: every check at
// install would pass and the letters would come out the same, only slower.
// So the document pdfmake made must be an instance of both PDFDocument
// classes the hooks patched (pdfmake's, for the shared fonts; pdfkit's, for
// the batched writes and the deflate cache), and each font it used must be
// one of the shared parses that the hooked fontkit hands back for our font
// files (pdf-fonts.ts).
import { fontData } from './pdf-fonts.js';
import { pdfmakeModule } from './pdfmake-modules.js';

type AnyClass = abstract new (...args: never[]) => unknown;

/** The part of pdfmake's PDFDocument read here: its fonts, by family and style. */
interface PdfmakeDocument {
  fontCache?: Record<string, Record<string, { font?: unknown } | undefined> | undefined>;
}

/** Throws unless `doc`, a document pdfmake has rendered, was made with the modules the hooks patched. */
export function assertOneCopy(doc: object): void {
  const pdfmakeDocument = (pdfmakeModule('PDFDocument') as { default?: AnyClass }).default;
  const pdfkitDocument = pdfmakeModule('pdfkit') as AnyClass;
  const fontkit = pdfmakeModule('fontkit') as { create(data: Uint8Array): unknown };
  const shared = new Set(fontData().map(({ data }) => fontkit.create(data)));
  const families = Object.values((doc as PdfmakeDocument).fontCache ?? {});
  const fonts = families.flatMap((styles) => Object.values(styles ?? {})).map((embedded) => embedded?.font);
  const problem =
    typeof pdfmakeDocument !== 'function' || !(doc instanceof pdfmakeDocument)
      ? "pdfmake's PDFDocument"
      : typeof pdfkitDocument !== 'function' || !(doc instanceof pdfkitDocument)
        ? 'pdfkit'
        : fonts.length === 0 || !fonts.every((font) => shared.has(font))
          ? 'fontkit'
          : undefined;
  if (problem) {
    throw new Error(
      `${problem}: pdfmake renders with another copy than the one kommunebrev hooks (two copies loaded?)`,
    );
  }
}
