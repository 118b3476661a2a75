// Composes the letter model for each kommune: plain data that feeds the PDF,
// the email and the preview page. Pure: template sources come in as strings.
import { assessCase, compareCases } from './assess.js';
import { compareCodes, countText, formatDanishDate, joinDanish } from '../danish.js';
import { boundedSlug, safeFileName } from './parse-values.js';
import { sha256 } from '../sha256.js';
import { compileTemplate, handlebarsFor, type TemplateMaking } from '../handlebars-templates.js';
import type { Case, Kommune, LetterModel, Problem, TextBlock, ValidatedData } from '../types.js';

/** Template sources, keyed by role. File names are for messages only. */
export interface TemplateSources {
  brev: { file: string; source: string };
  emailEmne: { file: string; source: string };
  emailTekst: { file: string; source: string };
  emailHtml: { file: string; source: string };
}

type Compiled = Record<keyof TemplateSources, (ctx: unknown) => string>;

export type CompiledTemplates = { ok: true; templates: Compiled } | { ok: false; problems: Problem[] };

/** The compile options of a letter template (the build precompiles with the same). */
export function letterTemplateOptions(role: keyof TemplateSources): CompileOptions {
  // The letter and the plain-text email insert values verbatim; the HTML
  // email keeps Handlebars' escaping.
  return { noEscape: role !== 'emailHtml' };
}

/** Each letter template with the options it is compiled with. */
export function letterTemplates(sources: TemplateSources) {
  return (Object.entries(sources) as [keyof TemplateSources, TemplateSources['brev']][]).map(
    ([role, { file, source }]) => ({
      role,
      file,
      source,
      options: letterTemplateOptions(role),
    }),
  );
}

/**
 * Compiles all templates, reporting every syntax error (not only the first).
 * A template the build precompiled (`making.precompiled`, matched by content)
 * is not compiled again; the others need `making.compiler`.
 */
export function compileTemplates(sources: TemplateSources, making: TemplateMaking): CompiledTemplates {
  const templates = letterTemplates(sources);
  const hb = handlebarsFor(templates, making);
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  const problems: Problem[] = [];
  const out: Partial<Compiled> = {};
  for (const { role, file, source, options } of templates) {
    try {
      out[role] = compileTemplate(hb, source, options, making.precompiled);
    } catch (err) {
      problems.push({
        code: 'template-syntax',
        severity: 'error',
        file,
        message: `Skabelonen kan ikke læses: ${(err as Error).message.split('\n')[0]}`,
      });
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, templates: out as Compiled };
}

/** Turns the letter template's small markup into blocks (see templates/.../brev.hbs). */
export function parseLetterMarkup(text: string): TextBlock[] {
  const blocks: TextBlock[] = [];
  const chunks = text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((c) => c.replace(/^\n+|\s+$/g, ''))
    .filter((c) => c.trim() !== '');
  const listItem = /^(\d+\)|-)\s+/;
  for (const chunk of chunks) {
    const lines = chunk.split('\n').map((l) => l.trim());
    const first = lines[0] ?? '';
    if (first === '[[oversigt]]' && lines.length === 1) blocks.push({ type: 'oversigt' });
    else if (first === '[[noegle]]' && lines.length === 1) blocks.push({ type: 'noegle' });
    else if (/^#{1,2}\s/.test(first)) {
      blocks.push({ type: 'heading', level: first.startsWith('## ') ? 2 : 1, text: first.replace(/^#{1,2}\s+/, '') });
      if (lines.length > 1) blocks.push({ type: 'paragraph', text: lines.slice(1).join('\n') });
    } else if (listItem.test(first)) {
      const items: string[] = [];
      for (const line of lines) {
        if (listItem.test(line) || items.length === 0) items.push(line);
        else items[items.length - 1] += ` ${line}`;
      }
      blocks.push({ type: 'list', items });
    } else blocks.push({ type: 'paragraph', text: lines.join('\n') });
  }
  return blocks;
}

/** Values inserted into the letter must not create markup: fold line breaks. */
function flattenStrings<T>(v: T): T {
  if (typeof v === 'string') return v.replace(/\s*[\r\n]+\s*/g, ' ') as T;
  if (Array.isArray(v)) return v.map(flattenStrings) as T;
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, flattenStrings(x)])) as T;
  }
  return v;
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1);
}

export function letterFileBase(k: Kommune): string {
  return `${k.kode}-${boundedSlug(k.navn) || 'kommune'}`;
}

export function composeLetter(
  data: ValidatedData,
  kommune: Kommune,
  cases: readonly Case[],
  templates: Compiled,
): LetterModel {
  const { barometer: b, ruleSet } = data;
  const sorted = [...cases].sort(compareCases);
  const sager = sorted.map((c) => assessCase(c, ruleSet));
  const antal = sager.length;

  const context = flattenStrings({
    titel: b.titel,
    emne: b.emne,
    lovgrundlag: b.lovgrundlag,
    offentliggjortTekst: formatDanishDate(b.offentliggjort),
    brevdatoTekst: formatDanishDate(b.brevdato),
    journalnummer: b.journalnummer,
    kommune,
    antalSager: antal,
    antalSagerTekst: countText(antal, 'sag', 'sager'),
    regelListe: joinDanish(ruleSet.sagsbehandlingsregler.map((r) => r.label.toLowerCase())),
    dialogmoede: b.dialogmoede && { ...b.dialogmoede, datoTekst: formatDanishDate(b.dialogmoede.dato) },
    laesMereLinks: b.laesMereLinks,
    afsender: b.afsender,
  });

  const filBase = letterFileBase(kommune);
  const attachmentName = `${safeFileName(`${b.titel} - ${kommune.navn}`)}.pdf`;
  // The Message-ID names this exact letter: same content, same ID (so a resend
  // of the same letter can be recognised); changed content, new ID (RFC 5322 §3.6.4).
  // (An absent journalnummer leaves the JSON, and so the ID, as it was.)
  const contentHash = sha256(
    JSON.stringify({ id: b.id, brevdato: b.brevdato, journalnummer: b.journalnummer, kommune, sager }),
  ).slice(0, 16);
  const emailContext = { ...context, attachmentName };

  return {
    barometerId: b.id,
    titel: b.titel,
    kommune,
    brevdato: b.brevdato,
    brevdatoTekst: formatDanishDate(b.brevdato),
    ...(b.journalnummer !== undefined ? { journalnummer: b.journalnummer } : {}),
    antalSager: antal,
    antalSagerTekst: countText(antal, 'sag', 'sager'),
    sager,
    noegle: {
      retligeMangler: ruleSet.retligeMangler.map(({ label, forklaring, hjemmel, gaelderForTekst }) => ({
        label,
        forklaring,
        hjemmel,
        ...(gaelderForTekst ? { gaelderForTekst } : {}),
      })),
      sagsbehandlingsregler: ruleSet.sagsbehandlingsregler.map(({ label, forklaring, hjemmel, gaelderForTekst }) => ({
        label,
        forklaring,
        hjemmel,
        ...(gaelderForTekst ? { gaelderForTekst } : {}),
      })),
    },
    body: parseLetterMarkup(templates.brev(context)),
    afsender: {
      myndighed: b.afsender.myndighed,
      adresse: b.afsender.adresse,
      telefon: b.afsender.telefon,
      email: b.afsender.email,
      ...(b.afsender.web ? { web: b.afsender.web } : {}),
    },
    pdf: {
      title: `${b.titel} - ${kommune.navn}`,
      author: b.afsender.myndighed,
      subject: `Ankestyrelsens vurdering af ${countText(antal, 'sag', 'sager')} om ${b.emne} efter ${b.lovgrundlag} fra ${kommune.navn}`,
      language: 'da',
      keywords: `${b.titel}; ${kommune.navn}; ${b.emne}`,
    },
    filBase,
    email: {
      from: { name: b.email.fra.navn, address: b.email.fra.adresse },
      replyTo: b.email.svarTil,
      to: { name: kommune.navn, address: kommune.email },
      subject: templates.emailEmne(emailContext).replace(/\s+/g, ' ').trim(),
      text: templates.emailTekst(emailContext).replace(/\r\n?/g, '\n').trim() + '\n',
      html: templates.emailHtml(emailContext),
      attachmentName,
      messageId: `kommunebrev.${b.id}.${kommune.kode}.${contentHash}@${domainOf(b.email.fra.adresse)}`,
      // A fixed Date header keeps the .eml reproducible; it is the letter's date.
      date: `${b.brevdato}T08:00:00.000Z`,
    },
  };
}

/** Who gets a letter: each kommune with at least one case, in kommunekode order, with its cases. */
export function planLetters(data: ValidatedData): { kommune: Kommune; cases: Case[] }[] {
  const byKode = new Map<string, Case[]>();
  for (const c of data.cases) {
    const list = byKode.get(c.kommunekode) ?? [];
    list.push(c);
    byKode.set(c.kommunekode, list);
  }
  return [...data.kommuner]
    .sort((a, b) => compareCodes(a.kode, b.kode))
    .flatMap((kommune) => {
      const cases = byKode.get(kommune.kode);
      return cases ? [{ kommune, cases }] : [];
    });
}

/** One letter per kommune with at least one case, in kommunekode order. */
export function composeLetters(data: ValidatedData, templates: Compiled): LetterModel[] {
  return planLetters(data).map(({ kommune, cases }) => composeLetter(data, kommune, cases, templates));
}
