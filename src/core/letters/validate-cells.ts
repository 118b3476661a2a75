// Limits and characters for every cell and JSON string that can reach a
// letter, an email header, a file name or the terminal. Pure.
//
// Why: text goes into PDF layout (a 100 KB remark took 74 s and 730 MB for
// one letter), into MIME headers and the attachment's file name (CR LF there
// is header injection), into file names (ENAMETOOLONG), and into the
// terminal (ESC sequences). Bidi overrides (U+202A–U+202E, U+2066–U+2069)
// make text display in another order than it is stored ("Trojan Source",
// CVE-2021-42574), which in an official letter can misstate a decision.

/** Maximum length in characters (Unicode code points) of each text column. */
export const LIMITS = {
  /** Shown under the case in the letter; about a page of the table. */
  bemaerkning: 2000,
  sagsnummer: 50,
  navn: 100,
  adresse: 200,
  postnummer: 10,
  by: 100,
  /** Any other cell the tool reads (values, dates, codes). */
  cell: 200,
  /** A string in barometer.json. */
  barometerString: 500,
  /** A string in the rule set (explanations are a sentence or two). */
  ruleSetString: 2000,
} as const;

/** RFC 5321 §4.5.3.1.1–3: local part 64 octets, domain 255, path (with "<" ">") 256, so an address of at most 254. */
export const EMAIL_LIMITS = { local: 64, domain: 255, address: 254 } as const;

/** The columns whose value may hold tab and line breaks. */
const MULTILINE = new Set(['bemaerkning', 'bemærkning']);

// C0 controls except TAB, LF, CR; DEL; C1; bidi embeddings/overrides and isolates.
const ALWAYS_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;
// Besides: TAB, LF, CR and the Unicode line/paragraph separators, outside multi-line text.
const SINGLE_LINE_FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/u;

const NAMES: Record<number, string> = {
  0x00: 'NUL',
  0x09: 'tabulator',
  0x0a: 'linjeskift (LF)',
  0x0d: 'vognretur (CR)',
  0x1b: 'ESC',
  0x7f: 'DEL',
  0x2028: 'linjeskift (U+2028)',
  0x2029: 'afsnitsskift (U+2029)',
};

export function codePointLabel(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** A Danish description of a character that does not belong, e.g. "kontroltegnet ESC (U+001B)". */
function describeChar(cp: number): string {
  const name = NAMES[cp];
  if (cp >= 0x202a && cp <= 0x202e) return `et tegn, der ændrer skriftretningen (${codePointLabel(cp)})`;
  if (cp >= 0x2066 && cp <= 0x2069) return `et tegn, der isolerer skriftretningen (${codePointLabel(cp)})`;
  if (cp === 0x0a || cp === 0x0d || cp === 0x2028 || cp === 0x2029) return `et ${name ?? 'linjeskift'}`;
  if (cp === 0x09) return 'en tabulator';
  return `kontroltegnet ${name ? `${name} ` : ''}(${codePointLabel(cp)})`;
}

/** The first character that does not belong, with its 1-based position, or undefined. */
export function findForbiddenChar(
  value: string,
  multiline: boolean,
): { position: number; codePoint: number } | undefined {
  const pattern = multiline ? ALWAYS_FORBIDDEN : SINGLE_LINE_FORBIDDEN;
  const m = pattern.exec(value);
  if (!m) return undefined;
  return { position: [...value.slice(0, m.index)].length + 1, codePoint: m[0].codePointAt(0) ?? 0 };
}

export function lengthOf(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

/** Danish thousands separator: 12.345. */
function number(n: number): string {
  return n.toLocaleString('da-DK');
}

export interface TextProblem {
  code: 'forbidden-character' | 'too-long';
  message: string;
}

/** What is wrong with a string's characters or length, or undefined when it is fine. */
export function checkText(
  value: string,
  opts: { max: number; multiline?: boolean; what?: string },
): TextProblem | undefined {
  const what = opts.what ?? 'Feltet';
  const bad = findForbiddenChar(value, opts.multiline ?? false);
  if (bad) {
    const lineBreak = bad.codePoint === 0x09 || bad.codePoint === 0x0a || bad.codePoint === 0x0d;
    const note = lineBreak && !opts.multiline ? ' (kun bemærkning må have linjeskift og tabulatorer)' : '';
    return {
      code: 'forbidden-character',
      message: `${what} indeholder ${describeChar(bad.codePoint)} ved tegn nr. ${number(bad.position)}; det hører ikke hjemme her${note}. Fjern det.`,
    };
  }
  const length = lengthOf(value);
  if (length > opts.max) {
    return {
      code: 'too-long',
      message: `${what} er ${number(length)} tegn langt; højst ${number(opts.max)} tegn er tilladt. Forkort det.`,
    };
  }
  return undefined;
}

/** The length limit of a column (canonical key), by its role. */
export function columnLimit(key: string): { max: number; multiline: boolean } {
  if (MULTILINE.has(key)) return { max: LIMITS.bemaerkning, multiline: true };
  // Email addresses have their own limits, in octets (checkEmailLength).
  if (key === 'email') return { max: Number.MAX_SAFE_INTEGER, multiline: false };
  const own = (LIMITS as Record<string, number>)[key];
  return { max: own ?? LIMITS.cell, multiline: false };
}

/** RFC 5321 §4.5.3.1 limits, counted in octets (UTF-8, RFC 6531). Undefined when within them. */
export function checkEmailLength(address: string): string | undefined {
  const at = address.lastIndexOf('@');
  const octets = (s: string): number => new TextEncoder().encode(s).length;
  const local = octets(address.slice(0, Math.max(at, 0)));
  const domain = octets(address.slice(at + 1));
  if (local > EMAIL_LIMITS.local)
    return `Delen før @ er ${local} tegn (bytes); højst ${EMAIL_LIMITS.local} er tilladt (RFC 5321 § 4.5.3.1.1).`;
  if (domain > EMAIL_LIMITS.domain)
    return `Domænet er ${domain} tegn (bytes); højst ${EMAIL_LIMITS.domain} er tilladt (RFC 5321 § 4.5.3.1.2).`;
  if (octets(address) > EMAIL_LIMITS.address) {
    return `Adressen er ${octets(address)} tegn (bytes); højst ${EMAIL_LIMITS.address} er tilladt (RFC 5321 § 4.5.3.1.3).`;
  }
  return undefined;
}

/** Every string in parsed JSON with its dotted path ("afsender.adresse.0"). */
export function* jsonStrings(value: unknown, path: string[] = []): Generator<{ path: string; value: string }> {
  if (typeof value === 'string') yield { path: path.join('.'), value };
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* jsonStrings(v, [...path, String(i)]);
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) yield* jsonStrings(v, [...path, k]);
}
