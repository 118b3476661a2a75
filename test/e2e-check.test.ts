// End to end: the real CLI on files in a temp folder. The national figures
// must reconcile with the 2023 report (seed 001, figures 1–10), in both file
// flavours, and every class of bad input must give a clear answer and write nothing.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyExampleData, runCli, tempDir } from './helpers/cli.js';
import { PLAIN, readRecords, writeRecords } from './helpers/csv.js';
import reportFigures from '../data/report-2023-figures.json' with { type: 'json' };

// The 2023 report's figures (seed 001, figures 1–10), exactly as the issue states them.
const REPORT_FIGURES = reportFigures;

describe('check on the example barometer', () => {
  it("prints exactly the report's national figures as JSON on stdout", () => {
    const r = runCli(['check', '--data', copyExampleData(), '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(REPORT_FIGURES);
    // Key order is part of the contract, too.
    expect(r.stdout.trim()).toBe(JSON.stringify(REPORT_FIGURES));
  });

  it("prints the figures readably with the report's percentages", () => {
    const r = runCli(['check', '--data', copyExampleData()]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Sager: 385 fra 98 kommuner');
    expect(r.stdout).toContain('Lever op til regler og praksis: 205 af 385 sager (53 %)');
    expect(r.stdout).toContain('Med en eller flere retlige mangler: 198 (51 %)');
    expect(r.stdout).toContain('heraf med væsentlig betydning: 180 (47 %)');
    expect(r.stdout).toMatch(/Sagsoplysning\s+165 \(43 %\)\s+162 \(42 %\)/);
    expect(r.stdout).toMatch(/Begrundelse\s+21 \(23 %\)\s+18 \(20 %\)/);
    expect(r.stdout).toMatch(/Klagevejledning.*65 af 92 \(71 %\)/);
    expect(r.stdout).toMatch(/Sagsbehandlingstid.*212 af 313 \(68 %\)/);
    expect(r.stdout).toMatch(/Helhedsvurdering.*142 af 299 \(47 %\)/);
    expect(r.stdout).toMatch(/Handleplan.*58 af 84 \(69 %\)/);
  });

  it('gives the same figures for the other file flavour: ",", no BOM, LF, dd-mm-yyyy, 4-digit codes, headers reordered and upper-case', () => {
    const dir = copyExampleData();
    for (const file of ['sager.csv', 'kommuner.csv']) {
      const [header = [], ...rows] = readRecords(join(dir, file));
      // Reverse the column order and shout the headers.
      const order = header.map((_, i) => header.length - 1 - i);
      const dateCol = header.indexOf('afgørelsesdato');
      const kodeCol = header.indexOf('kommunekode');
      const out = [order.map((i) => (header[i] ?? '').toUpperCase())];
      for (const row of rows) {
        const r = [...row];
        if (dateCol >= 0) r[dateCol] = (r[dateCol] ?? '').split('-').reverse().join('-');
        if (kodeCol >= 0) r[kodeCol] = (r[kodeCol] ?? '').padStart(4, '0');
        out.push(order.map((i) => r[i] ?? ''));
      }
      writeRecords(join(dir, file), out, PLAIN);
    }
    expect(readFileSync(join(dir, 'sager.csv'), 'utf8').slice(0, 12)).toMatch(/^BEMÆRKNING,/);
    const r = runCli(['check', '--data', dir, '--json']);
    expect(r.stderr).not.toContain('fejl');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(REPORT_FIGURES);
  });
});

describe('bad input: all problems at once, precisely located, in Danish, nothing written', () => {
  function mutate(dir: string, file: string, fn: (records: string[][]) => void): void {
    const records = readRecords(join(dir, file));
    fn(records);
    writeRecords(join(dir, file), records);
  }
  const col = (records: string[][], name: string) => (records[0] ?? []).indexOf(name);

  it('reports every broken cell with file, row, column and value, exits 1 and writes nothing', () => {
    const dir = copyExampleData();
    mutate(dir, 'sager.csv', (rec) => {
      const set = (row: number, name: string, v: string) => {
        (rec[row - 1] as string[])[col(rec, name)] = v;
      };
      set(2, 'kommunekode', '998'); // unknown kommune
      set(3, 'afgørelsesdato', '31-02-2022'); // impossible date
      set(4, 'sagsnummer', rec[4]?.[col(rec, 'sagsnummer')] ?? ''); // duplicate of row 5
      set(6, 'afgørelse', 'bevilget'); // unknown value
      set(7, 'bemærkning', 'Borgerens cpr er 010203-4321'); // personal data
      set(8, 'helhedsvurdering', ''); // empty required cell
    });
    mutate(dir, 'kommuner.csv', (rec) => {
      (rec[1] as string[])[col(rec, 'email')] = ''; // first kommune has cases but no email
    });
    const out = tempDir();
    const r = runCli(['render', '--data', dir, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const e = r.stderr;
    expect(e).toContain(
      'fejl: sager.csv, række 2, kolonne »kommunekode«, værdi »998«: Kommunekoden findes ikke i kommuner.csv.',
    );
    expect(e).toContain(
      'fejl: sager.csv, række 3, kolonne »afgørelsesdato«, værdi »31-02-2022«: Datoen findes ikke i kalenderen.',
    );
    expect(e).toMatch(
      /fejl: sager\.csv, række 5, kolonne »sagsnummer«, værdi »HSB23-\d{4}«: Sagsnummeret står også i række 4\./,
    );
    expect(e).toMatch(/fejl: sager\.csv, række 6, kolonne »afgørelse«, værdi »bevilget«: Ukendt værdi/);
    expect(e).toMatch(
      /fejl: sager\.csv, række 7, kolonne »bemærkning«, værdi »Borgerens cpr er 010203-\*\*\*\*«: .*CPR-nummer/,
    );
    expect(e).not.toContain('4321');
    expect(e).toContain('fejl: sager.csv, række 8, kolonne »helhedsvurdering«: Cellen er tom');
    expect(e).toMatch(/fejl: kommuner\.csv, række 2, kolonne »email«: .* har sager, men ingen e-mailadresse/);
    expect(e).toMatch(/Data er ikke gyldige: \d+ fejl og \d+ advarsl?e?r?\. Intet er skrevet eller sendt\./);
    expect(e).not.toMatch(/\n\s+at /); // no stack trace
    expect(readdirSync(out)).toEqual([]);
  });

  it('names a missing column and a missing file', () => {
    const dir = copyExampleData();
    mutate(dir, 'sager.csv', (rec) => {
      const i = col(rec, 'handleplan');
      for (const r of rec) r.splice(i, 1);
    });
    rmSync(join(dir, 'kommuner.csv'));
    const r = runCli(['check', '--data', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('fejl: kommuner.csv: Filen findes ikke');
    // Without kommuner.csv the cases cannot be checked, but the user learns
    // of the missing file at once; fix it and run again:
    writeFileSync(join(dir, 'kommuner.csv'), readFileSync(join(copyExampleData(), 'kommuner.csv')));
    const r2 = runCli(['check', '--data', dir]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain(
      'fejl: sager.csv, række 1, kolonne »handleplan«: Kolonnen »handleplan« mangler i overskriftsrækken.',
    );
  });

  it('explains a broken barometer.json with the field that is wrong', () => {
    const dir = copyExampleData();
    const json = JSON.parse(readFileSync(join(dir, 'barometer.json'), 'utf8'));
    json.brevdato = '2024-02-30';
    delete json.titel;
    writeFileSync(join(dir, 'barometer.json'), JSON.stringify(json));
    const r = runCli(['check', '--data', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'fejl: barometer.json, felt »brevdato«: Feltet »brevdato« er ikke en gyldig kalenderdato.',
    );
    expect(r.stderr).toContain('fejl: barometer.json, felt »titel«: Feltet »titel« mangler.');

    writeFileSync(join(dir, 'barometer.json'), '{ "id": "x", }');
    const r2 = runCli(['check', '--data', dir]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(/fejl: barometer\.json: Filen er ikke gyldig JSON/);
  });

  it('reports an unclosed quote instead of crashing', () => {
    const dir = copyExampleData();
    writeFileSync(
      join(dir, 'sager.csv'),
      `${readFileSync(join(dir, 'sager.csv'), 'utf8')}HSB23-9999;173;2022-01-01;"bevilling\r\n`,
    );
    const r = runCli(['check', '--data', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/fejl: sager\.csv.*anførselstegn/);
  });
});

describe('usage errors exit 2 with a Danish message', () => {
  it.each([
    [['check'], 'Tilvalget --data <mappe> skal angives.'],
    [['render', '--data', 'x'], 'Tilvalget --out <mappe> skal angives.'],
    [['check', '--data', 'x', '--bogus'], 'Ukendt tilvalg: --bogus.'],
    [['frobnicate'], 'Ukendt kommando: frobnicate.'],
  ])('%j', (args, message) => {
    const r = runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('rejects an unknown --kommune and writes nothing', () => {
    const out = tempDir();
    const r = runCli(['render', '--data', copyExampleData(), '--out', out, '--kommune', 'Atlantis']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Kommunen »Atlantis« findes ikke i kommuner.csv.');
    expect(existsSync(join(out, '2023-ledsagelse'))).toBe(false);
  });

  it.each([
    ['Kobenhavn', 'Mente du »Københavns Kommune« (101)?'],
    ['Århus', 'Mente du »Aarhus Kommune« (751)?'],
    ['Lyngby', 'Mente du »Lyngby-Taarbæk Kommune« (173)?'],
  ])('an unknown --kommune %j suggests the nearest name', (query, hint) => {
    const out = tempDir();
    const r = runCli(['render', '--data', copyExampleData(), '--out', out, '--kommune', query]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Kommunen »${query}« findes ikke i kommuner.csv. ${hint}`);
    expect(existsSync(join(out, '2023-ledsagelse'))).toBe(false);
  });

  it('shows Danish help for each command', () => {
    for (const cmd of ['check', 'render']) {
      const r = runCli([cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Brug: kommunebrev');
      expect(r.stdout).toContain('Tilvalg:');
    }
  });
});
