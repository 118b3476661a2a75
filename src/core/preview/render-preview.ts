// The preview page: one self-contained HTML page per render (index.html) that
// shows the whole batch before it goes out, plus one small page per email and
// the list `preview` serves for an out folder with several barometers.
// The markup is Handlebars templates in templates/preview/ (read by
// src/adapters/preview/read-preview-templates.ts); this module turns the
// manifest (and, after `send`, the journal's status map) into their view
// models. Pure: no fs, no clock, so `status` can regenerate the page from the
// out folder alone. Handlebars escapes every value; a Content-Security-Policy
// with the hashes of the page's one style and one script (computed here from
// preview.css and preview.js) forbids anything else to run or load.
import { createHash } from 'node:crypto';
import { compileTemplate, handlebarsFor, type TemplateMaking } from '../handlebars-templates.js';
import { percent, type FigureRow } from '../letters/assess.js';
import { capitalize, compareCodes, countText, formatDanishDate, formatDanishDateTime } from '../danish.js';
import type { Manifest, ManifestLetter } from '../letters/manifest.js';
import { lastDelivery } from '../send/journal-fold.js';
import { versionChange } from '../send/send-plan.js';
import type { KommuneSendStatus, SendStatusMap } from '../send/send-status.js';

export const PREVIEW_FILE = 'index.html';

/** The template files, as read from templates/preview/. */
export interface PreviewTemplateSources {
  /** index.html */
  preview: string;
  /** <filBase>.email.html */
  email: string;
  /** The list of barometers served by `preview` for an out folder with several. */
  listing: string;
  /** Partials by name (file name without .hbs). */
  partials: Record<string, string>;
  /** The page's style sheet and script, inserted byte for byte and hashed into the CSP. */
  style: string;
  script: string;
}

type Render = (context: unknown) => string;

export interface PreviewTemplates {
  preview: Render;
  email: Render;
  listing: Render;
  style: string;
  script: string;
}

/** The preview templates' compile options (the build precompiles with the same). */
export const PREVIEW_TEMPLATE_OPTIONS: CompileOptions = { strict: false };

/** Each preview template (the partials first) with its file name under templates/preview/ and its options. */
export function previewTemplates(sources: PreviewTemplateSources) {
  const options = PREVIEW_TEMPLATE_OPTIONS;
  return [
    ...Object.entries(sources.partials).map(([name, source]) => ({
      partial: name,
      file: `partials/${name}.hbs`,
      source,
      options,
    })),
    ...(['preview', 'email', 'listing'] as const).map((page) => ({
      page,
      file: `${page}.hbs`,
      source: sources[page],
      options,
    })),
  ];
}

/**
 * Compiles the preview templates; a syntax error names the template. A
 * template the build precompiled (`making.precompiled`, matched by content)
 * is not compiled again; the others need `making.compiler`.
 */
export function compilePreviewTemplates(sources: PreviewTemplateSources, making: TemplateMaking): PreviewTemplates {
  const templates = previewTemplates(sources);
  const hb = handlebarsFor(templates, making);
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hb.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).join(''));
  const pages: Partial<Record<'preview' | 'email' | 'listing', Render>> = {};
  for (const t of templates) {
    let template: Render;
    try {
      template = compileTemplate(hb, t.source, t.options, making.precompiled);
    } catch (err) {
      throw new Error(`Skabelonen templates/preview/${t.file} kan ikke læses: ${(err as Error).message}`, {
        cause: err,
      });
    }
    // Partials are registered compiled: Handlebars would otherwise compile a
    // partial's source again on its first use (with the calling template's
    // options, the same as these), and it runs a compiled partial the same way.
    if ('partial' in t) hb.registerPartial(t.partial, template);
    else pages[t.page] = template;
  }
  return {
    preview: pages.preview!,
    email: pages.email!,
    listing: pages.listing!,
    style: sources.style,
    script: sources.script,
  };
}

/** The email page's file name: next to the .eml, "<filBase>.email.html". */
export function emailPageFile(letter: Pick<ManifestLetter, 'eml'>): string {
  return `${letter.eml.file.replace(/\.eml$/i, '')}.email.html`;
}

// ---------------------------------------------------------------------------
// Small formatters (Danish).

/** "58 % (223 af 385)"; with nothing to count from, no made-up 0 %. */
function pctText(part: number, whole: number, procent = percent(part, whole)): string {
  return whole === 0 ? `ikke beregnet (${part} af ${whole})` : `${procent} % (${part} af ${whole})`;
}

function kB(bytes: number): string {
  return `${Math.max(1, Math.round(bytes / 1024))} kB`;
}

function safeDate(iso: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(iso) ? formatDanishDate(iso) : iso;
}

/** A link to a file in the same folder (Handlebars escapes it for the attribute). */
const fileHref = (file: string): string => encodeURIComponent(file);

// ---------------------------------------------------------------------------
// Content-Security-Policy (CSP Level 3 hash sources).

const hash = (s: string): string => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

function head(t: PreviewTemplates, title: string, withScript: boolean): { title: string; csp: string; style: string } {
  const csp = [
    "default-src 'none'",
    `style-src ${hash(t.style)}`,
    `script-src ${withScript ? hash(t.script) : "'none'"}`,
    "img-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return { title, csp, style: t.style };
}

// ---------------------------------------------------------------------------
// Send status.

interface StatusDetail {
  label: string;
  value: string;
  code?: boolean;
}

function statusDetails(s: KommuneSendStatus): StatusDetail[] {
  const rows: StatusDetail[] = [];
  if (s.to) rows.push({ label: s.state === 'sent' ? 'Sendt til' : 'Til', value: s.to });
  if (s.messageId) rows.push({ label: 'Message-ID', value: s.messageId, code: true });
  if (s.response) {
    const label = s.state === 'sent' ? 'Svar fra mailserveren' : s.state === 'failed' ? 'Fejl' : 'Seneste besked';
    rows.push({
      label,
      value: s.code !== undefined && !s.response.startsWith(String(s.code)) ? `${s.code} ${s.response}` : s.response,
    });
  } else if (s.code !== undefined) {
    rows.push({ label: 'SMTP-kode', value: String(s.code) });
  }
  if (s.resends > 0) rows.push({ label: 'Sendt igen med --resend', value: countText(s.resends, 'gang', 'gange') });
  return rows;
}

function statusCell(s: KommuneSendStatus | undefined, letter: ManifestLetter) {
  if (!s) return { state: 'ikke-sendt' };
  const base = {
    state: s.state,
    at: s.at,
    atText: formatDanishDateTime(s.at),
    kommunekode: letter.kommunekode,
    details: statusDetails(s),
  };
  if (s.state !== 'sent') return base;
  // From the journal: the last delivery's address and content against the letter in the folder now.
  const last = lastDelivery(s);
  const changed = versionChange(letter, last) !== undefined ? { to: last?.to ?? '' } : undefined;
  const title = [
    `Sendt ${formatDanishDateTime(s.at)}`,
    s.messageId ? `Message-ID: ${s.messageId}` : '',
    s.response ? `Svar: ${s.response}` : '',
  ]
    .filter(Boolean)
    .join('\n');
  return { ...base, title, changed };
}

function statusSummary(m: Manifest, status: SendStatusMap) {
  const counts = { sent: 0, failed: 0, uafklaret: 0, ikke: 0 };
  for (const l of m.letters) {
    const s = status.get(l.kommunekode);
    if (!s) counts.ikke++;
    else counts[s.state === 'sent' ? 'sent' : s.state === 'failed' ? 'failed' : 'uafklaret']++;
  }
  const letterCodes = new Set(m.letters.map((l) => l.kommunekode));
  const unknown = [...status.keys()].filter((k) => !letterCodes.has(k)).sort();
  const latest = [...status.values()]
    .map((s) => s.at)
    .sort()
    .at(-1);
  return {
    ...counts,
    kind: counts.failed + counts.uafklaret > 0 ? 'fejl' : counts.ikke > 0 ? 'adv' : 'ok',
    latest: latest ? formatDanishDateTime(latest) : undefined,
    unknown: unknown.join(', '),
    unknownText: countText(unknown.length, 'kommune', 'kommuner'),
    sentText: countText(counts.sent, 'brev', 'breve'),
  };
}

// ---------------------------------------------------------------------------
// National figures.

function figureRow(
  label: string,
  row: Pick<FigureRow, 'lever' | 'grundlag' | 'procent'>,
  tal: number[],
  kolonne: string,
) {
  return {
    label,
    kolonne,
    width: Math.max(0, Math.min(100, row.procent)),
    andel: pctText(row.lever, row.grundlag, row.procent),
    tal,
  };
}

function grundlagNote(rows: readonly FigureRow[], sager: number, what: string): string {
  const other = rows.filter((r) => r.grundlag !== sager);
  const base = `Grundlaget er ${countText(sager, 'sag', 'sager')}`;
  if (other.length === 0) return `${base}.`;
  return `${base}, undtagen ${other.map((r) => `${r.label} (${countText(r.grundlag, 'sag', 'sager')})`).join(', ')}, ${what}.`;
}

function nationalView(m: Manifest) {
  const f = m.national.figures;
  const count = (n: number, whole: number) => ({ antal: n, andel: whole === 0 ? '–' : `${percent(n, whole)} %` });
  const sum = (pick: (l: ManifestLetter) => number): number => m.letters.reduce((n, l) => n + pick(l), 0);
  const recon: [string, number, number][] = [
    ['Sager', sum((l) => l.antalSager), f.sager],
    ['Kommuner med sager (breve)', m.letters.length, f.kommuner],
    ['Lever op til regler og praksis', sum((l) => l.overholder), f.overholder],
    ['Med mangel med væsentlig betydning', sum((l) => l.medVaesentligMangel), f.medVaesentligMangel],
  ];
  return {
    national: {
      sager: count(f.sager, f.sager),
      kommuner: f.kommuner,
      afgoerelser: Object.entries(f.afgoerelser).map(([k, n]) => ({ label: capitalize(k), ...count(n, f.sager) })),
      overholder: count(f.overholder, f.sager),
      medMangel: count(f.medMangel, f.sager),
      medVaesentligMangel: count(f.medVaesentligMangel, f.sager),
    },
    recon: {
      rows: recon.map(([label, breve, landstal]) => ({ label, breve, landstal, forskel: breve - landstal })),
      off: recon
        .filter(([, a, b]) => a !== b)
        .map(([l]) => l.toLowerCase())
        .join(', '),
    },
    figur1: {
      // Its label is in the template.
      total: {
        total: true,
        kolonne: 'regler-og-praksis',
        width: Math.max(0, Math.min(100, percent(f.overholder, f.sager))),
        andel: pctText(f.overholder, f.sager),
        tal: [f.medMangel, f.medVaesentligMangel, f.sager],
      },
      krav: m.national.retligeKrav.map((r) => {
        const mm = f.mangler[r.kolonne] ?? { i_alt: 0, vaesentlig: 0 };
        return figureRow(r.label, r, [mm.i_alt, mm.vaesentlig, r.grundlag], r.kolonne);
      }),
      grundlagNote: grundlagNote(m.national.retligeKrav, f.sager, 'som kravet gælder for'),
    },
    figur5: m.national.sagsbehandlingsregler.map((r) => {
      const c = f.regler[r.kolonne];
      return figureRow(
        r.label,
        r,
        [c?.['ikke overholdt'] ?? 0, c?.['ikke relevant'] ?? 0, c?.['kan ikke vurderes'] ?? 0],
        r.kolonne,
      );
    }),
  };
}

// ---------------------------------------------------------------------------
// Pages.

function kommuneRow(l: ManifestLetter, status: SendStatusMap | undefined) {
  const at = l.recipient.indexOf('@');
  return {
    kommunekode: l.kommunekode,
    navn: l.navn,
    // With the status column the rows are two lines high anyway: the address may break after "@".
    recipient: !l.recipient
      ? undefined
      : status && at >= 0
        ? { head: l.recipient.slice(0, at), tail: l.recipient.slice(at + 1) }
        : { head: l.recipient },
    antalSager: l.antalSager,
    overholder: l.overholder,
    medVaesentligMangel: l.medVaesentligMangel,
    advarsler: l.advarsler,
    advarslerText: countText(l.advarsler.length, 'advarsel', 'advarsler'),
    status: status ? statusCell(status.get(l.kommunekode), l) : undefined,
    pdfHref: fileHref(l.pdf.file),
    pdfTitle: `${l.pdf.file}, ${kB(l.pdf.bytes)}`,
    emailHref: fileHref(emailPageFile(l)),
  };
}

/** The preview page (index.html) for a render. Pure and deterministic.
 *  `folderProblems`: files that do not match the manifest (formatted); the page then says plainly that the folder is inconsistent. */
export function renderPreviewHtml(
  t: PreviewTemplates,
  manifest: Manifest,
  sendStatus?: SendStatusMap,
  folderProblems: readonly string[] = [],
): string {
  const m = manifest;
  const f = m.national.figures;
  const letters = [...m.letters].sort((a, b) => compareCodes(a.kommunekode, b.kommunekode));
  const title = `Forhåndsvisning af brevene: ${m.barometer.titel}`;
  return t.preview({
    head: head(t, title, true),
    title,
    script: t.script,
    barometer: { id: m.barometer.id, brevdato: safeDate(m.barometer.brevdato), eksempeldata: m.barometer.eksempeldata },
    letterCount: letters.length,
    inconsistent:
      folderProblems.length > 0
        ? { text: countText(folderProblems.length, 'fil passer', 'filer passer'), problems: folderProblems }
        : undefined,
    cards: {
      kommunerText: countText(letters.length, 'kommune', 'kommuner'),
      breveText: countText(letters.length, 'brev', 'breve'),
      sagerIBrevene: letters.reduce((n, l) => n + l.antalSager, 0),
      sagerText: countText(f.sager, 'sag', 'sager'),
      sager: f.sager,
      overholder: { procent: percent(f.overholder, f.sager), antal: f.overholder },
      vaesentlig: { procent: percent(f.medVaesentligMangel, f.sager), antal: f.medVaesentligMangel },
    },
    status: sendStatus ? statusSummary(m, sendStatus) : undefined,
    ...nationalView({ ...m, letters }),
    letters: letters.map((l) => kommuneRow(l, sendStatus)),
    udenSager: [...m.kommunerUdenSager].sort((a, b) => compareCodes(a.kommunekode, b.kommunekode)),
    advarsler: m.advarsler,
  });
}

/** A readable view of one kommune's email, next to its .eml. Pure and deterministic. */
/** One letter's email page; of the manifest it needs only the barometer's title (render writes it before the manifest exists). */
export function renderEmailPageHtml(
  t: PreviewTemplates,
  manifest: { barometer: Pick<Manifest['barometer'], 'titel'> },
  letter: ManifestLetter,
): string {
  const title = `E-mail til ${letter.navn}`;
  return t.email({
    head: head(t, `${title} – ${manifest.barometer.titel}`, false),
    title,
    previewHref: PREVIEW_FILE,
    barometerTitel: manifest.barometer.titel,
    kommunekode: letter.kommunekode,
    sagerText: countText(letter.antalSager, 'sag', 'sager'),
    email: letter.email,
    pdfHref: fileHref(letter.pdf.file),
    pdfSize: kB(letter.pdf.bytes),
    sagsnumre: letter.sagsnumre,
    advarsler: letter.advarsler,
    emlHref: fileHref(letter.eml.file),
    emlFile: letter.eml.file,
  });
}

/** The list `preview` serves at / for an out folder with several barometer folders. */
export function renderListingHtml(t: PreviewTemplates, barometre: readonly string[]): string {
  return t.listing({
    barometre: barometre.map((b) => ({ navn: b, href: `${encodeURIComponent(b)}/${PREVIEW_FILE}` })),
  });
}
