import { describe, expect, it } from 'vitest';
import { decodeCsvBytes, detectDelimiter, parseCsv } from '../../src/core/letters/parse-csv.js';
import { findCprLike, maskCpr, normalizeHeader, parseDate, slugify } from '../../src/core/letters/parse-values.js';
import { findKommune } from '../../src/core/letters/find-kommune.js';
import type { Kommune } from '../../src/core/types.js';

describe('parseCsv', () => {
  it('numbers rows as a spreadsheet shows them, even across multi-line cells and blank lines', () => {
    const text = 'a;b\r\n1;"x\r\ny"\r\n\r\n;\r\n2;z\r\n';
    const { table, problems } = parseCsv(text, 'f.csv');
    expect(problems).toEqual([]);
    expect(table?.rows.map((r) => [r.row, r.cells.a, r.cells.b])).toEqual([
      [2, '1', 'x\r\ny'],
      [5, '2', 'z'],
    ]);
  });

  it.each([
    ['semicolon, BOM, CRLF', '\ufeffKommunekode;Navn\r\n173;"Lyngby; Taarbæk"\r\n'],
    ['comma, no BOM, LF', 'kommunekode,navn\n173,"Lyngby; Taarbæk"\n'],
  ])('reads %s', (_name, text) => {
    const { table } = parseCsv(text, 'k.csv');
    expect(table?.headers).toEqual({
      kommunekode: expect.stringMatching(/kommunekode/i),
      navn: expect.stringMatching(/navn/i),
    });
    expect(table?.rows[0]?.cells).toEqual({ kommunekode: '173', navn: 'Lyngby; Taarbæk' });
  });

  it('keeps doubled quotes as one quote', () => {
    const { table } = parseCsv('a;b\n1;"Han sagde ""nej"""\n', 'f.csv');
    expect(table?.rows[0]?.cells.b).toBe('Han sagde "nej"');
  });

  it('reports an unclosed quote as an error rather than throwing', () => {
    const { table, problems } = parseCsv('a;b\n1;"open\n2;3\n', 'f.csv');
    expect(table).toBeUndefined();
    expect(problems).toEqual([expect.objectContaining({ code: 'csv-syntax', severity: 'error', file: 'f.csv' })]);
  });

  it("records each row's field count for the structure check, and whether text spills past the header", () => {
    const { table, problems } = parseCsv('a;b\n1;2;3\n1;2;\n1\n', 'f.csv');
    expect(problems).toEqual([]);
    expect(table?.columns).toEqual(['a', 'b']);
    expect(table?.rows.map((r) => [r.row, r.fields, r.extra ?? false])).toEqual([
      [2, 3, true],
      [3, 3, false],
      [4, 1, false],
    ]);
  });

  it('reports a duplicate column', () => {
    const { problems } = parseCsv('navn;Navn\nx;y\n', 'f.csv');
    expect(problems).toEqual([expect.objectContaining({ code: 'duplicate-column', row: 1 })]);
  });

  it('detects the delimiter from the header line only', () => {
    expect(detectDelimiter('a;b;c\n"1,2,3";x;y')).toBe(';');
    expect(detectDelimiter('a,b,c\n1;2,3,4')).toBe(',');
  });

  it('reads Windows-1252 with a warning, and UTF-8 (with BOM) silently', () => {
    const latin = Uint8Array.from([0x6e, 0x61, 0x76, 0x6e, 0x0a, 0xc6, 0x72, 0xf8]); // "navn\nÆrø"
    const d = decodeCsvBytes(latin, 'k.csv');
    expect(d.text).toBe('navn\nÆrø');
    expect(d.problems).toEqual([expect.objectContaining({ code: 'not-utf8', severity: 'warning' })]);
    const utf8 = decodeCsvBytes(new TextEncoder().encode('\ufeffnavn\nÆrø'), 'k.csv');
    expect(utf8.problems).toEqual([]);
  });
});

describe('value parsing', () => {
  it.each([
    ['Afgørelsesdato', 'afgoerelsesdato'],
    ['AFGOERELSESDATO', 'afgoerelsesdato'],
    [' skøn_under  regel ', 'skoen under regel'],
    ['\ufeffsagsnummer', 'sagsnummer'],
  ])('normalizeHeader(%j) = %j', (h, key) => expect(normalizeHeader(h)).toBe(key));

  it.each(['29-02-2023', '2022-13-01', '00.01.2022', '2022-02-30'])('rejects the impossible date %s', (d) => {
    expect(parseDate(d).ok).toBe(false);
  });

  it('accepts 29 February in a leap year', () =>
    expect(parseDate('29-02-2024')).toEqual({ ok: true, value: '2024-02-29' }));

  it.each([
    ['120345-1234', true],
    ['1203451234', true],
    ['120345 1234', true],
    ['720345-1234', true], // erstatningspersonnummer: day + 60
    ['HSB23-0001', false],
    ['2022-12-20', false],
    ['20-12-2022', false],
    ['tlf. 33 41 12 00', false],
    ['991345-1234', false], // no such day
    ['12034512345', false], // 11 digits: not a CPR number
  ])('findCprLike(%j) -> %s', (text, hit) => expect(findCprLike(text).length > 0).toBe(hit));

  it('masks the serial part of a CPR-like number', () => {
    expect(maskCpr('x 120345-1234 y')).toBe('x 120345-**** y');
    expect(maskCpr('1203451234')).toBe('120345****');
  });

  it('slugifies Danish names', () => {
    expect(slugify('Lyngby-Taarbæk Kommune')).toBe('lyngby-taarbaek-kommune');
    expect(slugify('Ærø Kommune')).toBe('aeroe-kommune');
    expect(slugify('Høje-Taastrup Kommune')).toBe('hoeje-taastrup-kommune');
  });
});

describe('findKommune', () => {
  const k = (kode: string, navn: string): Kommune => ({
    kode,
    navn,
    adresse: '',
    postnummer: '',
    by: '',
    email: '',
    row: 2,
  });
  const all = [
    k('101', 'Københavns Kommune'),
    k('173', 'Lyngby-Taarbæk Kommune'),
    k('400', 'Bornholms Regionskommune'),
  ];
  it.each([
    ['173', '173'],
    ['0173', '173'],
    ['Lyngby-Taarbæk', '173'],
    ['lyngby-taarbæk kommune', '173'],
    ['LYNGBY-TAARBÆK KOMMUNE', '173'],
    ['København', '101'],
    ['Københavns Kommune', '101'],
    ['Bornholm', '400'],
    ['bornholms regionskommune', '400'],
  ])('%j -> %s', (q, kode) => expect(findKommune(all, q)?.kode).toBe(kode));
  it.each(['999', 'Lyngby', 'Aarhus'])('%j -> nothing', (q) => expect(findKommune(all, q)).toBeUndefined());
});
