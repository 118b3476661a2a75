// Core data types. Everything here is plain data: no I/O, no classes.
//
// Naming: Danish domain terms are kept as they are (kommune, sag, afgørelse,
// retlig mangel, sagsbehandlingsregel); see the glossary in README.md.

import type { Barometer } from './letters/barometer-schema.js';

// ---------------------------------------------------------------------------
// Problems: every finding about the input is a value, formatted in one place
// (src/core/problems.ts).

export type Severity = 'error' | 'warning';

export interface Problem {
  /** Stable machine-readable code, e.g. "unknown-kommunekode". */
  code: string;
  severity: Severity;
  /** File name as the user knows it, e.g. "sager.csv" or "sager.xlsx". */
  file: string;
  /** Workbooks only: the sheet (tab) name, e.g. "Sager". */
  sheet?: string;
  /** Workbooks only: the cell as Excel names it, e.g. "C17". */
  cell?: string;
  /** Row as a spreadsheet shows it: the header is row 1. Absent for whole-file problems. */
  row?: number;
  /** Column name as written in the file's header (or the JSON path for JSON files). */
  column?: string;
  /** The offending value, already made safe to print (CPR-like values are masked). */
  value?: string;
  /** What is wrong, in Danish, as a full sentence. */
  message: string;
}

// ---------------------------------------------------------------------------
// Raw input, as read from files. Only strings; nothing is trusted yet.

export interface RawRow {
  /** Spreadsheet row number (header = 1, first data row = 2). */
  row: number;
  /** Cell values keyed by canonical column key (see normalizeHeader). */
  cells: Record<string, string>;
  /** How many fields the row had in a CSV file (absent for other sources). */
  fields?: number;
  /** A field beyond the header's last column holds text. */
  extra?: boolean;
}

export interface RawTable {
  file: string;
  /** Canonical column key -> header text exactly as written in the file. */
  headers: Record<string, string>;
  rows: RawRow[];
  /** CSV: the canonical key of each header field by position (undefined for a blank or repeated header). */
  columns?: (string | undefined)[];
  /** Set when the table was read from a workbook (.xlsx/.ods), so problems can name sheet and cell. */
  sheet?: SheetInfo;
}

/** Where a workbook table sits, so a problem at (row, column) can be named as Excel names the cell. */
export interface SheetInfo {
  /** The sheet (tab) name, e.g. "Sager". */
  name: string;
  /** Canonical column key -> column letters, e.g. "afgoerelsesdato" -> "C". */
  columns: Record<string, string>;
  /** The first column right of the header row: where a missing column would go. */
  nextColumn: string;
  /** Cells the reader already reported (e.g. a formula error); validation's findings there repeat it. */
  reportedCells: string[];
}

// ---------------------------------------------------------------------------
// The rule set (data/<barometer>/regelsaet.json): which retlige mangler and
// sagsbehandlingsregler a barometer assesses and when each applies.

export interface AfgoerelseType {
  /** Value as written in sager.csv, lower case, e.g. "delvist afslag". */
  vaerdi: string;
  /** Label for letters, e.g. "Delvist afslag". */
  label: string;
}

export interface Rule {
  /** Column in sager.csv, lower case, e.g. "klagevejledning". */
  kolonne: string;
  /** Danish label, e.g. "Klagevejledning". */
  label: string;
  /** One-line explanation for the letter's key. */
  forklaring: string;
  /** Legal reference, e.g. "forvaltningslovens § 25". */
  hjemmel: string;
  /** afgørelse values for which the rule applies; absent = all. */
  gaelderFor?: string[] | undefined;
  /** Human explanation of when it applies, e.g. "kun når borgeren ikke får fuldt medhold". */
  gaelderForTekst?: string | undefined;
}

export interface RuleSet {
  id: string;
  navn: string;
  afgoerelser: AfgoerelseType[];
  retligeMangler: Rule[];
  sagsbehandlingsregler: Rule[];
}

// ---------------------------------------------------------------------------
// Barometer metadata (data/<barometer>/barometer.json). The zod schema in
// barometer-schema.ts is the source of truth; this type is inferred there.

export type { Barometer } from './letters/barometer-schema.js';

// ---------------------------------------------------------------------------
// Validated data.

export interface Kommune {
  /** Canonical 3-digit code, e.g. "101", "173". */
  kode: string;
  navn: string;
  adresse: string;
  postnummer: string;
  by: string;
  /** May be empty for kommuner without cases (a warning, not an error). */
  email: string;
  /** Row in kommuner.csv, for later messages. */
  row: number;
}

/** Value of a retlig mangel column. */
export type ManglerVaerdi = 'nej' | 'væsentlig' | 'ikke væsentlig' | 'ikke relevant';
/** Value of a sagsbehandlingsregel column. */
export type RegelVaerdi = 'overholdt' | 'ikke overholdt' | 'ikke relevant' | 'kan ikke vurderes';

export const MANGLER_VAERDIER: readonly ManglerVaerdi[] = ['nej', 'væsentlig', 'ikke væsentlig', 'ikke relevant'];
export const REGEL_VAERDIER: readonly RegelVaerdi[] = [
  'overholdt',
  'ikke overholdt',
  'ikke relevant',
  'kan ikke vurderes',
];

export interface Case {
  sagsnummer: string;
  /** Canonical 3-digit kommunekode. */
  kommunekode: string;
  /** ISO date YYYY-MM-DD. */
  afgoerelsesdato: string;
  /** One of the rule set's afgoerelser[].vaerdi. */
  afgoerelse: string;
  overholder: boolean;
  /** Keyed by rule column. */
  mangler: Record<string, ManglerVaerdi>;
  /** Keyed by rule column. */
  regler: Record<string, RegelVaerdi>;
  /** Free text, shown literally; absent when empty. */
  bemaerkning?: string;
  /** Row in sager.csv. */
  row: number;
}

export interface ValidatedData {
  barometer: Barometer;
  ruleSet: RuleSet;
  kommuner: Kommune[];
  cases: Case[];
}

// ---------------------------------------------------------------------------
// National figures: exactly the shape `check --json` prints.

export interface NationalFigures {
  sager: number;
  kommuner: number;
  afgoerelser: Record<string, number>;
  overholder: number;
  medMangel: number;
  medVaesentligMangel: number;
  mangler: Record<string, { i_alt: number; vaesentlig: number }>;
  regler: Record<string, Record<RegelVaerdi, number>>;
}

// ---------------------------------------------------------------------------
// The letter model: plain data that feeds the PDF, the email and the preview.

/** A block of letter text produced from the Handlebars letter template. */
export type TextBlock =
  | { type: 'heading'; level: 1 | 2; text: string }
  /** Single newlines inside a paragraph are kept as line breaks. */
  | { type: 'paragraph'; text: string }
  | { type: 'list'; items: string[] }
  /** Where the oversigt (per-case table) goes. */
  | { type: 'oversigt' }
  /** Where the key to the rules goes. */
  | { type: 'noegle' };

export interface CaseView {
  sagsnummer: string;
  afgoerelsesdato: string;
  /** "20. december 2022" */
  afgoerelsesdatoTekst: string;
  /** "Bevilling" */
  afgoerelse: string;
  /** "Ja" | "Nej" */
  overholder: 'Ja' | 'Nej';
  /** Defects found; empty means "Ingen". */
  mangler: { label: string; betydning: 'væsentlig betydning' | 'ikke væsentlig betydning' }[];
  /** Every sagsbehandlingsregel with its assessment, in rule-set order. */
  regler: { label: string; vurdering: 'Overholdt' | 'Ikke overholdt' | 'Ikke relevant' | 'Kan ikke vurderes' }[];
  bemaerkning?: string;
}

export interface RuleKeyEntry {
  label: string;
  forklaring: string;
  hjemmel: string;
  gaelderForTekst?: string;
}

export interface LetterModel {
  barometerId: string;
  /** "Handicapsagsbarometret 2023" */
  titel: string;
  kommune: Kommune;
  /** ISO date of the letter. */
  brevdato: string;
  /** "8. maj 2024" */
  brevdatoTekst: string;
  /** The journal number from barometer.json, printed under the date; absent when not given. */
  journalnummer?: string;
  antalSager: number;
  /** "1 sag" | "4 sager" */
  antalSagerTekst: string;
  /** Sorted by afgørelsesdato, then sagsnummer. */
  sager: CaseView[];
  noegle: { retligeMangler: RuleKeyEntry[]; sagsbehandlingsregler: RuleKeyEntry[] };
  /** The letter text, from templates/<skabelon>/brev.hbs. */
  body: TextBlock[];
  /** Letterhead / sender block. */
  afsender: {
    myndighed: string;
    adresse: string[];
    telefon: string;
    email: string;
    web?: string;
  };
  /** Document metadata for the PDF. */
  pdf: { title: string; author: string; subject: string; language: string; keywords?: string };
  /** Output file base name without extension: "173-lyngby-taarbaek-kommune". */
  filBase: string;
  email: EmailModel;
}

export interface EmailModel {
  from: { name: string; address: string };
  replyTo: string;
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  attachmentName: string;
  /** Without angle brackets, e.g. "2023-ledsagelse.173.ab12cd34@ankestyrelsen.example". */
  messageId: string;
  /** ISO date-time used for the Date header (fixed, so .eml is reproducible). */
  date: string;
}
