// Small builders for the pure core's inputs: raw tables as parse-csv yields them.
import { parseBarometer, parseRuleSet, type Barometer } from '../../src/core/letters/barometer-schema.js';
import { normalizeHeader } from '../../src/core/letters/parse-values.js';
import type { RawTable, RuleSet } from '../../src/core/types.js';
import barometerJson from '../../data/2023-ledsagelse/barometer.json' with { type: 'json' };
import ruleSetJson from '../../data/2023-ledsagelse/regelsaet.json' with { type: 'json' };

export function exampleBarometer(overrides: Partial<Barometer> = {}): Barometer {
  const r = parseBarometer(barometerJson, 'barometer.json');
  if (!r.ok) throw new Error('example barometer.json is invalid');
  return { ...r.value, ...overrides };
}

export function exampleRuleSet(): RuleSet {
  const r = parseRuleSet(ruleSetJson, 'regelsaet.json');
  if (!r.ok) throw new Error('example regelsaet.json is invalid');
  return r.value;
}

export function table(file: string, header: string[], rows: string[][]): RawTable {
  const headers: Record<string, string> = {};
  for (const h of header) headers[normalizeHeader(h)] = h;
  return {
    file,
    headers,
    rows: rows.map((cells, i) => ({
      row: i + 2,
      cells: Object.fromEntries(header.map((h, j) => [normalizeHeader(h), cells[j] ?? ''])),
    })),
  };
}

export const KOMMUNE_HEADER = ['kommunekode', 'navn', 'adresse', 'postnummer', 'by', 'email'];

export function kommuneRow(overrides: Partial<Record<string, string>> = {}): string[] {
  const base: Record<string, string> = {
    kommunekode: '173',
    navn: 'Lyngby-Taarbæk Kommune',
    adresse: 'Rådhusvej 1',
    postnummer: '2800',
    by: 'Kongens Lyngby',
    email: 'handicap@lyngby-taarbaek.kommune.example',
    ...overrides,
  };
  return KOMMUNE_HEADER.map((h) => base[h] ?? '');
}

export const SAGER_HEADER = [
  'sagsnummer',
  'kommunekode',
  'afgørelsesdato',
  'afgørelse',
  'overholder regler og praksis',
  'sagsoplysning',
  'begrundelse',
  'hjemmel',
  'skøn under regel',
  'vurdering',
  'partshøring',
  'klagevejledning',
  'sagsbehandlingstid',
  'helhedsvurdering',
  'handleplan',
  'bemærkning',
];

/** A clean bevilling by default; override any column by its header name. */
export function caseRow(overrides: Partial<Record<string, string>> = {}): string[] {
  const base: Record<string, string> = {
    sagsnummer: 'HSB23-0001',
    kommunekode: '173',
    afgørelsesdato: '2022-11-03',
    afgørelse: 'bevilling',
    'overholder regler og praksis': 'ja',
    sagsoplysning: 'nej',
    begrundelse: 'ikke relevant',
    hjemmel: 'nej',
    'skøn under regel': 'nej',
    vurdering: 'nej',
    partshøring: 'nej',
    klagevejledning: 'ikke relevant',
    sagsbehandlingstid: 'overholdt',
    helhedsvurdering: 'overholdt',
    handleplan: 'kan ikke vurderes',
    bemærkning: '',
    ...overrides,
  };
  return SAGER_HEADER.map((h) => base[h] ?? '');
}

/** A clean afslag. */
export function afslagRow(overrides: Partial<Record<string, string>> = {}): string[] {
  return caseRow({
    afgørelse: 'afslag',
    begrundelse: 'nej',
    klagevejledning: 'overholdt',
    handleplan: 'ikke relevant',
    ...overrides,
  });
}
