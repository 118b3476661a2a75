// CSV text -> RawTable. Pure: the adapter reads and decodes the bytes.
// csv-parse does the RFC 4180 work (quotes, doubled quotes, line breaks in
// fields); we only pick the delimiter and number rows as a spreadsheet does.
import { parse } from 'csv-parse/sync';
import { detectWideEncoding, wideEncodingMessage } from './detect-encoding.js';
import { mapHeaderRow } from './table-source.js';
import type { Problem, RawTable } from '../types.js';

export interface DecodedText {
  /** Undefined when the file cannot be read as text at all (UTF-16/UTF-32). */
  text?: string;
  problems: Problem[];
}

/** UTF-8 with or without BOM. Excel's plain "CSV" format writes Windows-1252;
 *  we read that too but say so, because the user may not know. UTF-16 and
 *  UTF-32 are named, with how to save as UTF-8, and not read. */
export function decodeCsvBytes(bytes: Uint8Array, file: string): DecodedText {
  const wide = detectWideEncoding(bytes);
  if (wide)
    return {
      problems: [{ code: 'wide-encoding', severity: 'error', file, message: wideEncodingMessage(wide, 'csv') }],
    };
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    return { text, problems: [] };
  } catch {
    const text = new TextDecoder('windows-1252').decode(bytes);
    return {
      text,
      problems: [
        {
          code: 'not-utf8',
          severity: 'warning',
          file,
          message:
            'Filen er ikke gemt som UTF-8 og er læst som Windows-1252 (Excels "CSV"-format). Kontrollér at æ, ø og å ser rigtige ud, eller gem som "CSV UTF-8".',
        },
      ],
    };
  }
}

/** Picks ";" or "," by counting them in the header line (outside quotes). */
export function detectDelimiter(text: string): ';' | ',' {
  const firstLine = text.replace(/^\ufeff/, '').split(/\r\n|\n|\r/, 1)[0] ?? '';
  const unquoted = firstLine.replace(/"[^"]*"/g, '');
  const semis = (unquoted.match(/;/g) ?? []).length;
  const commas = (unquoted.match(/,/g) ?? []).length;
  return commas > semis ? ',' : ';';
}

export interface ParsedCsv {
  table?: RawTable;
  problems: Problem[];
}

export function parseCsv(text: string, file: string): ParsedCsv {
  const problems: Problem[] = [];
  let records: string[][];
  try {
    records = parse(text, {
      delimiter: detectDelimiter(text),
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
    }) as string[][];
  } catch (err) {
    const e = err as { code?: string; message?: string; records?: number; lines?: number };
    const reason =
      e.code === 'CSV_QUOTE_NOT_CLOSED'
        ? 'Et anførselstegn (") åbner et felt, men lukker det aldrig. Filen kan ikke læses længere end hertil.'
        : `Filen kan ikke læses som CSV (${e.code ?? 'ukendt fejl'}).`;
    problems.push({
      code: 'csv-syntax',
      severity: 'error',
      file,
      ...(e.records !== undefined ? { row: e.records + 1 } : {}),
      message: reason,
    });
    return { problems };
  }

  const headerRecord = records[0];
  if (!headerRecord || headerRecord.every((h) => h.trim() === '')) {
    problems.push({
      code: 'empty-file',
      severity: 'error',
      file,
      message: 'Filen er tom eller mangler overskriftsrækken.',
    });
    return { problems };
  }

  const { headers, keys, problems: headerProblems } = mapHeaderRow(headerRecord, () => ({ file, row: 1 }));
  problems.push(...headerProblems);

  const rows: RawTable['rows'] = [];
  records.slice(1).forEach((record, i) => {
    const row = i + 2;
    // Excel leaves empty lines and lines of bare separators; a spreadsheet shows
    // them as empty rows, so they count for numbering but hold no data.
    if (record.every((c) => c.trim() === '')) return;
    const cells: Record<string, string> = {};
    keys.forEach((key, j) => {
      if (key !== undefined) cells[key] = record[j] ?? '';
    });
    // The field count is checked in validation (validate-structure.ts), which
    // knows which columns are optional.
    const extra = record.slice(headerRecord.length).some((c) => c.trim() !== '');
    rows.push({ row, cells, fields: record.length, ...(extra ? { extra } : {}) });
  });

  return { table: { file, headers, rows, columns: keys }, problems };
}
