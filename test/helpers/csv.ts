// Reading and writing CSV in tests, so files can be mutated record by record
// and written back in either flavour (Excel: ";" + BOM + CRLF, or "," + LF).
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

export function readRecords(path: string): string[][] {
  const text = readFileSync(path, 'utf8');
  const delimiter = (text.split('\n', 1)[0] ?? '').includes(';') ? ';' : ',';
  return parse(text, { bom: true, delimiter, relax_column_count: true }) as string[][];
}

export interface Flavour {
  delimiter: ';' | ',';
  bom: boolean;
  eol: '\r\n' | '\n';
}

export const EXCEL: Flavour = { delimiter: ';', bom: true, eol: '\r\n' };
export const PLAIN: Flavour = { delimiter: ',', bom: false, eol: '\n' };

function quote(field: string, delimiter: string): string {
  return /["\r\n]/.test(field) || field.includes(delimiter) ? `"${field.replace(/"/g, '""')}"` : field;
}

export function writeRecords(path: string, records: string[][], flavour: Flavour = EXCEL): void {
  const body = records.map((r) => r.map((f) => quote(f, flavour.delimiter)).join(flavour.delimiter)).join(flavour.eol);
  writeFileSync(path, `${flavour.bom ? '\ufeff' : ''}${body}${flavour.eol}`);
}

/** Records as objects keyed by the header, with their spreadsheet row number. */
export function readRows(path: string): { row: number; cells: Record<string, string> }[] {
  const [header, ...rest] = readRecords(path);
  return rest.map((r, i) => ({ row: i + 2, cells: Object.fromEntries((header ?? []).map((h, j) => [h, r[j] ?? ''])) }));
}
