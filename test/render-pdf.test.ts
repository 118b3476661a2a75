// The PDF renderer, read back with poppler and validated with PDFBox Preflight.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderLetterPdf } from '../src/adapters/letters/render-pdf.js';
import type { CaseView, LetterModel } from '../src/core/types.js';
import { aCaseView, aDefectiveCaseView, aKommune, aLetterModel, someCaseViews } from './builders.js';
import { hasCommand, hasPreflight, pdfInfo, pdfPages, pdfToText, preflightPdfA1b, squash } from './helpers/pdf.js';

const HAS_POPPLER = hasCommand('pdftotext') && hasCommand('pdfinfo');
const HAS_PREFLIGHT = hasPreflight();

/** A remark that must survive literally: quotes, semicolons, markup-like text, line breaks. */
const TRICKY_REMARK =
  'Kommunen skrev: "Borgeren er ikke berettiget"; se bilag 2 <ikke vedlagt> og {{skabelon}} & \'citat\'.\nAnden linje: ærø, Ærø, Øster Åby.\n  Tredje linje med indrykning.';

/** ~3000 characters of ordinary Danish prose, distinct sentences, no hyphens (pdftotext may break at them). */
function longRemark(chars: number, tag: string): string {
  const sentences: string[] = [];
  let length = 0;
  for (let i = 1; length < chars; i++) {
    const s = `Sætning ${i} i ${tag}: kommunen har ikke inddraget lægens udtalelse om borgerens behov for ledsagelse til fritidsaktiviteter.`;
    sentences.push(s);
    length += s.length + 1;
  }
  return `${sentences.join(' ')} SLUT ${tag}.`;
}

function pageOf(pages: string[], needle: string): number[] {
  return pages.flatMap((p, i) => (p.includes(needle) ? [i] : []));
}

/** A page's text without the footer and the repeated table header (which wraps over several lines). */
function bodyLines(page: string): string {
  const out: string[] = [];
  let inHeader = false;
  for (const line of page.split('\n')) {
    if (line.includes('Sagsnr.')) inHeader = true;
    if (!inHeader && !/Side \d+ af \d+/.test(line)) out.push(line);
    if (inHeader && line.includes('praksis')) inHeader = false;
  }
  return out.join('\n');
}

function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kommunebrev-render-pdf-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function renderToFile(model: LetterModel, name: string): Promise<{ pdf: Buffer; file: string }> {
  const pdf = await renderLetterPdf(model);
  const file = join(dir, `${name}.pdf`);
  writeFileSync(file, pdf);
  return { pdf, file };
}

// ---------------------------------------------------------------------------

describe('renderLetterPdf: bytes', () => {
  it('is deterministic: the same model renders to byte-identical PDFs', async () => {
    const model = aLetterModel({
      sager: [...someCaseViews(12), aCaseView({ sagsnummer: 'X-1', bemaerkning: TRICKY_REMARK })],
    });
    const a = await renderLetterPdf(model);
    const b = await renderLetterPdf(model);
    expect(a.equals(b)).toBe(true);
  });

  it('differs between kommuner (and so does the document ID)', async () => {
    const a = await renderLetterPdf(aLetterModel());
    const b = await renderLetterPdf(aLetterModel({ kommune: aKommune({ kode: '101', navn: 'Københavns Kommune' }) }));
    expect(a.equals(b)).toBe(false);
    const id = (pdf: Buffer) => /\/ID \[<([0-9a-f]+)>/.exec(pdf.toString('latin1'))?.[1];
    expect(id(a)).toBeDefined();
    expect(id(a)).not.toBe(id(b));
  });

  it('is PDF 1.4 with PDF/A-1b identification, an sRGB output intent and the language', async () => {
    const pdf = (await renderLetterPdf(aLetterModel())).toString('latin1');
    expect(pdf.startsWith('%PDF-1.4')).toBe(true);
    expect(pdf).toContain('<pdfaid:part>1</pdfaid:part>');
    expect(pdf).toContain('<pdfaid:conformance>B</pdfaid:conformance>');
    expect(pdf).toContain('/GTS_PDFA1');
    expect(pdf).toMatch(/\/Lang \(da\)/);
    // Dates come from the letter, not the clock.
    expect(pdf).toContain('<xmp:CreateDate>2024-05-08T08:00:00Z</xmp:CreateDate>');
  });
});

describe.skipIf(!HAS_POPPLER)('renderLetterPdf: text read back (needs poppler-utils: pdftotext, pdfinfo)', () => {
  const sager: CaseView[] = [
    aCaseView({ sagsnummer: 'HSB23-0101', afgoerelsesdato: '2022-03-01', afgoerelsesdatoTekst: '1. marts 2022' }),
    aDefectiveCaseView({
      sagsnummer: 'HSB23-0102',
      afgoerelsesdato: '2022-12-20',
      afgoerelsesdatoTekst: '20. december 2022',
      bemaerkning: TRICKY_REMARK,
    }),
    aCaseView({
      sagsnummer: 'HSB23-0103',
      afgoerelsesdato: '2022-12-21',
      afgoerelsesdatoTekst: '21. december 2022',
      afgoerelse: 'Delvist afslag',
      overholder: 'Nej',
      mangler: [{ label: 'Hjemmel', betydning: 'væsentlig betydning' }],
    }),
    aCaseView({ sagsnummer: 'HSB23-0104', afgoerelsesdato: '2022-12-22', afgoerelsesdatoTekst: '22. december 2022' }),
  ];
  const model = aLetterModel({ sager });
  let text = '';
  let pages: string[] = [];
  let info: Record<string, string> = {};

  beforeAll(async () => {
    const { file } = await renderToFile(model, 'fire-sager');
    text = pdfToText(file);
    pages = pdfPages(file);
    info = pdfInfo(file);
  });

  it('has the letterhead: recipient kommune, sender and date', () => {
    expect(text).toContain('Lyngby-Taarbæk Kommune');
    expect(text).toContain('Lyngby Torv 17');
    expect(text).toContain('2800 Kongens Lyngby');
    expect(text).toContain('Ankestyrelsen');
    expect(text).toContain('Teglholmsgade 3');
    expect(text).toContain('2450 København SV');
    expect(text).toContain('33 41 12 00');
    expect(text).toContain('handicapsagsbarometer@ankestyrelsen.example');
    expect(pages[0]).toContain('8. maj 2024');
  });

  it('renders the body text in order, keeping line breaks and list numbers', () => {
    const flat = squash(text);
    const order = [
      'Handicapsagsbarometret 2023: Ankestyrelsens vurdering af sagerne fra Lyngby-Taarbæk Kommune',
      'Læsevejledning til oversigten',
      '1) Datoen for den kommunale afgørelse om ledsagelse.',
      '4) Ankestyrelsens vurdering af, om kommunens sagsbehandling',
      'Med venlig hilsen',
      'Oversigt over Ankestyrelsens vurdering af sagerne fra Lyngby-Taarbæk Kommune',
      'Forklaring til oversigten',
    ].map((s) => flat.indexOf(s));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text).toMatch(/Jesper Hagen\s*\n\s*Ankechef/);
  });

  it('lists every case with Danish dates, afgørelse, verdict, mangler and regler', () => {
    for (const c of sager) {
      expect(text).toContain(c.sagsnummer);
      expect(text).toContain(c.afgoerelsesdatoTekst);
    }
    expect(text).toContain('Bevilling');
    expect(text).toContain('Delvist afslag');
    expect(text).toContain('Sagsoplysning: væsentlig betydning');
    expect(text).toContain('Begrundelse: ikke væsentlig betydning');
    expect(text).toContain('Hjemmel: væsentlig betydning');
    expect(text).toContain('Klagevejledning: Ikke overholdt');
    expect(text).toContain('Handleplan: Kan ikke vurderes');
    // A clean case says "Ingen" in the mangler column, on the case's own line.
    const cleanLine = text.split('\n').find((l) => l.includes('HSB23-0101'));
    expect(cleanLine).toMatch(/HSB23-0101\s+1\. marts 2022\s+Ja\s+Ingen\s+Klagevejledning: Ikke relevant/);
  });

  it('has the table headers', () => {
    for (const h of ['Sagsnr.', '(1) Afgørelsesdato', '(3) Retlige mangler', '(4) Sagsbehandlingsregler']) {
      expect(text).toContain(h);
    }
    expect(squash(text)).toMatch(/\(2\) Lever\s/);
  });

  it('prints the bemærkning literally, keeping its line breaks', () => {
    const flat = squash(text);
    expect(flat).toContain(`Bemærkning: ${squash(TRICKY_REMARK)}`);
    const lines = text.split('\n');
    const first = lines.findIndex((l) => l.includes('"Borgeren er ikke berettiget";'));
    const second = lines.findIndex((l) => l.includes('Anden linje: ærø, Ærø, Øster Åby.'));
    const third = lines.findIndex((l) => l.includes('Tredje linje med indrykning.'));
    expect(first).toBeGreaterThanOrEqual(0);
    expect(second).toBe(first + 1);
    expect(third).toBe(second + 1);
  });

  it('round-trips æøå ÆØÅ', () => {
    for (const s of [
      'Lyngby-Taarbæk',
      'Afgørelsesdato',
      'København',
      'Ærø',
      'Øster Åby',
      'sagsbehandlingstid',
      'Gælder kun når',
    ]) {
      expect(text).toContain(s);
    }
  });

  it('has the key: both sections with label, forklaring, (hjemmel) and "Gælder kun ..."', () => {
    const flat = squash(text);
    expect(flat).toContain('Retlige mangler Sagsoplysning (retssikkerhedslovens § 10) Kommunen har ansvaret for');
    expect(flat).toContain('Begrundelse (forvaltningslovens § 24)');
    expect(flat).toContain('Gælder kun når borgeren ikke får fuldt medhold (afslag og delvist afslag).');
    expect(flat).toContain('Sagsbehandlingsregler Klagevejledning (forvaltningslovens § 25)');
    expect(flat).toContain('Handleplan (servicelovens § 141, stk. 2)');
    expect(flat).toContain('Gælder kun når der bevilges hjælp (bevilling og delvist afslag).');
  });

  it('numbers every page "Side X af N"', () => {
    const n = Number(info.Pages);
    expect(n).toBeGreaterThanOrEqual(2);
    expect(pages).toHaveLength(n);
    pages.forEach((p, i) => expect(p).toContain(`Side ${i + 1} af ${n}`));
    expect(text).toContain('Side 1 af');
    expect(text).toContain(`Side ${n} af ${n}`);
  });

  it('has document metadata', () => {
    expect(info.Title).toBe(model.pdf.title);
    expect(info.Author).toBe('Ankestyrelsen');
    expect(info.Subject).toBe(model.pdf.subject);
    expect(info.Keywords).toBe(model.pdf.keywords);
    expect(info['PDF version']).toBe('1.4');
    expect(info['Page size']).toMatch(/595\.\d+ x 841\.\d+ pts \(A4\)/);
    expect(info.CreationDate).toMatch(/2024/);
  });
});

describe.skipIf(!HAS_POPPLER)('renderLetterPdf: a letter with 40 cases (needs poppler-utils)', () => {
  const sager = someCaseViews(40);
  const model = aLetterModel({ sager });
  let pages: string[] = [];

  beforeAll(async () => {
    pages = pdfPages((await renderToFile(model, 'fyrre-sager')).file);
  });

  it('spans several pages, with the table header on every page of the oversigt', () => {
    const tablePages = pages.filter((p) => sager.some((c) => p.includes(c.sagsnummer)));
    expect(tablePages.length).toBeGreaterThanOrEqual(3);
    for (const p of tablePages) {
      expect(p).toContain('Sagsnr.');
      expect(p).toContain('(1) Afgørelsesdato');
      expect(p).toContain('(3) Retlige mangler');
      expect(p).toContain('(4) Sagsbehandlingsregler');
    }
  });

  it('never splits a case across pages', () => {
    for (const c of sager) {
      const on = pageOf(pages, c.sagsnummer);
      expect(on, c.sagsnummer).toHaveLength(1);
      const page = pages[on[0] ?? -1] ?? '';
      expect(page).toContain(c.afgoerelsesdatoTekst);
      if (c.bemaerkning) expect(squash(page)).toContain(squash(c.bemaerkning));
    }
    // Every case has exactly one line per regel: a page's regel lines match its cases.
    for (const page of pages) {
      const cases = sager.filter((c) => page.includes(c.sagsnummer));
      expect(count(page, 'Klagevejledning:')).toBe(cases.length);
      expect(count(page, 'Handleplan:')).toBe(cases.length);
      expect(count(page, 'Bemærkning:')).toBe(cases.filter((c) => c.bemaerkning).length);
    }
  });

  it("lists the cases in the model's order", () => {
    const flat = squash(pages.join('\n'));
    const positions = sager.map((c) => flat.indexOf(c.sagsnummer));
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });
});

describe.skipIf(!HAS_POPPLER)('renderLetterPdf: very long bemærkninger (needs poppler-utils)', () => {
  it('keeps a case with a 3000-character bemærkning whole, on one page', async () => {
    const remark = longRemark(3000, 'sag L1');
    expect(remark.length).toBeGreaterThanOrEqual(3000);
    const sager = someCaseViews(10);
    sager.splice(5, 0, aDefectiveCaseView({ sagsnummer: 'LANG-0001', bemaerkning: remark }));
    const pages = pdfPages((await renderToFile(aLetterModel({ sager }), 'lang-3000')).file);
    const on = pageOf(pages, 'LANG-0001');
    expect(on).toHaveLength(1);
    const page = squash(pages[on[0] ?? -1] ?? '');
    expect(page).toContain(`Bemærkning: ${remark}`);
    for (const c of sager) expect(pageOf(pages, c.sagsnummer)).toHaveLength(1);
  });

  it('loses nothing when a case is taller than a page: it flows on, under a repeated header', async () => {
    const remark = longRemark(9000, 'sag L2');
    const sager = someCaseViews(6);
    sager.splice(3, 0, aCaseView({ sagsnummer: 'LANG-0002', bemaerkning: remark }));
    const pages = pdfPages((await renderToFile(aLetterModel({ sager }), 'lang-9000')).file);
    const flat = squash(pages.map(bodyLines).join('\n'));
    expect(flat).toContain(`Bemærkning: ${remark}`);
    const first = pageOf(pages, 'LANG-0002')[0] ?? -1;
    const last = pageOf(pages, 'SLUT sag L2.')[0] ?? -1;
    expect(last).toBeGreaterThan(first);
    expect(pages[last]).toContain('Sagsnr.');
    for (const c of sager) expect(pageOf(pages, c.sagsnummer)).toHaveLength(1);
  });
});

describe.skipIf(!HAS_PREFLIGHT)(
  'renderLetterPdf: PDF/A-1b (needs java and PDFBox Preflight jars in /usr/share/java)',
  () => {
    it('passes Preflight for a 4-case letter', async () => {
      const { file } = await renderToFile(aLetterModel(), 'preflight-4');
      const r = preflightPdfA1b(file);
      expect(r.valid, r.output).toBe(true);
    });

    it('passes Preflight for 40 cases, a tricky and a page-long bemærkning', async () => {
      const sager = someCaseViews(40);
      sager.splice(1, 0, aCaseView({ sagsnummer: 'X-1', bemaerkning: TRICKY_REMARK }));
      sager.splice(20, 0, aCaseView({ sagsnummer: 'X-2', bemaerkning: longRemark(9000, 'X-2') }));
      const { file } = await renderToFile(aLetterModel({ sager }), 'preflight-40');
      const r = preflightPdfA1b(file);
      expect(r.valid, r.output).toBe(true);
    });

    it.skipIf(!HAS_POPPLER)(
      'passes Preflight when text has characters the font lacks (printed as U+FFFD)',
      async () => {
        const remark = 'Pil → flueben ✓ smil 😀 tegn 中文\ttab og ånge (a + combining ring).';
        const model = aLetterModel({
          sager: [aCaseView({ sagsnummer: 'GLYF-1', bemaerkning: remark.replace('ånge', 'a\u030Ange') })],
        });
        const { file } = await renderToFile(model, 'preflight-glyphs');
        const r = preflightPdfA1b(file);
        expect(r.valid, r.output).toBe(true);
        expect(squash(pdfToText(file))).toContain(
          'Bemærkning: Pil \uFFFD flueben \uFFFD smil \uFFFD tegn \uFFFD\uFFFD tab og ånge (a + combining ring).',
        );
      },
    );

    it.skipIf(!HAS_POPPLER)(
      'passes Preflight with XML-special characters in the metadata (XMP is escaped)',
      async () => {
        const base = aLetterModel({ kommune: aKommune({ navn: 'Test & <Prøve> "Kommune"' }) });
        const model = { ...base, pdf: { ...base.pdf, keywords: 'a & b; <c>' } };
        const { file } = await renderToFile(model, 'preflight-xml');
        const r = preflightPdfA1b(file);
        expect(r.valid, r.output).toBe(true);
        const info = pdfInfo(file);
        expect(info.Title).toBe(model.pdf.title);
        expect(info.Keywords).toBe('a & b; <c>');
      },
    );
  },
);
