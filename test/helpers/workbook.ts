// Writing workbooks (.xlsx, .ods) as a spreadsheet program saves them, with
// the same library the reader uses (SheetJS): real date cells, numbers as
// numbers, text as shared strings. Used by tests and by
// scripts/generate-example-data.ts for the example workbook pair.
import * as XLSX from '@e965/xlsx';

const DAY_MS = 86_400_000;

/** ISO or dd-mm-yyyy date -> the serial number a date cell holds (1900 or 1904 date system). */
export function dateSerial(text: string, date1904 = false): number | undefined {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const dmy = /^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$/.exec(text);
  const [y, m, d] = iso ? [iso[1], iso[2], iso[3]] : dmy ? [dmy[3], dmy[2], dmy[1]] : [];
  if (y === undefined) return undefined;
  const ms = Date.UTC(Number(y), Number(m) - 1, Number(d));
  // Valid from 1 March 1900 on, past the 1900 system's phantom 29 February.
  return (ms - (date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, 30))) / DAY_MS;
}

export interface SheetSpec {
  name: string;
  /** Header first; every value as text, as in the CSV files. */
  records: readonly (readonly string[])[];
  /** Columns (by header) whose values become real date cells. */
  dateColumns?: readonly string[];
  /** Columns (by header) whose digit-only values become number cells (leading zeros go, as in Excel). */
  numberColumns?: readonly string[];
  /** Number format of the date cells (default Danish "dd-mm-yyyy"). */
  dateFormat?: string;
}

/** A worksheet from text records, typed as a person typing into Excel would get them. */
export function sheetFromRecords(spec: SheetSpec, date1904 = false): XLSX.WorkSheet {
  const [header = [], ...rows] = spec.records;
  const dateCols = new Set((spec.dateColumns ?? []).map((c) => header.indexOf(c)));
  const numberCols = new Set((spec.numberColumns ?? []).map((c) => header.indexOf(c)));
  const aoa: (XLSX.CellObject | null)[][] = [header.map((h) => ({ t: 's', v: h }))];
  for (const row of rows) {
    aoa.push(
      row.map((text, c): XLSX.CellObject | null => {
        if (text === '') return null;
        const serial = dateCols.has(c) ? dateSerial(text, date1904) : undefined;
        if (serial !== undefined) return { t: 'n', v: serial, z: spec.dateFormat ?? 'dd-mm-yyyy' };
        if (numberCols.has(c) && /^\d+$/.test(text)) return { t: 'n', v: Number(text) };
        return { t: 's', v: text };
      }),
    );
  }
  const ws = XLSX.utils.aoa_to_sheet(aoa);
  ws['!cols'] = header.map((_, c) => ({
    wch: Math.min(40, Math.max(8, ...spec.records.map((r) => (r[c] ?? '').length))),
  }));
  return ws;
}

/** A workbook's bytes from named worksheets (the first is the first tab). */
export function workbookBytes(
  sheets: readonly { name: string; sheet: XLSX.WorkSheet }[],
  opts: { bookType?: 'xlsx' | 'ods'; date1904?: boolean } = {},
): Buffer {
  const wb = XLSX.utils.book_new();
  for (const { name, sheet } of sheets) XLSX.utils.book_append_sheet(wb, sheet, name);
  if (opts.date1904) wb.Workbook = { ...wb.Workbook, WBProps: { date1904: true } };
  return XLSX.write(wb, { type: 'buffer', bookType: opts.bookType ?? 'xlsx', compression: true }) as Buffer;
}

/** One-sheet workbook from text records. */
export function recordsToWorkbook(
  spec: SheetSpec,
  opts: { bookType?: 'xlsx' | 'ods'; date1904?: boolean } = {},
): Buffer {
  return workbookBytes([{ name: spec.name, sheet: sheetFromRecords(spec, opts.date1904) }], opts);
}

/** Rewrites the XML of the first worksheet of an .xlsx, to make files that
 *  other programs write but SheetJS's writer does not (e.g. a formula with no
 *  saved result, as written by tools that do not calculate). */
export function editFirstSheetXml(bytes: Buffer, edit: (xml: string) => string): Buffer {
  const zip = XLSX.CFB.read(bytes, { type: 'buffer' });
  const path = '/xl/worksheets/sheet1.xml';
  const entry = XLSX.CFB.find(zip, path);
  if (!entry?.content) throw new Error('no first worksheet');
  const xml = edit(Buffer.from(entry.content as Uint8Array).toString('utf8'));
  XLSX.CFB.utils.cfb_del(zip, path);
  XLSX.CFB.utils.cfb_add(zip, path, Buffer.from(xml, 'utf8'));
  return XLSX.CFB.write(zip, { type: 'buffer', fileType: 'zip' }) as Buffer;
}
