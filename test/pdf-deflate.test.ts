// Repeated streams deflated once (pdf-deflate.ts): deflate by deflate the bytes
// zlib.deflateSync gives, and whole pdfkit documents byte-identical before and
// after the hook is installed (alone, and under pdfkit-writes.ts as the
// renderer installs them).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FONT_DIR, FONT_FILES } from '../src/adapters/letters/pdf-fonts.js';
import { deflateOnce, installDeflateCache } from '../src/adapters/letters/pdf-deflate.js';
import { installBatchedWrites } from '../src/adapters/letters/pdfkit-writes.js';
import { expectSameDocuments, pdfkitDocument } from './helpers/pdfkit.js';

const TEXTS = [
  '',
  'BT /F1 12 Tf 72 712 Td [<0012> 120 <0034>] TJ ET',
  'æøå ÆØÅ é ü ß ÿ \u00a0 ¤',
  'Δ ∆ € “” – ✓ 中文', // code units above 255: latin1 keeps the low byte, both ways
  '😀 surrogate pair \ud83d alone \ude00',
  '\u0000\u0001\r\n\t\\()',
  'x'.repeat(70_000),
];

describe('deflateOnce', () => {
  it('equals zlib.deflateSync, first time, cached, past the size limit and after eviction', () => {
    const inputs = [
      Buffer.alloc(0),
      Buffer.from('1 0 0 1 0 0 cm'),
      Buffer.from(TEXTS.slice(0, 6).join('\n'), 'latin1'),
      readFileSync(join(FONT_DIR, FONT_FILES.normal)).subarray(0, 16 * 1024),
      readFileSync(join(FONT_DIR, FONT_FILES.normal)).subarray(0, 16 * 1024 + 1),
      Buffer.from('x'.repeat(70_000)),
      ...Array.from({ length: 150 }, (_, i) => Buffer.from(`stream ${i} `.repeat(i + 1))),
    ];
    for (let round = 0; round < 3; round++) {
      for (const raw of inputs) expect(deflateOnce(raw).equals(deflateSync(raw))).toBe(true);
    }
  });

  it('hands out the cached bytes again for the same content, even from another Buffer', () => {
    const a = deflateOnce(Buffer.from('q 1 0 0 -1 0 842 cm Q'));
    expect(deflateOnce(Buffer.from('q 1 0 0 -1 0 842 cm Q'))).toBe(a);
  });
});

interface Kit {
  registerFont(name: string, data: Buffer): void;
  font(name: string): Kit;
  fontSize(size: number): Kit;
  text(text: string, options?: object): Kit;
  addPage(): Kit;
  moveTo(x: number, y: number): Kit;
  lineTo(x: number, y: number): Kit;
  stroke(): Kit;
  rect(x: number, y: number, w: number, h: number): Kit;
  fill(color: string): Kit;
}
/** A PDF/A-1b document with embedded and standard fonts, several pages, graphics and an ICC profile. */
function document(variant: number): Promise<Buffer> {
  const options = {
    pdfVersion: '1.4',
    subset: 'PDF/A-1b',
    tagged: true,
    info: { CreationDate: new Date(Date.UTC(2026, 0, 1)), Title: `Dokument ${variant}` },
  };
  return pdfkitDocument<Kit>(options, (kit) => {
    for (const [name, file] of Object.entries(FONT_FILES)) kit.registerFont(name, readFileSync(join(FONT_DIR, file)));
    kit
      .font('normal')
      .fontSize(11)
      .text(`Kære kommune ${variant}: ${TEXTS.slice(1, 5).join(' ')}`);
    kit.font('bold').text('Overskrift', { underline: true });
    kit.font('italics').text('x'.repeat(40 + variant) + ' Ærø', { width: 200 });
    kit.moveTo(72, 300).lineTo(500, 320).stroke().rect(72, 340, 100, 40).fill('#336699');
    for (let page = 0; page < 3; page++) {
      kit
        .addPage()
        .font('bolditalics')
        .text(`Side ${page + 2}: ${'ord '.repeat(300 * (page + 1))}`);
    }
  });
}

describe('installDeflateCache', () => {
  it('leaves every byte of pdfkit documents as it was, alone and under the batched writes', async () => {
    const before = [await document(1), await document(2), await document(1)];
    expect(before[0]?.length).toBeGreaterThan(20_000);
    expect(before[0]?.includes('/FlateDecode')).toBe(true);
    installDeflateCache();
    installDeflateCache(); // idempotent
    expectSameDocuments([await document(1), await document(2), await document(1)], before, 'with the cache');
    installBatchedWrites();
    expectSameDocuments([await document(1), await document(2), await document(1)], before, 'with batched writes');
  });
});
