// The preview page: one self-contained HTML page per render (index.html) that
// shows the whole batch before it goes out, plus one small page per email.
// Pure: everything comes from the manifest (and, after `send`, the journal's
// status map), so `status` can regenerate the page from the out folder alone.
// No fs, no clock. Every value is escaped; a Content-Security-Policy with
// hashes of the inline style and script forbids anything else to run or load.
import { createHash } from 'node:crypto';
import { percent, type FigureRow } from '../letters/assess.js';
import { formatDanishDate, formatDanishDateTime } from '../danish.js';
import type { Manifest, ManifestLetter } from '../letters/manifest.js';
import { countText } from '../problems.js';
import { lastDelivery } from '../send/journal-fold.js';
import { versionChange } from '../send/send-plan.js';
import type { KommuneSendStatus, SendStatusMap } from '../send/send-status.js';

export const PREVIEW_FILE = 'index.html';

// ---------------------------------------------------------------------------
// Escaping.

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** A link to a file in the same folder: URL-encoded, then HTML-escaped. */
function fileHref(file: string): string {
  return escapeHtml(encodeURIComponent(file));
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

function capitalize(s: string): string {
  return s.charAt(0).toLocaleUpperCase('da') + s.slice(1);
}


function safeDate(iso: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(iso) ? formatDanishDate(iso) : iso;
}

// ---------------------------------------------------------------------------
// Style and script. Both are hashed into the CSP, so they must be inserted
// byte for byte as written here. The page uses no style attributes.

const CSS = `
:root { --tekst: #1b1b1b; --daempet: #4a4f57; --navy: #14365d; --link: #0a4a8f; --kant: #b9c0ca; --flade: #f3f5f8;
  --spor: #e3e7ed; --ok: #1e5631; --ok-flade: #e7f3ea; --fejl: #9b1c1c; --fejl-flade: #fbe9e9; --adv: #6b4500; --adv-flade: #fff4d6; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 1rem; line-height: 1.5; color: var(--tekst); background: #fff; }
.skip { position: absolute; left: -9999px; top: 0; }
.skip:focus { left: 1rem; top: 1rem; z-index: 10; background: #ffdd00; color: #0b0c0c; padding: .5rem 1rem; }
.topbar { background: var(--navy); color: #fff; padding: .6rem 1.5rem; font-size: .95rem; letter-spacing: .01em; }
.topbar strong { font-weight: 600; }
main { max-width: 80rem; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.9rem; line-height: 1.25; margin: .5rem 0 .5rem; color: var(--navy); }
h2 { font-size: 1.4rem; line-height: 1.3; margin: 2.5rem 0 .75rem; padding-bottom: .3rem; border-bottom: 2px solid var(--navy); color: var(--navy); }
h3 { font-size: 1.1rem; margin: 1.75rem 0 .5rem; }
p { margin: .5rem 0; max-width: 70rem; }
a { color: var(--link); text-underline-offset: .15em; }
a:hover { text-decoration-thickness: 2px; }
:focus-visible { outline: 3px solid #0b0c0c; outline-offset: 2px; }
a:focus-visible, button:focus-visible, summary:focus-visible { background: #ffdd00; color: #0b0c0c; box-shadow: 0 0 0 3px #ffdd00; }
.meta { color: var(--daempet); margin: 0 0 1rem; }
.notice { border-left: 6px solid var(--navy); background: var(--flade); padding: .75rem 1rem; margin: 1rem 0; max-width: 70rem; }
.notice.adv { border-color: #b7791f; background: var(--adv-flade); }
.notice.fejl { border-color: var(--fejl); background: var(--fejl-flade); }
.notice.ok { border-color: var(--ok); background: var(--ok-flade); }
.notice p { margin: .25rem 0; }
nav.toc ul { list-style: none; padding: 0; margin: .5rem 0 0; display: flex; flex-wrap: wrap; gap: .25rem 1.5rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr)); gap: .75rem; margin: 1rem 0 0; padding: 0; }
.cards div { border: 1px solid var(--kant); border-top: 4px solid var(--navy); padding: .6rem .9rem; background: #fff; }
.cards dt { color: var(--daempet); font-size: .9rem; }
.cards dd { margin: .1rem 0 0; font-size: 1.5rem; font-weight: 650; color: var(--navy); font-variant-numeric: tabular-nums; }
.cards dd small { display: block; font-size: .85rem; font-weight: 400; color: var(--daempet); }
.table-wrap { overflow-x: auto; margin: .5rem 0 1rem; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: 0 0 .5rem; }
th, td { text-align: left; vertical-align: top; padding: .45rem .6rem; border-bottom: 1px solid var(--kant); }
thead th { background: var(--flade); border-bottom: 2px solid var(--navy); font-weight: 600; vertical-align: bottom; }
tbody th { font-weight: 600; }
tbody tr:nth-child(even) > * { background: #fafbfc; }
td.num, th.num { text-align: right; white-space: nowrap; }
.narrow { max-width: 48rem; }
.figure { margin: 1rem 0 2rem; }
.figure table { max-width: 72rem; }
.figure td.bar { width: 50%; min-width: 18rem; }
.figure tbody th { min-width: 15rem; }
.figure thead th { white-space: normal; }
.figure thead th.num { width: 8rem; }
.figure tr.total > * { border-bottom: 2px solid var(--navy); }
.figure tr.total th { font-weight: 700; }
.barline { display: flex; align-items: center; gap: .75rem; }
.barline svg { flex: 1 1 auto; height: 1.1rem; min-width: 6rem; border: 1px solid #6b7480; }
.barline svg .spor { fill: var(--spor); }
.barline svg .fyld { fill: var(--navy); }
/* A fixed-width label, so every bar of a figure is drawn on the same scale. */
.barline span { flex: 0 0 12.5rem; white-space: nowrap; font-weight: 600; font-variant-numeric: tabular-nums; }
.note { color: var(--daempet); font-size: .92rem; }
.search { display: flex; flex-wrap: wrap; align-items: flex-end; gap: .5rem 1.5rem; margin: 1rem 0 .5rem; }
.search label { display: block; font-weight: 600; margin-bottom: .2rem; }
.search input { font: inherit; width: 22rem; max-width: 100%; padding: .4rem .5rem; border: 2px solid #0b0c0c; border-radius: 0; }
.search input:focus-visible { outline: 3px solid #ffdd00; outline-offset: 0; box-shadow: inset 0 0 0 2px #0b0c0c; }
.status-line { font-weight: 600; margin: 0; }
#kommuner td, #kommuner th { font-size: .9rem; padding: .4rem .5rem; }
#kommuner thead th { white-space: normal; max-width: 9.5rem; }
#kommuner thead th.num { min-width: 5.5rem; }
#kommuner tbody th { min-width: 9rem; }
#kommuner td.addr { overflow-wrap: anywhere; }
@media (min-width: 64rem) { #kommuner td.addr, #kommuner tbody th { white-space: nowrap; } #kommuner.med-status tbody th { white-space: normal; } }
#kommuner td.status { min-width: 10.5rem; }
#kommuner td.status summary { color: var(--tekst); }
.tid { display: block; font-size: .85rem; color: var(--daempet); margin-top: .1rem; }
.tid.aendret { color: var(--adv); font-weight: 600; }
#kommuner td.links, #kommuner th.links { white-space: nowrap; }
#kommuner td.links a { display: inline-block; margin-right: .6rem; }
button.sort { font: inherit; font-weight: 600; color: var(--link); background: none; border: 0; padding: 0; margin: 0; cursor: pointer;
  text-align: inherit; text-decoration: underline; text-underline-offset: .15em; display: inline-flex; gap: .3rem; align-items: baseline; }
button.sort .pil { display: inline-block; width: 1em; color: var(--tekst); text-decoration: none; }
th.num button.sort { flex-direction: row-reverse; }
.print-label { display: none; }
details { margin: 0; }
summary { cursor: pointer; color: var(--link); }
details[open] summary { margin-bottom: .3rem; }
details ul, details dl { margin: .25rem 0; padding-left: 1.1rem; font-size: .9rem; }
details dl { padding-left: 0; }
details dt { font-weight: 600; }
details dd { margin: 0 0 .3rem; overflow-wrap: anywhere; }
.tag { display: inline-block; padding: 0 .45rem; border: 1px solid currentColor; font-weight: 600; font-size: .85rem; white-space: nowrap; }
.tag.sendt { color: var(--ok); background: var(--ok-flade); }
.tag.fejlet { color: var(--fejl); background: var(--fejl-flade); }
.tag.uafklaret { color: var(--adv); background: var(--adv-flade); }
.tag.ikke-sendt { color: var(--daempet); background: #fff; }
.adv-liste { padding-left: 1.25rem; }
.adv-liste li { margin: .2rem 0; overflow-wrap: anywhere; }
.muted { color: var(--daempet); }
.vh { position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; }
code { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .9em; overflow-wrap: anywhere; }
dl.mailhead { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; margin: 1rem 0; padding: 1rem; border: 1px solid var(--kant); background: var(--flade); max-width: 60rem; }
dl.mailhead dt { font-weight: 600; }
dl.mailhead dd { margin: 0; overflow-wrap: anywhere; }
.mailbody { white-space: pre-wrap; overflow-wrap: anywhere; font-family: inherit; border: 1px solid var(--kant); padding: 1rem 1.25rem; max-width: 60rem; margin: .5rem 0 1rem; }
footer { border-top: 1px solid var(--kant); margin-top: 3rem; padding: .75rem 0 1.5rem; color: var(--daempet); font-size: .9rem; }
footer .fod { max-width: 80rem; margin: 0 auto; padding: 0 1.5rem; }
@media (max-width: 40rem) { main { padding: 1rem; } h1 { font-size: 1.5rem; } .barline { flex-direction: column; align-items: stretch; gap: .2rem; } .barline span { flex-basis: auto; } }
@media print {
  @page { margin: 15mm 12mm; }
  body { font-size: 10pt; color: #000; }
  .topbar { background: none; color: #000; border-bottom: 2px solid #000; padding: 0 0 .3rem; }
  main { max-width: none; padding: 0; }
  nav.toc, .search, .skip, .no-print, #sorter-hint, #kommuner .links { display: none !important; }
  h1, h2, h3 { color: #000; break-after: avoid; }
  h2 { border-color: #000; }
  a { color: #000; text-decoration: none; }
  button.sort { display: none !important; }
  .print-label { display: inline; }
  thead { display: table-header-group; }
  tr, .cards div, .notice, figure { break-inside: avoid; }
  .table-wrap { overflow: visible; }
  thead th, tbody tr:nth-child(even) > * { background: none; }
  summary { color: #000; }
  .cards dd { color: #000; }
  .barline svg { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
  .mailbody { border: 0; padding: 0; }
}
`;

// Progressive enhancement: without it the table is complete and readable.
// It adds the search filter (with a live region) and sort buttons in the headers,
// and opens all <details> while printing.
const SCRIPT = `
(function () {
  'use strict';
  var table = document.getElementById('kommuner');
  if (!table || !table.tHead || !table.tBodies[0]) return;
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var live = document.getElementById('antal-vises');
  var input = document.getElementById('soegefelt');
  var form = document.getElementById('soeg');
  var none = document.getElementById('ingen-match');
  var hint = document.getElementById('sorter-hint');
  var collator = new Intl.Collator('da', { numeric: true, sensitivity: 'base' });
  var sortText = '';

  function fold(s) {
    return String(s).toLocaleLowerCase('da').replace(/æ/g, 'ae').replace(/ø/g, 'oe').replace(/å/g, 'aa')
      .replace(/\\s+/g, ' ').trim();
  }
  function shownText(n) {
    return (n === 1 ? '1 kommune vises' : n + ' kommuner vises') + (n < rows.length ? ' af ' + rows.length : '') + '.';
  }
  function announce(n) {
    live.textContent = shownText(n) + (sortText ? ' ' + sortText : '');
  }
  function filter() {
    var q = fold(input.value);
    var n = 0;
    rows.forEach(function (r) {
      var show = q === '' || r.getAttribute('data-kode').indexOf(q) === 0 || fold(r.getAttribute('data-navn')).indexOf(q) !== -1;
      r.hidden = !show;
      if (show) n++;
    });
    none.hidden = n !== 0;
    announce(n);
  }
  function visibleCount() {
    return rows.filter(function (r) { return !r.hidden; }).length;
  }

  if (form && input && live) {
    form.hidden = false;
    form.addEventListener('submit', function (e) { e.preventDefault(); });
    input.addEventListener('input', filter);
    input.addEventListener('search', filter);
    if (input.value) filter();
  }

  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  function key(row, i, type) {
    var cell = row.cells[i];
    var v = cell ? (cell.getAttribute('data-v') !== null ? cell.getAttribute('data-v') : cell.textContent) : '';
    return type === 'num' ? Number(v) : String(v).trim();
  }
  function sortBy(i, th) {
    var type = th.getAttribute('data-sort');
    var dir = th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
    var sign = dir === 'ascending' ? 1 : -1;
    heads.forEach(function (h) { if (h.hasAttribute('data-sort')) h.setAttribute('aria-sort', 'none'); });
    th.setAttribute('aria-sort', dir);
    var sorted = rows.slice().sort(function (a, b) {
      var ka = key(a, i, type), kb = key(b, i, type);
      var c = type === 'num' ? ka - kb : collator.compare(ka, kb);
      return sign * c || collator.compare(a.getAttribute('data-kode'), b.getAttribute('data-kode'));
    });
    sorted.forEach(function (r) { tbody.appendChild(r); });
    rows = sorted;
    heads.forEach(function (h) {
      var p = h.querySelector('.pil');
      if (p) p.textContent = h === th ? (dir === 'ascending' ? '▲' : '▼') : '';
    });
    sortText = 'Sorteret efter ' + th.getAttribute('data-navn') + ', ' + (dir === 'ascending' ? 'stigende' : 'faldende') + '.';
    if (live) announce(visibleCount());
  }
  heads.forEach(function (th, i) {
    if (!th.hasAttribute('data-sort')) return;
    var b = document.createElement('button');
    b.type = 'button';
    b.className = 'sort';
    while (th.firstChild) b.appendChild(th.firstChild);
    var pil = document.createElement('span');
    pil.className = 'pil';
    pil.setAttribute('aria-hidden', 'true');
    pil.textContent = th.getAttribute('aria-sort') === 'ascending' ? '▲' : '';
    b.appendChild(pil);
    th.appendChild(b);
    // Chromium does not paint buttons in table headers repeated on printed pages.
    var label = document.createElement('span');
    label.className = 'print-label';
    label.setAttribute('aria-hidden', 'true');
    label.textContent = th.getAttribute('data-navn');
    th.appendChild(label);
    if (!th.hasAttribute('aria-sort')) th.setAttribute('aria-sort', 'none');
    b.addEventListener('click', function () { sortBy(i, th); });
  });
  if (hint) hint.hidden = false;

  var opened = [];
  window.addEventListener('beforeprint', function () {
    opened = Array.prototype.slice.call(document.querySelectorAll('details:not([open])'));
    opened.forEach(function (d) { d.open = true; });
  });
  window.addEventListener('afterprint', function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
})();
`;

const hash = (s: string): string => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

function csp(withScript: boolean): string {
  return [
    "default-src 'none'",
    `style-src ${hash(CSS)}`,
    `script-src ${withScript ? hash(SCRIPT) : "'none'"}`,
    "img-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

function head(title: string, withScript: boolean): string {
  return `<!doctype html>
<html lang="da">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp(withScript)}">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>`;
}

// ---------------------------------------------------------------------------
// Send status.

const STATE_ORDER: Record<KommuneSendStatus['state'] | 'ikke-sendt', number> = { failed: 0, uafklaret: 1, 'ikke-sendt': 2, sent: 3 };

function statusDetails(s: KommuneSendStatus): string {
  const rows: [string, string][] = [];
  if (s.to) rows.push([s.state === 'sent' ? 'Sendt til' : 'Til', escapeHtml(s.to)]);
  if (s.messageId) rows.push(['Message-ID', `<code>${escapeHtml(s.messageId)}</code>`]);
  if (s.response) {
    const label = s.state === 'sent' ? 'Svar fra mailserveren' : s.state === 'failed' ? 'Fejl' : 'Seneste besked';
    rows.push([label, escapeHtml(s.code !== undefined && !s.response.startsWith(String(s.code)) ? `${s.code} ${s.response}` : s.response)]);
  } else if (s.code !== undefined) {
    rows.push(['SMTP-kode', escapeHtml(s.code)]);
  }
  if (s.resends > 0) rows.push(['Sendt igen med --resend', escapeHtml(countText(s.resends, 'gang', 'gange'))]);
  return rows.length === 0 ? '' : `<dl>${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`;
}

const UAFKLARET_FORKLARING =
  'Det vides ikke, om mailserveren modtog e-mailen (fx afbrudt forbindelse, efter at e-mailen var afleveret). Undersøg hos kommunen, om den er kommet frem, før brevet sendes igen, så kommunen ikke får det to gange. Er den kommet frem, registreres den med »kommunebrev send --data <mappe> --out <mappe> --kommune <kode> --mark-sent«; ellers sendes den igen med --resend i stedet for --mark-sent.';

function statusCell(s: KommuneSendStatus | undefined, letter: ManifestLetter): string {
  if (!s) return `<td class="status" data-v="${STATE_ORDER['ikke-sendt']}"><span class="tag ikke-sendt">Ikke sendt</span></td>`;
  const when = `<time datetime="${escapeHtml(s.at)}">${escapeHtml(formatDanishDateTime(s.at))}</time>`;
  if (s.state === 'sent') {
    // From the journal: the last delivery's address and content against the letter in the folder now.
    const changed = versionChange(letter, lastDelivery(s)) !== undefined;
    const title = [`Sendt ${formatDanishDateTime(s.at)}`, s.messageId ? `Message-ID: ${s.messageId}` : '', s.response ? `Svar: ${s.response}` : '']
      .filter(Boolean)
      .join('\n');
    return `<td class="status" data-v="${STATE_ORDER.sent}"><details><summary title="${escapeHtml(title)}"><span class="tag sendt">Sendt</span> <span class="tid">${when}</span>${
      changed ? '<span class="tid aendret">Brevet er ændret siden</span>' : ''
    }</summary>${statusDetails(s)}${
      changed
        ? `<p>Brevet er skrevet om efter afsendelsen (adresse eller indhold), og kommunen har fået den tidligere udgave (sendt til ${escapeHtml(lastDelivery(s)?.to ?? '')}). Den nye udgave sendes kun med »kommunebrev send --kommune ${escapeHtml(letter.kommunekode)} --resend«.</p>`
        : ''
    }</details></td>`;
  }
  if (s.state === 'failed') {
    return `<td class="status" data-v="${STATE_ORDER.failed}"><details><summary><span class="tag fejlet">Fejlet</span> <span class="tid">${when}</span></summary>${statusDetails(s)}<p>Mailserveren tog ikke imod e-mailen. Den sendes igen, næste gang »kommunebrev send« køres.</p></details></td>`;
  }
  return `<td class="status" data-v="${STATE_ORDER.uafklaret}"><details><summary><span class="tag uafklaret">Uafklaret</span> <span class="tid">${when}</span></summary><p>Det vides ikke, om e-mailen kom frem. Se forklaringen over tabellen.</p>${statusDetails(s)}</details></td>`;
}

// ---------------------------------------------------------------------------
// Sections.

function figureRow(label: string, row: Pick<FigureRow, 'lever' | 'grundlag' | 'procent'>, extra: string[], attrs: string): string {
  const width = Math.max(0, Math.min(100, row.procent));
  const text = pctText(row.lever, row.grundlag, row.procent);
  return `<tr${attrs}><th scope="row">${escapeHtml(label)}</th><td class="bar"><div class="barline"><svg viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false"><rect class="spor" width="100" height="10"/><rect class="fyld" width="${width}" height="10"/></svg><span class="andel">${escapeHtml(text)}</span></div></td>${extra.map((e) => `<td class="num">${e}</td>`).join('')}</tr>`;
}

function grundlagNote(rows: readonly FigureRow[], sager: number, what: string): string {
  const other = rows.filter((r) => r.grundlag !== sager);
  const base = `Grundlaget er ${countText(sager, 'sag', 'sager')}`;
  if (other.length === 0) return `${base}.`;
  return `${base}, undtagen ${other.map((r) => `${r.label} (${countText(r.grundlag, 'sag', 'sager')})`).join(', ')}, ${what}.`;
}

function nationalSection(m: Manifest): string {
  const f = m.national.figures;
  const line = (label: string, n: number, whole: number): string =>
    `<tr><th scope="row">${escapeHtml(label)}</th><td class="num">${n}</td><td class="num">${whole === 0 ? '–' : `${percent(n, whole)} %`}</td></tr>`;
  const afg = Object.entries(f.afgoerelser)
    .map(([k, n]) => line(`Afgørelse: ${capitalize(k)}`, n, f.sager))
    .join('');

  const sum = (pick: (l: ManifestLetter) => number): number => m.letters.reduce((n, l) => n + pick(l), 0);
  const recon: [string, number, number][] = [
    ['Sager', sum((l) => l.antalSager), f.sager],
    ['Kommuner med sager (breve)', m.letters.length, f.kommuner],
    ['Lever op til regler og praksis', sum((l) => l.overholder), f.overholder],
    ['Med mangel med væsentlig betydning', sum((l) => l.medVaesentligMangel), f.medVaesentligMangel],
  ];
  const off = recon.filter(([, a, b]) => a !== b);
  const reconNotice =
    off.length === 0
      ? `<div class="notice ok" id="afstemning-resultat"><p><strong>Brevene stemmer med landstallene.</strong> Summen over kommunernes breve giver de samme tal som data.</p></div>`
      : `<div class="notice fejl" id="afstemning-resultat" role="alert"><p><strong>Brevene stemmer ikke med landstallene</strong> (${escapeHtml(off.map(([l]) => l.toLowerCase()).join(', '))}). Manifestet indeholder måske kun en del af brevene; kør render uden --kommune for at skrive alle breve.</p></div>`;

  const kravRows = m.national.retligeKrav
    .map((r) => {
      const mm = f.mangler[r.kolonne] ?? { i_alt: 0, vaesentlig: 0 };
      return figureRow(r.label, r, [String(mm.i_alt), String(mm.vaesentlig), String(r.grundlag)], ` data-kolonne="${escapeHtml(r.kolonne)}"`);
    })
    .join('');
  const total = figureRow(
    'Afgørelsen er i overensstemmelse med regler og praksis',
    { lever: f.overholder, grundlag: f.sager, procent: percent(f.overholder, f.sager) },
    [String(f.medMangel), String(f.medVaesentligMangel), String(f.sager)],
    ' class="total" data-kolonne="regler-og-praksis"',
  );
  const regelRows = m.national.sagsbehandlingsregler
    .map((r) => {
      const c = f.regler[r.kolonne];
      return figureRow(
        r.label,
        r,
        [String(c?.['ikke overholdt'] ?? 0), String(c?.['ikke relevant'] ?? 0), String(c?.['kan ikke vurderes'] ?? 0)],
        ` data-kolonne="${escapeHtml(r.kolonne)}"`,
      );
    })
    .join('');

  return `<section aria-labelledby="landstal">
<h2 id="landstal">Landstal</h2>
<p>Tallene er beregnet med den samme kode som <code>kommunebrev check --json</code>, ud fra de data, brevene er skrevet på.</p>
<div class="table-wrap narrow"><table id="landstal-tabel">
<caption>Sagerne i hele landet</caption>
<thead><tr><th scope="col"><span class="vh">Opgørelse</span></th><th scope="col" class="num">Antal</th><th scope="col" class="num">Andel af sagerne</th></tr></thead>
<tbody>
<tr><th scope="row">Sager</th><td class="num">${f.sager}</td><td class="num">${f.sager === 0 ? '–' : '100 %'}</td></tr>
<tr><th scope="row">Kommuner med sager</th><td class="num">${f.kommuner}</td><td class="num"></td></tr>
${afg}
${line('Lever op til regler og praksis', f.overholder, f.sager)}
${line('Med en eller flere retlige mangler', f.medMangel, f.sager)}
${line('heraf med væsentlig betydning', f.medVaesentligMangel, f.sager)}
</tbody></table></div>

<h3 id="afstemning">Afstemning af brevene mod landstallene</h3>
${reconNotice}
<div class="table-wrap narrow"><table id="afstemning-tabel">
<caption class="vh">Afstemning: summen over brevene sammenholdt med landstallene</caption>
<thead><tr><th scope="col"><span class="vh">Tal</span></th><th scope="col" class="num">Summen over brevene</th><th scope="col" class="num">Landstal</th><th scope="col">Stemmer</th></tr></thead>
<tbody>
${recon.map(([l, a, b]) => `<tr><th scope="row">${escapeHtml(l)}</th><td class="num">${a}</td><td class="num">${b}</td><td>${a === b ? 'Ja' : `<strong>Nej</strong> (forskel ${a - b})`}</td></tr>`).join('\n')}
</tbody></table></div>

<figure class="figure" aria-labelledby="figur1">
<h3 id="figur1">Figur 1: Hvor stor en del af sagerne lever op til de retlige krav</h3>
<div class="table-wrap"><table id="figur1-tabel">
<caption class="vh">Figur 1 som tabel: andel af sagerne, der lever op til hvert retligt krav</caption>
<thead><tr><th scope="col">Krav</th><th scope="col">Andel, der lever op til kravet</th><th scope="col" class="num">Mangler i alt</th><th scope="col" class="num">Heraf med væsentlig betydning</th><th scope="col" class="num">Grundlag (sager)</th></tr></thead>
<tbody>
${total}
${kravRows}
</tbody></table></div>
<p class="note">En sag lever op til et krav, når den ikke har en mangel med væsentlig betydning for afgørelsens rigtighed. ${escapeHtml(grundlagNote(m.national.retligeKrav, f.sager, 'som kravet gælder for'))} For »regler og praksis« er »mangler i alt« antallet af sager med en eller flere retlige mangler.</p>
</figure>

<figure class="figure" aria-labelledby="figur5">
<h3 id="figur5">Figur 5: Hvor stor en del af sagerne lever op til sagsbehandlingsreglerne</h3>
<div class="table-wrap"><table id="figur5-tabel">
<caption class="vh">Figur 5 som tabel: andel af de vurderede sager, der lever op til hver sagsbehandlingsregel</caption>
<thead><tr><th scope="col">Regel</th><th scope="col">Andel, der lever op til reglen</th><th scope="col" class="num">Ikke overholdt</th><th scope="col" class="num">Ikke relevant</th><th scope="col" class="num">Kan ikke vurderes</th></tr></thead>
<tbody>
${regelRows}
</tbody></table></div>
<p class="note">Andelen er beregnet af de sager, hvor reglen gælder, og hvor det har været muligt at vurdere den (overholdt og ikke overholdt). Sager, hvor reglen ikke er relevant eller ikke kan vurderes, indgår ikke i grundlaget.</p>
</figure>
</section>`;
}

function warningsCell(advarsler: readonly string[]): string {
  if (advarsler.length === 0) return `<td data-v="0"><span class="muted">Ingen</span></td>`;
  return `<td data-v="${advarsler.length}"><details><summary>${escapeHtml(countText(advarsler.length, 'advarsel', 'advarsler'))}</summary><ul>${advarsler
    .map((a) => `<li>${escapeHtml(a)}</li>`)
    .join('')}</ul></details></td>`;
}

/** With the status column the rows are two lines high anyway: let the address break after "@" to make room. */
function recipientHtml(address: string, breakAtSign: boolean): string {
  const html = escapeHtml(address);
  return breakAtSign ? html.replace('@', '@<wbr>') : html;
}

function kommuneRow(l: ManifestLetter, status: SendStatusMap | undefined): string {
  const navn = escapeHtml(l.navn);
  return `<tr data-kode="${escapeHtml(l.kommunekode)}" data-navn="${navn}">
<td data-v="${escapeHtml(l.kommunekode)}">${escapeHtml(l.kommunekode)}</td>
<th scope="row">${navn}</th>
<td class="addr">${l.recipient ? recipientHtml(l.recipient, status !== undefined) : '<strong>Mangler</strong>'}</td>
<td class="num" data-v="${l.antalSager}">${l.antalSager}</td>
<td class="num" data-v="${l.overholder}">${l.overholder}</td>
<td class="num" data-v="${l.medVaesentligMangel}">${l.medVaesentligMangel}</td>
${warningsCell(l.advarsler)}
${status ? statusCell(status.get(l.kommunekode), l) : ''}<td class="links"><a href="${fileHref(l.pdf.file)}" data-pdf title="${escapeHtml(`${l.pdf.file}, ${kB(l.pdf.bytes)}`)}">PDF<span class="vh">-brev til ${navn}</span></a> <a href="${fileHref(emailPageFile(l))}" data-email>E-mail<span class="vh"> til ${navn}</span></a></td>
</tr>`;
}

function statusSummary(m: Manifest, status: SendStatusMap): string {
  const counts = { sent: 0, failed: 0, uafklaret: 0, ikke: 0 };
  for (const l of m.letters) {
    const s = status.get(l.kommunekode);
    if (!s) counts.ikke++;
    else counts[s.state === 'sent' ? 'sent' : s.state === 'failed' ? 'failed' : 'uafklaret']++;
  }
  const letterCodes = new Set(m.letters.map((l) => l.kommunekode));
  const unknown = [...status.keys()].filter((k) => !letterCodes.has(k)).sort();
  const latest = [...status.values()].map((s) => s.at).sort().at(-1);
  const kind = counts.failed + counts.uafklaret > 0 ? 'fejl' : counts.ikke > 0 ? 'adv' : 'ok';
  return `<div class="notice ${kind}" id="afsendelse">
<p><strong>Afsendelse ifølge sendejournalen:</strong> ${counts.sent} sendt, ${counts.failed} fejlet, ${counts.uafklaret} uafklaret, ${counts.ikke} ikke sendt.${latest ? ` Seneste journalpost: ${escapeHtml(formatDanishDateTime(latest))}.` : ''}</p>
${counts.uafklaret > 0 ? `<p>${escapeHtml(UAFKLARET_FORKLARING)}</p>` : ''}
${unknown.length > 0 ? `<p>Sendejournalen nævner ${escapeHtml(countText(unknown.length, 'kommune', 'kommuner'))}, som ikke har et brev i manifestet: ${escapeHtml(unknown.join(', '))}.</p>` : ''}
</div>`;
}

function kommuneSection(m: Manifest, letters: readonly ManifestLetter[], status: SendStatusMap | undefined): string {
  const n = letters.length;
  const th = (label: string, sort: 'num' | 'text', cls = '', extra = ''): string =>
    `<th scope="col" data-sort="${sort}" data-navn="${escapeHtml(label)}"${cls ? ` class="${cls}"` : ''}${extra}>${escapeHtml(label)}</th>`;
  return `<section aria-labelledby="kommuner-overskrift">
<h2 id="kommuner-overskrift">Kommuner med brev (${n})</h2>
<p>Hver kommune får ét brev som PDF, vedhæftet én e-mail til adressen i kommuner.csv. »E-mail« viser e-mailen, som den sendes: afsender, modtager, emne, tekst og vedhæftet fil.</p>
${status ? statusSummary(m, status) : ''}
<form class="search" id="soeg" role="search" hidden>
<div><label for="soegefelt">Søg efter kommune (navn eller kode)</label>
<input type="search" id="soegefelt" autocomplete="off" spellcheck="false" aria-describedby="antal-vises"></div>
</form>
<p class="status-line" id="antal-vises" role="status" aria-live="polite">${escapeHtml(countText(n, 'kommune', 'kommuner'))} vises.</p>
<p class="note" id="sorter-hint" hidden>Vælg en kolonneoverskrift for at sortere tabellen; vælg den igen for at vende rækkefølgen.</p>
<div class="table-wrap" role="region" aria-labelledby="kommuner-overskrift" tabindex="0">
<table id="kommuner"${status ? ' class="med-status"' : ''}>
<caption class="vh">Kommuner med brev: antal sager, vurdering, advarsler${status ? ', afsendelse' : ''} og links til brev og e-mail</caption>
<thead><tr>
${th('Kode', 'text', '', ' aria-sort="ascending"')}
${th('Kommune', 'text')}
${th('Modtager', 'text')}
${th('Sager', 'num', 'num')}
${th('Lever op til regler og praksis', 'num', 'num')}
${th('Væsentlig mangel', 'num', 'num')}
${th('Advarsler', 'num')}
${status ? th('Afsendelse', 'num') : ''}<th scope="col" class="links">Brev og e-mail</th>
</tr></thead>
<tbody>
${letters.map((l) => kommuneRow(l, status)).join('\n')}
</tbody>
</table>
</div>
<p id="ingen-match" class="notice adv" hidden>Ingen kommuner matcher søgningen.</p>
<p class="note">»Lever op til regler og praksis« og »Væsentlig mangel« tæller kommunens sager: hvor mange der lever op til regler og praksis, og hvor mange der har en retlig mangel med væsentlig betydning for afgørelsens rigtighed.</p>
</section>`;
}

function udenSagerSection(m: Manifest): string {
  const list = [...m.kommunerUdenSager].sort((a, b) => a.kommunekode.localeCompare(b.kommunekode));
  const body =
    list.length === 0
      ? '<p>Alle kommuner i kommuner.csv har sager og får et brev.</p>'
      : `<p>Disse kommuner står i kommuner.csv, men har ingen sager i sager.csv. De får <strong>intet brev</strong>. Kontrollér, at det er rigtigt.</p>
<div class="table-wrap narrow"><table id="uden-sager">
<caption class="vh">Kommuner uden sager</caption>
<thead><tr><th scope="col">Kode</th><th scope="col">Kommune</th><th scope="col">E-mail i kommuner.csv</th></tr></thead>
<tbody>
${list
  .map(
    (k) =>
      `<tr data-kode="${escapeHtml(k.kommunekode)}"><td>${escapeHtml(k.kommunekode)}</td><th scope="row">${escapeHtml(k.navn)}</th><td class="addr">${k.email ? escapeHtml(k.email) : '<span class="muted">(ingen)</span>'}</td></tr>`,
  )
  .join('\n')}
</tbody></table></div>`;
  return `<section aria-labelledby="uden-sager-overskrift">
<h2 id="uden-sager-overskrift">Kommuner uden sager (${list.length})</h2>
${body}
</section>`;
}

function warningsSection(m: Manifest): string {
  const n = m.advarsler.length;
  return `<section aria-labelledby="advarsler-overskrift">
<h2 id="advarsler-overskrift">Advarsler (${n})</h2>
${
  n === 0
    ? '<p>Ingen advarsler ved kontrollen af data.</p>'
    : `<p>Advarslerne stopper ikke brevene, men bør være set igennem, før brevene sendes.</p>
<ul class="adv-liste" id="advarsler-liste">
${m.advarsler.map((a) => `<li>${escapeHtml(a)}</li>`).join('\n')}
</ul>`
}
</section>`;
}

// ---------------------------------------------------------------------------
// Pages.

/** The preview page (index.html) for a render. Pure and deterministic. */
/** `folderProblems`: files that do not match the manifest (formatted); the page then says plainly that the folder is inconsistent. */
export function renderPreviewHtml(manifest: Manifest, sendStatus?: SendStatusMap, folderProblems: readonly string[] = []): string {
  const m = manifest;
  const f = m.national.figures;
  const letters = [...m.letters].sort((a, b) => a.kommunekode.localeCompare(b.kommunekode, 'da', { numeric: true }));
  const sager = letters.reduce((n, l) => n + l.antalSager, 0);
  const title = `Forhåndsvisning af brevene: ${m.barometer.titel}`;
  const sentCount = sendStatus ? letters.filter((l) => sendStatus.get(l.kommunekode)?.state === 'sent').length : 0;

  const intro = sendStatus
    ? `<div class="notice"><p>Siden viser brevene, som de er skrevet, og hvordan afsendelsen er gået ifølge sendejournalen: ${escapeHtml(countText(sentCount, 'brev', 'breve'))} af ${letters.length} er sendt.</p></div>`
    : `<div class="notice"><p><strong>Intet er sendt fra denne side.</strong> Siden viser brevene, som <code>kommunebrev render</code> har skrevet dem. Når brevene er sendt, kan siden opdateres med afsendelsesstatus.</p></div>`;
  const inconsistent =
    folderProblems.length > 0
      ? `<div class="notice fejl" id="inkonsistent" role="alert"><p><strong>Mappen er inkonsistent.</strong> ${escapeHtml(countText(folderProblems.length, 'fil passer', 'filer passer'))} ikke med manifestet, så siden viser ikke nødvendigvis det, der ligger i mappen, og de berørte breve sendes ikke. Kør <code>kommunebrev render</code> igen.</p><ul class="adv-liste">${folderProblems.map((p) => `<li>${escapeHtml(p)}</li>`).join('')}</ul></div>`
      : '';
  const example = m.barometer.eksempeldata
    ? `<div class="notice adv" id="eksempeldata"><p><strong>Eksempeldata.</strong> Sagerne er opdigtede. Brevene kan kun sendes til en mailserver på denne maskine.</p></div>`
    : '';

  return `${head(title, true)}
<body>
<a class="skip" href="#indhold">Spring til indholdet</a>
<div class="topbar"><strong>kommunebrev</strong> · forhåndsvisning af brevene til kommunerne</div>
<main id="indhold">
<h1>${escapeHtml(title)}</h1>
<p class="meta">Barometer: <code>${escapeHtml(m.barometer.id)}</code> · Brevdato: ${escapeHtml(safeDate(m.barometer.brevdato))}</p>
${inconsistent}${example}
${intro}
<nav class="toc" aria-label="Indhold på siden"><ul>
<li><a href="#overblik">Overblik</a></li>
<li><a href="#landstal">Landstal</a></li>
<li><a href="#figur1">Figur 1</a></li>
<li><a href="#figur5">Figur 5</a></li>
<li><a href="#kommuner-overskrift">Kommuner med brev</a></li>
<li><a href="#uden-sager-overskrift">Kommuner uden sager</a></li>
<li><a href="#advarsler-overskrift">Advarsler</a></li>
</ul></nav>

<section aria-labelledby="overblik">
<h2 id="overblik">Overblik</h2>
<dl class="cards">
<div><dt>Breve</dt><dd>${letters.length}<small>til ${escapeHtml(countText(letters.length, 'kommune', 'kommuner'))}</small></dd></div>
<div><dt>Sager i brevene</dt><dd>${sager}<small>${escapeHtml(`af ${countText(f.sager, 'sag', 'sager')} i data`)}</small></dd></div>
<div><dt>Lever op til regler og praksis</dt><dd>${percent(f.overholder, f.sager)} %<small>${f.overholder} af ${f.sager} sager</small></dd></div>
<div><dt>Mangel med væsentlig betydning</dt><dd>${percent(f.medVaesentligMangel, f.sager)} %<small>${f.medVaesentligMangel} af ${f.sager} sager</small></dd></div>
<div><dt>Kommuner uden sager</dt><dd>${m.kommunerUdenSager.length}<small>får intet brev</small></dd></div>
<div><dt>Advarsler</dt><dd>${m.advarsler.length}<small>ved kontrollen af data</small></dd></div>
${sendStatus ? `<div><dt>Sendt</dt><dd>${sentCount}<small>af ${escapeHtml(countText(letters.length, 'brev', 'breve'))}</small></dd></div>` : ''}
</dl>
</section>

${nationalSection({ ...m, letters })}
${kommuneSection(m, letters, sendStatus)}
${udenSagerSection(m)}
${warningsSection(m)}
</main>
<footer><div class="fod">Skrevet af <code>kommunebrev</code> ud fra <a href="manifest.json">manifest.json</a>${sendStatus ? ' og sendejournalen' : ''}. Siden henter intet fra nettet og virker også uden JavaScript; søgning og sortering kræver JavaScript.</div></footer>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/** A readable view of one kommune's email, next to its .eml. Pure and deterministic. */
export function renderEmailPageHtml(manifest: Manifest, letter: ManifestLetter): string {
  const e = letter.email;
  const title = `E-mail til ${letter.navn}`;
  return `${head(`${title} – ${manifest.barometer.titel}`, false)}
<body>
<a class="skip" href="#indhold">Spring til indholdet</a>
<div class="topbar"><strong>kommunebrev</strong> · forhåndsvisning af brevene til kommunerne</div>
<main id="indhold">
<p class="no-print"><a href="${PREVIEW_FILE}">Tilbage til oversigten over alle breve</a></p>
<h1>${escapeHtml(title)}</h1>
<p class="meta">${escapeHtml(manifest.barometer.titel)} · kommunekode ${escapeHtml(letter.kommunekode)} · ${escapeHtml(countText(letter.antalSager, 'sag', 'sager'))}</p>
<dl class="mailhead">
<dt>Fra</dt><dd>${escapeHtml(e.from)}</dd>
<dt>Svar til</dt><dd>${escapeHtml(e.replyTo)}</dd>
<dt>Til</dt><dd>${escapeHtml(e.to)}</dd>
<dt>Emne</dt><dd>${escapeHtml(e.subject)}</dd>
<dt>Vedhæftet fil</dt><dd><a href="${fileHref(letter.pdf.file)}">${escapeHtml(e.attachmentName)}</a> <span class="muted">(PDF, ${kB(letter.pdf.bytes)})</span></dd>
<dt>Message-ID</dt><dd><code>&lt;${escapeHtml(e.messageId)}&gt;</code></dd>
</dl>
<h2>Tekst</h2>
<div class="mailbody">${escapeHtml(e.text)}</div>
<h2>Om brevet</h2>
<p>Sager i brevet: ${letter.sagsnumre.map((s) => `<code>${escapeHtml(s)}</code>`).join(', ') || '<span class="muted">(ingen)</span>'}.</p>
${
  letter.advarsler.length > 0
    ? `<p>Advarsler om kommunens data:</p><ul class="adv-liste">${letter.advarsler.map((a) => `<li>${escapeHtml(a)}</li>`).join('')}</ul>`
    : '<p>Ingen advarsler om kommunens data.</p>'
}
<p>E-mailen, præcis som den sendes, ligger i <a href="${fileHref(letter.eml.file)}">${escapeHtml(letter.eml.file)}</a>. Siden her viser e-mailens tekstdel.</p>
</main>
</body>
</html>
`;
}
