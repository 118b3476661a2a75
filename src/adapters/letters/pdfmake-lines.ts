// Linear line breaking in pdfmake (issue 9 point 3).
//
// pdfmake 0.3's LayoutBuilder.buildNextLine asks, for every word it puts on a
// line, `line.hasEnoughSpaceForInline(inlines[0], inlines.slice(1))`: a copy
// of all the words still to come, per word. A text of n words costs n²/2
// copies (a 100,000-character token, broken between any two characters, took
// 34 s). Line.hasEnoughSpaceForInline reads the following words only when
// the first is glued to them (noNewLine), and then only up to the first that
// is not. So each text node's word list gets a `slice` that returns exactly
// that prefix for slice(1) and is Array.prototype.slice otherwise: the same
// lines, in linear time. Checked at install, so a changed pdfmake fails loudly.
import { pdfmakeModule } from './pdfmake-modules.js';

interface Inline {
  noNewLine?: boolean;
}

const NOTHING_GLUED: readonly Inline[] = Object.freeze([]);

/** What hasEnoughSpaceForInline reads of inlines.slice(1): the run of words glued to inlines[0]. */
function gluedSlice(this: Inline[], ...args: [number?, number?]): Inline[] {
  if (args.length !== 1 || args[0] !== 1) return Array.prototype.slice.apply(this, args) as Inline[];
  if (!this[0]?.noNewLine) return NOTHING_GLUED as Inline[];
  let end = 1;
  while (end < this.length && this[end]?.noNewLine) end++;
  return Array.prototype.slice.call(this, 1, end + 1) as Inline[];
}

let installed = false;

export function installLinearLineBreaking(): void {
  if (installed) return;
  const mod = pdfmakeModule('LayoutBuilder') as {
    default?: { prototype: { buildNextLine?: (textNode: { _inlines?: Inline[] }) => unknown } };
  };
  const proto = mod.default?.prototype;
  const buildNextLine = proto?.buildNextLine;
  if (!proto || typeof buildNextLine !== 'function' || !/_inlines\.slice\(1\)/.test(buildNextLine.toString())) {
    throw new Error('pdfmake.LayoutBuilder.buildNextLine har ændret form (uventet pdfmake-version)');
  }
  proto.buildNextLine = function (this: unknown, textNode: { _inlines?: Inline[] }) {
    const inlines = textNode._inlines;
    if (inlines && !Object.prototype.hasOwnProperty.call(inlines, 'slice')) {
      Object.defineProperty(inlines, 'slice', { value: gluedSlice });
    }
    return buildNextLine.call(this, textNode);
  };
  installed = true;
}
