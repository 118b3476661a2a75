// The oversigt: the per-case table of a letter.
//
// pdfmake's `dontBreakRows` keeps only the first page of a row that is taller
// than a page and silently drops the rest. So the oversigt is an outer
// one-column table whose header row and case rows are each a nested
// five-column table with identical widths; each case is marked `unbreakable`
// (kept whole on one page, header repeated on every page) unless a
// conservative estimate says it may not fit on a page, in which case it is
// allowed to flow across pages so that nothing is lost.
import type { Content, CustomTableLayout, TableCell } from 'pdfmake/interfaces.js';
import type { CaseView, LetterModel } from '../../core/types.js';
import { flowText, inlineText } from './pdf-text.js';
import {
  A4_HEIGHT,
  CELL_PAD_X,
  CELL_PAD_Y,
  COL,
  HEADER_FILL,
  LIGHT_RULE,
  MUTED,
  PAGE_MARGINS,
  RULE,
  TABLE_HEADERS,
  TABLE_LINE_HEIGHT,
  TABLE_SIZE,
  TABLE_WIDTHS,
  ZEBRA_FILL,
} from './pdf-style.js';

/** Layout of the nested five-column tables (header and one per case). */
function innerLayout(
  fill: string | null,
  lineAbove: boolean,
  lineBelow: { width: number; color: string },
): CustomTableLayout {
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

/** Cell text in a column `width` points wide: links and breakable long tokens (pdf-text.ts). */
function cell(text: string, width: number, bold = false): Content {
  return flowText(text, { width, size: TABLE_SIZE, bold }) as unknown as Content;
}

function manglerWidth(tableWidth: number): number {
  return tableWidth - 10 * CELL_PAD_X - COL.sagsnr - COL.dato - COL.overholder - COL.regler;
}

function caseCells(c: CaseView, tableWidth: number): TableCell[] {
  const mangler: Content =
    c.mangler.length === 0
      ? { text: 'Ingen' }
      : { stack: c.mangler.map((m) => ({ text: cell(`${m.label}: ${m.betydning}`, manglerWidth(tableWidth)) })) };
  const regler: Content =
    c.regler.length === 0
      ? { text: 'Ingen' }
      : { stack: c.regler.map((r) => ({ text: cell(`${r.label}: ${r.vurdering}`, COL.regler) })) };
  return [
    { text: cell(c.sagsnummer, COL.sagsnr, true), bold: true },
    { stack: [{ text: cell(c.afgoerelsesdatoTekst, COL.dato) }, { text: cell(c.afgoerelse, COL.dato), color: MUTED }] },
    { text: cell(c.overholder, COL.overholder) },
    mangler,
    regler,
  ];
}

function bemaerkningCell(text: string, tableWidth: number): TableCell[] {
  return [
    {
      colSpan: 5,
      preserveLeadingSpaces: true,
      text: [
        { text: 'Bemærkning: ', bold: true },
        ...inlineText(text, { width: tableWidth - 2 * CELL_PAD_X, size: TABLE_SIZE }),
      ] as unknown as Content[],
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
  const main = Math.max(
    estimateLines(c.sagsnummer, COL.sagsnr),
    estimateLines(c.afgoerelsesdatoTekst, COL.dato) + estimateLines(c.afgoerelse, COL.dato),
    estimateLines(c.overholder, COL.overholder),
    c.mangler.reduce((n, m) => n + estimateLines(`${m.label}: ${m.betydning}`, manglerWidth(tableWidth)), 0),
    c.regler.reduce((n, r) => n + estimateLines(`${r.label}: ${r.vurdering}`, COL.regler), 0),
  );
  const remark = c.bemaerkning ? estimateLines(`Bemærkning: ${c.bemaerkning}`, tableWidth - 2 * CELL_PAD_X) : 0;
  return (main + remark) * line + 4 * CELL_PAD_Y + 4;
}

export function oversigt(model: LetterModel, contentWidth: number): Content {
  // Room for one case: the page body minus the repeated header row (estimated
  // generously at five wrapped lines).
  const headerHeight = 5 * TABLE_SIZE * TABLE_LINE_HEIGHT * 1.2 + 2 * CELL_PAD_Y + 4;
  const room = A4_HEIGHT - PAGE_MARGINS[1] - PAGE_MARGINS[3] - headerHeight;
  const rows: TableCell[][] = [[headerTable()]];
  model.sager.forEach((c, i) => {
    const body: TableCell[][] = [caseCells(c, contentWidth)];
    if (c.bemaerkning !== undefined && c.bemaerkning !== '') body.push(bemaerkningCell(c.bemaerkning, contentWidth));
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
