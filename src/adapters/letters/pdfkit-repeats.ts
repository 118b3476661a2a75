// pdfkit's operators that repeat for every word, made once (issue 11).
//
// pdfmake draws a letter word by word, and for each word pdfkit
// - sets the fill colour: _setColorCore parses the colour each time ("black"
//   or "#rrggbb" -> three numbers divided by 255 -> their text) and writes
//   the colour space and the colour, e.g. `/DeviceRGB cs` and `0 0 0 scn`;
// - flips the coordinate system for the text: transform(1, 0, 0, -1, 0,
//   page height) multiplies the current matrix and writes the six numbers,
//   each through pdfkit's number formatting, as `1 0 0 -1 0 841.89 cm`.
// Together ~4 % of a letter's time. The text written is always the same for
// the same colour string, and for the same six numbers. Here it is recorded
// by running pdfkit's own method once with its writes captured, and written
// again as recorded; transform still updates the matrix each time, with
// pdfkit's own arithmetic (checked against its source at install). Anything
// else (array, spot, gradient and pattern colours; other numbers) goes to
// pdfkit's own code.
//
// Installed on the prototype once; a pdfkit whose methods changed shape
// fails loudly.
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

/** Installs both memos (idempotent). */
export function installRepeatMemos(): void {
  if (installed) return;
  const { doc } = pdfkitPrototypes();
  installColorMemo(doc as unknown as Partial<ColorDocument>);
  installTransformMemo(doc as unknown as Partial<MatrixDocument>);
  installed = true;
}

function installColorMemo(proto: Partial<ColorDocument>): void {
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
}

interface MatrixDocument {
  _ctm: number[];
  addContent(text: string): unknown;
  transform(m11: number, m12: number, m21: number, m22: number, dx: number, dy: number): unknown;
}

/** pdfkit's transform, whitespace removed: the identity check, then the matrix product this file repeats. */
const PDFKIT_TRANSFORM = [
  'if(m11===1&&m12===0&&m21===0&&m22===1&&dx===0&&dy===0){returnthis;}',
  'constm=this._ctm;const[m0,m1,m2,m3,m4,m5]=m;',
  'm[0]=m0*m11+m2*m12;m[1]=m1*m11+m3*m12;m[2]=m0*m21+m2*m22;m[3]=m1*m21+m3*m22;',
  'm[4]=m0*dx+m2*dy+m4;m[5]=m1*dx+m3*dy+m5;',
].join('');
/** …and the text it writes: the six numbers through pdfkit's number(), space-separated, then `cm`. */
const PDFKIT_TRANSFORM_TEXT =
  /const values = \[m11, m12, m21, m22, dx, dy\]\.map\(\(?v\)? => number(\$\d+)?\(v\)\)\.join\((["']) \2\);\s*return this\.addContent\(`\$\{values\} cm`\);\s*\}$/;

function installTransformMemo(proto: Partial<MatrixDocument>): void {
  const pdfkitTransform = proto.transform;
  const source = String(pdfkitTransform).replace(/\s+/g, '');
  if (
    typeof pdfkitTransform !== 'function' ||
    !source.includes(PDFKIT_TRANSFORM) ||
    !PDFKIT_TRANSFORM_TEXT.test(String(pdfkitTransform))
  ) {
    throw new Error('pdfkit.transform har ændret form (uventet pdfkit-version)');
  }
  /** The last numbers transform wrote, and its text for them. */
  let last: number[] | undefined;
  let lastText = '';
  proto.transform = function (this: MatrixDocument, m11, m12, m21, m22, dx, dy) {
    if (
      last !== undefined &&
      m11 === last[0] &&
      m12 === last[1] &&
      m21 === last[2] &&
      m22 === last[3] &&
      dx === last[4] &&
      dy === last[5]
    ) {
      // pdfkit's own arithmetic, statement for statement (PDFKIT_TRANSFORM).
      const m = this._ctm;
      const [m0, m1, m2, m3, m4, m5] = m as [number, number, number, number, number, number];
      m[0] = m0 * m11 + m2 * m12;
      m[1] = m1 * m11 + m3 * m12;
      m[2] = m0 * m21 + m2 * m22;
      m[3] = m1 * m21 + m3 * m22;
      m[4] = m0 * dx + m2 * dy + m4;
      m[5] = m1 * dx + m3 * dy + m5;
      return this.addContent(lastText);
    }
    // pdfkit's own transform (it updates this document's matrix), its text captured.
    let text: string | undefined;
    const capture = Object.create(this) as MatrixDocument;
    capture.addContent = (t: string) => {
      text = t;
      return capture;
    };
    pdfkitTransform.call(capture, m11, m12, m21, m22, dx, dy);
    if (text === undefined) return this; // the identity: nothing written
    last = [m11, m12, m21, m22, dx, dy];
    lastText = text;
    return this.addContent(text);
  };
}
