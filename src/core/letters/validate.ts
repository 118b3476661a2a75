// Validation: raw tables -> typed, checked data, collecting every problem.
// Only `validateBarometerData` produces Case and Kommune values.
import { normalizeHeader, normalizeValue, parseDate, parseEnum, parseKommunekode } from './parse-values.js';
import { TableReader } from './table-reader.js';
import { hasErrors } from '../problems.js';
import { validateKommuner } from './validate-kommuner.js';
import type { Barometer } from './barometer-schema.js';
import { locateProblems } from './table-source.js';
import {
  MANGLER_VAERDIER,
  REGEL_VAERDIER,
  type Case,
  type Kommune,
  type ManglerVaerdi,
  type Problem,
  type RawTable,
  type RegelVaerdi,
  type Rule,
  type RuleSet,
  type ValidatedData,
} from '../types.js';

export { KOMMUNER_COLUMNS } from './validate-kommuner.js';
export const SAGER_BASE_COLUMNS = [
  'sagsnummer',
  'kommunekode',
  'afgørelsesdato',
  'afgørelse',
  'overholder regler og praksis',
] as const;
export const BEMAERKNING_COLUMN = 'bemærkning';

export function sagerColumns(ruleSet: RuleSet): string[] {
  return [
    ...SAGER_BASE_COLUMNS,
    ...ruleSet.retligeMangler.map((r) => r.kolonne),
    ...ruleSet.sagsbehandlingsregler.map((r) => r.kolonne),
    BEMAERKNING_COLUMN,
  ];
}

export interface ValidationInput {
  barometer: Barometer;
  ruleSet: RuleSet;
  kommuner: RawTable;
  sager: RawTable;
}

export type ValidationResult =
  { ok: true; data: ValidatedData; problems: Problem[] } | { ok: false; problems: Problem[] };

/** Does this rule apply to a case with this afgørelse? */
export function ruleApplies(rule: Rule, afgoerelse: string): boolean {
  return rule.gaelderFor === undefined || rule.gaelderFor.includes(afgoerelse);
}

export function isDefect(v: ManglerVaerdi): boolean {
  return v === 'væsentlig' || v === 'ikke væsentlig';
}

interface CaseDraft {
  row: number;
  sagsnummer?: string;
  kommunekode?: string;
  afgoerelsesdato?: string;
  afgoerelse?: string;
  overholder?: boolean;
  mangler: Record<string, ManglerVaerdi>;
  regler: Record<string, RegelVaerdi>;
  bemaerkning?: string;
  complete: boolean;
}

function validateCaseRow(
  reader: TableReader,
  row: number,
  cells: Record<string, string>,
  ctx: { barometer: Barometer; ruleSet: RuleSet; kommuner: Map<string, Kommune>; kommunerFile: string },
): CaseDraft {
  const { barometer, ruleSet, kommuner } = ctx;
  const draft: CaseDraft = { row, mangler: {}, regler: {}, complete: true };

  /** Returns the trimmed cell, or undefined (with a problem) when the column is missing or empty. */
  const required = (column: string): string | undefined => {
    if (!reader.has(column) || reader.isRefused(row, column)) {
      draft.complete = false;
      return undefined;
    }
    const v = reader.cell(cells, column);
    if (v === '') {
      reader.add({ code: 'empty-cell', severity: 'error', row, column, message: 'Cellen er tom, men skal udfyldes.' });
      draft.complete = false;
      return undefined;
    }
    return v;
  };
  const fail = (column: string, value: string, code: string, message: string): void => {
    reader.add({ code, severity: 'error', row, column, value, message });
    draft.complete = false;
  };

  const sagsnummer = required('sagsnummer');
  if (sagsnummer !== undefined) draft.sagsnummer = sagsnummer;

  const rawKode = required('kommunekode');
  if (rawKode !== undefined) {
    const kode = parseKommunekode(rawKode);
    if (!kode.ok) fail('kommunekode', rawKode, 'invalid-kommunekode', kode.reason);
    else if (kommuner.size > 0 && !kommuner.has(kode.value)) {
      fail('kommunekode', rawKode, 'unknown-kommunekode', `Kommunekoden findes ikke i ${ctx.kommunerFile}.`);
    } else draft.kommunekode = kode.value;
  }

  const rawDate = required('afgørelsesdato');
  if (rawDate !== undefined) {
    const date = parseDate(rawDate);
    if (!date.ok) fail('afgørelsesdato', rawDate, 'invalid-date', date.reason);
    else if (date.value > barometer.brevdato) {
      fail(
        'afgørelsesdato',
        rawDate,
        'date-after-letter',
        `Afgørelsesdatoen ligger efter brevdatoen (${barometer.brevdato}).`,
      );
    } else {
      draft.afgoerelsesdato = date.value;
      const { fra, til } = barometer.undersoegelsesperiode;
      if (date.value < fra || date.value > til) {
        reader.add({
          code: 'date-outside-period',
          severity: 'warning',
          row,
          column: 'afgørelsesdato',
          value: rawDate,
          message: `Afgørelsesdatoen ligger uden for undersøgelsesperioden ${fra} til ${til}.`,
        });
      }
    }
  }

  const rawAfg = required('afgørelse');
  if (rawAfg !== undefined) {
    const afg = parseEnum(
      rawAfg,
      ruleSet.afgoerelser.map((a) => a.vaerdi),
    );
    if (!afg.ok) fail('afgørelse', rawAfg, 'unknown-value', afg.reason);
    else draft.afgoerelse = afg.value;
  }

  const rawOverholder = required('overholder regler og praksis');
  if (rawOverholder !== undefined) {
    const o = parseEnum(rawOverholder, ['ja', 'nej'] as const);
    if (!o.ok) fail('overholder regler og praksis', rawOverholder, 'unknown-value', o.reason);
    else draft.overholder = o.value === 'ja';
  }

  const afgoerelse = draft.afgoerelse;
  const checkApplicability = (
    rule: Rule,
    raw: string,
    notApplicableButAssessed: boolean,
    isIkkeRelevant: boolean,
  ): boolean => {
    if (afgoerelse === undefined) return true;
    const applies = ruleApplies(rule, afgoerelse);
    if (!applies && notApplicableButAssessed) {
      fail(
        rule.kolonne,
        raw,
        'rule-not-applicable',
        `${rule.label} vurderes ikke i en sag med ${afgoerelse}; reglen gælder ${rule.gaelderForTekst ?? `kun for ${rule.gaelderFor?.join(' og ')}`}. Skriv »ikke relevant«.`,
      );
      return false;
    }
    if (applies && isIkkeRelevant) {
      fail(
        rule.kolonne,
        raw,
        'rule-applies',
        `»ikke relevant« passer ikke: ${rule.label} gælder ${rule.gaelderFor ? `for ${rule.gaelderFor.join(' og ')}` : 'i alle sager'}, også denne sag med ${afgoerelse}.`,
      );
      return false;
    }
    return true;
  };

  for (const rule of ruleSet.retligeMangler) {
    const raw = required(rule.kolonne);
    if (raw === undefined) continue;
    const v = parseEnum(raw, MANGLER_VAERDIER);
    if (!v.ok) {
      fail(rule.kolonne, raw, 'unknown-value', v.reason);
      continue;
    }
    // "nej" (no defect) where the rule does not apply is true and harmless; a
    // defect there is a contradiction.
    if (checkApplicability(rule, raw, isDefect(v.value), v.value === 'ikke relevant'))
      draft.mangler[rule.kolonne] = v.value;
  }

  for (const rule of ruleSet.sagsbehandlingsregler) {
    const raw = required(rule.kolonne);
    if (raw === undefined) continue;
    const v = parseEnum(raw, REGEL_VAERDIER);
    if (!v.ok) {
      fail(rule.kolonne, raw, 'unknown-value', v.reason);
      continue;
    }
    if (checkApplicability(rule, raw, v.value !== 'ikke relevant', v.value === 'ikke relevant'))
      draft.regler[rule.kolonne] = v.value;
  }

  // "Overholder regler og praksis" is "nej" exactly when a retlig mangel has
  // væsentlig betydning (Handicapsagsbarometret 2023, kapitel 2).
  if (draft.overholder !== undefined && Object.keys(draft.mangler).length === ruleSet.retligeMangler.length) {
    const vaesentlige = ruleSet.retligeMangler.filter((r) => draft.mangler[r.kolonne] === 'væsentlig');
    if (draft.overholder && vaesentlige.length > 0) {
      fail(
        'overholder regler og praksis',
        rawOverholder ?? '',
        'overholder-contradiction',
        `Sagen kan ikke leve op til regler og praksis, når den har en mangel med væsentlig betydning (${vaesentlige.map((r) => r.label.toLowerCase()).join(', ')}). Skriv »nej«, eller ret manglen.`,
      );
    } else if (!draft.overholder && vaesentlige.length === 0) {
      fail(
        'overholder regler og praksis',
        rawOverholder ?? '',
        'overholder-contradiction',
        'Sagen er markeret som ikke i overensstemmelse med regler og praksis, men ingen retlig mangel har væsentlig betydning. Skriv »ja«, eller markér den mangel, der har væsentlig betydning.',
      );
    }
  }

  if (reader.has(BEMAERKNING_COLUMN) && !reader.isRefused(row, BEMAERKNING_COLUMN)) {
    const b = (cells[normalizeHeader(BEMAERKNING_COLUMN)] ?? '').replace(/\r\n|\r|\u2028|\u2029/g, '\n').trim();
    if (b !== '') draft.bemaerkning = b;
  }
  return draft;
}

export function validateBarometerData(input: ValidationInput): ValidationResult {
  const { barometer, ruleSet } = input;
  const kReader = new TableReader(input.kommuner);
  const sReader = new TableReader(input.sager);

  const kommuner = validateKommuner(kReader);

  // Structure first: a missing column is one error, and what would follow
  // from it (every kommune "without cases") is not said.
  const columns = sagerColumns(ruleSet);
  const required = columns.filter((c) => c !== BEMAERKNING_COLUMN);
  const sagerComplete = sReader.requireColumns(required);
  sReader.warnUnknownColumns(columns);
  sReader.scanForCpr();
  const badRows = sReader.checkShapes(required);
  sReader.scanCells(columns, badRows);

  if (input.sager.rows.length === 0) {
    sReader.problems.push({
      code: 'no-cases',
      severity: 'error',
      file: input.sager.file,
      message: 'Filen indeholder ingen sager.',
    });
  }

  const cases: Case[] = [];
  const firstRowOf = new Map<string, number>();
  /** Kommuner named by a readable row, valid or not: they do have cases. */
  const named = new Set<string>();
  for (const { row, cells } of input.sager.rows) {
    if (badRows.has(row)) continue;
    const d = validateCaseRow(sReader, row, cells, { barometer, ruleSet, kommuner, kommunerFile: input.kommuner.file });
    if (d.kommunekode !== undefined) named.add(d.kommunekode);
    if (d.sagsnummer !== undefined) {
      const key = normalizeValue(d.sagsnummer);
      const first = firstRowOf.get(key);
      if (first !== undefined) {
        sReader.add({
          code: 'duplicate-sagsnummer',
          severity: 'error',
          row,
          column: 'sagsnummer',
          value: d.sagsnummer,
          message: `Sagsnummeret står også i række ${first}.`,
        });
        d.complete = false;
      } else firstRowOf.set(key, row);
    }
    if (
      d.complete &&
      d.sagsnummer !== undefined &&
      d.kommunekode !== undefined &&
      d.afgoerelsesdato !== undefined &&
      d.afgoerelse !== undefined &&
      d.overholder !== undefined
    ) {
      cases.push({
        sagsnummer: d.sagsnummer,
        kommunekode: d.kommunekode,
        afgoerelsesdato: d.afgoerelsesdato,
        afgoerelse: d.afgoerelse,
        overholder: d.overholder,
        mangler: d.mangler,
        regler: d.regler,
        ...(d.bemaerkning !== undefined ? { bemaerkning: d.bemaerkning } : {}),
        row,
      });
    }
  }

  // Cross-file rules: every kommune with cases needs an address to send to.
  for (const k of kommuner.values()) {
    if (named.has(k.kode)) {
      for (const column of ['email', 'adresse', 'postnummer', 'by'] as const) {
        if (kReader.has(column) && k[column] === '') {
          kReader.add({
            code: column === 'email' ? 'missing-email' : 'empty-cell',
            severity: 'error',
            row: k.row,
            column,
            message:
              column === 'email'
                ? `${k.navn || `Kommune ${k.kode}`} har sager, men ingen e-mailadresse; brevet kan ikke sendes.`
                : `${k.navn || `Kommune ${k.kode}`} har sager, men cellen er tom; adressen skal med i brevet.`,
          });
        }
      }
    } else if (sagerComplete && badRows.size === 0) {
      kReader.add({
        code: 'kommune-without-cases',
        severity: 'warning',
        row: k.row,
        column: 'kommunekode',
        value: k.kode,
        message: `${k.navn || `Kommune ${k.kode}`} har ingen sager i ${input.sager.file} og får derfor intet brev.`,
      });
    }
  }

  // Workbook tables: name sheet and cell as Excel shows them.
  const problems = locateProblems([...kReader.problems, ...sReader.problems], [input.kommuner, input.sager]);
  if (hasErrors(problems)) return { ok: false, problems };
  return {
    ok: true,
    problems,
    data: { barometer, ruleSet, kommuner: [...kommuner.values()], cases },
  };
}
