// Verdicts and national figures. Pure, and generic over the rule set: a new
// barometer with other columns needs no code change here.
import { isDefect, ruleApplies } from './validate.js';
import {
  REGEL_VAERDIER,
  type Case,
  type CaseView,
  type NationalFigures,
  type RegelVaerdi,
  type RuleSet,
} from '../types.js';
import { compareCodes, compareSagsnumre, formatDanishDate } from '../danish.js';

export function assessNationalFigures(cases: readonly Case[], ruleSet: RuleSet): NationalFigures {
  const afgoerelser: Record<string, number> = {};
  for (const a of ruleSet.afgoerelser) afgoerelser[a.vaerdi] = 0;
  const mangler: NationalFigures['mangler'] = {};
  for (const r of ruleSet.retligeMangler) mangler[r.kolonne] = { i_alt: 0, vaesentlig: 0 };
  const regler: NationalFigures['regler'] = {};
  for (const r of ruleSet.sagsbehandlingsregler) {
    regler[r.kolonne] = Object.fromEntries(REGEL_VAERDIER.map((v) => [v, 0])) as Record<RegelVaerdi, number>;
  }

  let overholder = 0;
  let medMangel = 0;
  let medVaesentligMangel = 0;
  for (const c of cases) {
    afgoerelser[c.afgoerelse] = (afgoerelser[c.afgoerelse] ?? 0) + 1;
    if (c.overholder) overholder++;
    let anyDefect = false;
    let anyVaesentlig = false;
    for (const r of ruleSet.retligeMangler) {
      const v = c.mangler[r.kolonne];
      const m = mangler[r.kolonne];
      if (v === undefined || m === undefined || !isDefect(v)) continue;
      m.i_alt++;
      anyDefect = true;
      if (v === 'væsentlig') {
        m.vaesentlig++;
        anyVaesentlig = true;
      }
    }
    if (anyDefect) medMangel++;
    if (anyVaesentlig) medVaesentligMangel++;
    for (const r of ruleSet.sagsbehandlingsregler) {
      const v = c.regler[r.kolonne];
      const counts = regler[r.kolonne];
      if (v !== undefined && counts !== undefined) counts[v]++;
    }
  }

  return {
    sager: cases.length,
    kommuner: new Set(cases.map((c) => c.kommunekode)).size,
    afgoerelser,
    overholder,
    medMangel,
    medVaesentligMangel,
    mangler,
    regler,
  };
}

/** One row of the national picture: how many of the cases the rule applies to live up to it. */
export interface FigureRow {
  kolonne: string;
  label: string;
  /** Cases the rule applies to (and, for sagsbehandlingsregler, could be assessed). */
  grundlag: number;
  /** Cases that live up to the requirement. */
  lever: number;
  /** Share 0–100, rounded as the report rounds: to whole percent. */
  procent: number;
}

export interface NationalPicture {
  figures: NationalFigures;
  /** Figur 1: share living up to each legal requirement (no defect with væsentlig betydning). */
  retligeKrav: FigureRow[];
  /** Figur 5: share living up to each sagsbehandlingsregel, of the cases where it could be assessed. */
  sagsbehandlingsregler: FigureRow[];
}

export function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 100);
}

/** The report's figure 1 and 5 as data; check, the preview page and the bench share it. */
export function assessNationalPicture(cases: readonly Case[], ruleSet: RuleSet): NationalPicture {
  const figures = assessNationalFigures(cases, ruleSet);
  const retligeKrav = ruleSet.retligeMangler.map((r) => {
    const grundlag = cases.filter((c) => ruleApplies(r, c.afgoerelse)).length;
    const lever = grundlag - (figures.mangler[r.kolonne]?.vaesentlig ?? 0);
    return { kolonne: r.kolonne, label: r.label, grundlag, lever, procent: percent(lever, grundlag) };
  });
  const sagsbehandlingsregler = ruleSet.sagsbehandlingsregler.map((r) => {
    const c = figures.regler[r.kolonne];
    const lever = c?.overholdt ?? 0;
    const grundlag = lever + (c?.['ikke overholdt'] ?? 0);
    return { kolonne: r.kolonne, label: r.label, grundlag, lever, procent: percent(lever, grundlag) };
  });
  return { figures, retligeKrav, sagsbehandlingsregler };
}

const REGEL_LABEL: Record<RegelVaerdi, CaseView['regler'][number]['vurdering']> = {
  overholdt: 'Overholdt',
  'ikke overholdt': 'Ikke overholdt',
  'ikke relevant': 'Ikke relevant',
  'kan ikke vurderes': 'Kan ikke vurderes',
};

/** The verdict on one case, as the letter shows it. */
export function assessCase(c: Case, ruleSet: RuleSet): CaseView {
  const afg = ruleSet.afgoerelser.find((a) => a.vaerdi === c.afgoerelse);
  return {
    sagsnummer: c.sagsnummer,
    afgoerelsesdato: c.afgoerelsesdato,
    afgoerelsesdatoTekst: formatDanishDate(c.afgoerelsesdato),
    afgoerelse: afg?.label ?? c.afgoerelse,
    overholder: c.overholder ? 'Ja' : 'Nej',
    mangler: ruleSet.retligeMangler.flatMap((r): CaseView['mangler'] => {
      const v = c.mangler[r.kolonne];
      if (v === 'væsentlig') return [{ label: r.label, betydning: 'væsentlig betydning' }];
      if (v === 'ikke væsentlig') return [{ label: r.label, betydning: 'ikke væsentlig betydning' }];
      return [];
    }),
    regler: ruleSet.sagsbehandlingsregler.map((r) => ({
      label: r.label,
      vurdering: REGEL_LABEL[c.regler[r.kolonne] ?? 'ikke relevant'],
    })),
    ...(c.bemaerkning !== undefined ? { bemaerkning: c.bemaerkning } : {}),
  };
}

/** Letter order: by afgørelsesdato, then sagsnummer (numeric-aware). */
export function compareCases(a: Case, b: Case): number {
  return compareCodes(a.afgoerelsesdato, b.afgoerelsesdato) || compareSagsnumre(a.sagsnummer, b.sagsnummer);
}
