// pdfkit's operators that repeat, made once (pdfkit-repeats.ts): pdfkit
// documents with named, hex, array, CMYK, spot and gradient colours, filled
// and stroked, with text, rotations, scaling, translations and links (whose
// rectangles come from the current matrix), are byte-identical before and
// after the memos are installed (alone, and under the renderer's other
// pdfkit hooks).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FONT_DIR, FONT_FILES } from '../src/adapters/letters/pdf-fonts.js';
import { installRepeatMemos } from '../src/adapters/letters/pdfkit-repeats.js';
import { installDeflateCache } from '../src/adapters/letters/pdf-deflate.js';
import { installBatchedWrites } from '../src/adapters/letters/pdfkit-writes.js';
import { expectSameDocuments, pdfkitDocument } from './helpers/pdfkit.js';

interface Gradient {
  stop(at: number, color: string | number[]): Gradient;
}
interface Kit {
  registerFont(name: string, data: Buffer): void;
  font(name: string): Kit;
  fontSize(size: number): Kit;
  text(text: string, x?: number, y?: number): Kit;
  fillColor(color: unknown, opacity?: number): Kit;
  strokeColor(color: unknown, opacity?: number): Kit;
  addSpotColor(name: string, c: number, m: number, y: number, k: number): Kit;
  linearGradient(x1: number, y1: number, x2: number, y2: number): Gradient;
  rect(x: number, y: number, w: number, h: number): Kit;
  fill(color?: unknown): Kit;
  stroke(color?: unknown): Kit;
  addPage(): Kit;
  save(): Kit;
  restore(): Kit;
  rotate(angle: number, options?: object): Kit;
  scale(x: number, y?: number): Kit;
  translate(x: number, y: number): Kit;
  transform(a: number, b: number, c: number, d: number, e: number, f: number): Kit;
  link(x: number, y: number, w: number, h: number, url: string): Kit;
}
const COLORS: unknown[] = ['black', 'red', '#336699', '#369', '#FFFFFF', [255, 0, 0], [0, 0, 0, 100], 'PANTONE 185 C'];

function document(variant: number): Promise<Buffer> {
  const options = { pdfVersion: '1.4', info: { CreationDate: new Date(Date.UTC(2026, 0, 1)), Title: `F ${variant}` } };
  return pdfkitDocument<Kit>(options, (kit) => {
    kit.registerFont('normal', readFileSync(join(FONT_DIR, FONT_FILES.normal)));
    kit.addSpotColor('PANTONE 185 C', 0, 100, 78, 9);
    kit.font('normal').fontSize(10);
    for (let round = 0; round < 3; round++) {
      for (const [i, color] of COLORS.entries()) {
        kit.fillColor(color, i % 2 ? 0.5 : undefined).text(`Ord ${variant} ${i} ${round}`, 72, 72 + 20 * i);
        kit.rect(300, 72 + 20 * i, 50, 10).stroke(color);
      }
      const gradient = kit.linearGradient(0, 0, 100, 0).stop(0, 'green').stop(1, '#ff0000');
      kit.rect(72, 400, 100, 20).fill(gradient);
      kit.fillColor('no such colour').text('ukendt farve', 72, 450);
      // The same transforms again and again, others in between, the identity, -0 and NaN-free odd numbers.
      for (let k = 0; k < 4; k++) {
        kit
          .save()
          .translate(10 * k, 5)
          .rotate(15 * k, { origin: [100, 100] })
          .scale(1.5, 0.75);
        kit.text(`drejet ${k}`, 100, 500).link(100, 500, 80, 12, `https://example.org/${k}`);
        kit
          .transform(1, 0, 0, 1, 0, 0)
          .transform(1, -0, 0, 1, 1 / 3, 1e-7)
          .restore();
      }
      kit.text('https://example.org', 72, 600);
      kit.addPage();
    }
  });
}

describe('installRepeatMemos', () => {
  it('leaves every byte of pdfkit documents with all kinds of colour and transform as it was', async () => {
    const before = [await document(1), await document(2), await document(1)];
    expect(before[0]?.length).toBeGreaterThan(5_000);
    installRepeatMemos();
    installRepeatMemos(); // idempotent
    expectSameDocuments([await document(1), await document(2), await document(1)], before, 'with the memos');
    installDeflateCache();
    installBatchedWrites();
    expectSameDocuments([await document(1), await document(2), await document(1)], before, 'under all hooks');
  });
});
