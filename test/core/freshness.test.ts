// Per-letter freshness: each letter is judged by its own fingerprint, so a
// change touches exactly the letters made from what changed.
import { describe, expect, it } from 'vitest';
import {
  assessFreshness,
  canonicalJson,
  letterInputsNow,
  RENDERER_VERSION,
  staleKommuner,
} from '../../src/core/letters/freshness.js';
import type { Manifest } from '../../src/core/letters/manifest.js';
import { formatProblem } from '../../src/core/problems.js';
import type { ValidatedData } from '../../src/core/types.js';
import { exampleCurrent, exampleManifest } from '../helpers/manifest.js';

// exampleManifest(): letters to 101 (three cases) and 173 (two cases); 825 has none.
function judge(
  change: (d: ValidatedData) => void,
  inputHashes?: Record<string, string>,
  manifest: Manifest = exampleManifest(),
) {
  const current = exampleCurrent(change);
  const report = assessFreshness(manifest, inputHashes ? { ...current, inputHashes } : current);
  const codes = Object.fromEntries(
    [...report.letters].map(([kode, f]) => [
      kode,
      f.state === 'fresh' ? 'fresh' : f.reasons.map((r) => r.code).join(','),
    ]),
  );
  return { report, codes };
}

const kommune = (d: ValidatedData, kode: string) => {
  const k = d.kommuner.find((x) => x.kode === kode);
  if (!k) throw new Error(kode);
  return k;
};
const sag = (d: ValidatedData, nr: string) => {
  const c = d.cases.find((x) => x.sagsnummer === nr);
  if (!c) throw new Error(nr);
  return c;
};

describe('assessFreshness', () => {
  it.each<{
    name: string;
    change: (d: ValidatedData) => void;
    inputHashes?: Record<string, string>;
    want: Record<string, string>;
  }>([
    { name: 'nothing changed', change: () => undefined, want: { '101': 'fresh', '173': 'fresh' } },
    {
      name: 'rows reordered and renumbered (where a row stands is not what it says)',
      change: (d) => {
        d.cases.reverse();
        d.kommuner.reverse();
        for (const c of d.cases) c.row += 10;
        for (const k of d.kommuner) k.row += 3;
      },
      want: { '101': 'fresh', '173': 'fresh' },
    },
    {
      name: "one kommune's email",
      change: (d) => void (kommune(d, '173').email = 'ny@ltk.example'),
      want: { '101': 'fresh', '173': 'stale-address' },
    },
    {
      name: 'the email only in letter case (the To header changes)',
      change: (d) => void (kommune(d, '173').email = kommune(d, '173').email.toUpperCase()),
      want: { '101': 'fresh', '173': 'stale-address' },
    },
    {
      name: "one kommune's postal address",
      change: (d) => void (kommune(d, '101').adresse = 'Rådhuspladsen 2'),
      want: { '101': 'stale-kommune', '173': 'fresh' },
    },
    {
      name: 'a kommune without cases',
      change: (d) => void (kommune(d, '825').email = 'ny@laesoe.example'),
      want: { '101': 'fresh', '173': 'fresh' },
    },
    {
      name: "a case's verdict",
      change: (d) => void (sag(d, 'HSB23-0004').regler.helhedsvurdering = 'ikke overholdt'),
      want: { '101': 'stale-cases', '173': 'fresh' },
    },
    {
      name: "a case's remark",
      change: (d) => void (sag(d, 'HSB23-0002').bemaerkning = 'Ny bemærkning'),
      want: { '101': 'fresh', '173': 'stale-cases' },
    },
    {
      name: 'a case moved to another kommune',
      change: (d) => void (sag(d, 'HSB23-0005').kommunekode = '173'),
      want: { '101': 'stale-cases', '173': 'stale-cases' },
    },
    {
      name: 'every case of a kommune removed',
      change: (d) => void (d.cases = d.cases.filter((c) => c.kommunekode !== '173')),
      want: { '101': 'fresh', '173': 'stale-no-cases' },
    },
    {
      name: 'the kommune removed',
      change: (d) => void (d.kommuner = d.kommuner.filter((k) => k.kode !== '101')),
      want: { '101': 'stale-kommune-gone', '173': 'fresh' },
    },
    {
      name: 'barometer.json',
      change: (d) => void (d.barometer.brevdato = '2024-05-09'),
      want: { '101': 'stale-barometer', '173': 'stale-barometer' },
    },
    {
      name: 'the rule set',
      change: (d) => void (d.ruleSet.navn = 'Andet regelsæt'),
      want: { '101': 'stale-rules', '173': 'stale-rules' },
    },
    {
      name: 'a template',
      change: () => undefined,
      inputHashes: { 'templates/handicapsagsbarometer/brev.hbs': 'c'.repeat(64) },
      want: { '101': 'stale-templates', '173': 'stale-templates' },
    },
    {
      name: 'an input file that is not a template',
      change: () => undefined,
      inputHashes: { 'templates/handicapsagsbarometer/brev.hbs': 'b'.repeat(64), 'sager.csv': 'x' },
      want: { '101': 'fresh', '173': 'fresh' },
    },
  ])('$name', ({ change, inputHashes, want }) => {
    expect(judge(change, inputHashes).codes).toEqual(want);
  });

  it('says in Danish which kommune and what changed, with file and row for an address', () => {
    const { report } = judge((d) => void (kommune(d, '173').email = 'ny@ltk.example'));
    const f = report.letters.get('173');
    if (f?.state !== 'stale') throw new Error('expected stale');
    expect(f.reasons.map(formatProblem)).toEqual([
      'fejl: kommuner.csv, række 2, kolonne »email«, værdi »ny@ltk.example«: 173 Lyngby-Taarbæk Kommune: adressen er ændret siden render (brevet er skrevet til handicap@lyngby-taarbaek.kommune.example).',
    ]);
    expect(staleKommuner(report)).toEqual(['173']);
  });

  it('a letter from another renderer version, or without a fingerprint, is stale', () => {
    const m = exampleManifest();
    const [a, b] = m.letters;
    if (!a?.inputs || !b) throw new Error('fixture');
    const older: Manifest = {
      ...m,
      letters: [
        { ...a, inputs: { ...a.inputs, renderer: 'kommunebrev-brev-0' } },
        { ...b, inputs: undefined },
      ],
    };
    const { codes } = judge(() => undefined, undefined, older);
    expect(codes).toEqual({ '101': 'stale-renderer', '173': 'stale-unknown' });
  });

  it('names a kommune that has cases now but no letter', () => {
    const m = exampleManifest();
    const { report } = judge(
      (d) => void d.cases.push({ ...sag(d, 'HSB23-0001'), sagsnummer: 'HSB23-0099', kommunekode: '825' }),
      undefined,
      m,
    );
    expect(report.missing.map((x) => x.kommunekode)).toEqual(['825']);
    expect(formatProblem(report.missing[0]?.problem ?? { code: '', severity: 'error', file: '', message: '' })).toMatch(
      /825 Læsø Kommune: kommunen har sager, men render har ikke skrevet et brev til den/,
    );
  });

  it('fingerprints are the same for the same values and name the renderer', () => {
    const a = letterInputsNow(exampleCurrent());
    const b = letterInputsNow(exampleCurrent((d) => d.cases.reverse()));
    expect(b).toEqual(a);
    expect(a.get('101')?.renderer).toBe(RENDERER_VERSION);
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: 3 } })).toBe(
      '{"a":{"c":3,"d":[2,{"e":0,"f":1}]},"b":1}',
    );
  });
});
