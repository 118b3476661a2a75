// Issue 9 points 2, 5, 7 and 8 through the real CLI: hostile and broken
// files get one precise Danish line each, exit 1, no stack trace, nothing written.
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyExampleData, REPO, runCli, tempDir } from './helpers/cli.js';
import { readRecords, writeRecords } from './helpers/csv.js';

function mutate(dir: string, file: string, fn: (records: string[][]) => void): void {
  const records = readRecords(join(dir, file));
  fn(records);
  writeRecords(join(dir, file), records);
}

const col = (records: string[][], name: string): number => (records[0] ?? []).indexOf(name);

function checkFails(dir: string): string {
  const r = runCli(['check', '--data', dir]);
  expect(r.code).toBe(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr).toMatch(/Intet er skrevet eller sendt/);
  return r.stderr;
}

/** The error lines, and warnings other than the two the example data has on purpose (dates outside the period). */
function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => /^fejl:|^advarsel:(?!.*uden for undersøgelsesperioden)/.test(l));
}

function editBarometer(dir: string, fn: (b: Record<string, unknown>) => void): void {
  const path = join(dir, 'barometer.json');
  const b = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  fn(b);
  writeFileSync(path, JSON.stringify(b, null, 2));
}

describe('hostile cells (point 2)', () => {
  it('a 10 MB bemærkning, a 5,000-character name, NUL, ESC and CR LF: each named with file, row and column; render writes nothing', () => {
    const dir = copyExampleData();
    mutate(dir, 'sager.csv', (rec) => {
      const b = col(rec, 'bemærkning');
      (rec[2] as string[])[b] = 'x'.repeat(10 * 1024 * 1024);
      (rec[3] as string[])[b] = 'Se\u001b[2J sagen';
      (rec[4] as string[])[col(rec, 'sagsnummer')] = 'HSB23\u0000-0003';
    });
    mutate(dir, 'kommuner.csv', (rec) => {
      (rec[1] as string[])[col(rec, 'navn')] = 'K'.repeat(5000);
      (rec[2] as string[])[col(rec, 'navn')] = 'Frederiksberg\r\nKommune';
    });
    const e = checkFails(dir);
    expect(e).toMatch(
      /fejl: sager\.csv, række 3, kolonne »bemærkning«, værdi »x{57}…«: Feltet er 10\.485\.760 tegn langt; højst 2\.000 tegn er tilladt/,
    );
    expect(e).toContain(
      'fejl: sager.csv, række 4, kolonne »bemærkning«, værdi »Se‹U+001B›[2J sagen«: Feltet indeholder kontroltegnet ESC (U+001B) ved tegn nr. 3',
    );
    expect(e).toContain(
      'fejl: sager.csv, række 5, kolonne »sagsnummer«, værdi »HSB23‹U+0000›-0003«: Feltet indeholder kontroltegnet NUL (U+0000) ved tegn nr. 6',
    );
    expect(e).toMatch(
      /fejl: kommuner\.csv, række 2, kolonne »navn«, værdi »K+…«: Feltet er 5\.000 tegn langt; højst 100 tegn er tilladt/,
    );
    expect(e).toContain(
      'fejl: kommuner.csv, række 3, kolonne »navn«, værdi »Frederiksberg⏎Kommune«: Feltet indeholder et vognretur (CR) ved tegn nr. 14',
    );
    expect(e).not.toMatch(/\u001b|\u0000/);

    const out = tempDir();
    const r = runCli(['render', '--data', dir, '--out', out]);
    expect(r.code).toBe(1);
    expect(readdirSync(out)).toEqual([]);
  });

  it('CR LF in the sender name of barometer.json is refused (it would reach the From header)', () => {
    const dir = copyExampleData();
    editBarometer(dir, (b) => {
      (b.email as { fra: { navn: string } }).fra.navn = 'Ankestyrelsen\r\nBcc: spion@evil.example';
    });
    expect(checkFails(dir)).toMatch(
      /fejl: barometer\.json, felt »email\.fra\.navn«, værdi »Ankestyrelsen⏎Bcc: spion@evil\.example«: Teksten indeholder et vognretur \(CR\)/,
    );
  });

  it('a kommune name at the limit renders with a bounded file name and a clean attachment name', () => {
    const dir = copyExampleData();
    const long = `${'Lyngby-Taarbæk '.repeat(6)}Kommune`.slice(0, 100);
    mutate(dir, 'kommuner.csv', (rec) => {
      const row = rec.find((r) => r[0] === '173') as string[];
      row[col(rec, 'navn')] = long;
    });
    const out = tempDir();
    const r = runCli(['render', '--data', dir, '--out', out, '--kommune', '173']);
    expect(r.stderr).not.toMatch(/ENAMETOOLONG|\n\s+at /);
    expect(r.code).toBe(0);
    const files = readdirSync(join(out, '2023-ledsagelse')).filter((f) => f.startsWith('173-'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(f.length).toBeLessThanOrEqual(80);
    const eml = readFileSync(join(out, '2023-ledsagelse', files.find((f) => f.endsWith('.eml')) ?? ''), 'latin1');
    const disposition = /Content-Disposition: attachment;[\s\S]*?\r\n\r\n/.exec(eml)?.[0] ?? '';
    expect(disposition).toMatch(/filename/);
    expect(disposition).not.toMatch(/\r\n(?![ \t])(?!\r\n)[^\r\n]*:/);
  });
});

describe('paths in barometer.json stay inside their folders (point 5)', () => {
  it.each([['/etc/passwd'], ['../../../../etc/passwd'], ['sub/../../regelsaet.json']])(
    'regelsaet %j is refused, and not read',
    (path) => {
      const dir = copyExampleData();
      editBarometer(dir, (b) => {
        b.regelsaet = path;
      });
      const e = checkFails(dir);
      expect(e).toContain(
        'fejl: barometer.json, felt »regelsaet«: Feltet »regelsaet« skal være en sti inde i barometer-mappen',
      );
      expect(e).not.toMatch(/root:|passwd.*JSON/);
    },
  );

  it('a rule set that is a symbolic link out of the folder is refused', () => {
    const dir = copyExampleData();
    const elsewhere = tempDir();
    cpSync(join(dir, 'regelsaet.json'), join(elsewhere, 'regelsaet.json'));
    rmSync(join(dir, 'regelsaet.json'));
    symlinkSync(join(elsewhere, 'regelsaet.json'), join(dir, 'regelsaet.json'));
    expect(checkFails(dir)).toContain(
      'fejl: barometer.json, felt »regelsaet«: Feltet »regelsaet« fører uden for barometer-mappen (via en symbolsk lænke).',
    );
  });

  it('a template folder that is a symbolic link out of templates/ is refused', () => {
    const tool = tempDir('kommunebrev-tool-');
    for (const d of ['bin', 'dist', 'templates']) cpSync(join(REPO, d), join(tool, d), { recursive: true });
    cpSync(join(REPO, 'package.json'), join(tool, 'package.json'));
    symlinkSync(join(REPO, 'node_modules'), join(tool, 'node_modules'), 'dir');
    const elsewhere = tempDir();
    cpSync(join(REPO, 'templates', 'handicapsagsbarometer'), join(elsewhere, 'skabelon'), { recursive: true });
    symlinkSync(join(elsewhere, 'skabelon'), join(tool, 'templates', 'ude'), 'dir');
    const dir = copyExampleData();
    editBarometer(dir, (b) => {
      b.skabelon = 'ude';
    });
    // The copy of the tool, whose templates/ holds the link.
    const own = spawnSync(process.execPath, [join(tool, 'bin', 'kommunebrev.js'), 'check', '--data', dir], {
      encoding: 'utf8',
    });
    expect(own.status).toBe(1);
    expect(own.stderr).toContain(
      'fejl: barometer.json, felt »skabelon«: Feltet »skabelon« fører uden for mappen templates/ (via en symbolsk lænke).',
    );
  });
});

describe('encodings and structure (points 7 and 8)', () => {
  it.each([
    ['utf16le', true, 'UTF-16 (little endian, med BOM)'],
    ['utf16le', false, 'UTF-16 (little endian, uden BOM)'],
  ] as const)('a %s file (BOM %s) is named as such, with how to save as UTF-8', (encoding, bom, named) => {
    const dir = copyExampleData();
    const text = readFileSync(join(dir, 'sager.csv'), 'utf8').replace(/^\ufeff/, '');
    writeFileSync(join(dir, 'sager.csv'), Buffer.from(`${bom ? '\ufeff' : ''}${text}`, encoding));
    const e = checkFails(dir);
    expect(e).toContain(
      `fejl: sager.csv: Filen er gemt som ${named}, men kommunebrev læser kun UTF-8. Åbn den i Excel`,
    );
    expect(e).not.toMatch(/mangler|ingen sager/);
  });

  it('a missing column is one error, without a warning for every kommune', () => {
    const dir = copyExampleData();
    mutate(dir, 'sager.csv', (rec) => {
      const i = col(rec, 'kommunekode');
      for (const r of rec) r.splice(i, 1);
    });
    const e = checkFails(dir);
    expect(e).not.toMatch(/ingen sager/);
    expect(errorLines(e)).toEqual([
      'fejl: sager.csv, række 1, kolonne »kommunekode«: Kolonnen »kommunekode« mangler i overskriftsrækken.',
    ]);
  });

  it('a row with an unquoted separator: "række 5 har 17 felter, overskriften har 16", not shifted-cell errors', () => {
    const dir = copyExampleData();
    const path = join(dir, 'sager.csv');
    const lines = readFileSync(path, 'utf8').split('\r\n');
    lines[4] = (lines[4] ?? '').replace(/^HSB23-0004;/, 'HSB23;0004;');
    writeFileSync(path, lines.join('\r\n'));
    const e = checkFails(dir);
    expect(errorLines(e)).toEqual([
      expect.stringMatching(/^fejl: sager\.csv, række 5: Række 5 har 17 felter, overskriften har 16\./),
    ]);
  });
});
