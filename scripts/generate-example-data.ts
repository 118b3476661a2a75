// Generates the example data for "Handicapsagsbarometret 2023" (Ankestyrelsen,
// ledsagelse efter servicelovens § 97): data/2023-ledsagelse/kommuner.csv and
// data/2023-ledsagelse/sager.csv, and the same tables as workbooks,
// data/2023-ledsagelse-regneark/kommuner.xlsx and sager.xlsx.
//
//   npx tsx scripts/generate-example-data.ts
//
// The cases are fictitious, but their national figures reproduce the 2023
// report exactly (385 cases from 98 kommuner). Everything is derived from a
// fixed seed, so two runs write byte-identical files. The exact multiset of
// values per column is built first and then placed on the cases with a seeded
// PRNG, subject to the rule set's applicability rules.
//
// Output flavour: Excel's "CSV UTF-8": UTF-8 with BOM, ';' as delimiter, CRLF
// line endings, fields quoted only when needed.
//
// After writing, the script reads both files back with csv-parse, recomputes
// every figure and rule, and exits non-zero if anything differs from the target.
//
// The workbooks are what a person gets by typing the same tables into Excel:
// sheets "Kommuner" and "Sager", kommunekoder and postnumre as numbers,
// afgørelsesdatoer as real date cells shown dd-mm-yyyy, the rest as text. They
// are read back with kommunebrev's own workbook reader and must give exactly
// the CSV files' text, cell for cell.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'csv-parse/sync';
import reportFigures from '../data/report-2023-figures.json' with { type: 'json' };
import { parseRuleSet } from '../src/core/letters/barometer-schema.js';
import { slugify } from '../src/core/letters/parse-values.js';
import { parseWorkbook } from '../src/adapters/letters/read-workbook.js';
import { recordsToWorkbook, type SheetSpec } from '../test/helpers/workbook.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = join(REPO, 'data', '2023-ledsagelse');
const WORKBOOK_DIR = join(REPO, 'data', '2023-ledsagelse-regneark');
const SEED = 0x2023_0097;

// ---------------------------------------------------------------------------
// Seeded randomness
// ---------------------------------------------------------------------------

/** mulberry32: small, fast, good enough for example data. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a of a label, so each concern gets its own independent, stable stream. */
function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (const ch of label) {
    h ^= ch.codePointAt(0) ?? 0;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

class Rng {
  private readonly next: () => number;
  constructor(label: string) {
    this.next = mulberry32((SEED ^ hashLabel(label)) >>> 0);
  }
  float(): number {
    return this.next();
  }
  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }
  /** Index chosen with probability proportional to its weight. */
  weighted(weights: readonly number[]): number {
    const total = weights.reduce((s, w) => s + w, 0);
    let x = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i] as number;
      if (x < 0) return i;
    }
    return weights.length - 1;
  }
  /** Fisher-Yates on a copy. */
  shuffle<T>(items: readonly T[]): T[] {
    const a = [...items];
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [a[i], a[j]] = [a[j] as T, a[i] as T];
    }
    return a;
  }
}

// ---------------------------------------------------------------------------
// The 98 kommuner
// ---------------------------------------------------------------------------

interface KommuneDef {
  kode: number;
  navn: string;
  /** Short form used for the fictitious email domain. */
  kort: string;
  postnummer: string;
  by: string;
  /** Approximate population in thousands (2022); drives the number of cases. */
  indbyggere: number;
}

const K = (
  kode: number,
  navn: string,
  kort: string,
  postnummer: string,
  by: string,
  indbyggere: number,
): KommuneDef => ({
  kode,
  navn,
  kort,
  postnummer,
  by,
  indbyggere,
});

const KOMMUNER: readonly KommuneDef[] = [
  K(101, 'Københavns Kommune', 'København', '1550', 'København V', 653),
  K(147, 'Frederiksberg Kommune', 'Frederiksberg', '2000', 'Frederiksberg', 104),
  K(151, 'Ballerup Kommune', 'Ballerup', '2750', 'Ballerup', 52),
  K(153, 'Brøndby Kommune', 'Brøndby', '2605', 'Brøndby', 35),
  K(155, 'Dragør Kommune', 'Dragør', '2791', 'Dragør', 14),
  K(157, 'Gentofte Kommune', 'Gentofte', '2820', 'Gentofte', 75),
  K(159, 'Gladsaxe Kommune', 'Gladsaxe', '2860', 'Søborg', 70),
  K(161, 'Glostrup Kommune', 'Glostrup', '2600', 'Glostrup', 23),
  K(163, 'Herlev Kommune', 'Herlev', '2730', 'Herlev', 30),
  K(165, 'Albertslund Kommune', 'Albertslund', '2620', 'Albertslund', 28),
  K(167, 'Hvidovre Kommune', 'Hvidovre', '2650', 'Hvidovre', 54),
  K(169, 'Høje-Taastrup Kommune', 'Høje-Taastrup', '2630', 'Taastrup', 56),
  K(173, 'Lyngby-Taarbæk Kommune', 'Lyngby-Taarbæk', '2800', 'Kongens Lyngby', 56),
  K(175, 'Rødovre Kommune', 'Rødovre', '2610', 'Rødovre', 41),
  K(183, 'Ishøj Kommune', 'Ishøj', '2635', 'Ishøj', 23),
  K(185, 'Tårnby Kommune', 'Tårnby', '2770', 'Kastrup', 43),
  K(187, 'Vallensbæk Kommune', 'Vallensbæk', '2625', 'Vallensbæk', 17),
  K(190, 'Furesø Kommune', 'Furesø', '3520', 'Farum', 41),
  K(201, 'Allerød Kommune', 'Allerød', '3450', 'Allerød', 26),
  K(210, 'Fredensborg Kommune', 'Fredensborg', '3480', 'Fredensborg', 41),
  K(217, 'Helsingør Kommune', 'Helsingør', '3000', 'Helsingør', 63),
  K(219, 'Hillerød Kommune', 'Hillerød', '3400', 'Hillerød', 52),
  K(223, 'Hørsholm Kommune', 'Hørsholm', '2970', 'Hørsholm', 25),
  K(230, 'Rudersdal Kommune', 'Rudersdal', '3460', 'Birkerød', 57),
  K(240, 'Egedal Kommune', 'Egedal', '3660', 'Stenløse', 44),
  K(250, 'Frederikssund Kommune', 'Frederikssund', '3600', 'Frederikssund', 46),
  K(253, 'Greve Kommune', 'Greve', '2670', 'Greve', 51),
  K(259, 'Køge Kommune', 'Køge', '4600', 'Køge', 62),
  K(260, 'Halsnæs Kommune', 'Halsnæs', '3300', 'Frederiksværk', 31),
  K(265, 'Roskilde Kommune', 'Roskilde', '4000', 'Roskilde', 90),
  K(269, 'Solrød Kommune', 'Solrød', '2680', 'Solrød Strand', 23),
  K(270, 'Gribskov Kommune', 'Gribskov', '3200', 'Helsinge', 41),
  K(306, 'Odsherred Kommune', 'Odsherred', '4500', 'Nykøbing Sj', 33),
  K(316, 'Holbæk Kommune', 'Holbæk', '4300', 'Holbæk', 72),
  K(320, 'Faxe Kommune', 'Faxe', '4640', 'Faxe', 37),
  K(326, 'Kalundborg Kommune', 'Kalundborg', '4400', 'Kalundborg', 49),
  K(329, 'Ringsted Kommune', 'Ringsted', '4100', 'Ringsted', 35),
  K(330, 'Slagelse Kommune', 'Slagelse', '4200', 'Slagelse', 79),
  K(336, 'Stevns Kommune', 'Stevns', '4660', 'Store Heddinge', 23),
  K(340, 'Sorø Kommune', 'Sorø', '4180', 'Sorø', 30),
  K(350, 'Lejre Kommune', 'Lejre', '4320', 'Lejre', 28),
  K(360, 'Lolland Kommune', 'Lolland', '4930', 'Maribo', 41),
  K(370, 'Næstved Kommune', 'Næstved', '4700', 'Næstved', 84),
  K(376, 'Guldborgsund Kommune', 'Guldborgsund', '4800', 'Nykøbing F', 60),
  K(390, 'Vordingborg Kommune', 'Vordingborg', '4760', 'Vordingborg', 46),
  K(400, 'Bornholms Regionskommune', 'Bornholm', '3700', 'Rønne', 39),
  K(410, 'Middelfart Kommune', 'Middelfart', '5500', 'Middelfart', 39),
  K(420, 'Assens Kommune', 'Assens', '5610', 'Assens', 41),
  K(430, 'Faaborg-Midtfyn Kommune', 'Faaborg-Midtfyn', '5750', 'Ringe', 51),
  K(440, 'Kerteminde Kommune', 'Kerteminde', '5300', 'Kerteminde', 24),
  K(450, 'Nyborg Kommune', 'Nyborg', '5800', 'Nyborg', 32),
  K(461, 'Odense Kommune', 'Odense', '5000', 'Odense C', 207),
  K(479, 'Svendborg Kommune', 'Svendborg', '5700', 'Svendborg', 59),
  K(480, 'Nordfyns Kommune', 'Nordfyn', '5400', 'Bogense', 29),
  K(482, 'Langeland Kommune', 'Langeland', '5900', 'Rudkøbing', 12),
  K(492, 'Ærø Kommune', 'Ærø', '5970', 'Ærøskøbing', 6),
  K(510, 'Haderslev Kommune', 'Haderslev', '6100', 'Haderslev', 56),
  K(530, 'Billund Kommune', 'Billund', '7200', 'Grindsted', 27),
  K(540, 'Sønderborg Kommune', 'Sønderborg', '6400', 'Sønderborg', 74),
  K(550, 'Tønder Kommune', 'Tønder', '6270', 'Tønder', 37),
  K(561, 'Esbjerg Kommune', 'Esbjerg', '6700', 'Esbjerg', 116),
  K(563, 'Fanø Kommune', 'Fanø', '6720', 'Fanø', 3.5),
  K(573, 'Varde Kommune', 'Varde', '6800', 'Varde', 50),
  K(575, 'Vejen Kommune', 'Vejen', '6600', 'Vejen', 43),
  K(580, 'Aabenraa Kommune', 'Aabenraa', '6200', 'Aabenraa', 59),
  K(607, 'Fredericia Kommune', 'Fredericia', '7000', 'Fredericia', 52),
  K(615, 'Horsens Kommune', 'Horsens', '8700', 'Horsens', 98),
  K(621, 'Kolding Kommune', 'Kolding', '6000', 'Kolding', 95),
  K(630, 'Vejle Kommune', 'Vejle', '7100', 'Vejle', 121),
  K(657, 'Herning Kommune', 'Herning', '7400', 'Herning', 90),
  K(661, 'Holstebro Kommune', 'Holstebro', '7500', 'Holstebro', 59),
  K(665, 'Lemvig Kommune', 'Lemvig', '7620', 'Lemvig', 19),
  K(671, 'Struer Kommune', 'Struer', '7600', 'Struer', 21),
  K(706, 'Syddjurs Kommune', 'Syddjurs', '8400', 'Ebeltoft', 43),
  K(707, 'Norddjurs Kommune', 'Norddjurs', '8500', 'Grenaa', 37),
  K(710, 'Favrskov Kommune', 'Favrskov', '8450', 'Hammel', 49),
  K(727, 'Odder Kommune', 'Odder', '8300', 'Odder', 23),
  K(730, 'Randers Kommune', 'Randers', '8900', 'Randers C', 99),
  K(740, 'Silkeborg Kommune', 'Silkeborg', '8600', 'Silkeborg', 98),
  K(741, 'Samsø Kommune', 'Samsø', '8305', 'Samsø', 3.7),
  K(746, 'Skanderborg Kommune', 'Skanderborg', '8660', 'Skanderborg', 64),
  K(751, 'Aarhus Kommune', 'Aarhus', '8000', 'Aarhus C', 361),
  K(756, 'Ikast-Brande Kommune', 'Ikast-Brande', '7430', 'Ikast', 42),
  K(760, 'Ringkøbing-Skjern Kommune', 'Ringkøbing-Skjern', '6950', 'Ringkøbing', 56),
  K(766, 'Hedensted Kommune', 'Hedensted', '8722', 'Hedensted', 47),
  K(773, 'Morsø Kommune', 'Morsø', '7900', 'Nykøbing M', 20),
  K(779, 'Skive Kommune', 'Skive', '7800', 'Skive', 46),
  K(787, 'Thisted Kommune', 'Thisted', '7700', 'Thisted', 43),
  K(791, 'Viborg Kommune', 'Viborg', '8800', 'Viborg', 97),
  K(810, 'Brønderslev Kommune', 'Brønderslev', '9700', 'Brønderslev', 36),
  K(813, 'Frederikshavn Kommune', 'Frederikshavn', '9900', 'Frederikshavn', 58),
  K(820, 'Vesthimmerlands Kommune', 'Vesthimmerland', '9600', 'Aars', 36),
  K(825, 'Læsø Kommune', 'Læsø', '9940', 'Læsø', 1.8),
  K(840, 'Rebild Kommune', 'Rebild', '9530', 'Støvring', 30),
  K(846, 'Mariagerfjord Kommune', 'Mariagerfjord', '9500', 'Hobro', 42),
  K(849, 'Jammerbugt Kommune', 'Jammerbugt', '9440', 'Aabybro', 38),
  K(851, 'Aalborg Kommune', 'Aalborg', '9000', 'Aalborg', 221),
  K(860, 'Hjørring Kommune', 'Hjørring', '9800', 'Hjørring', 64),
];

const EXPECTED_KODER = (
  '101 147 151 153 155 157 159 161 163 165 167 169 173 175 183 185 187 190 201 210 217 219 223 230 240 250 253 259 ' +
  '260 265 269 270 306 316 320 326 329 330 336 340 350 360 370 376 390 400 410 420 430 440 450 461 479 480 482 492 ' +
  '510 530 540 550 561 563 573 575 580 607 615 621 630 657 661 665 671 706 707 710 727 730 740 741 746 751 756 760 ' +
  '766 773 779 787 791 810 813 820 825 840 846 849 851 860'
).split(' ');

const kode3 = (k: number): string => String(k).padStart(3, '0');

/** ASCII slug for the email domain: æ→ae, ø→oe, å→aa (the same slugify as the letters' file names). */
const slug = slugify;

const STREETS = [
  'Rådhusvej',
  'Rådhuspladsen',
  'Rådhustorvet',
  'Torvet',
  'Stationsvej',
  'Jernbanegade',
  'Algade',
  'Søndergade',
  'Nørregade',
  'Vestergade',
  'Østergade',
  'Kirkevej',
  'Skolegade',
  'Parkvej',
  'Bygaden',
  'Havnevej',
  'Tingvej',
  'Centervej',
  'Kongevejen',
  'Byvej',
];

interface KommuneRow {
  kommunekode: string;
  navn: string;
  adresse: string;
  postnummer: string;
  by: string;
  email: string;
}

function buildKommuner(): KommuneRow[] {
  const rng = new Rng('kommuner');
  return [...KOMMUNER]
    .sort((a, b) => a.kode - b.kode)
    .map((k) => ({
      kommunekode: kode3(k.kode),
      navn: k.navn,
      adresse: `${rng.pick(STREETS)} ${rng.int(1, 60)}`,
      postnummer: k.postnummer,
      by: k.by,
      email: `handicap@${slug(k.kort)}.kommune.example`,
    }));
}

// ---------------------------------------------------------------------------
// Target figures (the 2023 report)
// ---------------------------------------------------------------------------

// The 2023 report's national figures (seed 001, figures 1–10); the e2e tests use the same file.
const TARGET = reportFigures;

const N_SAGER = TARGET.sager;
const N_NO_REFUSAL_KOMMUNER = 14;
const N_REFUSAL_KOMMUNER = 84;
const N_REPLACEMENT = 2;
const N_REMARKS_TARGET = 45;

const PERIOD_FROM = '2019-01-01';
const PERIOD_TO = '2022-12-20';
const REPLACEMENT_FROM = '2022-12-21';
const REPLACEMENT_TO = '2023-02-28';

type Afgoerelse = 'bevilling' | 'delvist afslag' | 'afslag';
type Mangel = 'nej' | 'væsentlig' | 'ikke væsentlig' | 'ikke relevant';
type Regel = 'overholdt' | 'ikke overholdt' | 'ikke relevant' | 'kan ikke vurderes';

// The columns and when each applies come from the rule set itself, so the
// example data cannot drift from it.
const RULE_SET = (() => {
  const file = join(OUT_DIR, 'regelsaet.json');
  const parsed = parseRuleSet(JSON.parse(readFileSync(file, 'utf8')), file);
  if (!parsed.ok) throw new Error(`${file}: ${parsed.problems.map((p) => p.message).join('; ')}`);
  return parsed.value;
})();
const MANGEL_COLS = RULE_SET.retligeMangler.map((r) => r.kolonne);
const REGEL_COLS = RULE_SET.sagsbehandlingsregler.map((r) => r.kolonne);
type MangelCol = string;
type RegelCol = string;

const FIXED_COLS = [
  'sagsnummer',
  'kommunekode',
  'afgørelsesdato',
  'afgørelse',
  'overholder regler og praksis',
  'bemærkning',
] as const;
const HEADER = [...FIXED_COLS.slice(0, 5), ...MANGEL_COLS, ...REGEL_COLS, 'bemærkning'];
const KOMMUNE_HEADER = ['kommunekode', 'navn', 'adresse', 'postnummer', 'by', 'email'] as const;

/** When a rule applies (regelsaet.json `gaelderFor`); absent = always. */
const GAELDER_FOR = new Map(
  [...RULE_SET.retligeMangler, ...RULE_SET.sagsbehandlingsregler].map((r) => [r.kolonne, r.gaelderFor]),
);
const applies = (col: MangelCol | RegelCol, a: Afgoerelse): boolean => GAELDER_FOR.get(col)?.includes(a) ?? true;

interface Sag {
  sagsnummer: string;
  kommunekode: string;
  dato: string;
  afgoerelse: Afgoerelse;
  mangler: Record<MangelCol, Mangel>;
  regler: Record<RegelCol, Regel>;
  bemaerkning: string;
  /** Replacement case decided after the survey period. */
  erstatning: boolean;
}

const hasDefect = (s: Sag): boolean =>
  MANGEL_COLS.some((c) => s.mangler[c] === 'væsentlig' || s.mangler[c] === 'ikke væsentlig');
const hasVaesentlig = (s: Sag): boolean => MANGEL_COLS.some((c) => s.mangler[c] === 'væsentlig');

// ---------------------------------------------------------------------------
// Cases per kommune
// ---------------------------------------------------------------------------

// The largest kommuner are set by hand (as in the report, the sample is far
// from linear in population); the rest get a share proportional to the square
// root of the population, by largest remainder, with at least one case each.
const FIXED_COUNTS: Record<number, number> = { 101: 15, 751: 9, 461: 7, 851: 7 };

function caseCounts(): Map<number, number> {
  const counts = new Map<number, number>();
  let remaining = N_SAGER;
  for (const [k, n] of Object.entries(FIXED_COUNTS)) {
    counts.set(Number(k), n);
    remaining -= n;
  }
  const rest = KOMMUNER.filter((k) => !(k.kode in FIXED_COUNTS));
  const weights = rest.map((k) => Math.sqrt(k.indbyggere));
  // Everyone gets one case first; the remainder is shared by weight.
  const extra = remaining - rest.length;
  const totalW = weights.reduce((s, w) => s + w, 0);
  // Share out (weight * scale - 1) so the smallest kommuner end at about one case.
  const shares = weights.map((w) => Math.max(0, (w / totalW) * remaining - 1));
  const totalShares = shares.reduce((s, x) => s + x, 0);
  const exact = shares.map((x) => (x / totalShares) * extra);
  const floors = exact.map(Math.floor);
  let left = extra - floors.reduce((s, x) => s + x, 0);
  const order = exact
    .map((x, i) => ({ i, frac: x - Math.floor(x), kode: rest[i]?.kode ?? 0 }))
    .sort((a, b) => b.frac - a.frac || a.kode - b.kode);
  for (const { i } of order) {
    if (left <= 0) break;
    floors[i] = (floors[i] ?? 0) + 1;
    left--;
  }
  rest.forEach((k, i) => counts.set(k.kode, 1 + (floors[i] ?? 0)));
  return counts;
}

// ---------------------------------------------------------------------------
// Building the cases
// ---------------------------------------------------------------------------

function repeat<T>(value: T, n: number): T[] {
  return Array.from({ length: n }, () => value);
}

function emptySag(kommunekode: string, afgoerelse: Afgoerelse): Sag {
  const mangler = {} as Record<MangelCol, Mangel>;
  for (const c of MANGEL_COLS) mangler[c] = applies(c, afgoerelse) ? 'nej' : 'ikke relevant';
  const regler = {} as Record<RegelCol, Regel>;
  for (const c of REGEL_COLS) regler[c] = 'ikke relevant';
  return { sagsnummer: '', kommunekode, dato: '', afgoerelse, mangler, regler, bemaerkning: '', erstatning: false };
}

/** Distributes afgørelser over kommuner: 14 kommuner without refusals, 84 with 1–3 (92 in all). */
function buildSkeleton(counts: Map<number, number>): Sag[] {
  const rng = new Rng('afgoerelser');
  const nRefusals = TARGET.afgoerelser['delvist afslag'] + TARGET.afgoerelser.afslag;
  const koder = rng.shuffle(KOMMUNER.map((k) => k.kode));
  const withoutRefusal = new Set(koder.slice(0, N_NO_REFUSAL_KOMMUNER));
  const withRefusal = koder.slice(N_NO_REFUSAL_KOMMUNER);
  if (withRefusal.length !== N_REFUSAL_KOMMUNER) throw new Error('wrong number of kommuner with refusals');

  // 84 kommuner, 92 refusals: most have one; a few larger kommuner have 2 or 3.
  const refusals = new Map<number, number>(withRefusal.map((k) => [k, 1]));
  let surplus = nRefusals - N_REFUSAL_KOMMUNER; // 8
  const big = rng.shuffle(withRefusal.filter((k) => (counts.get(k) ?? 0) >= 5));
  // Two kommuner get 3 (+2 each), the rest of the surplus goes out as 2s.
  for (const k of big) {
    if (surplus <= 0) break;
    const add = surplus > 4 ? 2 : 1;
    refusals.set(k, 1 + add);
    surplus -= add;
  }
  if (surplus !== 0) throw new Error('could not place all refusals');

  const types = rng.shuffle([
    ...repeat<Afgoerelse>('afslag', TARGET.afgoerelser.afslag),
    ...repeat<Afgoerelse>('delvist afslag', TARGET.afgoerelser['delvist afslag']),
  ]);
  const sager: Sag[] = [];
  for (const k of [...KOMMUNER].sort((a, b) => a.kode - b.kode)) {
    const n = counts.get(k.kode) ?? 0;
    const r = withoutRefusal.has(k.kode) ? 0 : (refusals.get(k.kode) ?? 0);
    if (r > n) throw new Error(`kommune ${k.kode} has more refusals than cases`);
    for (let i = 0; i < n; i++) {
      const afgoerelse = i < r ? (types.pop() as Afgoerelse) : 'bevilling';
      sager.push(emptySag(kode3(k.kode), afgoerelse));
    }
  }
  if (types.length !== 0) throw new Error('refusal types left over');
  return sager;
}

/**
 * The retlige mangler as combinations per case. Counts per column:
 * væsentlig: sagsoplysning 162, begrundelse 18, hjemmel 16, vurdering 90
 * (286 entries on 180 cases); ikke væsentlig: sagsoplysning 3, begrundelse 3,
 * hjemmel 11, skøn under regel 1, vurdering 1 (19 entries on 18 cases that
 * have no væsentlig defect).
 */
interface Combo {
  n: number;
  /** Which cases may carry it. */
  on: 'any' | 'refusal' | 'afslag';
  set: Partial<Record<MangelCol, Mangel>>;
}
const V: Mangel = 'væsentlig';
const IV: Mangel = 'ikke væsentlig';
const COMBOS: readonly Combo[] = [
  // Most constrained first.
  { n: 1, on: 'afslag', set: { 'skøn under regel': IV } },
  { n: 6, on: 'refusal', set: { sagsoplysning: V, vurdering: V, begrundelse: V } },
  { n: 8, on: 'refusal', set: { sagsoplysning: V, begrundelse: V } },
  { n: 2, on: 'refusal', set: { sagsoplysning: V, begrundelse: V, hjemmel: V } },
  { n: 2, on: 'refusal', set: { vurdering: V, begrundelse: V } },
  { n: 2, on: 'refusal', set: { begrundelse: IV } },
  { n: 1, on: 'refusal', set: { hjemmel: IV, begrundelse: IV } },
  { n: 72, on: 'any', set: { sagsoplysning: V } },
  { n: 62, on: 'any', set: { sagsoplysning: V, vurdering: V } },
  { n: 4, on: 'any', set: { sagsoplysning: V, vurdering: V, hjemmel: V } },
  { n: 8, on: 'any', set: { sagsoplysning: V, hjemmel: V } },
  { n: 14, on: 'any', set: { vurdering: V } },
  { n: 2, on: 'any', set: { vurdering: V, hjemmel: V } },
  { n: 3, on: 'any', set: { sagsoplysning: IV } },
  { n: 10, on: 'any', set: { hjemmel: IV } },
  { n: 1, on: 'any', set: { vurdering: IV } },
];

function placeMangler(sager: Sag[]): void {
  const rng = new Rng('mangler');
  const free = new Set(sager.map((_, i) => i));
  for (const combo of COMBOS) {
    for (let i = 0; i < combo.n; i++) {
      const eligible = [...free].filter((j) => {
        const a = sager[j]?.afgoerelse;
        if (combo.on === 'afslag') return a === 'afslag';
        if (combo.on === 'refusal') return a !== 'bevilling';
        return true;
      });
      const j = rng.pick(eligible);
      free.delete(j);
      const s = sager[j] as Sag;
      for (const [col, v] of Object.entries(combo.set) as [MangelCol, Mangel][]) {
        if (!applies(col, s.afgoerelse)) throw new Error(`combo puts ${col} on a ${s.afgoerelse}`);
        s.mangler[col] = v;
      }
    }
  }
}

function placeRegler(sager: Sag[]): void {
  const rng = new Rng('regler');
  for (const col of REGEL_COLS) {
    const t = TARGET.regler[col as keyof typeof TARGET.regler];
    if (!t) throw new Error(`data/report-2023-figures.json has no figures for the rule ${col}`);
    const target = sager.filter((s) => applies(col, s.afgoerelse));
    const values = rng.shuffle<Regel>([
      ...repeat<Regel>('overholdt', t.overholdt),
      ...repeat<Regel>('ikke overholdt', t['ikke overholdt']),
      ...repeat<Regel>('kan ikke vurderes', t['kan ikke vurderes']),
    ]);
    if (values.length !== target.length) throw new Error(`${col}: ${values.length} values for ${target.length} cases`);
    target.forEach((s, i) => (s.regler[col] = values[i] as Regel));
  }
}

// ----- Dates ---------------------------------------------------------------

const DAY_MS = 86_400_000;
const toDate = (iso: string): Date => new Date(`${iso}T00:00:00Z`);
const toIso = (d: Date): string => d.toISOString().slice(0, 10);

function randomDate(rng: Rng, fromIso: string, toIso_: string): string {
  const from = toDate(fromIso).getTime();
  const days = Math.round((toDate(toIso_).getTime() - from) / DAY_MS);
  return toIso(new Date(from + rng.int(0, days) * DAY_MS));
}

/** A 2022 date, skewed toward autumn (the sample was drawn late in 2022). */
const MONTH_WEIGHTS_2022 = [2, 2, 3, 3, 4, 4, 3, 6, 9, 12, 11, 6];
function date2022(rng: Rng): string {
  const m = rng.weighted(MONTH_WEIGHTS_2022) + 1;
  const lastDay = m === 12 ? 20 : new Date(Date.UTC(2022, m, 0)).getUTCDate();
  return `2022-${String(m).padStart(2, '0')}-${String(rng.int(1, lastDay)).padStart(2, '0')}`;
}

function placeDates(sager: Sag[]): void {
  const rng = new Rng('datoer');
  const afslag = sager.filter((s) => s.afgoerelse === 'afslag');
  for (const s of rng.shuffle(afslag).slice(0, N_REPLACEMENT)) {
    s.erstatning = true;
    s.dato = randomDate(rng, REPLACEMENT_FROM, REPLACEMENT_TO);
  }
  for (const s of sager) {
    if (s.erstatning) continue;
    const x = rng.float();
    if (s.afgoerelse === 'afslag') {
      // Afslag may go back to the start of the period.
      if (x < 0.08) s.dato = randomDate(rng, '2019-01-01', '2019-12-31');
      else if (x < 0.2) s.dato = randomDate(rng, '2020-01-01', '2020-12-31');
      else if (x < 0.42) s.dato = randomDate(rng, '2021-01-01', '2021-12-31');
      else s.dato = date2022(rng);
    } else if (x < 0.07) {
      s.dato = randomDate(rng, '2021-07-01', '2021-12-31');
    } else {
      s.dato = date2022(rng);
    }
  }
}

// ----- Remarks -------------------------------------------------------------

interface Remark {
  text: string;
  n: number;
  when: (s: Sag) => boolean;
}
const m = (s: Sag, col: MangelCol, v: Mangel): boolean => s.mangler[col] === v;
const r = (s: Sag, col: RegelCol, v: Regel): boolean => s.regler[col] === v;
const clean = (s: Sag): boolean => !hasDefect(s) && !REGEL_COLS.some((c) => s.regler[c] === 'ikke overholdt');

const REMARKS: readonly Remark[] = [
  // CSV edge cases: double quotes, '<', line breaks, semicolons.
  {
    text: 'Kommunen skriver "ledsager fra eget korps" i afgørelsen; borgeren har ret til selv at udpege en ledsager, som kommunen så ansætter.',
    n: 1,
    when: (s) => m(s, 'hjemmel', IV),
  },
  {
    text: 'Borgeren har søgt om 15 timer og er bevilget < 15 timer om måneden; afgørelsen er derfor et delvist afslag.',
    n: 1,
    when: (s) => s.afgoerelse === 'delvist afslag',
  },
  {
    text: 'Sagen er ikke tilstrækkeligt oplyst om borgerens gangfunktion.\nKommunen burde have indhentet en udtalelse fra borgerens fysioterapeut.',
    n: 1,
    when: (s) => m(s, 'sagsoplysning', V),
  },
  {
    text: 'Kommunen har ikke vurderet, om borgeren har behov for hjælp efter andre bestemmelser.\nDet gælder især socialpædagogisk støtte efter servicelovens § 85.',
    n: 1,
    when: (s) => r(s, 'helhedsvurdering', 'ikke overholdt'),
  },
  {
    text: 'Afgørelsen er truffet efter undersøgelsesperioden.\nSagen er udtrukket som erstatning for en sag, som kommunen ikke kunne fremsende.',
    n: 1,
    when: (s) => s.erstatning,
  },
  {
    text: 'Erstatningssag; afgørelsen ligger uden for undersøgelsesperioden, fordi den oprindeligt udtrukne sag var henlagt.',
    n: 1,
    when: (s) => s.erstatning,
  },
  // Retlige mangler.
  {
    text: 'Kommunen har stillet krav om, at ledsageren skal komme fra kommunens eget korps. Det er der ikke hjemmel til.',
    n: 1,
    when: (s) => m(s, 'hjemmel', IV),
  },
  {
    text: 'Kommunen har fastsat et loft over ledsagerens kørselsudgifter, som ikke følger af loven; det har ikke haft betydning i sagen.',
    n: 1,
    when: (s) => m(s, 'hjemmel', IV),
  },
  {
    text: 'Kommunen har henvist borgeren til at bruge ledsageordningen til indkøb af dagligvarer; det hører under servicelovens § 83.',
    n: 1,
    when: (s) => m(s, 'hjemmel', V),
  },
  {
    text: 'Kommunen har givet afslag, fordi borgeren er fyldt 67 år. Borgeren var bevilget ledsagelse før folkepensionsalderen og bevarer retten.',
    n: 1,
    when: (s) => m(s, 'hjemmel', V) && s.afgoerelse === 'afslag',
  },
  {
    text: 'Der mangler oplysninger om borgerens behov for socialpædagogisk støtte under ledsagelsen.',
    n: 2,
    when: (s) => m(s, 'sagsoplysning', V),
  },
  {
    text: 'Kommunen har ikke indhentet lægelige oplysninger om borgerens funktionsevne; afgørelsen bygger alene på ansøgningen.',
    n: 2,
    when: (s) => m(s, 'sagsoplysning', V),
  },
  {
    text: 'Det fremgår ikke af sagen, hvilke aktiviteter borgeren ønsker ledsagelse til.',
    n: 2,
    when: (s) => m(s, 'sagsoplysning', V),
  },
  {
    text: 'Kommunen har ikke undersøgt, om borgeren kan færdes alene uden for hjemmet.',
    n: 2,
    when: (s) => m(s, 'sagsoplysning', V),
  },
  {
    text: 'Kommunen har ikke talt med borgeren eller de pårørende før afgørelsen; der mangler derfor oplysninger om borgerens hverdag.',
    n: 2,
    when: (s) => m(s, 'sagsoplysning', V),
  },
  {
    text: 'Kommunen burde have spurgt borgeren om behovet for ledsagelse om aftenen; det har dog ikke haft betydning for afgørelsen.',
    n: 1,
    when: (s) => m(s, 'sagsoplysning', IV),
  },
  {
    text: 'Kommunen har lagt vægt på, at borgeren kan tage offentlig transport alene. Det stemmer ikke med oplysningerne fra bostedet.',
    n: 2,
    when: (s) => m(s, 'vurdering', V),
  },
  {
    text: 'Kommunen har ikke inddraget, at borgeren har en udviklingshæmning; det har betydning for, om borgeren kan færdes alene.',
    n: 2,
    when: (s) => m(s, 'vurdering', V),
  },
  {
    text: 'Kommunen har givet afslag, fordi borgeren bor i et botilbud; det er ikke undersøgt, om botilbuddet faktisk dækker behovet for ledsagelse.',
    n: 1,
    when: (s) => m(s, 'vurdering', V) && s.afgoerelse === 'afslag',
  },
  {
    text: 'Kommunen har ikke nævnt borgerens synshandicap i vurderingen; det ændrer dog ikke resultatet.',
    n: 1,
    when: (s) => m(s, 'vurdering', IV),
  },
  {
    text: 'Begrundelsen gengiver kun kvalitetsstandarden og forholder sig ikke til borgerens konkrete situation.',
    n: 2,
    when: (s) => m(s, 'begrundelse', V),
  },
  {
    text: 'Afgørelsen henviser ikke til de regler, den er truffet efter, og angiver ikke, hvilke oplysninger der er lagt vægt på.',
    n: 1,
    when: (s) => m(s, 'begrundelse', V),
  },
  {
    text: 'Afgørelsen henviser ikke til servicelovens § 97; begrundelsen er i øvrigt fyldestgørende.',
    n: 1,
    when: (s) => m(s, 'begrundelse', IV),
  },
  {
    text: 'Kommunen har i afgørelsen henvist til borgerens diagnose; der er dog også foretaget en konkret vurdering af borgerens funktionsevne.',
    n: 1,
    when: (s) => m(s, 'skøn under regel', IV),
  },
  // Sagsbehandlingsregler.
  {
    text: 'Klagevejledningen oplyser ikke, at en klage skal sendes til kommunen.',
    n: 1,
    when: (s) => r(s, 'klagevejledning', 'ikke overholdt'),
  },
  {
    text: 'Der er ikke givet klagevejledning i afgørelsen.',
    n: 1,
    when: (s) => r(s, 'klagevejledning', 'ikke overholdt'),
  },
  {
    text: 'Sagsbehandlingstiden var ca. 7 måneder; kommunens egen frist er 8 uger.',
    n: 2,
    when: (s) => r(s, 'sagsbehandlingstid', 'ikke overholdt'),
  },
  {
    text: 'Det fremgår ikke af sagen, hvornår ansøgningen er modtaget; sagsbehandlingstiden kan derfor ikke vurderes.',
    n: 2,
    when: (s) => r(s, 'sagsbehandlingstid', 'kan ikke vurderes'),
  },
  {
    text: 'Kommunen har kun forholdt sig til ledsagelse og ikke til borgerens øvrige behov.',
    n: 1,
    when: (s) => r(s, 'helhedsvurdering', 'ikke overholdt'),
  },
  {
    text: 'Det fremgår ikke af sagen, at borgeren er tilbudt en handleplan.',
    n: 2,
    when: (s) => r(s, 'handleplan', 'ikke overholdt'),
  },
  // Good practice.
  {
    text: 'God og grundig sagsbehandling; borgeren er inddraget i hele forløbet.',
    n: 2,
    when: (s) => clean(s),
  },
  {
    text: 'Kommunen har bevilget 15 timers ledsagelse om måneden og samtidig tilbudt en handleplan.',
    n: 1,
    when: (s) => clean(s) && s.afgoerelse === 'bevilling' && r(s, 'handleplan', 'overholdt'),
  },
  {
    text: 'Afgørelsen er korrekt; kommunen har foretaget en konkret og individuel vurdering.',
    n: 1,
    when: (s) => clean(s) && s.afgoerelse === 'afslag',
  },
];

function placeRemarks(sager: Sag[]): void {
  const rng = new Rng('bemaerkninger');
  // Scarcest first, so a rare case is not taken by a common remark.
  const order = REMARKS.map((rem, i) => ({ rem, i, eligible: sager.filter(rem.when).length })).sort(
    (a, b) => a.eligible - b.eligible || a.i - b.i,
  );
  for (const { rem } of order) {
    for (let k = 0; k < rem.n; k++) {
      const eligible = sager.filter((s) => s.bemaerkning === '' && rem.when(s));
      if (eligible.length === 0) throw new Error(`no case left for the remark: ${rem.text}`);
      rng.pick(eligible).bemaerkning = rem.text;
    }
  }
}

function buildSager(): Sag[] {
  const sager = buildSkeleton(caseCounts());
  placeMangler(sager);
  placeRegler(sager);
  placeDates(sager);
  placeRemarks(sager);
  // Numbers are assigned after shuffling so they reveal nothing about the structure.
  const shuffled = new Rng('sagsnumre').shuffle(sager);
  shuffled.forEach((s, i) => (s.sagsnummer = `HSB23-${String(i + 1).padStart(4, '0')}`));
  return shuffled;
}

/** A case's value in a rule column; every column of the rule set has one. */
function columnValue<T>(values: Record<string, T>, col: string): T {
  const v = values[col];
  if (v === undefined) throw new Error(`no value in column ${col}`);
  return v;
}

function sagRecord(s: Sag): string[] {
  return [
    s.sagsnummer,
    s.kommunekode,
    s.dato,
    s.afgoerelse,
    hasVaesentlig(s) ? 'nej' : 'ja',
    ...MANGEL_COLS.map((c) => columnValue(s.mangler, c)),
    ...REGEL_COLS.map((c) => columnValue(s.regler, c)),
    s.bemaerkning,
  ];
}

// ---------------------------------------------------------------------------
// CSV output (Excel "CSV UTF-8")
// ---------------------------------------------------------------------------

function csvField(v: string): string {
  return /[;"\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function toCsv(records: readonly (readonly string[])[]): string {
  return `\uFEFF${records.map((rec) => rec.map(csvField).join(';')).join('\r\n')}\r\n`;
}

// ---------------------------------------------------------------------------
// Self-check: read back what was written and verify everything
// ---------------------------------------------------------------------------

const CPR_LIKE = /(?<!\d)\d{6}[- ]?\d{4}(?!\d)/;

function isRealDate(iso: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return false;
  const d = toDate(iso);
  return !Number.isNaN(d.getTime()) && toIso(d) === iso;
}

function selfCheck(
  kommunerPath: string,
  sagerPath: string,
  expected: { kommuner: string[][]; sager: string[][] },
): string[] {
  const problems: string[] = [];
  const fail = (msg: string): void => {
    problems.push(msg);
  };

  const read = (path: string): { raw: Buffer; records: string[][] } => {
    const raw = readFileSync(path);
    if (!(raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf)) fail(`${path}: no UTF-8 BOM`);
    const text = raw.toString('utf8');
    // Every line break outside quoted fields must be CRLF; count records by CRLF at quote depth 0.
    let inQuotes = false;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (ch === '"') inQuotes = !inQuotes;
      else if (!inQuotes && ch === '\n' && text[i - 1] !== '\r') fail(`${path}: bare LF outside quotes at offset ${i}`);
    }
    if (!text.endsWith('\r\n')) fail(`${path}: does not end with CRLF`);
    const records = parse(raw, { bom: true, delimiter: ';', relax_column_count: false }) as string[][];
    return { raw, records };
  };

  // ----- kommuner.csv
  const kom = read(kommunerPath).records;
  if (!isDeepStrictEqual(kom, expected.kommuner)) fail('kommuner.csv: read back differs from what was written');
  const [kHeader = [], ...kRows] = kom;
  if (kHeader.join(';') !== KOMMUNE_HEADER.join(';')) fail(`kommuner.csv: header is ${kHeader.join(';')}`);
  const koder = kRows.map((row) => row[0] ?? '');
  if (kRows.length !== 98) fail(`kommuner.csv: ${kRows.length} kommuner, expected 98`);
  if (koder.join(' ') !== EXPECTED_KODER.join(' '))
    fail('kommuner.csv: kommunekoder differ from the official list (or are not sorted)');
  if (new Set(kRows.map((row) => row[1])).size !== kRows.length) fail('kommuner.csv: duplicate names');
  for (const row of kRows) {
    const [kode = '', navn = '', adresse = '', post = '', by = '', email = ''] = row;
    if (!/^\d{3}$/.test(kode)) fail(`kommuner.csv: kommunekode ${kode} is not 3 digits`);
    if (!/ (Kommune|Regionskommune)$/.test(navn)) fail(`kommuner.csv: odd name ${navn}`);
    if (!/^\S.* \d+$/.test(adresse)) fail(`kommuner.csv: odd address ${adresse}`);
    if (!/^\d{4}$/.test(post) || by === '') fail(`kommuner.csv: odd postnummer/by ${post} ${by}`);
    if (!/^handicap@[a-z0-9-]+\.kommune\.example$/.test(email)) fail(`kommuner.csv: odd email ${email}`);
  }
  if (new Set(kRows.map((row) => row[5])).size !== kRows.length) fail('kommuner.csv: duplicate emails');

  // ----- sager.csv
  const sag = read(sagerPath).records;
  if (!isDeepStrictEqual(sag, expected.sager)) fail('sager.csv: read back differs from what was written');
  const [sHeader = [], ...sRows] = sag;
  if (sHeader.join(';') !== HEADER.join(';')) fail(`sager.csv: header is ${sHeader.join(';')}`);
  const rows = sRows.map(
    (rec) =>
      Object.fromEntries(HEADER.map((h, i) => [h, rec[i] ?? ''])) as Record<(typeof FIXED_COLS)[number], string> &
        Record<string, string>,
  );

  const afgoerelser: Record<Afgoerelse, number> = { bevilling: 0, 'delvist afslag': 0, afslag: 0 };
  const mangler = Object.fromEntries(MANGEL_COLS.map((c) => [c, { i_alt: 0, vaesentlig: 0 }])) as Record<
    MangelCol,
    { i_alt: number; vaesentlig: number }
  >;
  const regler = Object.fromEntries(
    REGEL_COLS.map((c) => [c, { overholdt: 0, 'ikke overholdt': 0, 'ikke relevant': 0, 'kan ikke vurderes': 0 }]),
  ) as Record<RegelCol, Record<Regel, number>>;
  let overholder = 0;
  let medMangel = 0;
  let medVaesentligMangel = 0;
  let ivOnly = 0;
  const perKommune = new Map<string, { n: number; refusals: number }>();
  let outside = 0;
  let in2022 = 0;
  const remarks: string[] = [];

  rows.forEach((row, i) => {
    const where = `sager.csv row ${i + 2} (${row.sagsnummer})`;
    if (row.sagsnummer !== `HSB23-${String(i + 1).padStart(4, '0')}`) fail(`${where}: sagsnummer out of sequence`);
    if (!koder.includes(row.kommunekode)) fail(`${where}: unknown kommunekode ${row.kommunekode}`);
    const a = row['afgørelse'] as Afgoerelse;
    if (!(a in afgoerelser)) {
      fail(`${where}: unknown afgørelse ${a}`);
      return;
    }
    afgoerelser[a]++;
    const pk = perKommune.get(row.kommunekode) ?? { n: 0, refusals: 0 };
    pk.n++;
    if (a !== 'bevilling') pk.refusals++;
    perKommune.set(row.kommunekode, pk);

    const dato = row['afgørelsesdato'];
    if (!isRealDate(dato)) fail(`${where}: invalid date ${dato}`);
    if (dato < PERIOD_FROM) fail(`${where}: date before the survey period`);
    if (dato > PERIOD_TO) {
      outside++;
      if (a !== 'afslag' || dato < REPLACEMENT_FROM || dato > REPLACEMENT_TO)
        fail(`${where}: unexpected date outside the period ${dato}`);
    }
    if (dato.startsWith('2022-')) in2022++;

    let anyDefect = false;
    let anyV = false;
    for (const c of MANGEL_COLS) {
      const v = row[c] ?? '';
      const count = columnValue(mangler, c);
      if (!['nej', 'væsentlig', 'ikke væsentlig', 'ikke relevant'].includes(v))
        fail(`${where}: ${c} has unknown value ${v}`);
      if (applies(c, a) && v === 'ikke relevant') fail(`${where}: ${c} is ikke relevant although it applies to ${a}`);
      if (!applies(c, a) && v !== 'ikke relevant') fail(`${where}: ${c} is ${v} although it does not apply to ${a}`);
      if (v === 'væsentlig' || v === 'ikke væsentlig') {
        anyDefect = true;
        count.i_alt++;
      }
      if (v === 'væsentlig') {
        anyV = true;
        count.vaesentlig++;
      }
    }
    for (const c of REGEL_COLS) {
      const v = row[c] as Regel;
      const count = columnValue(regler, c);
      if (!(v in count)) {
        fail(`${where}: ${c} has unknown value ${v}`);
        continue;
      }
      if (applies(c, a) && v === 'ikke relevant') fail(`${where}: ${c} is ikke relevant although it applies to ${a}`);
      if (!applies(c, a) && v !== 'ikke relevant') fail(`${where}: ${c} is ${v} although it does not apply to ${a}`);
      count[v]++;
    }
    const ov = row['overholder regler og praksis'];
    if (ov !== (anyV ? 'nej' : 'ja'))
      fail(`${where}: overholder regler og praksis is ${ov}, expected ${anyV ? 'nej' : 'ja'}`);
    if (ov === 'ja') overholder++;
    if (anyDefect) medMangel++;
    if (anyV) medVaesentligMangel++;
    if (anyDefect && !anyV) ivOnly++;
    if (row['skøn under regel'] !== 'nej' && a !== 'afslag')
      fail(`${where}: the skøn under regel case must be an afslag`);

    const b = row['bemærkning'];
    if (b !== '') remarks.push(b);
    for (const cell of Object.values(row)) {
      if (CPR_LIKE.test(cell)) fail(`${where}: something CPR-like in a cell`);
    }
  });

  const figures = {
    sager: rows.length,
    kommuner: perKommune.size,
    afgoerelser,
    overholder,
    medMangel,
    medVaesentligMangel,
    mangler,
    regler,
  };
  if (!isDeepStrictEqual(figures, TARGET)) {
    fail(`national figures differ:\n  got    ${JSON.stringify(figures)}\n  wanted ${JSON.stringify(TARGET)}`);
  }
  if (JSON.stringify(figures) !== JSON.stringify(TARGET)) fail('national figures: key order differs');
  if (ivOnly !== 18) fail(`${ivOnly} cases with only ikke-væsentlige defects, expected 18`);

  // Per kommune.
  for (const k of koder) if (!perKommune.has(k)) fail(`kommune ${k} has no case`);
  const noRefusal = [...perKommune.values()].filter((p) => p.refusals === 0).length;
  const refusalCounts = [...perKommune.values()].map((p) => p.refusals).filter((n) => n > 0);
  if (noRefusal !== N_NO_REFUSAL_KOMMUNER)
    fail(`${noRefusal} kommuner without refusals, expected ${N_NO_REFUSAL_KOMMUNER}`);
  if (refusalCounts.length !== N_REFUSAL_KOMMUNER || refusalCounts.some((n) => n > 3))
    fail('refusals per kommune not 1–3 in 84 kommuner');
  if (refusalCounts.reduce((s, n) => s + n, 0) !== 92) fail('refusals do not sum to 92');
  const n = (kode: string): number => perKommune.get(kode)?.n ?? 0;
  if (n('101') < 14 || n('101') > 16) fail(`København has ${n('101')} cases`);
  for (const island of ['825', '563', '741', '492'])
    if (n(island) > 2) fail(`island kommune ${island} has ${n(island)} cases`);

  // Dates.
  if (outside !== N_REPLACEMENT) fail(`${outside} cases outside the survey period, expected ${N_REPLACEMENT}`);
  if (in2022 * 2 <= rows.length) fail(`only ${in2022} cases decided in 2022`);

  // Remarks and CSV edge cases.
  if (remarks.length < 40 || remarks.length > 50) fail(`${remarks.length} remarks, expected about ${N_REMARKS_TARGET}`);
  if (!remarks.some((t) => t.includes('"'))) fail('no remark with a double quote');
  if (remarks.filter((t) => t.includes(';')).length < 3) fail('fewer than 3 remarks with a semicolon');
  if (remarks.filter((t) => t.includes('\n')).length < 2) fail('fewer than 2 remarks with a line break');
  if (!remarks.some((t) => t.includes('<'))) fail('no remark with <');

  return problems;
}

// ---------------------------------------------------------------------------
// Workbooks
// ---------------------------------------------------------------------------

function workbookSpecs(kommuneRecords: string[][], sagRecords: string[][]): SheetSpec[] {
  return [
    { name: 'Kommuner', records: kommuneRecords, numberColumns: ['kommunekode', 'postnummer'] },
    { name: 'Sager', records: sagRecords, numberColumns: ['kommunekode'], dateColumns: ['afgørelsesdato'] },
  ];
}

// ---------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------

function main(): void {
  if (KOMMUNER.length !== 98) throw new Error(`${KOMMUNER.length} kommuner in the table, expected 98`);
  if (EXPECTED_KODER.length !== 98) throw new Error('the expected kode list is not 98 long');

  const kommuner = buildKommuner();
  const kommuneRecords = [[...KOMMUNE_HEADER], ...kommuner.map((k) => KOMMUNE_HEADER.map((h) => k[h]))];
  const sager = buildSager();
  const sagRecords = [[...HEADER], ...sager.map(sagRecord)];

  mkdirSync(OUT_DIR, { recursive: true });
  const kommunerPath = join(OUT_DIR, 'kommuner.csv');
  const sagerPath = join(OUT_DIR, 'sager.csv');
  writeFileSync(kommunerPath, toCsv(kommuneRecords));
  writeFileSync(sagerPath, toCsv(sagRecords));

  const problems = selfCheck(kommunerPath, sagerPath, { kommuner: kommuneRecords, sager: sagRecords });
  if (problems.length > 0) {
    throw new Error(`Self-check failed (${problems.length} problems):\n- ${problems.join('\n- ')}`);
  }

  for (const spec of workbookSpecs(kommuneRecords, sagRecords)) {
    const file = `${spec.name.toLowerCase()}.xlsx`;
    const bytes = recordsToWorkbook(spec);
    mkdirSync(WORKBOOK_DIR, { recursive: true });
    writeFileSync(join(WORKBOOK_DIR, file), bytes);
    const back = parseWorkbook(bytes, file, spec.name);
    const cells = back.table?.rows.map((r) => Object.values(r.cells));
    if (back.problems.length > 0 || !isDeepStrictEqual(cells, spec.records.slice(1))) {
      throw new Error(`Self-check failed: ${file} does not read back as the CSV's records.`);
    }
    console.log(`Wrote ${join(WORKBOOK_DIR, file)} (read back cell for cell as the CSV)`);
  }

  const counts = new Map<string, number>();
  for (const s of sager) counts.set(s.kommunekode, (counts.get(s.kommunekode) ?? 0) + 1);
  const values = [...counts.values()];
  console.log(`Wrote ${kommunerPath} (${kommuner.length} kommuner)`);
  console.log(
    `Wrote ${sagerPath} (${sager.length} sager, ${sager.filter((s) => s.bemaerkning).length} with bemærkning)`,
  );
  console.log(`Cases per kommune: ${Math.min(...values)}–${Math.max(...values)}`);
  console.log('Self-check passed: national figures match the 2023 report.');
}

main();
