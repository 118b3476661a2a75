// End to end: the example barometer as workbooks gives the same national
// figures and byte-identical letters as the CSV files, whichever program
// saved them and whatever the machine's time zone; broken workbooks give
// errors naming sheet and cell and nothing is written.
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as XLSX from '@e965/xlsx';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyExampleData, EXAMPLE_DATA, REPO, runCli, tempDir } from './helpers/cli.js';
import { readRecords } from './helpers/csv.js';
import { sheetFromRecords, workbookBytes } from './helpers/workbook.js';

/** A copy of the example barometer (barometer.json, rule set) with the given workbooks instead of the CSV files. */
function exampleWithWorkbooks(files: string[]): string {
  const dir = copyExampleData();
  rmSync(join(dir, 'sager.csv'));
  rmSync(join(dir, 'kommuner.csv'));
  for (const f of files) cpSync(f, join(dir, f.slice(f.lastIndexOf('/') + 1)));
  return dir;
}

/** Every letter file (.pdf, .eml) of a render, by name. */
function letterFiles(outDir: string): Map<string, Buffer> {
  const dir = join(outDir, '2023-ledsagelse');
  return new Map(
    readdirSync(dir)
      .filter((f) => f.endsWith('.pdf') || f.endsWith('.eml'))
      .sort()
      .map((f) => [f, readFileSync(join(dir, f))]),
  );
}

const FIXTURES = join(REPO, 'test', 'fixtures', 'libreoffice');
const VARIANTS = [
  {
    name: 'the shipped example pair (SheetJS: date cells shown dd-mm-yyyy, numeric codes)',
    files: ['kommuner.xlsx', 'sager.xlsx'].map((f) => join(REPO, 'data', '2023-ledsagelse-regneark', f)),
    tz: 'America/Los_Angeles',
  },
  {
    name: 'xlsx saved by LibreOffice Calc (dates typed as text dd-mm-yyyy, numeric codes)',
    files: ['kommuner.xlsx', 'sager.xlsx'].map((f) => join(FIXTURES, 'xlsx', f)),
    tz: 'Pacific/Kiritimati',
  },
  {
    name: 'ods saved by LibreOffice Calc (date cells, codes as text with leading zeros)',
    files: ['kommuner.ods', 'sager.ods'].map((f) => join(FIXTURES, 'ods', f)),
    tz: 'Pacific/Pago_Pago',
  },
];

describe('the example barometer as workbooks', () => {
  let csvFigures = '';
  let csvLetters = new Map<string, Buffer>();

  beforeAll(() => {
    const dir = copyExampleData();
    const check = runCli(['check', '--data', dir, '--json']);
    expect(check.code).toBe(0);
    csvFigures = check.stdout;
    const out = tempDir();
    expect(runCli(['render', '--data', dir, '--out', out]).code).toBe(0);
    csvLetters = letterFiles(out);
    expect(csvLetters.size).toBe(2 * 98);
  });

  it.each(VARIANTS)('$name: same figures, byte-identical letters (TZ=$tz)', ({ files, tz }) => {
    const dir = exampleWithWorkbooks(files);
    const env = { TZ: tz };
    const check = runCli(['check', '--data', dir, '--json'], { env });
    expect(check.stderr).not.toContain('fejl');
    expect(check.code).toBe(0);
    expect(check.stdout).toBe(csvFigures);
    // The two warnings (decisions after the survey period) now name sheet and cell.
    expect(check.stderr).toMatch(
      /advarsel: sager\.(xlsx|ods), ark [Ss]ager, celle C253, række 253, kolonne »afgørelsesdato«/,
    );

    const out = tempDir();
    const render = runCli(['render', '--data', dir, '--out', out], { env });
    expect(render.code).toBe(0);
    const letters = letterFiles(out);
    expect([...letters.keys()]).toEqual([...csvLetters.keys()]);
    const differing = [...letters]
      .filter(([f, bytes]) => !bytes.equals(csvLetters.get(f) ?? Buffer.alloc(0)))
      .map(([f]) => f);
    expect(differing).toEqual([]);
  });
});

describe('which table file is read', () => {
  it('refuses a folder with both sager.csv and sager.xlsx, naming both and the newer one', () => {
    const dir = copyExampleData();
    cpSync(join(REPO, 'data', '2023-ledsagelse-regneark', 'sager.xlsx'), join(dir, 'sager.xlsx'));
    utimesSync(join(dir, 'sager.csv'), new Date('2024-01-01T00:00:00Z'), new Date('2024-01-01T00:00:00Z'));
    const out = tempDir();
    const r = runCli(['render', '--data', dir, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'fejl: sager.xlsx: Mappen indeholder både sager.csv og sager.xlsx, men må kun have én af dem. Fjern sager.csv, hvis sager.xlsx (den nyeste) er den rigtige, ellers fjern sager.xlsx.',
    );
    expect(readdirSync(out)).toEqual([]);
  });

  it('names all three file kinds when the table is missing, and spots a misnamed file', () => {
    const dir = copyExampleData();
    rmSync(join(dir, 'sager.csv'));
    cpSync(join(REPO, 'data', '2023-ledsagelse-regneark', 'sager.xlsx'), join(dir, 'Sager.xlsx'));
    const r = runCli(['check', '--data', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'og der er heller ingen sager.xlsx eller sager.ods. Filen »Sager.xlsx« skal omdøbes til »sager.xlsx«.',
    );
  });
});

describe('broken workbooks through the CLI', () => {
  it('a missing column, a bad date cell and text in a number cell: all named by sheet and cell, nothing written', () => {
    const [header = [], ...rows] = readRecords(join(EXAMPLE_DATA, 'sager.csv'));
    const drop = header.indexOf('handleplan');
    const records = [header, ...rows].map((r) => r.filter((_, i) => i !== drop));
    const ws = sheetFromRecords({
      name: 'Sager',
      records,
      dateColumns: ['afgørelsesdato'],
      numberColumns: ['kommunekode'],
    });
    ws['C5'] = { t: 's', v: '2022-13-01' };
    ws['B7'] = { t: 's', v: 'tre' };
    const notes = XLSX.utils.aoa_to_sheet([['Husk: send først i maj']]);
    const dir = copyExampleData();
    rmSync(join(dir, 'sager.csv'));
    writeFileSync(
      join(dir, 'sager.xlsx'),
      workbookBytes([
        { name: 'Noter', sheet: notes },
        { name: 'Sager', sheet: ws },
      ]),
    );
    const out = tempDir();
    const r = runCli(['render', '--data', dir, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'fejl: sager.xlsx, ark Sager, celle P1, række 1, kolonne »handleplan«: Kolonnen »handleplan« mangler i overskriftsrækken.',
    );
    expect(r.stderr).toContain(
      'fejl: sager.xlsx, ark Sager, celle C5, række 5, kolonne »afgørelsesdato«, værdi »2022-13-01«: Datoen findes ikke i kalenderen.',
    );
    expect(r.stderr).toContain(
      'fejl: sager.xlsx, ark Sager, celle B7, række 7, kolonne »kommunekode«, værdi »tre«: Kommunekoden skal være et tal med højst fire cifre, fx 173 eller 0173.',
    );
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(join(out, '2023-ledsagelse'))).toBe(false);
  });

  it('a kommuner workbook with an unknown kommunekode in sager names the workbook, not kommuner.csv', () => {
    const [header = [], ...rows] = readRecords(join(EXAMPLE_DATA, 'kommuner.csv'));
    const ws = sheetFromRecords({
      name: 'Kommuner',
      records: [header, ...rows.filter((r) => r[0] !== '173')],
      numberColumns: ['kommunekode'],
    });
    const dir = copyExampleData();
    rmSync(join(dir, 'kommuner.csv'));
    writeFileSync(join(dir, 'kommuner.xlsx'), workbookBytes([{ name: 'Kommuner', sheet: ws }]));
    const r = runCli(['check', '--data', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /fejl: sager\.csv, række \d+, kolonne »kommunekode«, værdi »173«: Kommunekoden findes ikke i kommuner\.xlsx\./,
    );
  });
});
