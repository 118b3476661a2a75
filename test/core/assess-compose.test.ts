import Handlebars from 'handlebars';
import { exampleTemplates } from '../helpers/manifest.js';
import { describe, expect, it } from 'vitest';
import { assessCase, assessNationalFigures, assessNationalPicture } from '../../src/core/letters/assess.js';
import { compileTemplates, composeLetters, parseLetterMarkup } from '../../src/core/letters/compose-letter.js';
import type { Case } from '../../src/core/types.js';
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

function validData(rows: string[][], kommuner = [kommuneRow()]) {
  const r = validateBarometerData({
    barometer: exampleBarometer(),
    ruleSet: exampleRuleSet(),
    kommuner: table('kommuner.csv', KOMMUNE_HEADER, kommuner),
    sager: table('sager.csv', SAGER_HEADER, rows),
  });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.data;
}

describe('assessNationalFigures', () => {
  it('counts afgørelser, defects, væsentlige defects and rule outcomes', () => {
    const data = validData([
      caseRow(),
      caseRow({
        sagsnummer: 'B',
        sagsoplysning: 'væsentlig',
        vurdering: 'væsentlig',
        'overholder regler og praksis': 'nej',
      }),
      caseRow({ sagsnummer: 'C', hjemmel: 'ikke væsentlig', sagsbehandlingstid: 'kan ikke vurderes' }),
      afslagRow({
        sagsnummer: 'D',
        begrundelse: 'væsentlig',
        klagevejledning: 'ikke overholdt',
        'overholder regler og praksis': 'nej',
      }),
      caseRow({
        sagsnummer: 'E',
        afgørelse: 'delvist afslag',
        begrundelse: 'nej',
        klagevejledning: 'overholdt',
        handleplan: 'overholdt',
      }),
    ]);
    const f = assessNationalFigures(data.cases, data.ruleSet);
    expect(f).toEqual({
      sager: 5,
      kommuner: 1,
      afgoerelser: { bevilling: 3, 'delvist afslag': 1, afslag: 1 },
      overholder: 3,
      medMangel: 3,
      medVaesentligMangel: 2,
      mangler: {
        sagsoplysning: { i_alt: 1, vaesentlig: 1 },
        begrundelse: { i_alt: 1, vaesentlig: 1 },
        hjemmel: { i_alt: 1, vaesentlig: 0 },
        'skøn under regel': { i_alt: 0, vaesentlig: 0 },
        vurdering: { i_alt: 1, vaesentlig: 1 },
        partshøring: { i_alt: 0, vaesentlig: 0 },
      },
      regler: {
        klagevejledning: { overholdt: 1, 'ikke overholdt': 1, 'ikke relevant': 3, 'kan ikke vurderes': 0 },
        sagsbehandlingstid: { overholdt: 4, 'ikke overholdt': 0, 'ikke relevant': 0, 'kan ikke vurderes': 1 },
        helhedsvurdering: { overholdt: 5, 'ikke overholdt': 0, 'ikke relevant': 0, 'kan ikke vurderes': 0 },
        handleplan: { overholdt: 1, 'ikke overholdt': 0, 'ikke relevant': 1, 'kan ikke vurderes': 3 },
      },
    });
    const picture = assessNationalPicture(data.cases, data.ruleSet);
    // Begrundelse applies to the 2 cases without full medhold; one has a væsentlig defect.
    expect(picture.retligeKrav.find((r) => r.kolonne === 'begrundelse')).toMatchObject({
      grundlag: 2,
      lever: 1,
      procent: 50,
    });
    // Klagevejledning: of the assessable cases (overholdt + ikke overholdt).
    expect(picture.sagsbehandlingsregler.find((r) => r.kolonne === 'klagevejledning')).toMatchObject({
      grundlag: 2,
      lever: 1,
    });
  });
});

describe('assessCase', () => {
  it('lists only the defects, with their significance, and every rule', () => {
    const data = validData([
      afslagRow({ hjemmel: 'ikke væsentlig', begrundelse: 'væsentlig', 'overholder regler og praksis': 'nej' }),
    ]);
    const view = assessCase(data.cases[0] as Case, data.ruleSet);
    expect(view).toMatchObject({
      afgoerelsesdatoTekst: '3. november 2022',
      afgoerelse: 'Afslag',
      overholder: 'Nej',
      mangler: [
        { label: 'Begrundelse', betydning: 'væsentlig betydning' },
        { label: 'Hjemmel', betydning: 'ikke væsentlig betydning' },
      ],
      regler: [
        { label: 'Klagevejledning', vurdering: 'Overholdt' },
        { label: 'Sagsbehandlingstid', vurdering: 'Overholdt' },
        { label: 'Helhedsvurdering', vurdering: 'Overholdt' },
        { label: 'Handleplan', vurdering: 'Ikke relevant' },
      ],
    });
  });
});

describe('composeLetters', () => {
  const kommuner = [
    kommuneRow(),
    kommuneRow({ kommunekode: '101', navn: 'Københavns Kommune', email: 'kk@kk.example' }),
  ];

  it('gives each kommune exactly its own cases, sorted by date then sagsnummer', () => {
    const data = validData(
      [
        caseRow({ sagsnummer: 'HSB23-0010', afgørelsesdato: '2022-10-01' }),
        caseRow({ sagsnummer: 'HSB23-0002', afgørelsesdato: '2022-10-01' }),
        caseRow({ sagsnummer: 'HSB23-0003', afgørelsesdato: '2022-09-01' }),
        caseRow({ sagsnummer: 'HSB23-0004', kommunekode: '101' }),
      ],
      kommuner,
    );
    const letters = composeLetters(data, exampleTemplates());
    expect(letters.map((l) => [l.kommune.kode, l.sager.map((s) => s.sagsnummer)])).toEqual([
      ['101', ['HSB23-0004']],
      ['173', ['HSB23-0003', 'HSB23-0002', 'HSB23-0010']],
    ]);
    expect(letters[0]?.antalSagerTekst).toBe('1 sag');
    expect(letters[1]?.antalSagerTekst).toBe('3 sager');
    expect(letters[1]?.filBase).toBe('173-lyngby-taarbaek-kommune');
    expect(letters[1]?.email.subject).toBe(
      'Handicapsagsbarometret 2023: Ankestyrelsens vurdering af sagerne fra Lyngby-Taarbæk Kommune',
    );
    expect(letters[0]?.email.subject).toContain('sagen fra Københavns Kommune');
  });

  it('writes the letter text from the template, adapted to the kommune and the number of cases', () => {
    const data = validData([caseRow(), caseRow({ sagsnummer: 'B' })]);
    const [letter] = composeLetters(data, exampleTemplates());
    const text = JSON.stringify(letter?.body);
    expect(text).toContain('Ankestyrelsen offentliggjorde den 26. april 2024 Handicapsagsbarometret 2023');
    expect(text).toContain('de 2 sager om ledsagelse');
    expect(text).toContain('22. maj 2024 kl. 14-15');
    expect(text).toContain('klagevejledning, sagsbehandlingstid, helhedsvurdering og handleplan');
    expect(letter?.body.filter((b) => b.type === 'oversigt')).toHaveLength(1);
    expect(letter?.body.filter((b) => b.type === 'noegle')).toHaveLength(1);
  });

  it('gives a deterministic Message-ID that changes when the content changes', () => {
    const a = composeLetters(validData([caseRow()]), exampleTemplates())[0]?.email.messageId;
    const b = composeLetters(validData([caseRow()]), exampleTemplates())[0]?.email.messageId;
    const c = composeLetters(validData([caseRow({ helhedsvurdering: 'ikke overholdt' })]), exampleTemplates())[0]?.email
      .messageId;
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    expect(a).toMatch(/^kommunebrev\.2023-ledsagelse\.173\.[0-9a-f]{16}@ankestyrelsen\.example$/);
  });

  it('escapes values in the HTML email but not in the plain text', () => {
    const data = validData([caseRow()], [kommuneRow({ navn: 'A & B <Kommune>' })]);
    const [letter] = composeLetters(data, exampleTemplates());
    expect(letter?.email.html).toContain('A &amp; B &lt;Kommune&gt;');
    expect(letter?.email.text).toContain('A & B <Kommune>');
  });
});

describe('parseLetterMarkup', () => {
  it('turns headings, paragraphs, lists and placeholders into blocks', () => {
    expect(
      parseLetterMarkup(
        '# Titel\n\nEn linje\nto linjer\n\n1) a\n2) b\nfortsat\n\n[[oversigt]]\n\n## Under\n\n[[noegle]]\n',
      ),
    ).toEqual([
      { type: 'heading', level: 1, text: 'Titel' },
      { type: 'paragraph', text: 'En linje\nto linjer' },
      { type: 'list', items: ['1) a', '2) b fortsat'] },
      { type: 'oversigt' },
      { type: 'heading', level: 2, text: 'Under' },
      { type: 'noegle' },
    ]);
  });

  it('reports a template syntax error as a problem', () => {
    const bad = { file: 'templates/x/brev.hbs', source: '{{#if x}}unclosed' };
    const r = compileTemplates(
      { brev: bad, emailEmne: bad, emailTekst: bad, emailHtml: bad },
      { compiler: Handlebars },
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toMatchObject({ code: 'template-syntax', file: 'templates/x/brev.hbs' });
  });
});
