// Files that are not in an 8-bit encoding: UTF-16 and UTF-32, with or
// without a byte order mark. Excel's "Unicode-tekst" and Notepad's "Unicode"
// write UTF-16LE; read as UTF-8 or Windows-1252 such a file looks like a
// header without any known column, which named the wrong problem. Pure.

export type WideEncoding = 'UTF-16LE' | 'UTF-16BE' | 'UTF-32LE' | 'UTF-32BE';

export interface Detected {
  encoding: WideEncoding;
  bom: boolean;
}

/** Bytes looked at for the NUL pattern; enough for a header line and some rows. */
const SAMPLE = 4096;

/**
 * By BOM first (UTF-32LE's FF FE 00 00 before UTF-16LE's FF FE), then by
 * where the NUL bytes fall: text in the Latin range has a NUL in every other
 * byte (UTF-16) or in three of four (UTF-32), at the high-order positions.
 * A stray NUL in UTF-8 text does not make that pattern; it is left to the
 * cell checks, which name its row and column.
 */
export function detectWideEncoding(bytes: Uint8Array): Detected | undefined {
  const b = (i: number): number | undefined => bytes[i];
  if (b(0) === 0xff && b(1) === 0xfe && b(2) === 0 && b(3) === 0) return { encoding: 'UTF-32LE', bom: true };
  if (b(0) === 0 && b(1) === 0 && b(2) === 0xfe && b(3) === 0xff) return { encoding: 'UTF-32BE', bom: true };
  if (b(0) === 0xff && b(1) === 0xfe) return { encoding: 'UTF-16LE', bom: true };
  if (b(0) === 0xfe && b(1) === 0xff) return { encoding: 'UTF-16BE', bom: true };

  const n = Math.min(bytes.length, SAMPLE) - (Math.min(bytes.length, SAMPLE) % 4);
  if (n < 4) return undefined;
  const zeros = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) if (bytes[i] === 0) zeros[i % 4] = (zeros[i % 4] ?? 0) + 1;
  const per = n / 4;
  const mostly = (k: number): boolean => (zeros[k] ?? 0) >= per * 0.6;
  const rarely = (k: number): boolean => (zeros[k] ?? 0) <= per * 0.1;
  if (mostly(1) && mostly(2) && mostly(3) && rarely(0)) return { encoding: 'UTF-32LE', bom: false };
  if (mostly(0) && mostly(1) && mostly(2) && rarely(3)) return { encoding: 'UTF-32BE', bom: false };
  if (mostly(1) && mostly(3) && rarely(0) && rarely(2)) return { encoding: 'UTF-16LE', bom: false };
  if (mostly(0) && mostly(2) && rarely(1) && rarely(3)) return { encoding: 'UTF-16BE', bom: false };
  return undefined;
}

/** The Danish explanation: what the file is, and how to save it as UTF-8. */
export function wideEncodingMessage(d: Detected, kind: 'csv' | 'json'): string {
  const what = `${d.encoding.slice(0, 6)} (${d.encoding.endsWith('LE') ? 'little endian' : 'big endian'}, ${d.bom ? 'med' : 'uden'} BOM)`;
  const how =
    kind === 'csv'
      ? 'Åbn den i Excel og vælg Filer → Gem som → filtypen »CSV UTF-8 (kommasepareret) (*.csv)«, eller i LibreOffice Gem som → »Tekst CSV« med tegnsættet »Unicode (UTF-8)«.'
      : 'Åbn den i en teksteditor og gem den med kodningen UTF-8 (i Notesblok: Gem som → Kodning: UTF-8).';
  return `Filen er gemt som ${what}, men kommunebrev læser kun UTF-8. ${how}`;
}
