// The preview page as a pure function of the manifest (and the send status map).
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writePreview } from '../src/adapters/preview/write-preview.js';
import { formatDanishDateTime } from '../src/core/danish.js';
import Handlebars from 'handlebars';
import { PREVIEW_TEMPLATES_DIR, readPreviewTemplates } from '../src/adapters/preview/read-preview-templates.js';
import { createHash } from 'node:crypto';
import {
  compilePreviewTemplates,
  emailPageFile,
  renderEmailPageHtml as renderEmailPage,
  renderPreviewHtml as renderPreview,
} from '../src/core/preview/render-preview.js';
import { delivered, exampleManifest, exampleSendStatus } from './helpers/manifest.js';

const templates = await readPreviewTemplates();
const renderPreviewHtml = (
  ...args: Parameters<typeof renderPreview> extends [unknown, ...infer R] ? R : never
): string => renderPreview(templates, ...args);
const renderEmailPageHtml = (
  ...args: Parameters<typeof renderEmailPage> extends [unknown, ...infer R] ? R : never
): string => renderEmailPage(templates, ...args);
const escapeHtml = Handlebars.escapeExpression;

const text = (html: string): string =>
  html
    .replace(/<script>[\s\S]*?<\/script>|<style>[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ');

describe('renderPreviewHtml', () => {
  const manifest = exampleManifest();
  const html = renderPreviewHtml(manifest);

  it('is a Danish, self-contained page: no external URL is loaded', () => {
    expect(html).toMatch(/^<!doctype html>\n<html lang="da">/);
    expect(html).toContain('<meta http-equiv="Content-Security-Policy" content="default-src \'none\';');
    expect(html).not.toMatch(/<(link|img|iframe|object|embed)\b/i);
    expect(html).not.toMatch(/\bsrc=/i);
    expect(html).not.toMatch(/url\(/i);
    expect(html).toContain('<h1>');
  });

  it('lists every kommune with a letter, with links to its PDF and email page', () => {
    for (const l of manifest.letters) {
      expect(html).toContain(`<tr data-kode="${l.kommunekode}"`);
      expect(html).toContain(`href="${l.pdf.file}"`);
      expect(html).toContain(`href="${emailPageFile(l)}"`);
      expect(html).toContain(l.recipient);
    }
    expect(emailPageFile(manifest.letters[0]!)).toMatch(/^\d{3}-[a-z0-9-]+\.email\.html$/);
  });

  it('lists the kommuner without cases apart', () => {
    expect(manifest.kommunerUdenSager.map((k) => k.kommunekode)).toEqual(['825']);
    const section = html.slice(html.indexOf('id="uden-sager-overskrift"'), html.indexOf('id="advarsler-overskrift"'));
    expect(section).toContain('Kommuner uden sager (1)');
    expect(section).toContain('Læsø Kommune');
    expect(section).toContain('laesoe@laesoe.example');
    expect(html).not.toContain('<tr data-kode="825" data-navn');
  });

  it("shows the national figures of the manifest, which are check --json's figures", () => {
    const f = manifest.national.figures;
    expect(f).toMatchObject({ sager: 5, kommuner: 2, overholder: 3, medVaesentligMangel: 2 });
    const t = text(html);
    expect(t).toContain(`Sager ${f.sager} 100 %`);
    expect(t).toContain(`Lever op til regler og praksis ${f.overholder} 60 %`);
    expect(t).toContain(`heraf med væsentlig betydning ${f.medVaesentligMangel} 40 %`);
    for (const r of [...manifest.national.retligeKrav, ...manifest.national.sagsbehandlingsregler]) {
      expect(t).toContain(
        r.grundlag === 0
          ? `${r.label} ikke beregnet (0 af 0)`
          : `${r.label} ${r.procent} % (${r.lever} af ${r.grundlag})`,
      );
    }
    // A rule with no assessable cases gets no made-up "0 %".
    expect(manifest.national.sagsbehandlingsregler.find((r) => r.kolonne === 'handleplan')).toMatchObject({
      grundlag: 0,
    });
    expect(t).toContain('Handleplan ikke beregnet (0 af 0)');
    // Figure 1 and 5 rows, with the counts the figures hold.
    const begr = manifest.national.retligeKrav.find((r) => r.kolonne === 'begrundelse')!;
    expect(begr).toMatchObject({ grundlag: 2, lever: 1, procent: 50 });
    expect(t).toContain('Begrundelse 50 % (1 af 2) 1 1 2');
    expect(t).toContain(
      `Afgørelsen er i overensstemmelse med regler og praksis 60 % (3 af 5) ${f.medMangel} ${f.medVaesentligMangel} 5`,
    );
    const klage = f.regler.klagevejledning!;
    expect(t).toContain(
      `Klagevejledning 50 % (1 af 2) ${klage['ikke overholdt']} ${klage['ikke relevant']} ${klage['kan ikke vurderes']}`,
    );
    // The bars are drawn with the row's own percentage.
    expect(html).toMatch(/data-kolonne="begrundelse">.*?<rect class="fyld" width="50" height="10"\/>/s);
  });

  it('reconciles the letters with the national figures, and says so when they differ', () => {
    expect(html).toContain('Brevene stemmer med landstallene.');
    const partial = renderPreviewHtml({ ...manifest, letters: manifest.letters.slice(0, 1) });
    expect(partial).toContain('Brevene stemmer ikke med landstallene');
    expect(text(partial)).toMatch(/Sager 3 5 Nej \(forskel -2\)/);
  });

  it('escapes every value: names, addresses, warnings, email text', () => {
    const evil = '<script>alert("x")</script> & \'quoted\' {{kommune.navn}}';
    const m = exampleManifest();
    const l = m.letters[0]!;
    l.navn = `Kommune ${evil}`;
    l.recipient = `"a<b"@example.dk`;
    l.advarsler = [`advarsel: ${evil}`];
    l.email = {
      ...l.email,
      subject: evil,
      text: `Hej ${evil}\nmed linjeskift`,
      to: `${evil} <x@y.dk>`,
      attachmentName: `${evil}.pdf`,
    };
    m.kommunerUdenSager = [{ kommunekode: '999', navn: evil, email: evil }];
    m.advarsler = [evil];
    m.barometer = { ...m.barometer, titel: evil };
    for (const page of [renderPreviewHtml(m), renderEmailPageHtml(m, l)]) {
      expect(page).not.toContain('<script>alert');
      expect(page).not.toContain('"x")');
      expect(page).toContain(
        '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;quoted&#x27; {{kommune.navn}}',
      );
      // Exactly one script element (the page's own) or none (email page).
      expect((page.match(/<script\b/g) ?? []).length).toBeLessThanOrEqual(1);
    }
    expect(renderPreviewHtml(m)).toContain('&quot;a&lt;b&quot;@example.dk');
  });

  it('encodes file names in links', () => {
    const m = exampleManifest();
    const l = m.letters[0]!;
    l.pdf = { ...l.pdf, file: 'a b"<x>.pdf' };
    expect(renderPreviewHtml(m)).toContain('href="a%20b%22%3Cx%3E.pdf"');
  });

  it('has no send status column without a status map', () => {
    expect(html).not.toContain('data-navn="Afsendelse"');
    expect(html).not.toContain('class="tag');
    expect(html).toContain('Intet er sendt fra denne side.');
  });

  it("shows each kommune's send status when a status map is given", () => {
    const status = exampleSendStatus();
    const page = renderPreviewHtml(manifest, status);
    expect(page).toContain('data-navn="Afsendelse"');
    const row = (kode: string) =>
      page.slice(
        page.indexOf(`<tr data-kode="${kode}"`),
        page.indexOf('</tr>', page.indexOf(`<tr data-kode="${kode}"`)),
      );
    expect(text(row('101'))).toContain('Sendt 8. maj 2024 kl. 10.15');
    expect(row('101')).toContain('<time datetime="2024-05-08T08:15:00Z">');
    expect(row('101')).toContain('abc@ankestyrelsen.example');
    expect(row('101')).toContain('250 2.0.0 OK &lt;queued&gt;');
    expect(row('173')).toContain('<span class="tag fejlet">Fejlet</span>');
    expect(row('173')).toContain('550 5.1.1 Mailbox unavailable');
    expect(text(page)).toContain('1 sendt, 1 fejlet, 0 uafklaret, 0 ikke sendt');
    // A kommune in the journal without a letter is pointed out, not dropped silently.
    expect(text(page)).toContain('som ikke har et brev i manifestet: 999');
    // From the journal: it went to another address than the letter in the folder has now.
    expect(row('101')).toContain('Brevet er ændret siden');
    expect(row('101')).toContain('sendt til old-address@kommune.example');
    const l101 = manifest.letters.find((l) => l.kommunekode === '101')!;
    const same = renderPreviewHtml(
      manifest,
      new Map([['101', { ...status.get('101')!, deliveries: [delivered(l101.recipient, l101.eml)] }]]),
    );
    expect(same).toContain('<span class="tag sendt">Sendt</span>');
    expect(same).not.toContain('Brevet er ændret siden');
    const uafklaret = renderPreviewHtml(manifest, new Map([['173', { ...status.get('999')!, kommunekode: '173' }]]));
    expect(uafklaret).toContain('<span class="tag uafklaret">Uafklaret</span>');
    expect(text(uafklaret)).toContain('0 sendt, 0 fejlet, 1 uafklaret, 1 ikke sendt');
    expect(uafklaret).toContain('--kommune &lt;kode&gt; --mark-sent«');
    const noneSent = renderPreviewHtml(manifest, new Map());
    expect(noneSent).toContain('<span class="tag ikke-sendt">Ikke sendt</span>');
  });

  it('is deterministic and formats times in Danish time', () => {
    expect(renderPreviewHtml(manifest)).toBe(html);
    expect(formatDanishDateTime('2024-01-02T23:30:00Z')).toBe('3. januar 2024 kl. 00.30');
    expect(formatDanishDateTime('ikke en dato')).toBe('ikke en dato');
  });

  it('carries preview.css and preview.js byte for byte, allowed by their sha256 in the CSP', () => {
    const file = (name: string) => readFileSync(join(PREVIEW_TEMPLATES_DIR, name), 'utf8');
    const sha = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1] ?? '';
    expect(html).toContain(`<style>${file('preview.css')}</style>`);
    expect(html).toContain(`<script>${file('preview.js')}</script>`);
    expect(csp).toContain(`style-src ${sha(file('preview.css'))};`);
    expect(csp).toContain(`script-src ${sha(file('preview.js'))};`);
    // The hashes follow the files: an edited style sheet needs no other change.
    const partials = Object.fromEntries(
      readdirSync(join(PREVIEW_TEMPLATES_DIR, 'partials')).map((f) => [
        f.replace(/\.hbs$/, ''),
        file(join('partials', f)).replace(/\n$/, ''),
      ]),
    );
    const edited = compilePreviewTemplates(
      {
        preview: file('preview.hbs'),
        email: file('email.hbs'),
        listing: file('listing.hbs'),
        partials,
        style: 'body { color: red; }\n',
        script: file('preview.js'),
      },
      { compiler: Handlebars },
    );
    const page = renderPreview(edited, manifest);
    expect(page).toContain(`style-src ${sha('body { color: red; }\n')};`);
    expect(page).toContain('<style>body { color: red; }\n</style>');
    // The email page has no script, and says so.
    expect(renderEmailPageHtml(manifest, manifest.letters[0]!)).toContain("script-src 'none';");
  });

  it('names the template when one cannot be parsed', () => {
    expect(() =>
      compilePreviewTemplates(
        { preview: '{{#if x}}', email: '', listing: '', partials: {}, style: '', script: '' },
        { compiler: Handlebars },
      ),
    ).toThrow(/templates\/preview\/preview\.hbs/);
  });

  it('marks example data', () => {
    expect(html).toContain('id="eksempeldata"');
    expect(renderPreviewHtml({ ...manifest, barometer: { ...manifest.barometer, eksempeldata: false } })).not.toContain(
      'id="eksempeldata"',
    );
  });
});

describe('renderEmailPageHtml', () => {
  it('shows the email as composed: sender, recipient, subject, text, attachment', () => {
    const m = exampleManifest();
    const l = m.letters.find((x) => x.kommunekode === '173')!;
    const page = renderEmailPageHtml(m, l);
    const t = text(page);
    expect(page).toMatch(/^<!doctype html>\n<html lang="da">/);
    expect(page).not.toContain('<script');
    expect(t).toContain(`Til ${escapeHtml(l.email.to)}`);
    expect(t).toContain(`Emne ${l.email.subject}`);
    expect(page).toContain(`href="${l.pdf.file}"`);
    expect(page).toContain(`href="${l.eml.file}"`);
    expect(page).toContain('href="index.html"');
    expect(page).toContain(escapeHtml(l.email.text));
    expect(t).toContain('HSB23-0001');
  });
});

describe('writePreview', () => {
  it('writes index.html and the email pages, and removes email pages of letters that are gone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kommunebrev-preview-'));
    const m = exampleManifest();
    writeFileSync(join(dir, '999-gammel-kommune.email.html'), 'old');
    const path = await writePreview(dir, m);
    expect(path).toBe(join(dir, 'index.html'));
    expect(readFileSync(path, 'utf8')).toBe(renderPreviewHtml(m));
    expect(readdirSync(dir).sort()).toEqual([
      '101-koebenhavns-kommune.email.html',
      '173-lyngby-taarbaek-kommune.email.html',
      'index.html',
    ]);
    await writePreview(dir, { ...m, letters: m.letters.slice(0, 1) });
    expect(readdirSync(dir).sort()).toEqual(['101-koebenhavns-kommune.email.html', 'index.html']);
  });
});
