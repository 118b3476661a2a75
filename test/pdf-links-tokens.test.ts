// Links and long tokens in the letter PDF (issue 8 point 6, issue 9 point 3),
// read back with poppler (pdftotext, pdfinfo -url) and checked with PDFBox
// Preflight for PDF/A-1b.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderLetterPdf } from '../src/adapters/letters/render-pdf.js';
import type { LetterModel, TextBlock } from '../src/core/types.js';
import { aCaseView, aLetterModel, someCaseViews } from './builders.js';
import { hasCommand, hasPreflight, pdfToText, preflightPdfA1b } from './helpers/pdf.js';

const HAS_POPPLER = hasCommand('pdftotext') && hasCommand('pdfinfo');
const HAS_PREFLIGHT = hasPreflight();
const HEAVY = 120_000; // hang guard only

const SIGNUP = 'https://ankestyrelsen.example/dialogmoede-handicapsagsbarometret-2023';
const READ_MORE = 'https://ast.dk/til-myndigheder/retssikkerhedsinitiativer-pa-handicapomradet';
/** Longer than a line of body text: must break somewhere, never with a hyphen added. */
const VERY_LONG =
  'https://ankestyrelsen.example/til-myndigheder/handicapomraadet/handicapsagsbarometret/2023/ledsagelse-efter-servicelovens-paragraf-97/dialogmoede-tilmelding?kilde=brev-til-kommunen';
/** A token without spaces, much wider than the page; its pieces are numbered so order and completeness can be read back. */
const TOKEN = Array.from({ length: 400 }, (_, i) => `T${String(i).padStart(4, '0')}`).join('');

function withLinks(): LetterModel {
  const model = aLetterModel({ sager: someCaseViews(3) });
  const body: TextBlock[] = [
    ...model.body.filter((b) => b.type !== 'oversigt' && b.type !== 'noegle'),
    { type: 'paragraph', text: `Man kan tilmelde sig dialogmødet her: ${SIGNUP}` },
    {
      type: 'paragraph',
      text: `I kan læse mere om Ankestyrelsens retssikkerhedsinitiativer her: ${READ_MORE}. Og mere endnu (${SIGNUP}).`,
    },
    { type: 'paragraph', text: `En meget lang adresse: ${VERY_LONG}` },
    { type: 'oversigt' },
    { type: 'noegle' },
  ];
  return { ...model, body };
}

function withLongToken(): LetterModel {
  const normal =
    'Kommunen har ikke inddraget lægens udtalelse om borgerens behov for ledsagelse til fritidsaktiviteter. ';
  return aLetterModel({
    sager: [
      aCaseView({ sagsnummer: 'HSB23-0901', bemaerkning: `Start ${TOKEN} slut-på-token. ${normal.repeat(12)}SLUT` }),
      aCaseView({ sagsnummer: 'HSB23-0902', bemaerkning: `Kort ${'Ø'.repeat(900)} efter` }),
      ...someCaseViews(2),
    ],
  });
}

/** The URIs of the PDF's link annotations, per page (pdfinfo -url). */
function linkUris(file: string): { page: number; uri: string }[] {
  const out = execFileSync('pdfinfo', ['-url', file], { encoding: 'utf8' });
  return out
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f.length >= 3 && f[1] === 'Annotation')
    .map((f) => ({ page: Number(f[0]), uri: f[2] as string }));
}

/** Every word with its right edge (pdftotext -tsv), and the page width. */
function wordBoxes(file: string): { text: string; right: number }[] {
  const tsv = execFileSync('pdftotext', ['-tsv', file, '-'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return tsv
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t'))
    .filter((f) => f[0] === '5' && f[11] !== undefined)
    .map((f) => ({ text: f[11] as string, right: Number(f[6]) + Number(f[8]) }));
}

let dir = '';
let linksFile = '';
let tokenFile = '';
let linksPdf: Buffer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kommunebrev-pdf-flow-'));
  linksPdf = await renderLetterPdf(withLinks());
  linksFile = join(dir, 'links.pdf');
  writeFileSync(linksFile, linksPdf);
  tokenFile = join(dir, 'token.pdf');
  writeFileSync(tokenFile, await renderLetterPdf(withLongToken()));
}, HEAVY);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('links in the letter', () => {
  it('makes every URL a link annotation with the Print flag and a URI action', () => {
    const raw = linksPdf.toString('latin1');
    const annots = raw.match(/<<[^<>]*\/Subtype \/Link[^<>]*>>/g) ?? [];
    expect(annots.length).toBeGreaterThan(0);
    for (const a of annots) expect(a).toMatch(/\/F 4\b/);
    const uris = [...raw.matchAll(/\/S \/URI\s*\/URI \(([^)]*)\)/g)].map((m) => m[1]);
    expect(new Set(uris)).toEqual(new Set([SIGNUP, READ_MORE, VERY_LONG, 'https://ast.dk/']));
    expect(raw).not.toMatch(/\/S \/(JavaScript|Launch)/);
  });

  it.skipIf(!HAS_POPPLER)(
    'pdfinfo reads the links back, each URL whole (the trailing period and parenthesis are not part of it)',
    () => {
      const uris = new Set(linkUris(linksFile).map((l) => l.uri));
      expect(uris).toEqual(new Set([SIGNUP, READ_MORE, VERY_LONG, 'https://ast.dk/']));
    },
  );

  it.skipIf(!HAS_POPPLER)('never wraps a URL that fits on a line, so a copied link is right', () => {
    const lines = pdfToText(linksFile).split('\n');
    expect(lines.some((l) => l.includes(SIGNUP))).toBe(true);
    expect(lines.some((l) => l.includes(READ_MORE))).toBe(true);
    // The text after the URL keeps its punctuation outside the link.
    expect(lines.some((l) => l.includes(`${READ_MORE}.`))).toBe(true);
  });

  it.skipIf(!HAS_POPPLER)('breaks a URL longer than a line without adding a hyphen', () => {
    const text = pdfToText(linksFile);
    const start = text.indexOf('En meget lang adresse:');
    expect(start).toBeGreaterThanOrEqual(0);
    const after = text.slice(start + 'En meget lang adresse:'.length).replace(/\s+/g, '');
    expect(after.startsWith(VERY_LONG)).toBe(true);
  });

  it.skipIf(!HAS_PREFLIGHT)(
    'stays PDF/A-1b valid',
    () => {
      const r = preflightPdfA1b(linksFile);
      expect(r.output).toMatch(/valid PDF\/A-1b/);
      expect(r.valid).toBe(true);
    },
    HEAVY,
  );
});

describe('long tokens in a bemærkning', () => {
  it.skipIf(!HAS_POPPLER)('prints the whole token, in order, broken over lines', () => {
    const flat = pdfToText(tokenFile).replace(/\s+/g, '');
    expect(flat).toContain(`Start${TOKEN}slut-på-token.`);
    expect(flat).toContain(`Kort${'Ø'.repeat(900)}efter`);
    expect(flat).toContain('SLUT');
  });

  it.skipIf(!HAS_POPPLER)('lets nothing run past the right margin', () => {
    const pageWidth = 595.28;
    const rightMargin = 50;
    const words = wordBoxes(tokenFile);
    expect(words.length).toBeGreaterThan(100);
    const over = words.filter((w) => w.right > pageWidth - rightMargin + 1);
    expect(over).toEqual([]);
  });

  it.skipIf(!HAS_PREFLIGHT)(
    'stays PDF/A-1b valid',
    () => {
      const r = preflightPdfA1b(tokenFile);
      expect(r.valid).toBe(true);
    },
    HEAVY,
  );
});
