// Reads a barometer folder (barometer.json, the rule set, the kommuner and
// sager tables as .csv, .xlsx or .ods) and the letter templates. All file-system access for input
// lives here; everything returned is data, every failure a Problem.
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { isInsideFolder } from './inside-folder.js';
import { PROJECT_ROOT } from '../project-root.js';
import { readTemplateMaking } from '../precompiled-templates.js';
import type { TemplateMaking } from '../../core/handlebars-templates.js';
import { parseBarometer, parseRuleSet, type Barometer } from '../../core/letters/barometer-schema.js';
import { letterTemplates, type TemplateSources } from '../../core/letters/compose-letter.js';
import { detectWideEncoding, wideEncodingMessage } from '../../core/letters/detect-encoding.js';
import { decodeCsvBytes, parseCsv } from '../../core/letters/parse-csv.js';
import { SHEET_NAMES, tableFileNames, type TableKind } from '../../core/letters/table-source.js';
import { sha256 } from '../../core/sha256.js';
import type { Problem, RawTable, RuleSet } from '../../core/types.js';

/** The tool's own templates/ folder (next to src/ and dist/). */
export const TEMPLATES_DIR = join(PROJECT_ROOT, 'templates');

export const TEMPLATE_FILES: Record<keyof TemplateSources, string> = {
  brev: 'brev.hbs',
  emailEmne: 'email-emne.hbs',
  emailTekst: 'email-tekst.hbs',
  emailHtml: 'email-html.hbs',
};

export interface BarometerInput {
  dir: string;
  barometer?: Barometer;
  ruleSet?: RuleSet;
  // Absent until read; undefined when reading failed (the problems say why).
  kommuner?: RawTable | undefined;
  sager?: RawTable | undefined;
  templates?: TemplateSources | undefined;
  /** The build's precompiled specs (and the compiler if needed) for compileTemplates. */
  templateMaking?: TemplateMaking;
  /** sha256 of every input file, keyed by a stable name; `send` checks these. */
  inputHashes: Record<string, string>;
  problems: Problem[];
}

async function readBytes(path: string, label: string, problems: Problem[]): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    problems.push({
      code: 'file-unreadable',
      severity: 'error',
      file: label,
      message:
        code === 'ENOENT'
          ? `Filen findes ikke (${path}).`
          : code === 'EISDIR'
            ? `Der står en mappe, hvor filen skulle være (${path}).`
            : `Filen kan ikke læses (${code ?? 'ukendt fejl'}).`,
    });
    return undefined;
  }
}

function parseJson(bytes: Buffer, label: string, problems: Problem[]): unknown {
  const wide = detectWideEncoding(bytes);
  if (wide) {
    problems.push({
      code: 'wide-encoding',
      severity: 'error',
      file: label,
      message: wideEncodingMessage(wide, 'json'),
    });
    return undefined;
  }
  const text = bytes.toString('utf8').replace(/^\ufeff/, '');
  try {
    return JSON.parse(text);
  } catch (err) {
    // V8 reports "... at position N" (and on newer Node also line/column).
    const pos = /position (\d+)/.exec((err as Error).message);
    let where = '';
    if (pos) {
      const before = text.slice(0, Number(pos[1]));
      const line = before.split('\n').length;
      const col = Number(pos[1]) - before.lastIndexOf('\n');
      where = ` (linje ${line}, tegn ${col})`;
    }
    problems.push({
      code: 'invalid-json',
      severity: 'error',
      file: label,
      message: `Filen er ikke gyldig JSON${where}.`,
    });
    return undefined;
  }
}

function readCsv(bytes: Buffer, name: string, input: BarometerInput): RawTable | undefined {
  const decoded = decodeCsvBytes(bytes, name);
  input.problems.push(...decoded.problems);
  if (decoded.text === undefined) return undefined;
  const parsed = parseCsv(decoded.text, name);
  input.problems.push(...parsed.problems);
  return parsed.table;
}

async function modifiedMs(path: string): Promise<number> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return 0;
  }
}

/** A table may be kind.csv, kind.xlsx or kind.ods; exactly one of them must be there. */
async function readTable(dir: string, kind: TableKind, input: BarometerInput): Promise<RawTable | undefined> {
  let entries: string[] = [];
  try {
    entries = await readdir(dir);
  } catch {
    // The folder itself is unreadable; reading the file below says so.
  }
  const names = tableFileNames(kind);
  const present = names.filter((n) => entries.includes(n));
  if (present.length > 1) {
    const byAge = await Promise.all(present.map(async (n) => ({ n, ms: await modifiedMs(join(dir, n)) })));
    byAge.sort((a, b) => b.ms - a.ms);
    const newest = byAge[0]?.n ?? '';
    input.problems.push({
      code: 'table-file-twice',
      severity: 'error',
      file: newest,
      message: `Mappen indeholder både ${present.join(' og ')}, men må kun have én af dem. Fjern ${byAge
        .slice(1)
        .map((x) => x.n)
        .join(' og ')}, hvis ${newest} (den nyeste) er den rigtige, ellers fjern ${newest}.`,
    });
    return undefined;
  }
  const name = present[0];
  if (name === undefined) {
    const lower = new Set(names);
    const misnamed = entries.find((e) => lower.has(e.toLowerCase()));
    const oldExcel = entries.find((e) => new RegExp(`^${kind}\\.(xls|xlsm|xlsb|numbers)$`, 'i').test(e));
    const hint = misnamed
      ? ` Filen »${misnamed}« skal omdøbes til »${misnamed.toLowerCase()}«.`
      : oldExcel
        ? ` »${oldExcel}« kan ikke læses; gem den som Excel-projektmappe (.xlsx), OpenDocument-regneark (.ods) eller CSV UTF-8.`
        : '';
    input.problems.push({
      code: 'file-unreadable',
      severity: 'error',
      file: `${kind}.csv`,
      message: `Filen findes ikke (${join(dir, `${kind}.csv`)}), og der er heller ingen ${kind}.xlsx eller ${kind}.ods.${hint}`,
    });
    return undefined;
  }
  const bytes = await readBytes(join(dir, name), name, input.problems);
  if (!bytes) return undefined;
  input.inputHashes[name] = sha256(bytes);
  if (name.endsWith('.csv')) return readCsv(bytes, name, input);
  // The workbook library is loaded only when a workbook is read (~50 ms of
  // start-up that CSV data and the commands without data never pay).
  const { parseWorkbook } = await import('./read-workbook.js');
  const parsed = parseWorkbook(bytes, name, SHEET_NAMES[kind]);
  input.problems.push(...parsed.problems);
  return parsed.table;
}

export async function readBarometerFolder(dirArg: string): Promise<BarometerInput> {
  const dir = resolve(dirArg);
  const input: BarometerInput = { dir, inputHashes: {}, problems: [] };

  const barometerBytes = await readBytes(join(dir, 'barometer.json'), 'barometer.json', input.problems);
  if (barometerBytes) {
    input.inputHashes['barometer.json'] = sha256(barometerBytes);
    const json = parseJson(barometerBytes, 'barometer.json', input.problems);
    if (json !== undefined) {
      const parsed = parseBarometer(json, 'barometer.json');
      if (parsed.ok) input.barometer = parsed.value;
      else input.problems.push(...parsed.problems);
    }
  }

  if (input.barometer) {
    const rulePath = resolve(dir, input.barometer.regelsaet);
    const ruleLabel = relative(dir, rulePath) || basename(rulePath);
    const ruleBytes = (await outside(dir, rulePath, 'regelsaet', input))
      ? undefined
      : await readBytes(rulePath, ruleLabel, input.problems);
    if (ruleBytes) {
      input.inputHashes[`regelsæt:${ruleLabel}`] = sha256(ruleBytes);
      const json = parseJson(ruleBytes, ruleLabel, input.problems);
      if (json !== undefined) {
        const parsed = parseRuleSet(json, ruleLabel);
        if (parsed.ok) input.ruleSet = parsed.value;
        else input.problems.push(...parsed.problems);
      }
    }
    input.templates = await readTemplates(input.barometer.skabelon, input);
    if (input.templates)
      input.templateMaking = await readTemplateMaking(input.barometer.skabelon, letterTemplates(input.templates));
  }

  input.kommuner = await readTable(dir, 'kommuner', input);
  input.sager = await readTable(dir, 'sager', input);
  return input;
}

/** Reports (and returns true) when a path named in barometer.json leads out of its folder, e.g. by a symbolic link. */
async function outside(folder: string, path: string, field: string, input: BarometerInput): Promise<boolean> {
  if ((await isInsideFolder(folder, path)) !== false) return false;
  input.problems.push({
    code: 'path-outside',
    severity: 'error',
    file: 'barometer.json',
    column: field,
    message: `Feltet »${field}« fører uden for ${field === 'skabelon' ? 'mappen templates/' : 'barometer-mappen'} (via en symbolsk lænke). Læg filen i mappen i stedet.`,
  });
  return true;
}

async function readTemplates(skabelon: string, input: BarometerInput): Promise<TemplateSources | undefined> {
  const folder = join(TEMPLATES_DIR, skabelon);
  const out: Partial<TemplateSources> = {};
  for (const [role, file] of Object.entries(TEMPLATE_FILES) as [keyof TemplateSources, string][]) {
    const label = `templates/${skabelon}/${file}`;
    if (await outside(TEMPLATES_DIR, join(folder, file), 'skabelon', input)) return undefined;
    const bytes = await readBytes(join(folder, file), label, input.problems);
    if (!bytes) continue;
    input.inputHashes[label] = sha256(bytes);
    out[role] = { file: label, source: bytes.toString('utf8') };
  }
  return Object.keys(out).length === Object.keys(TEMPLATE_FILES).length ? (out as TemplateSources) : undefined;
}
