import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/core/problems.js';
import type { Problem } from '../../src/core/types.js';
import { validateBarometerData } from '../../src/core/letters/validate.js';
import {
  afslagRow,
  caseRow,
  exampleBarometer,
  exampleRuleSet,
  KOMMUNE_HEADER,
  kommuneRow,
  SAGER_HEADER,
  table,
} from './table-builders.js';

function validate(sager: string[][], kommuner: string[][] = [kommuneRow()], sagerHeader = SAGER_HEADER) {
  return validateBarometerData({
    barometer: exampleBarometer(),
    ruleSet: exampleRuleSet(),
    kommuner: table('kommuner.csv', KOMMUNE_HEADER, kommuner),
    sager: table('sager.csv', sagerHeader, sager),
  });
}

const errors = (problems: Problem[]) => problems.filter((p) => p.severity === 'error');
const warnings = (problems: Problem[]) => problems.filter((p) => p.severity === 'warning');

describe('validateBarometerData: valid input', () => {
  it('accepts a clean bevilling and a clean afslag and types them', () => {
    const r = validate([caseRow(), afslagRow({ sagsnummer: 'HSB23-0002', afgørelsesdato: '20-12-2022' })]);
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.data.cases).toHaveLength(2);
    expect(r.data.cases[1]).toMatchObject({
      sagsnummer: 'HSB23-0002',
      kommunekode: '173',
      afgoerelsesdato: '2022-12-20',
      afgoerelse: 'afslag',
      overholder: true,
      row: 3,
    });
  });

  it.each([
    ['2022-12-20', '2022-12-20'],
    ['20-12-2022', '2022-12-20'],
    ['20.12.2022', '2022-12-20'],
    ['20/12/2022', '2022-12-20'],
    ['3.1.2022', '2022-01-03'],
  ])('reads the date %s as %s', (raw, iso) => {
    const r = validate([caseRow({ afgørelsesdato: raw })]);
    expect(r.ok && r.data.cases[0]?.afgoerelsesdato).toBe(iso);
  });

  it.each(['0173', '173', ' 173 '])('reads kommunekode %j as 173', (kode) => {
    const r = validate([caseRow({ kommunekode: kode })], [kommuneRow({ kommunekode: '0173' })]);
    expect(r.ok && r.data.cases[0]?.kommunekode).toBe('173');
  });

  it('reads values case-insensitively and trimmed', () => {
    const r = validate([
      caseRow({ afgørelse: ' Bevilling ', 'overholder regler og praksis': 'JA', sagsoplysning: 'Ikke  Væsentlig' }),
    ]);
    expect(r.problems).toEqual([]);
    expect(r.ok && r.data.cases[0]?.mangler.sagsoplysning).toBe('ikke væsentlig');
  });

  it('keeps the bemærkning literally, line breaks included', () => {
    const text = 'Linje 1; "citat" <b>{{kommune}}</b>\r\nLinje 2';
    const r = validate([caseRow({ bemærkning: text })]);
    expect(r.ok && r.data.cases[0]?.bemaerkning).toBe('Linje 1; "citat" <b>{{kommune}}</b>\nLinje 2');
  });

  it('accepts "nej" for a retlig mangel that does not apply (no defect is simply true)', () => {
    const r = validate([caseRow({ begrundelse: 'nej' })]);
    expect(errors(r.problems)).toEqual([]);
  });
});

describe('validateBarometerData: every class of bad input is reported with file, row, column and value', () => {
  const cases: {
    name: string;
    rows: string[][];
    kommuner?: string[][];
    code: string;
    column?: string;
    row?: number;
    file?: string;
  }[] = [
    {
      name: 'unknown kommunekode',
      rows: [caseRow({ kommunekode: '999' })],
      code: 'unknown-kommunekode',
      column: 'kommunekode',
      row: 2,
    },
    {
      name: 'non-numeric kommunekode',
      rows: [caseRow({ kommunekode: 'Lyngby' })],
      code: 'invalid-kommunekode',
      column: 'kommunekode',
    },
    {
      name: 'impossible date',
      rows: [caseRow({ afgørelsesdato: '31-02-2022' })],
      code: 'invalid-date',
      column: 'afgørelsesdato',
    },
    {
      name: 'unreadable date',
      rows: [caseRow({ afgørelsesdato: 'december 2022' })],
      code: 'invalid-date',
      column: 'afgørelsesdato',
    },
    {
      name: 'date after the letter',
      rows: [caseRow({ afgørelsesdato: '2025-01-01' })],
      code: 'date-after-letter',
      column: 'afgørelsesdato',
    },
    {
      name: 'empty required cell',
      rows: [caseRow({ sagsoplysning: '' })],
      code: 'empty-cell',
      column: 'sagsoplysning',
    },
    {
      name: 'unknown afgørelse',
      rows: [caseRow({ afgørelse: 'bevilget' })],
      code: 'unknown-value',
      column: 'afgørelse',
    },
    { name: 'unknown mangel value', rows: [caseRow({ hjemmel: 'måske' })], code: 'unknown-value', column: 'hjemmel' },
    {
      name: 'unknown regel value',
      rows: [caseRow({ sagsbehandlingstid: 'ja' })],
      code: 'unknown-value',
      column: 'sagsbehandlingstid',
    },
    {
      name: 'begrundelse defect in a full bevilling',
      rows: [caseRow({ begrundelse: 'væsentlig', 'overholder regler og praksis': 'nej' })],
      code: 'rule-not-applicable',
      column: 'begrundelse',
    },
    {
      name: 'klagevejledning assessed in a full bevilling',
      rows: [caseRow({ klagevejledning: 'overholdt' })],
      code: 'rule-not-applicable',
      column: 'klagevejledning',
    },
    {
      name: '"ikke relevant" klagevejledning in an afslag',
      rows: [afslagRow({ klagevejledning: 'ikke relevant' })],
      code: 'rule-applies',
      column: 'klagevejledning',
    },
    {
      name: 'handleplan assessed in an afslag',
      rows: [afslagRow({ handleplan: 'ikke overholdt' })],
      code: 'rule-not-applicable',
      column: 'handleplan',
    },
    {
      name: '"ikke relevant" for a rule that always applies',
      rows: [caseRow({ sagsoplysning: 'ikke relevant' })],
      code: 'rule-applies',
      column: 'sagsoplysning',
    },
    {
      name: '"ja" although a defect has væsentlig betydning',
      rows: [caseRow({ vurdering: 'væsentlig' })],
      code: 'overholder-contradiction',
      column: 'overholder regler og praksis',
    },
    {
      name: '"nej" although no defect has væsentlig betydning',
      rows: [caseRow({ 'overholder regler og praksis': 'nej', hjemmel: 'ikke væsentlig' })],
      code: 'overholder-contradiction',
      column: 'overholder regler og praksis',
    },
    {
      name: 'CPR-like number in a remark',
      rows: [caseRow({ bemærkning: 'Borger 120345-1234 har søgt' })],
      code: 'cpr-like',
      column: 'bemærkning',
    },
    {
      name: 'CPR-like number without dash in sagsnummer',
      rows: [caseRow({ sagsnummer: '1203451234' })],
      code: 'cpr-like',
      column: 'sagsnummer',
    },
    {
      name: 'kommune with cases but no email',
      rows: [caseRow()],
      kommuner: [kommuneRow({ email: '' })],
      code: 'missing-email',
      column: 'email',
      file: 'kommuner.csv',
    },
    {
      name: 'invalid email',
      rows: [caseRow()],
      kommuner: [kommuneRow({ email: 'handicap(at)lyngby' })],
      code: 'invalid-email',
      column: 'email',
      file: 'kommuner.csv',
    },
    {
      name: 'duplicate kommunekode in kommuner.csv',
      rows: [caseRow()],
      kommuner: [kommuneRow(), kommuneRow({ kommunekode: '0173' })],
      code: 'duplicate-kommunekode',
      column: 'kommunekode',
      file: 'kommuner.csv',
      row: 3,
    },
  ];

  it.each(cases)('$name', ({ rows, kommuner, code, column, row, file }) => {
    const r = validate(rows, kommuner);
    expect(r.ok).toBe(false);
    const hit = r.problems.find((p) => p.code === code);
    expect(hit, `expected ${code} in ${JSON.stringify(r.problems)}`).toBeDefined();
    expect(hit?.severity).toBe('error');
    expect(hit?.file).toBe(file ?? 'sager.csv');
    expect(hit?.row).toBe(row ?? 2);
    if (column) expect(hit?.column).toBe(column);
    expect(hit?.message).toMatch(/[æøåa-z]/i);
  });

  it('reports a duplicate sagsnummer on the second row, naming the first', () => {
    const r = validate([caseRow(), caseRow({ afgørelsesdato: '2022-10-01' })]);
    const hit = r.problems.find((p) => p.code === 'duplicate-sagsnummer');
    expect(hit).toMatchObject({ row: 3, column: 'sagsnummer', value: 'HSB23-0001' });
    expect(hit?.message).toContain('række 2');
  });

  it('reports a missing column once, at the header row', () => {
    const header = SAGER_HEADER.filter((h) => h !== 'helhedsvurdering');
    const row = caseRow();
    row.splice(SAGER_HEADER.indexOf('helhedsvurdering'), 1);
    const r = validate([row], undefined, header);
    const hits = r.problems.filter((p) => p.code === 'missing-column');
    expect(hits).toEqual([expect.objectContaining({ row: 1, column: 'helhedsvurdering', severity: 'error' })]);
  });

  it('collects all problems, not just the first', () => {
    const r = validate([
      caseRow({ kommunekode: '999', afgørelsesdato: '32-01-2022' }),
      caseRow({ sagsnummer: 'HSB23-0002', afgørelse: 'ja tak' }),
      afslagRow({ sagsnummer: 'HSB23-0003', klagevejledning: 'ikke relevant', handleplan: 'overholdt' }),
    ]);
    expect(
      errors(r.problems)
        .map((p) => `${p.row}:${p.code}`)
        .sort(),
    ).toEqual(
      ['2:invalid-date', '2:unknown-kommunekode', '3:unknown-value', '4:rule-applies', '4:rule-not-applicable'].sort(),
    );
  });

  it('never repeats a CPR number in the message it prints', () => {
    const r = validate([caseRow({ bemærkning: 'CPR 120345-1234' })]);
    const text = r.problems.map(formatProblem).join('\n');
    expect(text).toContain('120345-****');
    expect(text).not.toContain('1234 ');
    expect(text).not.toMatch(/120345-1234/);
  });
});

describe('validateBarometerData: warnings', () => {
  it('warns (does not fail) on a decision date outside the survey period', () => {
    const r = validate([afslagRow({ afgørelsesdato: '2023-01-15' })]);
    expect(r.ok).toBe(true);
    expect(warnings(r.problems)).toEqual([
      expect.objectContaining({ code: 'date-outside-period', row: 2, column: 'afgørelsesdato' }),
    ]);
  });

  it('warns on a kommune without cases, and does not require its email', () => {
    const r = validate(
      [caseRow()],
      [kommuneRow(), kommuneRow({ kommunekode: '101', navn: 'Københavns Kommune', email: '' })],
    );
    expect(r.ok).toBe(true);
    expect(warnings(r.problems)).toEqual([
      expect.objectContaining({ code: 'kommune-without-cases', file: 'kommuner.csv', row: 3 }),
    ]);
  });
});
