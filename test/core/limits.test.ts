// Issue 9 point 2: limits and characters, checked with file, row and column;
// file names only from bounded, safe slugs.
import { describe, expect, it } from 'vitest';
import barometerJson from '../../data/2023-ledsagelse/barometer.json' with { type: 'json' };
import ruleSetJson from '../../data/2023-ledsagelse/regelsaet.json' with { type: 'json' };
import { parseBarometer, parseRuleSet } from '../../src/core/letters/barometer-schema.js';
import { letterFileBase } from '../../src/core/letters/compose-letter.js';
import { boundedSlug, safeFileName } from '../../src/core/letters/parse-values.js';
import { validateBarometerData } from '../../src/core/letters/validate.js';
import { checkEmailLength, checkText, LIMITS } from '../../src/core/letters/validate-cells.js';
import { formatProblem } from '../../src/core/problems.js';
import {
  caseRow,
  exampleBarometer,
  exampleRuleSet,
  KOMMUNE_HEADER,
  kommuneRow,
  SAGER_HEADER,
  table,
} from './table-builders.js';

function validate(sager: string[][], kommuner: string[][] = [kommuneRow()]) {
  return validateBarometerData({
    barometer: exampleBarometer(),
    ruleSet: exampleRuleSet(),
    kommuner: table('kommuner.csv', KOMMUNE_HEADER, kommuner),
    sager: table('sager.csv', SAGER_HEADER, sager),
  });
}

/** One clean case with an extra, unknown column in sager.csv. */
function withExtraColumn(header: string, value: string) {
  return validateBarometerData({
    barometer: exampleBarometer(),
    ruleSet: exampleRuleSet(),
    kommuner: table('kommuner.csv', KOMMUNE_HEADER, [kommuneRow()]),
    sager: table('sager.csv', [...SAGER_HEADER, header], [[...caseRow(), value]]),
  });
}

const FORBIDDEN_EVERYWHERE: [string, string][] = [
  ['NUL', '\u0000'],
  ['BEL', '\u0007'],
  ['ESC', '\u001b'],
  ['DEL', '\u007f'],
  ['C1 NEL', '\u0085'],
  ['C1 CSI', '\u009b'],
  ['RLO', '\u202e'],
  ['LRE', '\u202a'],
  ['RLI', '\u2067'],
  ['PDI', '\u2069'],
];
const LINE_BREAKS: [string, string][] = [
  ['TAB', '\t'],
  ['LF', '\n'],
  ['CR LF', '\r\n'],
  ['LINE SEPARATOR', '\u2028'],
];

describe('characters', () => {
  it.each([...FORBIDDEN_EVERYWHERE, ...LINE_BREAKS])(
    '%s in a name is refused, naming file, row, column and character',
    (_name, ch) => {
      const r = validate([caseRow()], [kommuneRow({ navn: `Lyngby${ch}Taarbæk Kommune` })]);
      expect(r.ok).toBe(false);
      const p = r.problems.find((x) => x.code === 'forbidden-character');
      expect(p).toMatchObject({ file: 'kommuner.csv', row: 2, column: 'navn', severity: 'error' });
      expect(p?.message).toMatch(/ved tegn nr\. 7; det hører ikke hjemme her/);
      // What is printed never carries the raw character to the terminal.
      const line = formatProblem(p ?? { code: '', severity: 'error', file: '', message: '' });
      expect(line).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    },
  );

  it.each(FORBIDDEN_EVERYWHERE)('%s in a bemærkning is refused', (_name, ch) => {
    const r = validate([caseRow({ bemærkning: `Se${ch} sagen` })]);
    expect(r.problems).toEqual([
      expect.objectContaining({ code: 'forbidden-character', row: 2, column: 'bemærkning' }),
    ]);
  });

  it.each(LINE_BREAKS)('%s in a bemærkning is allowed; line breaks become LF', (_name, ch) => {
    const r = validate([caseRow({ bemærkning: `Første linje${ch}anden linje` })]);
    expect(r.problems).toEqual([]);
    if (r.ok) expect(r.data.cases[0]?.bemaerkning).toBe(`Første linje${ch === '\t' ? '\t' : '\n'}anden linje`);
  });

  it('a control character in a value column gives one error, not also "unknown value"', () => {
    const r = validate([caseRow({ afgørelse: 'bevil\u0000ling', sagsnummer: 'HSB\u001b[31m-1' })]);
    expect(r.problems.map((p) => [p.code, p.column])).toEqual([
      ['forbidden-character', 'sagsnummer'],
      ['forbidden-character', 'afgørelse'],
    ]);
    expect(formatProblem(r.problems[0] ?? r.problems[1]!)).toContain('værdi »HSB‹U+001B›[31m-1«');
  });

  it('unknown columns are not judged (they are not used)', () => {
    const r = withExtraColumn('noter', 'linje\nlinje\u0000');
    expect(r.problems.map((p) => p.code)).toEqual(['unknown-column']);
  });
});

describe('lengths', () => {
  it.each([
    { column: 'bemærkning', max: LIMITS.bemaerkning, file: 'sager.csv' },
    { column: 'sagsnummer', max: LIMITS.sagsnummer, file: 'sager.csv' },
    { column: 'navn', max: LIMITS.navn, file: 'kommuner.csv' },
    { column: 'adresse', max: LIMITS.adresse, file: 'kommuner.csv' },
    { column: 'by', max: LIMITS.by, file: 'kommuner.csv' },
    { column: 'postnummer', max: LIMITS.postnummer, file: 'kommuner.csv' },
  ])('$column: $max characters pass, one more is refused', ({ column, max, file }) => {
    const value = (n: number): string => 'æ'.repeat(n);
    const run = (n: number) =>
      file === 'sager.csv'
        ? validate([caseRow({ [column]: value(n) })])
        : validate([caseRow()], [kommuneRow({ [column]: value(n) })]);
    expect(run(max).problems).toEqual([]);
    const r = run(max + 1);
    expect(r.problems).toEqual([expect.objectContaining({ code: 'too-long', file, row: 2, column })]);
    expect(r.problems[0]?.message).toBe(
      `Feltet er ${(max + 1).toLocaleString('da-DK')} tegn langt; højst ${max.toLocaleString('da-DK')} tegn er tilladt. Forkort det.`,
    );
  });

  it('a 10 MB bemærkning is refused at once, and the message does not repeat it', () => {
    const r = validate([caseRow({ bemærkning: 'x'.repeat(10 * 1024 * 1024) })]);
    expect(r.problems).toHaveLength(1);
    expect(formatProblem(r.problems[0]!).length).toBeLessThan(300);
    expect(r.problems[0]?.message).toMatch(/10\.485\.760 tegn/);
  });

  it.each([
    { name: 'local part of 64', email: `${'a'.repeat(64)}@kommune.example`, ok: true },
    { name: 'local part of 65', email: `${'a'.repeat(65)}@kommune.example`, ok: false },
    {
      name: 'address of 254',
      email: `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.dk`,
      ok: true,
    },
    {
      name: 'address of 255',
      email: `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(59)}.dk`,
      ok: false,
    },
    { name: 'multi-byte local part (octets count)', email: `${'ø'.repeat(33)}@kommune.example`, ok: false },
  ])('email: $name', ({ email, ok }) => {
    expect(checkEmailLength(email) === undefined).toBe(ok);
    const r = validate([caseRow()], [kommuneRow({ email })]);
    expect(r.problems.map((p) => p.code)).toEqual(ok ? [] : ['invalid-email']);
  });
});

describe('barometer.json and the rule set', () => {
  const withField = (patch: (b: Record<string, any>) => void) => {
    const b = structuredClone(barometerJson) as Record<string, any>;
    patch(b);
    return parseBarometer(b, 'barometer.json');
  };

  it.each([
    [
      'CR LF in the sender name (header injection)',
      (b: Record<string, any>) => (b.email.fra.navn = 'Ankestyrelsen\r\nBcc: spy@evil.example'),
      'email.fra.navn',
      'forbidden-character',
    ],
    [
      'ESC in titel',
      (b: Record<string, any>) => (b.titel = 'Handicap\u001b[2Jbarometret'),
      'titel',
      'forbidden-character',
    ],
    [
      'a bidi override in an address line',
      (b: Record<string, any>) => (b.afsender.adresse[0] = 'Teglholm\u202eadag'),
      'afsender.adresse.0',
      'forbidden-character',
    ],
    ['a 5,000-character emne', (b: Record<string, any>) => (b.emne = 'l'.repeat(5000)), 'emne', 'too-long'],
  ])('%s is refused with its field', (_name, patch, column, code) => {
    const r = withField(patch);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toContainEqual(expect.objectContaining({ code, column, file: 'barometer.json' }));
  });

  it('a sender address over the RFC 5321 limits, and an id too long for a folder name', () => {
    const r = withField((b) => {
      b.email.svarTil = `${'a'.repeat(65)}@ast.dk`;
      b.id = 'a'.repeat(65);
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => p.column).sort()).toEqual(['email.svarTil', 'id']);
  });

  it('rule set strings too', () => {
    const rs = structuredClone(ruleSetJson) as Record<string, any>;
    rs.retligeMangler[0].label = 'Sags\u0000oplysning';
    const r = parseRuleSet(rs, 'regelsaet.json');
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.problems).toEqual([
        expect.objectContaining({ code: 'forbidden-character', column: 'retligeMangler.0.label' }),
      ]);
  });

  it('the example files pass', () => {
    expect(parseBarometer(barometerJson, 'barometer.json').ok).toBe(true);
    expect(parseRuleSet(ruleSetJson, 'regelsaet.json').ok).toBe(true);
    expect(checkText('Lyngby-Taarbæk Kommune', { max: 100 })).toBeUndefined();
  });
});

describe('file names', () => {
  it('a letter file name comes from a bounded slug', () => {
    const k = {
      kode: '173',
      navn: `${'Lyngby-Taarbæk '.repeat(400)}Kommune`,
      adresse: '',
      postnummer: '',
      by: '',
      email: '',
      row: 2,
    };
    const base = letterFileBase(k);
    expect(base.length).toBeLessThanOrEqual(64);
    expect(base).toMatch(/^173-[a-z0-9-]*[a-z0-9]$/);
    expect(letterFileBase({ ...k, navn: 'Lyngby-Taarbæk Kommune' })).toBe('173-lyngby-taarbaek-kommune');
    expect(boundedSlug('–––')).toBe('');
  });

  it('an attachment name has no line breaks or path characters and is bounded', () => {
    expect(safeFileName('Handicapsagsbarometret 2023 - Lyngby-Taarbæk Kommune')).toBe(
      'Handicapsagsbarometret 2023 - Lyngby-Taarbæk Kommune',
    );
    const hostile = safeFileName(`../Titel\r\nContent-Type: text/html\u0000 ${'x'.repeat(500)}`);
    expect(hostile).not.toMatch(/[\r\n\u0000/\\]/);
    expect([...hostile].length).toBeLessThanOrEqual(120);
    expect(hostile.startsWith('.')).toBe(false);
  });
});

describe('printing', () => {
  it('a header cell with an ESC is named visibly (an unknown column)', () => {
    const r = withExtraColumn('noter\u001b[2J', '');
    expect(r.problems.map(formatProblem)).toEqual([
      'advarsel: sager.csv, række 1, kolonne »noter‹U+001B›[2J«: Ukendt kolonne; den bliver ikke brugt.',
    ]);
  });
});
