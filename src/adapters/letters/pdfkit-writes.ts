// pdfkit's writes, batched (issue 11).
//
// pdfmake draws a letter word by word, and pdfkit turns every content-stream
// operator of every word (q, cm, BT, Tm, Tf, TJ, ET, Q, the colour…) into a
// Buffer of its own as soon as it is written: `Buffer.from(text + '\n',
// 'binary')` in PDFReference.write, and again for every line of the file
// (object headers, dictionaries, the xref table) in PDFDocument._write, which
// also pushes each such Buffer through the document's Readable stream. A
// letter made some 20,000 small Buffers; that was about 8 % of its time, with
// the garbage they leave.
//
// Here both keep text in one string until binary data comes, the stream is
// finalised, or the document pushes, and then convert it at once. Converting
// 'binary' text gives one byte per UTF-16 code unit, so Buffer.from(a + b) is
// exactly Buffer.from(a) followed by Buffer.from(b): the same bytes, in the
// same order, with the same lengths and offsets counted at the moment of each
// write (pdfkit reads `_offset` and `data.Length` while it writes).
// Installed on the prototypes once; checked first, so a changed pdfkit fails
// loudly instead of writing differently. (The checks read pdfkit's source as
// installed or as the bundle prints it: esbuild writes strings in double quotes.)
import { pdfmakeModule } from './pdfmake-modules.js';

interface Reference {
  compress: boolean;
  uncompressedLength: number;
  data: { Length?: number; Filter?: string };
  buffer: Uint8Array[];
  /** Text written since the last binary chunk, not yet converted. */
  kbText?: string[];
  write(chunk: unknown): void;
  finalize(): void;
}

interface Document {
  _offset: number;
  kbText?: string[];
  _write(data: unknown): void;
  push(chunk: unknown, encoding?: BufferEncoding): boolean;
  ref(data?: object): Reference;
}

interface DocumentClass {
  prototype: Document;
}

/**
 * pdfkit as pdfmake loads it: PDFDocument's prototype, and a PDFReference
 * made through PDFDocument.prototype.ref on a stand-in with just the fields
 * ref() reads (PDFReference is not exported; no document is made). Shared
 * with pdf-deflate.ts, which wraps the same prototype.
 */
export function pdfkitPrototypes(): { doc: Document; probe: Reference; ref: Reference } {
  const PDFDocument = pdfmakeModule('pdfkit') as Partial<DocumentClass>;
  const doc = PDFDocument.prototype;
  if (typeof doc?.ref !== 'function') throw new Error('pdfkit.PDFDocument.ref mangler (uventet pdfkit-version)');
  const probe = doc.ref.call({ _offsets: [], _waiting: 0, compress: true } as unknown as Document, {});
  return { doc, probe, ref: Object.getPrototypeOf(probe) as Reference };
}

/** The text an object has gathered, as one Buffer, and none gathered any more; undefined when there is none. */
function takeText(holder: { kbText?: string[] }): Buffer | undefined {
  if (!holder.kbText?.length) return undefined;
  const bytes = Buffer.from(holder.kbText.join(''), 'binary');
  holder.kbText = [];
  return bytes;
}

let installed = false;

export function installBatchedWrites(): void {
  if (installed) return;
  const { doc, probe, ref } = pdfkitPrototypes();
  const shapeOk =
    typeof doc._write === 'function' &&
    typeof doc.push === 'function' &&
    /Buffer\.from\(data \+ ['"]\\n['"], ['"]binary['"]\)/.test(doc._write.toString()) &&
    typeof ref.write === 'function' &&
    typeof ref.finalize === 'function' &&
    /Buffer\.from\(chunk \+ ['"]\\n['"], ['"]binary['"]\)/.test(ref.write.toString()) &&
    Array.isArray(probe.buffer) &&
    probe.uncompressedLength === 0;
  if (!shapeOk) throw new Error('pdfkit skriver ikke længere som forventet (uventet pdfkit-version)');

  const refWrite = ref.write;
  const refFinalize = ref.finalize;
  const flushRef = (r: Reference) => {
    const bytes = takeText(r);
    if (bytes) r.buffer.push(bytes);
  };
  // PDFReference.write, for text: the bookkeeping of the original, the conversion deferred.
  ref.write = function (this: Reference, chunk: unknown): void {
    if (chunk instanceof Uint8Array) {
      flushRef(this);
      refWrite.call(this, chunk);
      return;
    }
    const text = (chunk as string) + '\n';
    (this.kbText ??= []).push(text);
    this.uncompressedLength += text.length;
    if (this.data.Length == null) this.data.Length = 0;
    this.data.Length += text.length;
    if (this.compress) this.data.Filter = 'FlateDecode';
  };
  ref.finalize = function (this: Reference): void {
    flushRef(this);
    refFinalize.call(this);
  };

  const docWrite = doc._write;
  const docPush = doc.push;
  const flushDoc = (d: Document) => {
    const bytes = takeText(d);
    if (bytes) docPush.call(d, bytes);
  };
  // PDFDocument._write, for text: the offset counted now, the push deferred.
  doc._write = function (this: Document, data: unknown): void {
    if (Buffer.isBuffer(data)) {
      flushDoc(this);
      docWrite.call(this, data);
      return;
    }
    const text = (data as string) + '\n';
    (this.kbText ??= []).push(text);
    this._offset += text.length;
  };
  // Anything pushed (binary data, the end of the stream) comes after the text before it.
  doc.push = function (this: Document, chunk: unknown, encoding?: BufferEncoding): boolean {
    flushDoc(this);
    return docPush.call(this, chunk, encoding);
  };
  installed = true;
}
