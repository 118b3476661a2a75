// The PDF renderer: LetterModel -> PDF/A-1b bytes, via pdfmake 0.3 (pdfkit).
//
// Pure apart from reading the four Roboto font files once (they are cached in
// pdfmake's virtual file system). No clock: every date in the PDF comes from
// model.brevdato, and pdfkit derives the document ID from the info dictionary,
// so the same model always renders to the same bytes.
//
// Layout of the per-case table (oversigt): pdfmake's `dontBreakRows` keeps
// only the first page of a row that is taller than a page and silently drops
// the rest. So the oversigt is an outer one-column table whose header row and
// case rows are each a nested five-column table with identical widths; each
// case is marked `unbreakable` (kept whole on one page, header repeated on
// every page) unless a conservative estimate says it may not fit on a page, in
// which case it is allowed to flow across pages so that nothing is lost.
import { resolve, sep } from 'node:path';
import pdfmake from 'pdfmake';
import type { Content, CustomTableLayout, TableCell, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import type { CaseView, LetterModel, RuleKeyEntry, TextBlock } from '../../core/types.js';
import { FONT_DIR, FONT_FILES, fontCoverage, fontData, shareFontsAcrossDocuments } from './pdf-fonts.js';

// ---------------------------------------------------------------------------
// Fonts and pdfmake policies (module init).

const VFS_PREFIX = 'kommunebrev-fonts/';

interface VirtualFs {
  writeFileSync(name: string, content: Buffer): void;
}

pdfmake.setUrlAccessPolicy(() => false);
pdfmake.setLocalAccessPolicy((path: string) => resolve(path).startsWith(FONT_DIR + sep));
pdfmake.setFonts({
  Roboto: {
    normal: VFS_PREFIX + FONT_FILES.normal,
    bold: VFS_PREFIX + FONT_FILES.bold,
    italics: VFS_PREFIX + FONT_FILES.italics,
    bolditalics: VFS_PREFIX + FONT_FILES.bolditalics,
  },
});

let fontsReady = false;

/**
 * Loads the fonts once per process (parsed once, shared by every document,
 * see pdf-fonts.ts), hands them to pdfmake's virtual file system and returns
 * the characters they can show.
 */
function ensureFonts(): Set<number> {
  if (!fontsReady) {
    const vfs = (pdfmake as unknown as { virtualfs?: VirtualFs }).virtualfs;
    if (!vfs) throw new Error('pdfmake has no virtual file system (unexpected pdfmake version)');
    for (const { file, data } of fontData()) vfs.writeFileSync(VFS_PREFIX + file, data);
    shareFontsAcrossDocuments();
    fontsReady = true;
  }
  return fontCoverage();
}

/** Loads the fonts now instead of at the first letter (for a worker that is about to get letters). */
export function prepareRenderer(): void {
  ensureFonts();
}

// ---------------------------------------------------------------------------
// Printable text. A character the font has no glyph for would be drawn as
// glyph 0 (.notdef), which PDF/A forbids (Preflight 3.3.1) and readers show as
// an empty box. Such characters (emoji, arrows, CJK, control characters) are
// replaced by U+FFFD; tabs become spaces; text is NFC-normalised so that a
// decomposed "å" (a + ring, common from macOS) becomes one glyph.

const REPLACEMENT_CHARACTER = '\uFFFD';

function printable(text: string, glyphs: Set<number>): string {
  let out = '';
  for (const ch of text.normalize('NFC').replace(/\r\n?/g, '\n').replace(/\t/g, ' ')) {
    const cp = ch.codePointAt(0) ?? 0;
    out += ch === '\n' || (cp >= 0x20 && glyphs.has(cp)) ? ch : REPLACEMENT_CHARACTER;
  }
  return out;
}

/** A deep copy of `value` with every string made printable. */
function printableDeep<T>(value: T, glyphs: Set<number>): T {
  if (typeof value === 'string') return printable(value, glyphs) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => printableDeep(v, glyphs)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, printableDeep(v, glyphs)])) as T;
  }
  return value;
}

// ---------------------------------------------------------------------------
// Design constants.

const PAGE_MARGINS: [number, number, number, number] = [50, 56, 50, 64]; // left, top, right, bottom
const A4_WIDTH = 595.28;
const A4_HEIGHT = 841.89;
const TEXT = '#1a1a1a';
const MUTED = '#555555';
const RULE = '#9a9a9a';
const LIGHT_RULE = '#c8c8c8';
const HEADER_FILL = '#e4e4e4';
const ZEBRA_FILL = '#f4f4f4';

const BODY_SIZE = 10.5;
const TABLE_SIZE = 8.5;
const TABLE_LINE_HEIGHT = 1.15;

/**
 * Oversigt columns: Sagsnr. | (1) | (2) | (3) takes the rest | (4). Content
 * widths (pdfmake adds the cell padding), sized so that the common values fit
 * on one line at 8.5 pt: "28. september 2022" (75.7 pt), "Sagsbehandlingstid:
 * Kan ikke vurderes" (145.3 pt), "Begrundelse: ikke væsentlig betydning"
 * (144.2 pt; the '*' column gets 149), "HSB23-0001" (48.4 pt bold).
 */
const COL = { sagsnr: 50, dato: 78, overholder: 42, regler: 146 } as const;
const TABLE_WIDTHS = [COL.sagsnr, COL.dato, COL.overholder, '*', COL.regler];
const TABLE_HEADERS = [
  'Sagsnr.',
  '(1) Afgørelsesdato',
  '(2) Lever op til regler og praksis',
  '(3) Retlige mangler',
  '(4) Sagsbehandlingsregler',
];
const CELL_PAD_X = 3;
const CELL_PAD_Y = 3;
/** Sender block: fits "handicapsagsbarometer@ankestyrelsen.example" (186 pt at 8.5 pt). */
const SENDER_WIDTH = 190;

/** Paragraphs up to this length are kept on one page (orphan/widow control). */
const SHORT_PARAGRAPH = 400;
/** A heading is kept with the following block only when that block is at most this long. */
const KEEP_WITH_NEXT_LIMIT = 1500;

// ---------------------------------------------------------------------------
// Letterhead and footer.

function letterhead(model: LetterModel): Content[] {
  const a = model.afsender;
  const k = model.kommune;
  const senderLines: Content[] = [
    ...a.adresse.map((line) => ({ text: line })),
    { text: `Telefon ${a.telefon}`, margin: [0, 4, 0, 0] },
    { text: a.email },
    ...(a.web ? [{ text: a.web }] : []),
  ];
  return [
    {
      columns: [
        {
          width: '*',
          margin: [0, 58, 12, 0],
          stack: [
            { text: k.navn, bold: true },
            ...(k.adresse ? [{ text: k.adresse }] : []),
            { text: `${k.postnummer} ${k.by}`.trim() },
          ],
        },
        {
          width: SENDER_WIDTH,
          stack: [
            { text: a.myndighed, fontSize: 18, bold: true, characterSpacing: 0.2 },
            {
              canvas: [{ type: 'line', x1: 0, y1: 0, x2: SENDER_WIDTH, y2: 0, lineWidth: 0.75, lineColor: RULE }],
              margin: [0, 5, 0, 6],
            },
            { stack: senderLines, fontSize: 8.5, color: MUTED, lineHeight: 1.2 },
          ],
        },
      ],
    },
    model.journalnummer === undefined
      ? { text: model.brevdatoTekst, alignment: 'right', margin: [0, 30, 0, 26] }
      : { stack: [model.brevdatoTekst, `J.nr. ${model.journalnummer}`], alignment: 'right', margin: [0, 30, 0, 26] },
  ];
}

function footer(model: LetterModel): TDocumentDefinitions['footer'] {
  const left = `${model.titel} · ${model.kommune.navn}`;
  return (currentPage: number, pageCount: number): Content => ({
    margin: [PAGE_MARGINS[0], 26, PAGE_MARGINS[2], 0],
    fontSize: 8,
    color: MUTED,
    columns: [
      { text: left, width: '*' },
      { text: `Side ${currentPage} af ${pageCount}`, width: 'auto', alignment: 'right' },
    ],
  });
}

// ---------------------------------------------------------------------------
// Body text.

function heading(block: Extract<TextBlock, { type: 'heading' }>, first: boolean): Content {
  return block.level === 1
    ? { text: block.text, fontSize: 14, bold: true, lineHeight: 1.15, margin: [0, first ? 0 : 14, 0, 10] }
    : { text: block.text, fontSize: 11.5, bold: true, lineHeight: 1.15, margin: [0, first ? 0 : 10, 0, 5] };
}

function paragraph(text: string): Content {
  return {
    text,
    margin: [0, 0, 0, 8],
    ...(text.length <= SHORT_PARAGRAPH ? { unbreakable: true } : {}),
  };
}

/** List items arrive with their marker ("1) ...", "- ..."); it becomes a hanging indent. */
function list(items: string[]): Content {
  return {
    margin: [0, 0, 0, 8],
    stack: items.map((item) => {
      const m = /^(\d+\)|-)\s+([\s\S]*)$/.exec(item);
      const marker = m ? (m[1] === '-' ? '•' : (m[1] ?? '')) : '•';
      const text = m ? (m[2] ?? '') : item;
      return {
        columns: [
          { text: marker, width: 18 },
          { text, width: '*' },
        ],
        margin: [0, 0, 0, 4],
        ...(item.length <= SHORT_PARAGRAPH ? { unbreakable: true } : {}),
      };
    }),
  };
}

function blockLength(block: TextBlock): number {
  if (block.type === 'paragraph' || block.type === 'heading') return block.text.length;
  if (block.type === 'list') return block.items.reduce((n, i) => n + i.length, 0);
  return Number.POSITIVE_INFINITY;
}

// ---------------------------------------------------------------------------
// Oversigt: the per-case table.

/** Layout of the nested five-column tables (header and one per case). */
function innerLayout(fill: string | null, lineAbove: boolean, lineBelow: { width: number; color: string }): CustomTableLayout {
  return {
    hLineWidth: (i, node) => (i === 0 ? (lineAbove ? 0.75 : 0) : i === node.table.body.length ? lineBelow.width : 0),
    hLineColor: (i) => (i === 0 ? RULE : lineBelow.color),
    vLineWidth: () => 0,
    paddingLeft: () => CELL_PAD_X,
    paddingRight: () => CELL_PAD_X,
    paddingTop: (i) => (i === 0 ? CELL_PAD_Y + 1 : 0),
    paddingBottom: (i, node) => (i === node.table.body.length - 1 ? CELL_PAD_Y + 1 : CELL_PAD_Y),
    fillColor: () => fill,
  };
}

/** Layout of the outer one-column table: invisible, no padding. */
const OUTER_LAYOUT: CustomTableLayout = {
  hLineWidth: () => 0,
  vLineWidth: () => 0,
  paddingLeft: () => 0,
  paddingRight: () => 0,
  paddingTop: () => 0,
  paddingBottom: () => 0,
};

function headerTable(): Content {
  return {
    table: { widths: TABLE_WIDTHS, body: [TABLE_HEADERS.map((h) => ({ text: h, bold: true }))] },
    layout: innerLayout(HEADER_FILL, true, { width: 0.75, color: RULE }),
  };
}

function caseCells(c: CaseView): TableCell[] {
  const mangler: Content =
    c.mangler.length === 0 ? { text: 'Ingen' } : { stack: c.mangler.map((m) => ({ text: `${m.label}: ${m.betydning}` })) };
  const regler: Content =
    c.regler.length === 0 ? { text: 'Ingen' } : { stack: c.regler.map((r) => ({ text: `${r.label}: ${r.vurdering}` })) };
  return [
    { text: c.sagsnummer, bold: true },
    { stack: [{ text: c.afgoerelsesdatoTekst }, { text: c.afgoerelse, color: MUTED }] },
    { text: c.overholder },
    mangler,
    regler,
  ];
}

function bemaerkningCell(text: string): TableCell[] {
  return [
    {
      colSpan: 5,
      preserveLeadingSpaces: true,
      text: [{ text: 'Bemærkning: ', bold: true }, { text }],
    },
    {},
    {},
    {},
    {},
  ];
}

/** Upper bound of a glyph's advance in Roboto (Regular and Medium), in em.
 *  Measured: capitals, "@", "%", "m", "w", "æ", "œ" are up to 0.96 em, every other
 *  Latin character at most 0.62 em; Danish prose averages 0.45 em. */
function charWidthEm(ch: string): number {
  if (ch !== ch.toLowerCase() || /[@%&~mwæœ¤©®¼½¾ĳŵ]/.test(ch) || (ch.codePointAt(0) ?? 0) > 0x24f) return 1;
  return 0.65;
}

/** Conservative (i.e. high) estimate of the number of lines `text` needs in `width` points. */
function estimateLines(text: string, width: number): number {
  const usable = Math.max(1, width * 0.85); // word wrapping wastes part of each line
  return text.split('\n').reduce((n, part) => {
    let w = 0;
    for (const ch of part) w += charWidthEm(ch) * TABLE_SIZE;
    return n + Math.max(1, Math.ceil(w / usable));
  }, 0);
}

/** Conservative estimate of a case's height in points (main row + bemærkning). */
function estimateCaseHeight(c: CaseView, tableWidth: number): number {
  const line = TABLE_SIZE * TABLE_LINE_HEIGHT * 1.25; // Roboto's line box is ~1.17 em
  const manglerWidth = tableWidth - 10 * CELL_PAD_X - COL.sagsnr - COL.dato - COL.overholder - COL.regler;
  const main = Math.max(
    estimateLines(c.sagsnummer, COL.sagsnr),
    estimateLines(c.afgoerelsesdatoTekst, COL.dato) + estimateLines(c.afgoerelse, COL.dato),
    estimateLines(c.overholder, COL.overholder),
    c.mangler.reduce((n, m) => n + estimateLines(`${m.label}: ${m.betydning}`, manglerWidth), 0),
    c.regler.reduce((n, r) => n + estimateLines(`${r.label}: ${r.vurdering}`, COL.regler), 0),
  );
  const remark = c.bemaerkning ? estimateLines(`Bemærkning: ${c.bemaerkning}`, tableWidth - 2 * CELL_PAD_X) : 0;
  return (main + remark) * line + 4 * CELL_PAD_Y + 4;
}

function oversigt(model: LetterModel, contentWidth: number): Content {
  // Room for one case: the page body minus the repeated header row (estimated
  // generously at five wrapped lines).
  const headerHeight = 5 * TABLE_SIZE * TABLE_LINE_HEIGHT * 1.2 + 2 * CELL_PAD_Y + 4;
  const room = A4_HEIGHT - PAGE_MARGINS[1] - PAGE_MARGINS[3] - headerHeight;
  const rows: TableCell[][] = [[headerTable()]];
  model.sager.forEach((c, i) => {
    const body: TableCell[][] = [caseCells(c)];
    if (c.bemaerkning !== undefined && c.bemaerkning !== '') body.push(bemaerkningCell(c.bemaerkning));
    const fits = estimateCaseHeight(c, contentWidth) <= room;
    rows.push([
      {
        table: { widths: TABLE_WIDTHS, body },
        layout: innerLayout(i % 2 === 1 ? ZEBRA_FILL : null, false, { width: 0.5, color: LIGHT_RULE }),
        ...(fits ? { unbreakable: true } : {}),
      },
    ]);
  });
  return {
    table: { widths: ['*'], headerRows: 1, body: rows },
    layout: OUTER_LAYOUT,
    fontSize: TABLE_SIZE,
    lineHeight: TABLE_LINE_HEIGHT,
    margin: [0, 2, 0, 12],
  };
}

// ---------------------------------------------------------------------------
// Nøgle: the key to the rules.

function keyEntry(e: RuleKeyEntry): Content {
  const gaelder = e.gaelderForTekst?.trim();
  const parts: Content[] = [
    { text: [{ text: e.label, bold: true }, { text: ` (${e.hjemmel})`, color: MUTED }] },
    { text: e.forklaring },
  ];
  if (gaelder) parts.push({ text: `Gælder ${gaelder}${/[.!?]$/.test(gaelder) ? '' : '.'}`, italics: true });
  const length = e.label.length + e.hjemmel.length + e.forklaring.length + (gaelder?.length ?? 0);
  return { stack: parts, margin: [0, 0, 0, 7], ...(length <= KEEP_WITH_NEXT_LIMIT ? { unbreakable: true } : {}) };
}

/** The key as a list of chunks; the first chunk can be kept with a preceding heading. */
function noegle(model: LetterModel): Content[] {
  const chunks: Content[] = [];
  const section = (title: string, entries: RuleKeyEntry[]) => {
    if (entries.length === 0) return;
    const [first, ...rest] = entries.map(keyEntry);
    const sub: Content = { text: title, fontSize: BODY_SIZE, bold: true, margin: [0, 6, 0, 4] };
    chunks.push({ stack: [sub, first ?? ''], unbreakable: true }, ...rest);
  };
  section('Retlige mangler', model.noegle.retligeMangler);
  section('Sagsbehandlingsregler', model.noegle.sagsbehandlingsregler);
  return chunks.map((c) => ({ stack: [c], fontSize: 10 }));
}

// ---------------------------------------------------------------------------
// The document.

function bodyContent(model: LetterModel, contentWidth: number): Content[] {
  const out: Content[] = [];
  const blocks = model.body;
  const render = (b: TextBlock): Content[] => {
    switch (b.type) {
      case 'heading':
        return [heading(b, out.length === 0)];
      case 'paragraph':
        return [paragraph(b.text)];
      case 'list':
        return [list(b.items)];
      case 'oversigt':
        return [oversigt(model, contentWidth)];
      case 'noegle':
        return noegle(model);
    }
  };

  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    if (!b) continue;
    if (b.type !== 'heading') {
      out.push(...render(b));
      continue;
    }
    // A run of headings is kept with what follows it.
    const run: Content[] = [];
    let j = i;
    for (; j < blocks.length; j++) {
      const h = blocks[j];
      if (h?.type !== 'heading') break;
      run.push(heading(h, out.length === 0 && run.length === 0));
    }
    i = j - 1;
    const next = blocks[j];
    if (next?.type === 'oversigt') {
      // The oversigt is an annex: it starts on a new page with its heading.
      out.push({ stack: run, ...(out.length > 0 ? { pageBreak: 'before' as const } : {}) });
    } else if (next?.type === 'noegle') {
      const [first, ...rest] = noegle(model);
      out.push({ stack: [...run, ...(first ? [first] : [])], unbreakable: true }, ...rest);
      i = j;
    } else if (next && blockLength(next) <= KEEP_WITH_NEXT_LIMIT) {
      out.push({ stack: [...run, ...render(next)], unbreakable: true });
      i = j;
    } else {
      out.push({ stack: run, unbreakable: true });
    }
  }
  return out;
}

function pdfDate(isoDate: string): Date {
  // The same instant as the e-mail's Date header (08:00 UTC on the letter's date).
  const d = new Date(`${isoDate}T08:00:00Z`);
  if (Number.isNaN(d.getTime())) throw new Error(`Ugyldig brevdato: ${isoDate}`);
  return d;
}

/** Metadata is not drawn, so any character may stay, except control characters (not allowed in XMP). */
function metadataText(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

/** The pdfmake document for a letter. All printed text is made printable with
 *  the letter font; the metadata keeps the model's strings. */
function letterDocument(original: LetterModel): TDocumentDefinitions {
  const model = printableDeep(original, ensureFonts());
  const date = pdfDate(model.brevdato);
  const contentWidth = A4_WIDTH - PAGE_MARGINS[0] - PAGE_MARGINS[2];
  const { pdf } = original;
  return {
    pageSize: 'A4',
    pageMargins: PAGE_MARGINS,
    version: '1.4',
    subset: 'PDF/A-1b',
    language: metadataText(pdf.language),
    displayTitle: true,
    info: {
      title: metadataText(pdf.title),
      author: metadataText(pdf.author),
      subject: metadataText(pdf.subject),
      ...(pdf.keywords ? { keywords: metadataText(pdf.keywords) } : {}),
      creator: 'kommunebrev',
      producer: 'kommunebrev (pdfmake)',
      creationDate: date,
      modDate: date,
    },
    defaultStyle: { font: 'Roboto', fontSize: BODY_SIZE, lineHeight: 1.2, color: TEXT },
    footer: footer(model),
    content: [...letterhead(model), ...bodyContent(model, contentWidth)],
  };
}

// ---------------------------------------------------------------------------
// XMP metadata. pdfkit writes the info strings into the XMP packet without
// XML escaping, so a title with "&" or "<" makes the metadata unparseable
// (and the file invalid PDF/A). The info dictionary itself is written before
// the XMP packet, so only the XMP copy is escaped.

interface PdfKitInternals {
  info: Record<string, unknown>;
  _addInfo?: (this: PdfKitInternals) => void;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeXmpInfo(kit: PdfKitInternals): void {
  const original = kit._addInfo;
  if (typeof original !== 'function') {
    if (Object.values(kit.info).some((v) => typeof v === 'string' && /[&<>]/.test(v))) {
      throw new Error('PDF-metadata indeholder &, < eller >, og pdfkit-versionen kan ikke escape dem i XMP (pdfkit._addInfo mangler).');
    }
    return;
  }
  kit._addInfo = function (this: PdfKitInternals) {
    const info = this.info;
    this.info = Object.fromEntries(Object.entries(info).map(([k, v]) => [k, typeof v === 'string' ? escapeXml(v) : v]));
    try {
      original.call(this);
    } finally {
      this.info = info;
    }
  };
}

/** Renders one letter as a PDF/A-1b document. Deterministic: same model, same bytes. */
export async function renderLetterPdf(model: LetterModel): Promise<Buffer> {
  const created = pdfmake.createPdf(letterDocument(model));
  escapeXmpInfo((await created.getStream()) as unknown as PdfKitInternals);
  return created.getBuffer();
}
