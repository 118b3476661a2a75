// Whole pdfkit documents for the tests of the pdfkit hooks (pdf-deflate.ts,
// pdfkit-repeats.ts): the installed pdfkit (the one pdfmake requires), a
// document drawn by the test, its bytes as pdfkit streams them.
import { createRequire } from 'node:module';
import { expect } from 'vitest';
import { PDFMAKE_JSON } from '../../src/adapters/letters/pdf-fonts.js';

interface Streaming {
  on(event: string, fn: (chunk?: Buffer) => void): void;
  end(): void;
}

/** A pdfkit document with `options`, drawn by `draw`, as bytes. `Kit` is the part of pdfkit's API the test uses. */
export function pdfkitDocument<Kit>(options: object, draw: (kit: Kit) => void): Promise<Buffer> {
  const PDFKit = createRequire(PDFMAKE_JSON)('pdfkit') as new (options: object) => Kit & Streaming;
  const kit = new PDFKit(options);
  const chunks: Buffer[] = [];
  kit.on('data', (c) => chunks.push(c as Buffer));
  const done = new Promise<Buffer>((resolve) => kit.on('end', () => resolve(Buffer.concat(chunks))));
  draw(kit);
  kit.end();
  return done;
}

/** Each document the same bytes as the one before at its index. */
export function expectSameDocuments(actual: Buffer[], expected: Buffer[], what: string): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((pdf, i) => expect(pdf.equals(expected[i] as Buffer), `document ${i} ${what}`).toBe(true));
}
