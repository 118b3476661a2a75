// pdfkit's colour operators, made once per colour (issue 11).
//
// pdfmake sets the fill colour before every word it draws, and pdfkit's
// _setColorCore parses the colour each time ("black" or "#rrggbb" -> three
// numbers divided by 255 -> their text) and writes the colour space and the
// colour, e.g. `/DeviceRGB cs` and `0 0 0 scn` (~2 % of a letter's time).
// For a named or hex colour the operators are always the same text. Here
// they are recorded once per colour, by running pdfkit's own _setColorCore
// with its writes captured, and written again as recorded. Any colour that
// is not such a string (arrays, spot colours, which also touch the page,
// gradients, patterns) goes to pdfkit's own code each time.
//
// Installed on the prototype once; a pdfkit whose _setColorCore or
// _normalizeColor is missing fails loudly.
import { pdfkitPrototypes } from './pdfkit-writes.js';

interface ColorDocument {
  addContent(text: string): unknown;
  _normalizeColor(color: unknown): unknown;
  _setColorCore(color: unknown, stroke: boolean): boolean;
}

/** Colours seen (fill and stroke apart) -> their operators, or null when pdfkit must be asked each time. */
const recorded = new Map<string, string[] | null>();
/** Distinct colours kept; a letter uses a handful. */
const MAX_COLORS = 256;

let installed = false;

export function installColorMemo(): void {
  if (installed) return;
  const proto = pdfkitPrototypes().doc as unknown as Partial<ColorDocument>;
  const pdfkitSetColor = proto._setColorCore;
  if (typeof pdfkitSetColor !== 'function' || typeof proto._normalizeColor !== 'function') {
    throw new Error('pdfkit._setColorCore har ændret form (uventet pdfkit-version)');
  }

  /** pdfkit's operators for `color` on this document, when they depend on the colour string alone. */
  const record = (doc: ColorDocument, color: string, stroke: boolean): string[] | null => {
    // A hex or named colour normalises to numbers; a spot colour (an object) also writes to the page.
    if (!Array.isArray(doc._normalizeColor(color))) return null;
    const ops: string[] = [];
    const capture = Object.create(doc) as ColorDocument;
    capture.addContent = (text: string) => {
      ops.push(text);
      return capture;
    };
    return pdfkitSetColor.call(capture, color, stroke) === true ? ops : null;
  };

  proto._setColorCore = function (this: ColorDocument, color: unknown, stroke: boolean): boolean {
    if (typeof color !== 'string') return pdfkitSetColor.call(this, color, stroke);
    const key = `${stroke ? 'S' : 'f'}${color}`;
    let ops = recorded.get(key);
    if (ops === undefined) {
      ops = record(this, color, stroke);
      if (recorded.size >= MAX_COLORS) recorded.clear();
      recorded.set(key, ops);
    }
    if (ops === null) return pdfkitSetColor.call(this, color, stroke);
    for (const text of ops) this.addContent(text);
    return true;
  };
  installed = true;
}
