// The workbook reader: .xlsx/.ods bytes -> the RawTable the CSV path yields,
// then the shared validation, whose problems name sheet and cell. Workbooks
// are written here with SheetJS's writer, as a spreadsheet program saves them;
// test/e2e-workbook.test.ts runs files saved by LibreOffice through the CLI.
import * as XLSX from '@e965/xlsx';
import { describe, expect, it } from 'vitest';
import { parseWorkbook, serialToIsoDate } from '../src/adapters/letters/read-workbook.js';
import { validateBarometerData } from '../src/core/letters/validate.js';
import { formatProblem } from '../src/core/problems.js';
import { columnLetters } from '../src/core/letters/table-source.js';
import type { RawTable } from '../src/core/types.js';
import {
  afslagRow,
  caseRow,
  exampleBarometer,
  exampleRuleSet,
  KOMMUNE_HEADER,
  kommuneRow,
  SAGER_HEADER,
} from './core/table-builders.js';
import {
  dateSerial,
  editFirstSheetXml,
  recordsToWorkbook,
  sheetFromRecords,
  workbookBytes,
} from './helpers/workbook.js';

const SAGER = { name: 'Sager', dateColumns: ['afgørelsesdato'], numberColumns: ['kommunekode'] };
const KOMMUNER = { name: 'Kommuner', numberColumns: ['kommunekode', 'postnummer'] };

function read(
  bytes: Buffer,
  file = 'sager.xlsx',
  sheet = 'Sager',
): { table: RawTable; warnings: string[]; errors: string[] } {
  const r = parseWorkbook(bytes, file, sheet);
  if (!r.table) throw new Error(`no table: ${r.problems.map(formatProblem).join('\n')}`);
  const lines = (sev: string) => r.problems.filter((p) => p.severity === sev).map(formatProblem);
  return { table: r.table, warnings: lines('warning'), errors: lines('error') };
}

/** Validates a sager workbook against one kommune (as a CSV kommuner table) and returns the problem lines. */
function validateSager(bytes: Buffer, file = 'sager.xlsx'): { ok: boolean; lines: string[]; cases: number } {
  const sager = parseWorkbook(bytes, file, 'Sager');
  const kommuner = parseWorkbook(
    recordsToWorkbook({ ...KOMMUNER, records: [KOMMUNE_HEADER, kommuneRow()] }),
    'kommuner.xlsx',
    'Kommuner',
  );
  if (!sager.table || !kommuner.table) throw new Error('unreadable');
  const r = validateBarometerData({
    barometer: exampleBarometer(),
    ruleSet: exampleRuleSet(),
    kommuner: kommuner.table,
    sager: sager.table,
  });
  return {
    ok: r.ok,
    lines: [...sager.problems, ...r.problems].filter((p) => p.severity === 'error').map(formatProblem),
    cases: r.ok ? r.data.cases.length : 0,
  };
}

describe('serialToIsoDate: the date Excel shows, in either date system, without time zones', () => {
  it.each([
    [1, false, '1900-01-01'],
    [59, false, '1900-02-28'],
    [60, false, '1900-02-29'], // Lotus's phantom day; validation rejects it
    [61, false, '1900-03-01'],
    [44915, false, '2022-12-20'],
    [44915.75, false, '2022-12-20'], // 18:00 the same day
    [44915.9999999999, false, '2022-12-21'], // a computed hair below midnight is shown as the next day
    [0, true, '1904-01-01'],
    [43453, true, '2022-12-20'],
    [43453.5, true, '2022-12-20'],
  ])('serial %d (1904: %s) is %s', (serial, d1904, iso) => {
    expect(serialToIsoDate(serial, d1904)).toBe(iso);
  });

  it('gives no date for a time of day alone or a negative serial', () => {
    expect(serialToIsoDate(0.5, false)).toBeUndefined();
    expect(serialToIsoDate(-1, true)).toBeUndefined();
  });

  it('agrees with the test writer for every day of 2019–2024 in both systems', () => {
    for (let ms = Date.UTC(2019, 0, 1); ms <= Date.UTC(2024, 11, 31); ms += 86_400_000) {
      const iso = new Date(ms).toISOString().slice(0, 10);
      for (const d1904 of [false, true]) expect(serialToIsoDate(dateSerial(iso, d1904) ?? NaN, d1904)).toBe(iso);
    }
  });
});

describe('parseWorkbook: cells become the text the CSV path would give', () => {
  it('reads date cells, text dates, numeric and text kommunekoder, and keeps spreadsheet row numbers', () => {
    const ws = sheetFromRecords({
      ...SAGER,
      records: [
        SAGER_HEADER,
        caseRow({ afgørelsesdato: '2022-12-20' }),
        afslagRow({ sagsnummer: 'HSB23-0002', kommunekode: '0173' }),
      ],
    });
    // Row 3 holds the date typed as text and the code as text with its leading zero.
    ws['C3'] = { t: 's', v: '20-12-2022' };
    ws['B3'] = { t: 's', v: '0173' };
    const { table, errors, warnings } = read(workbookBytes([{ name: 'Sager', sheet: ws }]));
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    expect(table.rows.map((r) => [r.row, r.cells['kommunekode'], r.cells['afgoerelsesdato']])).toEqual([
      [2, '173', '2022-12-20'],
      [3, '0173', '20-12-2022'],
    ]);
    expect(table.headers['afgoerelsesdato']).toBe('afgørelsesdato');
    expect(table.sheet).toMatchObject({ name: 'Sager', nextColumn: columnLetters(SAGER_HEADER.length) });
    expect(table.sheet?.columns['afgoerelsesdato']).toBe('C');
  });

  it('gives the same dates from a 1904-date-system workbook (old Mac Excel)', () => {
    const records = [
      SAGER_HEADER,
      caseRow({ afgørelsesdato: '2019-01-01' }),
      caseRow({ sagsnummer: 'HSB23-0002', afgørelsesdato: '2022-12-20' }),
    ];
    const d1900 = read(recordsToWorkbook({ ...SAGER, records }));
    const d1904bytes = recordsToWorkbook({ ...SAGER, records }, { date1904: true });
    // The file really is in the 1904 system, with serials 1462 days smaller.
    const wb = XLSX.read(d1904bytes, { type: 'buffer' });
    expect(wb.Workbook?.WBProps?.date1904).toBe(true);
    expect(wb.Sheets['Sager']?.['C3']?.v).toBe(43453);
    const d1904 = read(d1904bytes);
    expect(d1904.table.rows.map((r) => r.cells['afgoerelsesdato'])).toEqual(['2019-01-01', '2022-12-20']);
    expect(d1904.table.rows).toEqual(d1900.table.rows);
  });

  it("takes formulas' cached values, ignores empty trailing rows and columns and stray formatting", () => {
    const ws = sheetFromRecords({ ...SAGER, records: [SAGER_HEADER, caseRow()] });
    ws['B2'] = { t: 'n', v: 173, f: '170+3' };
    ws['D2'] = { t: 's', v: 'bevilling', f: 'LOWER("BEVILLING")' };
    // Cells that exist but are empty, far right and far below; and a declared dimension of whole columns.
    ws['T2'] = { t: 's', v: '' };
    ws['A40'] = { t: 's', v: '   ' };
    ws['C41'] = { t: 'z' } as XLSX.CellObject;
    ws['!ref'] = 'A1:Z41';
    const bytes = editFirstSheetXml(workbookBytes([{ name: 'Sager', sheet: ws }]), (xml) =>
      xml.replace(/<dimension ref="[^"]*"\/>/, '<dimension ref="A1:Z1048576"/>'),
    );
    const { table, errors } = read(bytes);
    expect(errors).toEqual([]);
    expect(table.rows).toHaveLength(1);
    expect(table.rows[0]?.cells).toMatchObject({ kommunekode: '173', afgoerelse: 'bevilling' });
    expect(Object.keys(table.headers)).toHaveLength(SAGER_HEADER.length);
  });

  it('reads the sheet named Sager wherever it is, and ignores the other sheets', () => {
    const other = sheetFromRecords({ name: 'Noter', records: [['noter'], ['husk at tjekke København']] });
    const sager = sheetFromRecords({ ...SAGER, records: [SAGER_HEADER, caseRow()] });
    const { table, warnings } = read(
      workbookBytes([
        { name: 'Noter', sheet: other },
        { name: 'Sager', sheet: sager },
      ]),
    );
    expect(warnings).toEqual([]);
    expect(table.sheet?.name).toBe('Sager');
    expect(table.rows).toHaveLength(1);
  });

  it('falls back to the first sheet, and says so when there were others', () => {
    const first = sheetFromRecords({ ...SAGER, records: [SAGER_HEADER, caseRow()] });
    const other = sheetFromRecords({ name: 'Ark2', records: [['x'], ['y']] });
    const { table, warnings } = read(
      workbookBytes([
        { name: 'Ark1', sheet: first },
        { name: 'Ark2', sheet: other },
      ]),
    );
    expect(table.sheet?.name).toBe('Ark1');
    expect(warnings).toEqual([
      'advarsel: sager.xlsx, ark Ark1: Regnearket har intet ark med navnet »Sager«; det første ark, »Ark1«, er læst, og de andre er ikke brugt.',
    ]);
  });

  it("counts empty rows above the header, so row numbers are the sheet's", () => {
    const ws = XLSX.utils.aoa_to_sheet([[], [], SAGER_HEADER, caseRow()]);
    const { table } = read(workbookBytes([{ name: 'Sager', sheet: ws }]));
    expect(table.rows.map((r) => r.row)).toEqual([4]);
  });

  it('reads .ods as well', () => {
    const records = [SAGER_HEADER, caseRow({ kommunekode: '0173' })];
    const { table, errors } = read(recordsToWorkbook({ name: 'Sager', records }, { bookType: 'ods' }), 'sager.ods');
    expect(errors).toEqual([]);
    expect(table.rows[0]?.cells['kommunekode']).toBe('0173');
  });
});

describe('broken workbooks: every problem names sheet and cell', () => {
  it('a missing column names the header row and where the column would go', () => {
    const header = SAGER_HEADER.filter((h) => h !== 'afgørelse');
    const rows = [caseRow()].map((r) => r.filter((_, i) => SAGER_HEADER[i] !== 'afgørelse'));
    const r = validateSager(recordsToWorkbook({ ...SAGER, records: [header, ...rows] }));
    expect(r.ok).toBe(false);
    expect(r.lines).toContain(
      `fejl: sager.xlsx, ark Sager, celle ${columnLetters(header.length)}1, række 1, kolonne »afgørelse«: Kolonnen »afgørelse« mangler i overskriftsrækken.`,
    );
  });

  it('a bad date cell: an impossible date typed as text, and a date-formatted time of day', () => {
    const ws = sheetFromRecords({
      ...SAGER,
      records: [SAGER_HEADER, caseRow(), caseRow({ sagsnummer: 'HSB23-0002' }), caseRow({ sagsnummer: 'HSB23-0003' })],
    });
    ws['C3'] = { t: 's', v: '31-02-2022' };
    ws['C4'] = { t: 'n', v: 0.5, z: 'hh:mm' };
    const r = validateSager(workbookBytes([{ name: 'Sager', sheet: ws }]));
    expect(r.lines).toEqual([
      'fejl: sager.xlsx, ark Sager, celle C3, række 3, kolonne »afgørelsesdato«, værdi »31-02-2022«: Datoen findes ikke i kalenderen.',
      expect.stringMatching(
        /^fejl: sager\.xlsx, ark Sager, celle C4, række 4, kolonne »afgørelsesdato«, værdi »12:00«: Datoen kan ikke læses\./,
      ),
    ]);
    expect(r.cases).toBe(0);
  });

  it('text in a number cell (kommunekode)', () => {
    const ws = sheetFromRecords({ ...SAGER, records: [SAGER_HEADER, caseRow()] });
    ws['B2'] = { t: 's', v: 'Lyngby' };
    const r = validateSager(workbookBytes([{ name: 'Sager', sheet: ws }]));
    expect(r.lines).toEqual([
      'fejl: sager.xlsx, ark Sager, celle B2, række 2, kolonne »kommunekode«, værdi »Lyngby«: Kommunekoden skal være et tal med højst fire cifre, fx 173 eller 0173.',
    ]);
  });

  it('a formula error and a formula without a saved result are named once each, by cell', () => {
    const ws = sheetFromRecords({
      ...SAGER,
      records: [SAGER_HEADER, caseRow(), caseRow({ sagsnummer: 'HSB23-0002' })],
    });
    ws['D2'] = { t: 'e', v: 0x2a, w: '#N/A', f: 'VLOOKUP(A2,X:Y,2,0)' };
    // As a tool that does not calculate writes it: the formula, no <v>.
    const bytes = editFirstSheetXml(workbookBytes([{ name: 'Sager', sheet: ws }]), (xml) =>
      xml.replace(/<c r="B3"[^>]*>.*?<\/c>/, '<c r="B3"><f>170+3</f></c>'),
    );
    const r = validateSager(bytes);
    expect(r.lines).toEqual([
      'fejl: sager.xlsx, ark Sager, celle D2, række 2: Cellen viser en fejl (#N/A) i stedet for en værdi. Ret formlen eller skriv værdien.',
      'fejl: sager.xlsx, ark Sager, celle B3, række 3: Cellen har en formel uden gemt resultat. Åbn filen i regnearket og gem den igen.',
    ]);
  });

  it('a value right of the last header is named by its cell', () => {
    const ws = sheetFromRecords({ ...SAGER, records: [SAGER_HEADER, caseRow()] });
    const stray = `${columnLetters(SAGER_HEADER.length + 2)}2`;
    ws[stray] = { t: 's', v: 'glemt note' };
    ws['!ref'] = `A1:${stray}`;
    const { errors } = (() => {
      const r = parseWorkbook(workbookBytes([{ name: 'Sager', sheet: ws }]), 'sager.xlsx', 'Sager');
      return { errors: r.problems.map(formatProblem) };
    })();
    expect(errors).toEqual([
      `fejl: sager.xlsx, ark Sager, celle ${stray}, række 2, værdi »glemt note«: Cellen ${stray} har en værdi, men kolonnen har ingen overskrift i række 1.`,
    ]);
  });

  it('a repeated header names the cell of the repeat', () => {
    const ws = sheetFromRecords({ ...SAGER, records: [[...SAGER_HEADER, 'Afgørelse'], caseRow()] });
    const r = parseWorkbook(workbookBytes([{ name: 'Sager', sheet: ws }]), 'sager.xlsx', 'Sager');
    expect(r.problems.map(formatProblem)).toEqual([
      `fejl: sager.xlsx, ark Sager, celle ${columnLetters(SAGER_HEADER.length)}1, række 1, kolonne »Afgørelse«: Kolonnen findes mere end én gang i overskriftsrækken.`,
    ]);
  });

  it('a CPR number typed as a number is caught like any other', () => {
    const ws = sheetFromRecords({ ...SAGER, records: [SAGER_HEADER, caseRow()] });
    ws['P2'] = { t: 'n', v: 1203451234 };
    const r = validateSager(workbookBytes([{ name: 'Sager', sheet: ws }]));
    expect(r.lines).toEqual([
      expect.stringMatching(
        /^fejl: sager\.xlsx, ark Sager, celle P2, række 2, kolonne »bemærkning«, værdi »120345\*\*\*\*«/,
      ),
    ]);
  });

  it('a file that is no workbook', () => {
    const r = parseWorkbook(Buffer.from('PK\u0003\u0004 not really a zip'), 'sager.xlsx', 'Sager');
    expect(r.table).toBeUndefined();
    expect(r.problems.map(formatProblem)).toEqual([
      'fejl: sager.xlsx: Filen kan ikke læses som regneark (.xlsx eller .ods). Åbn den i regnearket og gem den igen.',
    ]);
  });

  it('an empty sheet', () => {
    const r = parseWorkbook(
      workbookBytes([{ name: 'Sager', sheet: XLSX.utils.aoa_to_sheet([]) }]),
      'sager.xlsx',
      'Sager',
    );
    expect(r.problems.map(formatProblem)).toEqual([
      'fejl: sager.xlsx, ark Sager: Arket »Sager« er tomt eller mangler overskriftsrækken.',
    ]);
  });
});

describe('formatProblem: sheet names', () => {
  it('quotes a sheet name with spaces', () => {
    expect(
      formatProblem({
        code: 'x',
        severity: 'error',
        file: 'sager.xlsx',
        sheet: 'Ark 1',
        cell: 'A2',
        row: 2,
        message: 'Øv.',
      }),
    ).toBe('fejl: sager.xlsx, ark »Ark 1«, celle A2, række 2: Øv.');
  });
});
