// The PDF renderer: LetterModel -> PDF/A-1b bytes, via pdfmake 0.3 (pdfkit).
//
// Pure apart from reading the four Roboto font files once (they are cached in
// pdfmake's virtual file system). No clock: every date in the PDF comes from
// model.brevdato, and pdfkit derives the document ID from the info dictionary,
// so the same model always renders to the same bytes.
//
// Parts: pdf-fonts (the fonts, shared per process), pdf-text (printable
// text), pdf-style (design constants), pdf-oversigt (the per-case table).
import { resolve, sep } from 'node:path';
import pdfmake from 'pdfmake';
import type { Content, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import type { LetterModel, RuleKeyEntry, TextBlock } from '../../core/types.js';
import { FONT_DIR, FONT_FILES, fontCoverage, fontData, shareFontsAcrossDocuments } from './pdf-fonts.js';
import { textWidth } from './pdf-text-width.js';
import { installDeflateCache } from './pdf-deflate.js';
import { oversigt } from './pdf-oversigt.js';
import { installLinearLineBreaking } from './pdfmake-lines.js';
import { assertOneCopy } from './pdfmake-one-copy.js';
import { installStyleLookups } from './pdfmake-styles.js';
import { installBatchedWrites } from './pdfkit-writes.js';
import { installRepeatMemos } from './pdfkit-repeats.js';
import {
  A4_WIDTH,
  BODY_SIZE,
  KEEP_WITH_NEXT_LIMIT,
  MUTED,
  PAGE_MARGINS,
  RULE,
  SENDER_WIDTH,
  SHORT_PARAGRAPH,
  TEXT,
} from './pdf-style.js';
import { flowText, inlineText, printableDeep, webLink, type TextPiece } from './pdf-text.js';

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
    installLinearLineBreaking();
    installStyleLookups();
    installDeflateCache(); // before installBatchedWrites: it wraps pdfkit's own finalize
    installBatchedWrites();
    installRepeatMemos();
    fontsReady = true;
  }
  return fontCoverage();
}

/** Loads the fonts now instead of at the first letter (for a worker that is about to get letters). */
export function prepareRenderer(): void {
  ensureFonts();
}

// ---------------------------------------------------------------------------
// Letterhead and footer.

const CONTENT_WIDTH = A4_WIDTH - PAGE_MARGINS[0] - PAGE_MARGINS[2];
const KEY_SIZE = 10;

/** pdfmake's text value for `text` in a column `width` points wide (links, breakable long tokens). */
function flow(text: string, width: number, size: number, bold = false): string | Content {
  return flowText(text, { width, size, bold }) as string | TextPiece[] as string | Content;
}

/** Width of the recipient column of the letterhead (it has a 12 pt gap before the sender block). */
const RECIPIENT_WIDTH = A4_WIDTH - PAGE_MARGINS[0] - PAGE_MARGINS[2] - SENDER_WIDTH - 12;
const SENDER_SIZE = 8.5;

/** The sender's web address, a link even without "https://" in front (issue 8 point 6). */
function webLine(address: string): Content {
  const href = webLink(address);
  if (!href) return { text: flow(address, SENDER_WIDTH, SENDER_SIZE) };
  const whole = textWidth(address, SENDER_SIZE, false) <= SENDER_WIDTH * 0.95;
  return { text: address, link: href, ...(whole ? { noWrap: true } : { wordBreak: 'break-all' }) } as Content;
}

function letterhead(model: LetterModel): Content[] {
  const a = model.afsender;
  const k = model.kommune;
  const senderLines: Content[] = [
    ...a.adresse.map((line) => ({ text: flow(line, SENDER_WIDTH, SENDER_SIZE) })),
    { text: flow(`Telefon ${a.telefon}`, SENDER_WIDTH, SENDER_SIZE), margin: [0, 4, 0, 0] },
    { text: flow(a.email, SENDER_WIDTH, SENDER_SIZE) },
    ...(a.web ? [webLine(a.web)] : []),
  ];
  return [
    {
      columns: [
        {
          width: '*',
          margin: [0, 58, 12, 0],
          stack: [
            { text: flow(k.navn, RECIPIENT_WIDTH, BODY_SIZE, true), bold: true },
            ...(k.adresse ? [{ text: flow(k.adresse, RECIPIENT_WIDTH, BODY_SIZE) }] : []),
            { text: flow(`${k.postnummer} ${k.by}`.trim(), RECIPIENT_WIDTH, BODY_SIZE) },
          ],
        },
        {
          width: SENDER_WIDTH,
          stack: [
            { text: flow(a.myndighed, SENDER_WIDTH * 0.9, 18, true), fontSize: 18, bold: true, characterSpacing: 0.2 },
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
      { text: flow(left, CONTENT_WIDTH - 70, 8), width: '*' },
      { text: `Side ${currentPage} af ${pageCount}`, width: 'auto', alignment: 'right' },
    ],
  });
}

// ---------------------------------------------------------------------------
// Body text.

function heading(block: Extract<TextBlock, { type: 'heading' }>, first: boolean): Content {
  return block.level === 1
    ? {
        text: flow(block.text, CONTENT_WIDTH, 14, true),
        fontSize: 14,
        bold: true,
        lineHeight: 1.15,
        margin: [0, first ? 0 : 14, 0, 10],
      }
    : {
        text: flow(block.text, CONTENT_WIDTH, 11.5, true),
        fontSize: 11.5,
        bold: true,
        lineHeight: 1.15,
        margin: [0, first ? 0 : 10, 0, 5],
      };
}

function paragraph(text: string): Content {
  return {
    text: flow(text, CONTENT_WIDTH, BODY_SIZE),
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
          { text: flow(text, CONTENT_WIDTH - 18, BODY_SIZE), width: '*' },
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
// Nøgle: the key to the rules.

function keyEntry(e: RuleKeyEntry): Content {
  const gaelder = e.gaelderForTekst?.trim();
  const parts: Content[] = [
    {
      text: [
        ...inlineText(e.label, { width: CONTENT_WIDTH, size: KEY_SIZE, bold: true }, { bold: true }),
        ...inlineText(` (${e.hjemmel})`, { width: CONTENT_WIDTH, size: KEY_SIZE }, { color: MUTED }),
      ] as unknown as Content[],
    },
    { text: flow(e.forklaring, CONTENT_WIDTH, KEY_SIZE) },
  ];
  if (gaelder)
    parts.push({
      text: flow(`Gælder ${gaelder}${/[.!?]$/.test(gaelder) ? '' : '.'}`, CONTENT_WIDTH, KEY_SIZE),
      italics: true,
    });
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
  return chunks.map((c) => ({ stack: [c], fontSize: KEY_SIZE }));
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
      throw new Error(
        'PDF-metadata indeholder &, < eller >, og pdfkit-versionen kan ikke escape dem i XMP (pdfkit._addInfo mangler).',
      );
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

/** Whether the first letter showed that the hooks reach pdfmake's own modules (pdfmake-one-copy.ts). */
let oneCopyChecked = false;

/** Renders one letter as a PDF/A-1b document. Deterministic: same model, same bytes. */
export async function renderLetterPdf(model: LetterModel): Promise<Buffer> {
  const created = pdfmake.createPdf(letterDocument(model));
  const doc = (await created.getStream()) as unknown as PdfKitInternals;
  if (!oneCopyChecked) {
    assertOneCopy(doc);
    oneCopyChecked = true;
  }
  escapeXmpInfo(doc);
  return created.getBuffer();
}
