// Workbook bytes (.xlsx, .ods) -> the same RawTable the CSV path produces, so
// validation is shared. Cells become the text a CSV export of them would hold:
// numbers as their value ("173", not a formatted "0173" or "173,00"), date
// cells as ISO dates, formulas as their cached result.
//
// Library: SheetJS Community Edition 0.20.3, installed as the npm package
// `@e965/xlsx` (an unmodified republish of SheetJS's own release, which SheetJS
// no longer puts on the npm registry). It reads .xlsx and .ods alike, has no
// dependencies, and 0.20.3 carries the fixes for both advisories against the
// registry's `xlsx` 0.18.5 (CVE-2023-30533 prototype pollution, fixed 0.19.3;
// CVE-2024-22363 ReDoS, fixed 0.20.2).
import * as XLSX from '@e965/xlsx';
import { maskCpr, normalizeHeader } from '../../core/letters/parse-values.js';
import { columnLetters, mapHeaderRow } from '../../core/letters/table-source.js';
import type { Problem, RawTable } from '../../core/types.js';

export interface ParsedWorkbook {
  table?: RawTable;
  problems: Problem[];
}

const DAY_MS = 86_400_000;

/** A date cell's serial number -> ISO date, without any time zone: the date
 *  Excel shows. In the 1900 date system (Windows Excel, LibreOffice) serial 1 is
 *  1900-01-01 and serial 60 is the 29 February 1900 that Lotus 1-2-3 invented
 *  and Excel kept (ECMA-376 Part 1, §18.17.4.1); in the 1904 system (old Mac
 *  Excel, workbookPr date1904) serial 0 is 1904-01-01. A time of day is cut off. */
export function serialToIsoDate(serial: number, date1904: boolean): string | undefined {
  if (!Number.isFinite(serial)) return undefined;
  // Round to the millisecond first: a computed serial a hair below midnight is the next day, as Excel shows it.
  const day = Math.floor(Math.round(serial * DAY_MS) / DAY_MS);
  let ms: number;
  if (date1904) {
    if (day < 0) return undefined;
    ms = Date.UTC(1904, 0, 1) + day * DAY_MS;
  } else {
    if (day < 1) return undefined;
    if (day === 60) return '1900-02-29'; // does not exist; validation says so
    ms = Date.UTC(1899, 11, day < 60 ? 31 : 30) + day * DAY_MS;
  }
  const d = new Date(ms);
  if (d.getUTCFullYear() > 9999) return undefined;
  return `${String(d.getUTCFullYear()).padStart(4, '0')}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
}

/** A number as a CSV export would write it: integers exactly, others with
 *  Excel's 15 significant digits (so a computed 0.1+0.2 reads "0.3"). */
function numberText(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(15)));
}

type CellResult = { text: string } | { text: string; problem: string };

function cellText(cell: XLSX.CellObject | undefined, date1904: boolean): CellResult {
  if (!cell) return { text: '' };
  // A formula whose result was never saved (files written by programs that do
  // not calculate) has no value to read; the reader keeps it as a stub.
  if (cell.f !== undefined && (cell.t === 'z' || cell.v === undefined)) {
    return { text: '', problem: 'Cellen har en formel uden gemt resultat. Åbn filen i regnearket og gem den igen.' };
  }
  switch (cell.t) {
    case 's':
      return { text: String(cell.v ?? '') };
    case 'n': {
      if (typeof cell.v !== 'number') return { text: '' };
      if (cell.z !== undefined && XLSX.SSF.is_date(cell.z)) {
        const iso = serialToIsoDate(cell.v, date1904);
        // A date format on a number that is no date (e.g. a time of day alone):
        // pass what the sheet shows, and let validation say it is no date.
        return { text: iso ?? cell.w ?? numberText(cell.v) };
      }
      return { text: numberText(cell.v) };
    }
    case 'b':
      return { text: cell.w ?? (cell.v ? 'TRUE' : 'FALSE') };
    case 'e':
      return {
        text: '',
        problem: `Cellen viser en fejl (${cell.w ?? '#FEJL'}) i stedet for en værdi. Ret formlen eller skriv værdien.`,
      };
    case 'd':
      // Only produced with cellDates, which we do not use; read the shown text.
      return { text: cell.w ?? '' };
    default:
      return { text: '' };
  }
}

function pickSheet(wb: XLSX.WorkBook, preferred: string): { name: string | undefined; fallback: boolean } {
  const wanted = normalizeHeader(preferred);
  const named = wb.SheetNames.find((n) => normalizeHeader(n) === wanted);
  if (named !== undefined) return { name: named, fallback: false };
  return { name: wb.SheetNames.find((n) => wb.Sheets[n]?.['!ref'] !== undefined) ?? wb.SheetNames[0], fallback: true };
}

/** Parses a workbook and turns the sheet named `preferredSheet` (any letter
 *  case), or else the first sheet, into a RawTable. The header is the first
 *  row with any value in it; rows keep the numbers the spreadsheet shows. */
export function parseWorkbook(bytes: Uint8Array, file: string, preferredSheet: string): ParsedWorkbook {
  const problems: Problem[] = [];
  let wb: XLSX.WorkBook;
  try {
    // sheetStubs: keep formula cells without a saved value, so they can be reported.
    wb = XLSX.read(bytes, {
      type: 'buffer',
      cellNF: true,
      cellDates: false,
      cellHTML: false,
      cellStyles: false,
      sheetStubs: true,
      dense: false,
    });
  } catch (err) {
    const reason = /password-protected/i.test((err as Error).message)
      ? 'Filen er beskyttet med adgangskode. Gem en kopi uden adgangskode.'
      : 'Filen kan ikke læses som regneark (.xlsx eller .ods). Åbn den i regnearket og gem den igen.';
    problems.push({ code: 'workbook-unreadable', severity: 'error', file, message: reason });
    return { problems };
  }

  const picked = pickSheet(wb, preferredSheet);
  const ws = picked.name !== undefined ? wb.Sheets[picked.name] : undefined;
  if (picked.name === undefined || !ws) {
    problems.push({ code: 'empty-file', severity: 'error', file, message: 'Regnearket har ingen ark.' });
    return { problems };
  }
  const sheet = picked.name;
  if (picked.fallback && wb.SheetNames.length > 1) {
    problems.push({
      code: 'sheet-fallback',
      severity: 'warning',
      file,
      sheet,
      message: `Regnearket har intet ark med navnet »${preferredSheet}«; det første ark, »${sheet}«, er læst, og de andre er ikke brugt.`,
    });
  }

  const date1904 = wb.Workbook?.WBProps?.date1904 === true;
  // The extent of the cells that exist, not the sheet's declared dimension,
  // which a formatted whole column can stretch to a million rows.
  let range: { s: { r: number }; e: { r: number; c: number } } | undefined;
  for (const address of Object.keys(ws)) {
    if (address.startsWith('!')) continue;
    const { r, c } = XLSX.utils.decode_cell(address);
    if (!range) range = { s: { r }, e: { r, c } };
    else {
      range.s.r = Math.min(range.s.r, r);
      range.e.r = Math.max(range.e.r, r);
      range.e.c = Math.max(range.e.c, c);
    }
  }
  const reportedCells: string[] = [];
  /** Every row of the sheet's used range as text, with the reader's own problems recorded. */
  const rowTexts: { row: number; cells: string[] }[] = [];
  if (range) {
    for (let r = range.s.r; r <= range.e.r; r++) {
      const cells: string[] = [];
      for (let c = 0; c <= range.e.c; c++) {
        const address = XLSX.utils.encode_cell({ r, c });
        const result = cellText(ws[address] as XLSX.CellObject | undefined, date1904);
        if ('problem' in result) {
          problems.push({
            code: 'cell-unreadable',
            severity: 'error',
            file,
            sheet,
            cell: address,
            row: r + 1,
            message: result.problem,
          });
          reportedCells.push(address);
        }
        cells.push(result.text);
      }
      rowTexts.push({ row: r + 1, cells });
    }
  }

  const headerIndex = rowTexts.findIndex((r) => r.cells.some((c) => c.trim() !== ''));
  const headerRow = rowTexts[headerIndex];
  if (!headerRow) {
    problems.push({
      code: 'empty-file',
      severity: 'error',
      file,
      sheet,
      message: `Arket »${sheet}« er tomt eller mangler overskriftsrækken.`,
    });
    return { problems };
  }

  const {
    headers,
    keys,
    problems: headerProblems,
  } = mapHeaderRow(headerRow.cells, (c) => ({
    file,
    sheet,
    cell: `${columnLetters(c)}${headerRow.row}`,
    row: headerRow.row,
  }));
  problems.push(...headerProblems);
  const columns: Record<string, string> = {};
  keys.forEach((key, c) => {
    if (key !== undefined) columns[key] = columnLetters(c);
  });
  const lastHeader = keys.reduce((last, k, i) => (k !== undefined ? i : last), -1);

  const rows: RawTable['rows'] = [];
  for (const { row, cells } of rowTexts.slice(headerIndex + 1)) {
    // Empty rows (also rows formatted but never filled) count but hold no data.
    if (cells.every((c) => c.trim() === '')) continue;
    const stray = cells.findIndex((c, i) => i > lastHeader && c.trim() !== '');
    if (stray >= 0) {
      const cell = `${columnLetters(stray)}${row}`;
      problems.push({
        code: 'extra-cells',
        severity: 'error',
        file,
        sheet,
        cell,
        row,
        value: maskCpr(cells[stray] ?? ''),
        message: `Cellen ${cell} har en værdi, men kolonnen har ingen overskrift i række ${headerRow.row}.`,
      });
      continue;
    }
    const values: Record<string, string> = {};
    keys.forEach((key, j) => {
      if (key !== undefined) values[key] = cells[j] ?? '';
    });
    rows.push({ row, cells: values });
  }

  return {
    table: {
      file,
      headers,
      rows,
      sheet: { name: sheet, columns, nextColumn: columnLetters(lastHeader + 1), reportedCells },
    },
    problems,
  };
}
