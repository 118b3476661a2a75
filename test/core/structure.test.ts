// Issue 9 points 7 and 8: UTF-16/UTF-32 named as such; structure before
// content (one error for a missing column, no cascade; a row whose field
// count differs from the header's says so with its row number).
import { describe, expect, it } from 'vitest';
import { detectWideEncoding, wideEncodingMessage } from '../../src/core/letters/detect-encoding.js';
import { decodeCsvBytes, parseCsv } from '../../src/core/letters/parse-csv.js';
import { formatProblem } from '../../src/core/problems.js';
import type { RawTable } from '../../src/core/types.js';
import { validateBarometerData } from '../../src/core/letters/validate.js';
import {
  caseRow,
  exampleBarometer,
  exampleRuleSet,
  KOMMUNE_HEADER,
  kommuneRow,
  SAGER_HEADER,
} from './table-builders.js';

const TEXT = 'kommunekode;navn\r\n173;Lyngby-Taarbæk Kommune\r\n825;Læsø Kommune\r\n';

function encode(text: string, encoding: string, bom: boolean): Uint8Array {
  const units = [...text].map((c) => c.codePointAt(0) ?? 0);
  const out: number[] = [];
  const put = (cp: number): void => {
    if (encoding === 'UTF-16LE') out.push(cp & 0xff, cp >> 8);
    else if (encoding === 'UTF-16BE') out.push(cp >> 8, cp & 0xff);
    else if (encoding === 'UTF-32LE') out.push(cp & 0xff, (cp >> 8) & 0xff, 0, 0);
    else out.push(0, 0, (cp >> 8) & 0xff, cp & 0xff);
  };
  if (bom) put(0xfeff);
  for (const cp of units) put(cp);
  return Uint8Array.from(out);
}

describe('UTF-16 and UTF-32 are named, not read as missing columns', () => {
  it.each(['UTF-16LE', 'UTF-16BE', 'UTF-32LE', 'UTF-32BE'].flatMap((e) => [[e, true] as const, [e, false] as const]))(
    '%s, BOM %s',
    (encoding, bom) => {
      const bytes = encode(TEXT, encoding, bom);
      expect(detectWideEncoding(bytes)).toEqual({ encoding, bom });
      const d = decodeCsvBytes(bytes, 'kommuner.csv');
      expect(d.text).toBeUndefined();
      expect(d.problems).toHaveLength(1);
      expect(d.problems[0]).toMatchObject({ code: 'wide-encoding', severity: 'error', file: 'kommuner.csv' });
      expect(d.problems[0]?.message).toContain(
        `Filen er gemt som ${encoding.slice(0, 6)} (${encoding.endsWith('LE') ? 'little' : 'big'} endian, ${bom ? 'med' : 'uden'} BOM)`,
      );
      expect(d.problems[0]?.message).toMatch(/CSV UTF-8/);
    },
  );

  it('UTF-8, Windows-1252 and a UTF-8 file with one stray NUL are not taken for UTF-16', () => {
    expect(detectWideEncoding(new TextEncoder().encode(TEXT))).toBeUndefined();
    expect(detectWideEncoding(Uint8Array.from([0x6e, 0x61, 0x76, 0x6e, 0x0a, 0xc6, 0x72, 0xf8]))).toBeUndefined();
    expect(detectWideEncoding(new TextEncoder().encode(`${TEXT}101;Kø\u0000benhavn\r\n`))).toBeUndefined();
    expect(detectWideEncoding(new Uint8Array([]))).toBeUndefined();
  });

  it('JSON files get the editor advice', () => {
    expect(wideEncodingMessage({ encoding: 'UTF-16LE', bom: true }, 'json')).toMatch(/Kodning: UTF-8/);
  });
});

function csvTable(file: string, lines: string[]): RawTable {
  const r = parseCsv(`${lines.join('\r\n')}\r\n`, file);
  if (!r.table) throw new Error('unparsable');
  return r.table;
}

const line = (cells: string[]): string => cells.join(';');

function validate(sager: string[], kommuner: string[] = [line(KOMMUNE_HEADER), line(kommuneRow())]) {
  return validateBarometerData({
    barometer: exampleBarometer(),
    ruleSet: exampleRuleSet(),
    kommuner: csvTable('kommuner.csv', kommuner),
    sager: csvTable('sager.csv', sager),
  });
}

describe('structure first', () => {
  it('a missing column is one error, with no cascade of "har ingen sager" warnings', () => {
    const kommuner = [
      line(KOMMUNE_HEADER),
      ...Array.from({ length: 98 }, (_, i) => line(kommuneRow({ kommunekode: String(101 + i), navn: `Kommune ${i}` }))),
    ];
    const header = SAGER_HEADER.filter((h) => h !== 'kommunekode');
    const rows = Array.from({ length: 5 }, (_, i) =>
      line(caseRow({ sagsnummer: `S${i}` }).filter((_, j) => SAGER_HEADER[j] !== 'kommunekode')),
    );
    const r = validate([line(header), ...rows], kommuner);
    expect(r.ok).toBe(false);
    expect(r.problems.map(formatProblem)).toEqual([
      'fejl: sager.csv, række 1, kolonne »kommunekode«: Kolonnen »kommunekode« mangler i overskriftsrækken.',
    ]);
  });

  it('a row with an extra field says so with its row number, instead of shifted-cell errors', () => {
    const shifted = caseRow({ sagsnummer: 'HSB23;0002' }).join(';');
    const r = validate([
      line(SAGER_HEADER),
      line(caseRow()),
      line(caseRow({ sagsnummer: 'HSB23-0003' })),
      line(caseRow({ sagsnummer: 'HSB23-0004' })),
      shifted,
    ]);
    expect(r.problems.map(formatProblem)).toEqual([
      expect.stringMatching(/^fejl: sager\.csv, række 5: Række 5 har 17 felter, overskriften har 16\. Et skilletegn/),
    ]);
  });

  it('a row split by an unquoted line break: both parts are named, nothing else', () => {
    const cells = caseRow({ sagsnummer: 'HSB23-0002' });
    const r = validate([line(SAGER_HEADER), line(caseRow()), line(cells.slice(0, 7)), line(cells.slice(6))]);
    expect(r.problems.map((p) => [p.code, p.row])).toEqual([
      ['field-count', 3],
      ['field-count', 4],
    ]);
    expect(r.problems[0]?.message).toMatch(/^Række 3 har 7 felter, overskriften har 16\. Der mangler felter/);
  });

  it('accepts trailing separators on every row, and rows that leave out only the empty bemærkning', () => {
    const r = validate([
      `${line(SAGER_HEADER)}`,
      `${line(caseRow())};`,
      `${line(caseRow({ sagsnummer: 'HSB23-0002' }))};`,
    ]);
    expect(r.problems).toEqual([]);
    const short = validate([line(SAGER_HEADER), line(caseRow().slice(0, 15))]);
    expect(short.problems).toEqual([]);
    const kommuneShort = validate(
      [line(SAGER_HEADER), line(caseRow())],
      [
        line(KOMMUNE_HEADER),
        line(kommuneRow()),
        line(kommuneRow({ kommunekode: '825', navn: 'Læsø Kommune' }).slice(0, 2)),
      ],
    );
    expect(kommuneShort.problems.map((p) => p.code)).toEqual(['kommune-without-cases']);
  });

  it('a kommune whose only rows are invalid is not called a kommune without cases', () => {
    const r = validate([line(SAGER_HEADER), line(caseRow({ afgørelse: 'måske' }))]);
    expect(r.problems.map((p) => p.code)).toEqual(['unknown-value']);
  });
});
