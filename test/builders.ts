// Builders for test data: complete, valid values with sensible defaults, to be
// overridden per test. One section per type; add new builders the same way
// (a named default object + an `aXxx(overrides)` function returning a fresh copy).
import type { CaseView, Kommune, LetterModel, RuleKeyEntry, TextBlock } from '../src/core/types.js';

// ---------------------------------------------------------------------------
// Kommune

export function aKommune(overrides: Partial<Kommune> = {}): Kommune {
  return {
    kode: '173',
    navn: 'Lyngby-Taarbæk Kommune',
    adresse: 'Lyngby Torv 17',
    postnummer: '2800',
    by: 'Kongens Lyngby',
    email: 'handicap@ltk.kommune.example',
    row: 2,
    ...overrides,
  };
}

// ---------------------------------------------------------------------------
// CaseView (an assessed case as the letter shows it)

/** A clean bevilling: lives up to the rules, no mangler, every regel assessed. */
export function aCaseView(overrides: Partial<CaseView> = {}): CaseView {
  return {
    sagsnummer: 'HSB23-0001',
    afgoerelsesdato: '2022-11-03',
    afgoerelsesdatoTekst: '3. november 2022',
    afgoerelse: 'Bevilling',
    overholder: 'Ja',
    mangler: [],
    regler: [
      { label: 'Klagevejledning', vurdering: 'Ikke relevant' },
      { label: 'Sagsbehandlingstid', vurdering: 'Overholdt' },
      { label: 'Helhedsvurdering', vurdering: 'Overholdt' },
      { label: 'Handleplan', vurdering: 'Kan ikke vurderes' },
    ],
    ...overrides,
  };
}

/** An afslag with defects, one of them with væsentlig betydning. */
export function aDefectiveCaseView(overrides: Partial<CaseView> = {}): CaseView {
  return aCaseView({
    sagsnummer: 'HSB23-0002',
    afgoerelsesdato: '2022-12-20',
    afgoerelsesdatoTekst: '20. december 2022',
    afgoerelse: 'Afslag',
    overholder: 'Nej',
    mangler: [
      { label: 'Sagsoplysning', betydning: 'væsentlig betydning' },
      { label: 'Begrundelse', betydning: 'ikke væsentlig betydning' },
    ],
    regler: [
      { label: 'Klagevejledning', vurdering: 'Ikke overholdt' },
      { label: 'Sagsbehandlingstid', vurdering: 'Ikke overholdt' },
      { label: 'Helhedsvurdering', vurdering: 'Ikke overholdt' },
      { label: 'Handleplan', vurdering: 'Ikke relevant' },
    ],
    ...overrides,
  });
}

/** Danish month names, written out here (not taken from date-fns) so the tests' expected dates do not come from the code under test. */
export const MONTHS = [
  'januar',
  'februar',
  'marts',
  'april',
  'maj',
  'juni',
  'juli',
  'august',
  'september',
  'oktober',
  'november',
  'december',
];

/**
 * `n` distinct cases, sorted as the letter sorts them (by date, then
 * sagsnummer), alternating clean and defective, every third with a bemærkning.
 */
export function someCaseViews(n: number): CaseView[] {
  return Array.from({ length: n }, (_, i) => {
    const month = (i % 12) + 1;
    const day = (i % 27) + 1;
    const iso = `2022-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    const base = {
      sagsnummer: `HSB23-${String(i + 1).padStart(4, '0')}`,
      afgoerelsesdato: iso,
      afgoerelsesdatoTekst: `${day}. ${MONTHS[month - 1] ?? ''} 2022`,
      ...(i % 3 === 2 ? { bemaerkning: `Kommunen har ikke oplyst sagen tilstrækkeligt (sag ${i + 1}).` } : {}),
    };
    return i % 2 === 0 ? aCaseView(base) : aDefectiveCaseView(base);
  }).sort((a, b) => a.afgoerelsesdato.localeCompare(b.afgoerelsesdato) || a.sagsnummer.localeCompare(b.sagsnummer));
}

// ---------------------------------------------------------------------------
// Rule key (nøgle)

export function aRuleKeyEntry(overrides: Partial<RuleKeyEntry> = {}): RuleKeyEntry {
  return {
    label: 'Sagsoplysning',
    forklaring:
      'Kommunen har ansvaret for, at sagen er tilstrækkeligt oplyst til, at der kan træffes en korrekt afgørelse.',
    hjemmel: 'retssikkerhedslovens § 10',
    ...overrides,
  };
}

export function aNoegle(): LetterModel['noegle'] {
  return {
    retligeMangler: [
      aRuleKeyEntry(),
      aRuleKeyEntry({
        label: 'Begrundelse',
        forklaring:
          'Kommunen skal begrunde afgørelsen, hvis borgeren ikke får fuldt ud medhold, og angive de oplysninger, der er tillagt væsentlig betydning.',
        hjemmel: 'forvaltningslovens § 24',
        gaelderForTekst: 'kun når borgeren ikke får fuldt medhold (afslag og delvist afslag)',
      }),
      aRuleKeyEntry({
        label: 'Hjemmel',
        forklaring: 'Kommunens afgørelse skal have hjemmel i lovgivningen.',
        hjemmel: 'legalitetsprincippet og servicelovens § 97',
      }),
    ],
    sagsbehandlingsregler: [
      aRuleKeyEntry({
        label: 'Klagevejledning',
        forklaring:
          'Skriftlige afgørelser, hvor borgeren ikke får fuldt medhold, skal ledsages af en fyldestgørende klagevejledning.',
        hjemmel: 'forvaltningslovens § 25',
        gaelderForTekst: 'kun når borgeren ikke får fuldt medhold (afslag og delvist afslag)',
      }),
      aRuleKeyEntry({
        label: 'Sagsbehandlingstid',
        forklaring: 'Kommunen skal behandle sagen så hurtigt som muligt og inden for de frister, den selv har fastsat.',
        hjemmel: 'retssikkerhedslovens § 3',
      }),
      aRuleKeyEntry({
        label: 'Helhedsvurdering',
        forklaring: 'Kommunen skal vurdere borgerens samlede situation.',
        hjemmel: 'retssikkerhedslovens § 5',
      }),
      aRuleKeyEntry({
        label: 'Handleplan',
        forklaring: 'Kommunen skal tilbyde at udarbejde en handleplan, når der bevilges hjælp.',
        hjemmel: 'servicelovens § 141, stk. 2',
        gaelderForTekst: 'kun når der bevilges hjælp (bevilling og delvist afslag)',
      }),
    ],
  };
}

// ---------------------------------------------------------------------------
// Letter body (TextBlocks as parseLetterMarkup yields them from brev.hbs)

export function aLetterBody(
  kommuneNavn = 'Lyngby-Taarbæk Kommune',
  titel = 'Handicapsagsbarometret 2023',
): TextBlock[] {
  return [
    { type: 'heading', level: 1, text: `${titel}: Ankestyrelsens vurdering af sagerne fra ${kommuneNavn}` },
    {
      type: 'paragraph',
      text: `Ankestyrelsen offentliggjorde den 26. april 2024 ${titel}, som er en praksisundersøgelse om ledsagelse efter § 97 i serviceloven. Du kan læse mere om Handicapsagsbarometret sidst i brevet.`,
    },
    {
      type: 'paragraph',
      text: `I rapporten om ${titel} har Ankestyrelsen beskrevet resultaterne samlet for alle sager på tværs af landets kommuner.`,
    },
    { type: 'heading', level: 2, text: 'Ankestyrelsens vurdering af sagerne fra jeres kommune' },
    {
      type: 'paragraph',
      text: 'Vi sender derfor en oversigt over Ankestyrelsens vurdering af de sager om ledsagelse, som vi har gennemgået fra jeres kommune. Oversigten følger sidst i brevet.',
    },
    { type: 'heading', level: 2, text: 'Læsevejledning til oversigten' },
    {
      type: 'paragraph',
      text: 'I oversigten kan I finde følgende oplysninger for hver målte sag. Sagerne er angivet med et sagsnummer.',
    },
    {
      type: 'list',
      items: [
        '1) Datoen for den kommunale afgørelse om ledsagelse.',
        '2) Ankestyrelsens vurdering af, om afgørelsen lever op til regler og praksis.',
        '3) De retlige mangler, som Ankestyrelsen vurderer, der eventuelt gør sig gældende for afgørelsen. Herunder om manglerne har væsentlig betydning for Ankestyrelsens vurdering af, om afgørelsen lever op til regler og praksis.',
        '4) Ankestyrelsens vurdering af, om kommunens sagsbehandling i sagen overholder sagsbehandlingsregler som klagevejledning, sagsbehandlingstid, helhedsvurdering og handleplan.',
      ],
    },
    {
      type: 'paragraph',
      text: 'Ankestyrelsen indbyder alle kommuner til et online dialogmøde den 22. maj 2024 kl. 14-15. Man kan tilmelde sig dialogmødet her: https://ankestyrelsen.example/dialogmoede-handicapsagsbarometret-2023',
    },
    {
      type: 'paragraph',
      text: 'Hvis I har spørgsmål, er I velkomne til at kontakte undertegnede på telefon 33 41 12 00.',
    },
    { type: 'paragraph', text: 'Med venlig hilsen' },
    { type: 'paragraph', text: 'Jesper Hagen\nAnkechef' },
    { type: 'heading', level: 2, text: `Oversigt over Ankestyrelsens vurdering af sagerne fra ${kommuneNavn}` },
    { type: 'oversigt' },
    { type: 'heading', level: 2, text: 'Forklaring til oversigten' },
    { type: 'noegle' },
  ];
}

// ---------------------------------------------------------------------------
// LetterModel

/**
 * A complete letter to Lyngby-Taarbæk Kommune with four cases (two clean, two
 * defective, one with a bemærkning). Derived fields (antalSager, pdf, filBase,
 * email, body) follow `kommune` and `sager` unless overridden.
 */
export function aLetterModel(overrides: Partial<LetterModel> = {}): LetterModel {
  const kommune = overrides.kommune ?? aKommune();
  const sager = overrides.sager ?? someCaseViews(4);
  const titel = overrides.titel ?? 'Handicapsagsbarometret 2023';
  const antal = sager.length;
  const antalSagerTekst = `${antal} ${antal === 1 ? 'sag' : 'sager'}`;
  const filBase = `${kommune.kode}-${kommune.navn
    .toLowerCase()
    .replace(/æ/g, 'ae')
    .replace(/ø/g, 'oe')
    .replace(/å/g, 'aa')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')}`;
  return {
    barometerId: '2023-ledsagelse',
    titel,
    kommune,
    brevdato: '2024-05-08',
    brevdatoTekst: '8. maj 2024',
    antalSager: antal,
    antalSagerTekst,
    sager,
    noegle: aNoegle(),
    body: aLetterBody(kommune.navn, titel),
    afsender: {
      myndighed: 'Ankestyrelsen',
      adresse: ['Teglholmsgade 3', '2450 København SV'],
      telefon: '33 41 12 00',
      email: 'handicapsagsbarometer@ankestyrelsen.example',
      web: 'ast.dk',
    },
    pdf: {
      title: `${titel} - ${kommune.navn}`,
      author: 'Ankestyrelsen',
      subject: `Ankestyrelsens vurdering af ${antalSagerTekst} om ledsagelse efter § 97 i serviceloven fra ${kommune.navn}`,
      language: 'da',
      keywords: `${titel}; ${kommune.navn}; ledsagelse`,
    },
    filBase,
    email: {
      from: { name: 'Ankestyrelsen', address: 'handicapsagsbarometer@ankestyrelsen.example' },
      replyTo: 'handicapsagsbarometer@ankestyrelsen.example',
      to: { name: kommune.navn, address: kommune.email },
      subject: `${titel}: Ankestyrelsens vurdering af sagerne fra ${kommune.navn}`,
      text: `Kære ${kommune.navn}\n\nHermed Ankestyrelsens vurdering af ${antalSagerTekst}.\n`,
      html: `<p>Kære ${kommune.navn}</p><p>Hermed Ankestyrelsens vurdering af ${antalSagerTekst}.</p>`,
      attachmentName: `${titel} - ${kommune.navn}.pdf`,
      messageId: `kommunebrev.2023-ledsagelse.${kommune.kode}.0123456789abcdef@ankestyrelsen.example`,
      date: '2024-05-08T08:00:00.000Z',
    },
    ...overrides,
  };
}
