// PDF streams that repeat from letter to letter, deflated once (issue 11).
//
// Why: pdfkit deflates every stream of every document with zlib.deflateSync,
// also when it deflated the same bytes for the letter before: every letter has
// the same ICC colour profile, the same subset of the face used only in fixed
// headings with its ToUnicode map, and the same few CIDSet bytes. That was
// about 0.35 ms of deflate per letter, plus zlib's set-up per call.
//
// How: pdfkit's own PDFReference.finalize is wrapped (prototype, once per
// process; no patched files). A compressed stream of at most MAX_CACHED_BYTES
// is deflated here, through a small LRU cache keyed by its bytes, and handed
// to pdfkit's finalize as a stream that needs no more compression: pdfkit
// then writes it exactly as it would have written its own deflateSync of the
// same bytes (same zlib, pdfkit's default options; /Filter was already set by
// write, /Length is set from the result). Larger streams (page contents,
// which never repeat) go through pdfkit untouched.
//
// This must wrap pdfkit's own finalize, so it is installed before
// pdfkit-writes.ts wraps finalize to add its batched text first; the source of
// the finalize it wraps is checked, so a changed pdfkit (or the other order)
// throws instead of writing something else.
import { deflateSync } from 'node:zlib';
import { pdfkitPrototypes } from './pdfkit-writes.js';

/** pdfkit's PDFReference: the parts used here. */
interface PdfReference {
  compress: boolean;
  buffer: Uint8Array[];
  finalize(): void;
}

/** Streams up to this size (uncompressed) are deflated once per distinct content. */
const MAX_CACHED_BYTES = 16 * 1024;
/** Distinct streams kept; a letter has about five that can repeat and a few that do not. */
const MAX_CACHED_STREAMS = 64;

const deflated = new Map<string, Buffer>();

/** zlib.deflateSync(raw) as pdfkit calls it, from the cache when these bytes were deflated before. */
export function deflateOnce(raw: Buffer): Buffer {
  if (raw.length > MAX_CACHED_BYTES) return deflateSync(raw);
  const key = raw.toString('latin1');
  let out = deflated.get(key);
  if (out) {
    deflated.delete(key); // re-inserted below as the most recently used
  } else {
    out = deflateSync(raw);
    if (deflated.size >= MAX_CACHED_STREAMS) deflated.delete(deflated.keys().next().value as string);
  }
  deflated.set(key, out);
  return out;
}

/** What the hook relies on in pdfkit's own finalize: concatenate, deflate when compressing, Length from the result. */
const PDFKIT_FINALIZE =
  /this\.buffer = Buffer\.concat\(this\.buffer\);\s*if \(this\.compress\) \{\s*this\.buffer = zlib\.deflateSync\(this\.buffer\);\s*\}[^]*this\.data\.Length = this\.buffer\.length;/;

let installed = false;

/** Wraps pdfkit's PDFReference.finalize with the cache. Idempotent; throws if pdfkit's finalize changed shape. */
export function installDeflateCache(): void {
  if (installed) return;
  const proto = pdfkitPrototypes().ref as unknown as PdfReference;
  const pdfkitFinalize = proto.finalize;
  if (typeof pdfkitFinalize !== 'function' || !PDFKIT_FINALIZE.test(pdfkitFinalize.toString())) {
    throw new Error('pdfkit.PDFReference.finalize har ændret form (uventet pdfkit-version)');
  }
  proto.finalize = function (this: PdfReference): void {
    if (this.compress && Array.isArray(this.buffer) && this.buffer.length) {
      let length = 0;
      for (const chunk of this.buffer) length += chunk.length;
      if (length <= MAX_CACHED_BYTES) {
        this.buffer = [deflateOnce(Buffer.concat(this.buffer))];
        this.compress = false;
      }
    }
    pdfkitFinalize.call(this);
  };
  installed = true;
}
