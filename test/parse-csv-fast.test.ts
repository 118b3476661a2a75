// parsePlainCsvRecords (src/core/letters/parse-csv.ts) is a fast path for the
// plain CSV most files are; whatever it returns must be exactly what
// csv-parse returns with the options parseCsv gives it, and it must leave
// everything else to csv-parse (undefined).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { detectDelimiter, parsePlainCsvRecords } from '../src/core/letters/parse-csv.js';
import { EXAMPLE_DATA } from './helpers/cli.js';
import { random } from './helpers/random.js';

function csvParse(text: string, delimiter: ';' | ','): string[][] | string {
  try {
    return parse(text, {
      delimiter,
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
    }) as string[][];
  } catch (err) {
    return (err as { code?: string }).code ?? 'error';
  }
}

describe('parsePlainCsvRecords', () => {
  it.each(['sager.csv', 'kommuner.csv'])("reads the example %s itself, with csv-parse's records", (file) => {
    const text = readFileSync(join(EXAMPLE_DATA, file), 'utf8');
    const records = parsePlainCsvRecords(text, detectDelimiter(text));
    expect(records).toBeDefined();
    expect(records).toEqual(csvParse(text, detectDelimiter(text)));
  });

  it.each([
    ['an empty text', '', []],
    ['a BOM only', '\ufeff', []],
    ['one line end', '\n', [['']]],
    ['a final line end adds no record', 'a;b\n', [['a', 'b']]],
    ['an empty line is one empty field', 'a;b\n\nc;d', [['a', 'b'], [''], ['c', 'd']]],
    [
      'CRLF',
      'a;b\r\nc;d\r\n',
      [
        ['a', 'b'],
        ['c', 'd'],
      ],
    ],
    ['quoted fields, doubled quotes, the delimiter inside', '"a;1";"b""c";""\n', [['a;1', 'b"c', '']]],
    ['an empty last field', 'a;', [['a', '']]],
    ['comma-separated', 'a,"b,c"\n', [['a', 'b,c']]],
    [
      'line breaks inside quotes (Excel: CRLF between records, LF in a cell)',
      'a;"b\nc\r\nd"\r\ne\r\n',
      [['a', 'b\nc\r\nd'], ['e']],
    ],
    ['old Mac line ends', 'x\ry\r', [['x'], ['y']]],
  ])('%s', (_what, text, expected) => {
    const delimiter = text.includes(',') && !text.includes(';') ? ',' : ';';
    expect(parsePlainCsvRecords(text, delimiter)).toEqual(expected);
    expect(csvParse(text, delimiter)).toEqual(expected);
  });

  it.each([
    ['mixed line ends', 'a;b\r\nc\nd;e\r\n'],
    ['a quote inside an unquoted field', 'a;b"c;d'],
    ['text after a closing quote', '"a"b;c'],
    ['an unclosed quote', 'a;"b'],
    ['a second kind of line end after the first', 'a;b\nc\r\n'],
  ])('leaves %s to csv-parse', (_what, text) => {
    expect(parsePlainCsvRecords(text, ';')).toBeUndefined();
  });

  it("gives csv-parse's records for every one of 20,000 random texts it takes, and takes most plain ones", () => {
    const pieces = ['a', 'æ', ' ', ';', ',', '"', '""', '\n', '\r\n', '\r', 'bc', '\ufeff'];
    const next = random(11);
    let taken = 0;
    let plain = 0;
    for (let n = 0; n < 20_000; n++) {
      const length = Math.floor(next() * 30);
      // Half the texts without \r and stray quotes, so that the plain path is exercised often.
      const pool = n % 2 === 0 ? pieces : ['a', 'æ', ' ', ';', ',', '"x"', '"y""z"', '\n', 'bc'];
      let text = '';
      for (let k = 0; k < length; k++) text += pool[Math.floor(next() * pool.length)];
      const delimiter = n % 3 === 0 ? ',' : ';';
      const fast = parsePlainCsvRecords(text, delimiter);
      if (n % 2 === 1) plain++;
      if (fast === undefined) continue;
      taken++;
      expect(fast, JSON.stringify(text)).toEqual(csvParse(text, delimiter));
    }
    expect(taken).toBeGreaterThan(plain / 4);
  });
});
