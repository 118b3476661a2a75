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

/**
 * The records of `text` for the plain, common case, or undefined to leave the
 * text to csv-parse. Why: csv-parse reads character by character and is slow
 * before V8 has optimised it: ~20 ms for the example's 386 rows in a fresh
 * process, against ~1 ms here (issue 11, start-up of check and render).
 *
 * It follows csv-parse with the options parseCsv gives it (tested against it
 * on the example files and on many random texts, test/parse-csv-fast.test.ts):
 * the line end is the first one met outside quotes (CRLF, LF or CR) and ends
 * every record from then on; a final line end adds no record, an empty line is
 * a record of one empty field; a field is either without quotes or quoted from
 * start to end, with quotes doubled and any line breaks inside. Anything else
 * (a quote inside an unquoted field, text after a closing quote, another line
 * end outside quotes, an unclosed quote) is left to csv-parse, which also words
 * the errors.
 */
export function parsePlainCsvRecords(text: string, delimiter: ';' | ','): string[][] | undefined {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body === '') return [];
  let lineEnd: string | undefined;
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  for (;;) {
    if (body.charCodeAt(i) === 0x22) {
      let field = '';
      let from = i + 1;
      for (;;) {
        const q = body.indexOf('"', from);
        if (q < 0) return undefined;
        if (body.charCodeAt(q + 1) === 0x22) {
          field += body.slice(from, q + 1);
          from = q + 2;
          continue;
        }
        field += body.slice(from, q);
        i = q + 1;
        break;
      }
      record.push(field);
    } else {
      const end = fieldEnd(body, i, delimiter);
      const field = body.slice(i, end);
      if (field.includes('"')) return undefined;
      record.push(field);
      i = end;
    }
    if (i === body.length) {
      records.push(record);
      return records;
    }
    if (body.charCodeAt(i) === delimiter.charCodeAt(0)) {
      i += 1;
      continue;
    }
    const c = body.charAt(i);
    if (c !== '\n' && c !== '\r') return undefined;
    lineEnd ??= body.startsWith('\r\n', i) ? '\r\n' : c;
    if (!body.startsWith(lineEnd, i)) return undefined;
    records.push(record);
    record = [];
    i += lineEnd.length;
    if (i === body.length) return records;
  }
}

/** Where an unquoted field starting at `from` ends: the next delimiter, CR or LF, or the end. */
function fieldEnd(body: string, from: number, delimiter: string): number {
  for (let j = from; j < body.length; j++) {
    const c = body[j];
    if (c === delimiter || c === '\n' || c === '\r') return j;
  }
  return body.length;
}

export interface ParsedCsv {
  table?: RawTable;
  problems: Problem[];
}

export function parseCsv(text: string, file: string): ParsedCsv {
  const problems: Problem[] = [];
  let records: string[][];
  const delimiter = detectDelimiter(text);
  try {
    records =
      parsePlainCsvRecords(text, delimiter) ??
      (parse(text, {
        delimiter,
        bom: true,
        relax_column_count: true,
        relax_quotes: true,
        skip_empty_lines: false,
      }) as string[][]);
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
