// zod schemas for barometer.json and regelsaet.json, and the pure functions
// that turn parsed JSON into typed values or Problems (in Danish).
import { z } from 'zod';
import { capitalize } from '../danish.js';
import type { Problem, RuleSet } from '../types.js';
import { checkEmailLength, checkText, jsonStrings, LIMITS } from './validate-cells.js';

const isoDate = z
  .string({ error: 'skal være en dato (ÅÅÅÅ-MM-DD)' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'skal være en dato på formen ÅÅÅÅ-MM-DD' })
  .refine((s) => isRealIsoDate(s), { error: 'er ikke en gyldig kalenderdato' });

const text = z.string({ error: 'skal være en tekst' }).trim().min(1, { error: 'må ikke være tom' });
const email = z.email({ error: 'skal være en gyldig e-mailadresse' }).refine((a) => checkEmailLength(a) === undefined, {
  error: 'er for lang til en e-mailadresse (RFC 5321 § 4.5.3.1: højst 64 tegn før @, 255 efter, 254 i alt)',
});
const url = z.url({ protocol: /^https?$/, error: 'skal være en gyldig webadresse (http/https)' });

export const barometerSchema = z
  .object({
    $schema: z.string().optional(),
    id: z
      .string({ error: 'skal være en tekst' })
      .regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'må kun indeholde små bogstaver a-z, tal og bindestreg' })
      .max(64, { error: 'må højst være 64 tegn (det bliver navnet på en mappe)' })
      .describe('Short id, used as the output folder name, e.g. "2023-ledsagelse".'),
    titel: text.describe('The barometer\'s title, e.g. "Handicapsagsbarometret 2023".'),
    emne: text.describe('The topic as it reads in a sentence, e.g. "ledsagelse".'),
    lovgrundlag: text.describe('Legal basis as it reads in a sentence, e.g. "§ 97 i serviceloven".'),
    regelsaet: text
      .refine((p) => isPlainRelativePath(p), {
        error: 'skal være en sti inde i barometer-mappen (fx "regelsaet.json"), uden ".." og ikke en absolut sti',
      })
      .default('regelsaet.json')
      .describe('Path of the rule set file, relative to the barometer folder.'),
    skabelon: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'skal være navnet på en mappe i templates/' })
      .max(64, { error: 'må højst være 64 tegn' })
      .default('handicapsagsbarometer')
      .describe('Template folder name under templates/.'),
    eksempeldata: z
      .boolean({ error: 'skal være true eller false' })
      .default(false)
      .describe('True for example data: it may only be sent to an SMTP server on this machine.'),
    offentliggjort: isoDate.describe('Publication date of the report.'),
    brevdato: isoDate.describe('Date printed on the letters.'),
    undersoegelsesperiode: z
      .object({ fra: isoDate, til: isoDate })
      .describe('Decision dates outside this period give a warning.'),
    dialogmoede: z
      .object({
        dato: isoDate,
        tidspunkt: text.describe('E.g. "kl. 14-15".'),
        tilmeldingslink: url,
      })
      .optional()
      .describe('The online dialogue meeting the letter invites to.'),
    laesMereLinks: z.object({ barometer: url.optional(), retssikkerhedsinitiativer: url.optional() }).default({}),
    afsender: z.object({
      myndighed: text,
      adresse: z.array(text).min(1, { error: 'skal have mindst én linje' }),
      navn: text,
      titel: text,
      telefon: text,
      email: email,
      web: text.optional(),
    }),
    email: z.object({
      fra: z.object({ navn: text, adresse: email }),
      svarTil: email,
    }),
    journalnummer: text
      .max(60, { error: 'må højst være 60 tegn' })
      .regex(/^[^\p{Cc}]*$/u, { error: 'skal stå på én linje' })
      .optional()
      .describe(
        'The case\'s journal number in the records system (offentlighedslovens § 15), e.g. "24-0417733". Printed under the letter\'s date ("J.nr. 24-0417733") and at the end of the email subject.',
      ),
    sendeHastighed: z
      .string()
      .regex(/^\d+(\.\d+)?\/(s|min)$/, { error: 'skal skrives som fx "5/s" eller "60/min"' })
      .optional()
      .describe('Optional rate limit for the SMTP relay, e.g. "5/s".'),
    arkivkopi: email
      .optional()
      .describe(
        'Optional address of the records system (ESDH): every letter sent to a kommune is also sent there once, ' +
          'as a separate message with the same bytes; the kommune never sees it (not in To or Cc).',
      ),
  })
  .strict();

export type Barometer = z.output<typeof barometerSchema>;

const ruleSchema = z
  .object({
    kolonne: z.string().trim().toLowerCase().min(1),
    label: text,
    forklaring: text,
    hjemmel: text,
    gaelderFor: z.array(z.string().trim().toLowerCase().min(1)).min(1).optional(),
    gaelderForTekst: text.optional(),
  })
  .strict();

export const ruleSetSchema = z
  .object({
    $schema: z.string().optional(),
    id: text,
    navn: text,
    afgoerelser: z.array(z.object({ vaerdi: z.string().trim().toLowerCase().min(1), label: text }).strict()).min(1),
    retligeMangler: z.array(ruleSchema).min(1),
    sagsbehandlingsregler: z.array(ruleSchema).min(1),
  })
  .strict();

/** Relative, and without "..": a path that cannot leave the folder by its name (symlinks are checked on reading). */
export function isPlainRelativePath(p: string): boolean {
  if (p.startsWith('/') || p.startsWith('\\') || /^[a-zA-Z]:/.test(p)) return false;
  return !p.split(/[\\/]/).some((part) => part === '..');
}

export function isRealIsoDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === mo - 1 && dt.getUTCDate() === d;
}

/** The value at a zod issue's path in the original input (undefined when absent). */
function valueAt(json: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = json;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function zodProblems(file: string, error: z.ZodError, json: unknown): Problem[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    let message = issue.message;
    if (issue.code === 'invalid_type' && valueAt(json, issue.path) === undefined) message = 'mangler';
    else if (issue.code === 'invalid_type') message = `har forkert type (${issue.message})`;
    else if (issue.code === 'unrecognized_keys') message = `ukendt felt: ${issue.keys.join(', ')}`;
    return {
      code: 'invalid-json-field',
      severity: 'error' as const,
      file,
      ...(path ? { column: path } : {}),
      message: path ? `Feltet »${path}« ${message}.` : `${capitalize(message)}.`,
    };
  });
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

/** Characters and lengths of every string in the JSON (see validate-cells.ts). */
function textProblems(json: unknown, file: string, max: number): Problem[] {
  const problems: Problem[] = [];
  for (const { path, value } of jsonStrings(json)) {
    if (path === '$schema') continue;
    const p = checkText(value, { max, what: 'Teksten' });
    if (p)
      problems.push({
        code: p.code,
        severity: 'error',
        file,
        ...(path ? { column: path } : {}),
        value: value.slice(0, 80),
        message: p.message,
      });
  }
  return problems;
}

export function parseBarometer(json: unknown, file: string): Parsed<Barometer> {
  const r = barometerSchema.safeParse(json);
  const textual = textProblems(json, file, LIMITS.barometerString);
  if (!r.success) return { ok: false, problems: [...zodProblems(file, r.error, json), ...textual] };
  if (textual.length > 0) return { ok: false, problems: textual };
  const b = r.data;
  if (b.undersoegelsesperiode.fra > b.undersoegelsesperiode.til) {
    return {
      ok: false,
      problems: [
        {
          code: 'invalid-period',
          severity: 'error',
          file,
          column: 'undersoegelsesperiode',
          message: 'Undersøgelsesperioden slutter før den begynder.',
        },
      ],
    };
  }
  return { ok: true, value: b };
}

/** Parses the rule set and checks that it is internally consistent. */
export function parseRuleSet(json: unknown, file: string): Parsed<RuleSet> {
  const r = ruleSetSchema.safeParse(json);
  const textual = textProblems(json, file, LIMITS.ruleSetString);
  if (!r.success) return { ok: false, problems: [...zodProblems(file, r.error, json), ...textual] };
  const rs = r.data;
  const problems: Problem[] = [...textual];
  const known = new Set(rs.afgoerelser.map((a) => a.vaerdi));
  const seen = new Set<string>();
  for (const rule of [...rs.retligeMangler, ...rs.sagsbehandlingsregler]) {
    if (seen.has(rule.kolonne)) {
      problems.push({
        code: 'duplicate-rule',
        severity: 'error',
        file,
        column: rule.kolonne,
        message: `Kolonnen »${rule.kolonne}« er defineret mere end én gang i regelsættet.`,
      });
    }
    seen.add(rule.kolonne);
    for (const a of rule.gaelderFor ?? []) {
      if (!known.has(a)) {
        problems.push({
          code: 'unknown-afgoerelse-in-rule',
          severity: 'error',
          file,
          column: rule.kolonne,
          value: a,
          message: `Reglen »${rule.kolonne}« gælder for »${a}«, som ikke er en kendt afgørelse i regelsættet.`,
        });
      }
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: rs };
}

/** JSON Schema for editors (written to schema/barometer.schema.json by `npm run schema`). */
export function barometerJsonSchema(): unknown {
  return z.toJSONSchema(barometerSchema, { io: 'input' });
}
