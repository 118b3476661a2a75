// The two tables of a barometer folder (kommuner, sager) may each come as a
// CSV file or as a workbook (.xlsx, .ods). This module knows the file names
// and turns a problem found at (row, column) of a workbook table into the
// cell Excel would show ("ark Sager, celle C17"). Pure.
import { normalizeHeader } from './parse-values.js';
import type { Problem, RawTable } from '../types.js';

export type TableKind = 'kommuner' | 'sager';

/** The file kinds a table may come in, in the order they are looked for. */
export const TABLE_EXTENSIONS = ['csv', 'xlsx', 'ods'] as const;
export type TableExtension = (typeof TABLE_EXTENSIONS)[number];

/** The sheet a workbook's table is read from when the workbook has it; else the first sheet. */
export const SHEET_NAMES: Record<TableKind, string> = { kommuner: 'Kommuner', sager: 'Sager' };

export function tableFileNames(kind: TableKind): string[] {
  return TABLE_EXTENSIONS.map((ext) => `${kind}.${ext}`);
}

/** "sager.xlsx" -> "sager"; any other file -> undefined. */
export function tableKindOf(file: string): TableKind | undefined {
  const m = /^(kommuner|sager)\.(csv|xlsx|ods)$/.exec(file);
  return m ? (m[1] as TableKind) : undefined;
}

/** Column letters as Excel shows them: 0 -> "A", 25 -> "Z", 26 -> "AA". */
export function columnLetters(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** The header row -> canonical keys, per column (undefined for an empty or
 *  repeated header), and the header text as written. `at` says where column
 *  i's header stands, for the problem about a repeated column. Shared by the
 *  CSV and the workbook readers. */
export function mapHeaderRow(
  cells: readonly string[],
  at: (index: number) => Pick<Problem, 'file' | 'row' | 'sheet' | 'cell'>,
): { headers: Record<string, string>; keys: (string | undefined)[]; problems: Problem[] } {
  const headers: Record<string, string> = {};
  const problems: Problem[] = [];
  const keys = cells.map((h, i) => {
    const key = normalizeHeader(h);
    if (key === '') return undefined;
    if (headers[key] !== undefined) {
      problems.push({
        code: 'duplicate-column',
        severity: 'error',
        ...at(i),
        column: h.trim(),
        message: 'Kolonnen findes mere end én gang i overskriftsrækken.',
      });
      return undefined;
    }
    headers[key] = h.trim();
    return key;
  });
  return { headers, keys, problems };
}

/** Adds sheet and cell to every problem about a workbook table, and drops a
 *  validation finding at a cell the reader has already reported (one cell,
 *  one line). Problems about CSV files and other files pass unchanged. */
export function locateProblems(problems: readonly Problem[], tables: readonly RawTable[]): Problem[] {
  const out: Problem[] = [];
  for (const p of problems) {
    const sheet = tables.find((t) => t.file === p.file)?.sheet;
    if (!sheet || p.sheet !== undefined) {
      out.push(p);
      continue;
    }
    let cell: string | undefined;
    if (p.row !== undefined && p.column !== undefined) {
      const letters = sheet.columns[normalizeHeader(p.column)];
      // A missing column has no cell of its own; point to where it would go.
      if (letters !== undefined) cell = `${letters}${p.row}`;
      else if (p.code === 'missing-column') cell = `${sheet.nextColumn}${p.row}`;
    }
    if (cell !== undefined && sheet.reportedCells.includes(cell)) continue;
    out.push({ ...p, sheet: sheet.name, ...(cell !== undefined ? { cell } : {}) });
  }
  return out;
}
