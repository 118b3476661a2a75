// End to end: render the whole example barometer with the real CLI, read every
// PDF back as text and check each letter against an oracle computed here,
// straight from the CSV files (not through the code under test): each kommune
// gets exactly its own cases, in order, with every verdict as the data says.
//
// No verdict depends on speed: the render runs once in beforeAll (a generous
// hook timeout, as a hang guard only) and each kommune's letter and email is
// its own test, each a few hundred milliseconds of reading.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { MONTHS } from './builders.js';
import { copyExampleData, EXAMPLE_DATA, runCli, tempDir } from './helpers/cli.js';
import { readRows } from './helpers/csv.js';
import { hasCommand, hasPreflight, pdfTableRows, pdfToReadingText, pdfWords, preflightPdfA1b } from './helpers/pdf.js';

const danishDate = (iso: string) => {
  const [y, m, d] = iso.split('-').map(Number);
  return `${d}. ${MONTHS[(m ?? 1) - 1]} ${y}`;
};
const MANGLER: [string, string][] = [
  ['sagsoplysning', 'Sagsoplysning'],
  ['begrundelse', 'Begrundelse'],
  ['hjemmel', 'Hjemmel'],
  ['skøn under regel', 'Skøn under regel'],
  ['vurdering', 'Kommunens vurdering'],
  ['partshøring', 'Partshøring'],
];
const REGLER: [string, string][] = [
  ['klagevejledning', 'Klagevejledning'],
  ['sagsbehandlingstid', 'Sagsbehandlingstid'],
  ['helhedsvurdering', 'Helhedsvurdering'],
  ['handleplan', 'Handleplan'],
];
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

interface Expected {
  sagsnummer: string;
  date: string;
  cells: Record<string, string>;
}

const tools = hasCommand('pdftotext');

/** Hang guards for the heavy steps (a full render of 98 letters, PDF/A preflight); never a verdict. */
const RENDER_ALL = 900_000;
const RENDER_ONE = 300_000;

/** The kommuner of the example data, known when the tests are collected (the render copies these files). */
const KOMMUNER = readRows(join(EXAMPLE_DATA, 'kommuner.csv')).map((r) => r.cells);
const kodeOf = (k: Record<string, string>): string => String(Number(k.kommunekode)).padStart(3, '0');

describe.skipIf(!tools)('render on the example barometer (pdftotext needed)', () => {
  let data: string;
  let out: string;
  let dir: string;
  let stdout: string;
  let stderr: string;
  const byKommune = new Map<string, Expected[]>();
  let kommuner: Record<string, string>[];

  beforeAll(() => {
    data = copyExampleData();
    out = tempDir();
    const r = runCli(['render', '--data', data, '--out', out]);
    stdout = r.stdout;
    stderr = r.stderr;
    expect(r.code, r.stderr).toBe(0);
    dir = join(out, '2023-ledsagelse');
    kommuner = readRows(join(data, 'kommuner.csv')).map((r) => r.cells);
    for (const { cells } of readRows(join(data, 'sager.csv'))) {
      const kode = String(Number(cells.kommunekode)).padStart(3, '0');
      const list = byKommune.get(kode) ?? [];
      list.push({ sagsnummer: cells.sagsnummer ?? '', date: cells['afgørelsesdato'] ?? '', cells });
      byKommune.set(kode, list);
    }
    for (const list of byKommune.values()) {
      list.sort((a, b) => a.date.localeCompare(b.date) || a.sagsnummer.localeCompare(b.sagsnummer));
    }
  }, RENDER_ALL);

  it('writes one PDF and one .eml per kommune with cases, and a manifest whose checksums match', () => {
    const files = readdirSync(dir);
    expect(files.filter((f) => f.endsWith('.pdf'))).toHaveLength(98);
    expect(files.filter((f) => f.endsWith('.eml'))).toHaveLength(98);
    expect(files).toContain('173-lyngby-taarbaek-kommune.pdf');
    expect(files).toContain('400-bornholms-regionskommune.pdf');
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.letters).toHaveLength(98);
    expect(manifest.letters.reduce((n: number, l: { antalSager: number }) => n + l.antalSager, 0)).toBe(385);
    for (const l of manifest.letters) {
      expect(sha256(readFileSync(join(dir, l.pdf.file)))).toBe(l.pdf.sha256);
      expect(sha256(readFileSync(join(dir, l.eml.file)))).toBe(l.eml.sha256);
      expect(l.sagsnumre).toEqual(byKommune.get(l.kommunekode)?.map((c) => c.sagsnummer));
    }
    expect(stdout).toContain('Skrev 98 breve (385 sager)');
    expect(stdout).toContain('Intet er sendt.');
    expect(stderr).toContain('advarsel: sager.csv');
  });

  it('has a kommune list to check', () => {
    expect(kommuner.map(kodeOf)).toEqual(KOMMUNER.map(kodeOf));
    expect(KOMMUNER).toHaveLength(98);
  });

  it.each(KOMMUNER.map((k) => ({ kode: kodeOf(k), navn: k.navn ?? '' })))(
    '$kode $navn gets exactly its own cases, in order, with every verdict as in the data',
    ({ kode }) => {
      const allSagsnumre = [...byKommune.values()].flat().map((c) => c.sagsnummer);
      const k = kommuner.find((x) => kodeOf(x) === kode) as Record<string, string>;
      const expected = byKommune.get(kode) ?? [];
      const file = readdirSync(dir).find((f) => f.startsWith(`${kode}-`) && f.endsWith('.pdf'));
      expect(file, `letter for ${k.navn}`).toBeDefined();
      const text = pdfToReadingText(join(dir, file as string));
      const flat = squash(text);

      // Addressed to this kommune.
      expect(flat).toContain(`${k.navn} ${k.adresse} ${k.postnummer} ${k.by}`);
      expect(flat).toContain(
        expected.length === 1 ? 'den sag om ledsagelse' : `de ${expected.length} sager om ledsagelse`,
      );

      // Exactly its own cases, nobody else's, in date order.
      const found = allSagsnumre.filter((s) => flat.includes(s));
      expect(new Set(found)).toEqual(new Set(expected.map((c) => c.sagsnummer)));
      // The oversigt, rebuilt row by row from word positions.
      const words = pdfWords(join(dir, file as string));
      const own = new Set(expected.map((c) => c.sagsnummer));
      const rows = pdfTableRows(words, {
        rowStart: (w) => /^[A-Z]+\d*-\d+$/.test(w.text) && allSagsnumre.includes(w.text),
        isEnd: (w) => w.text === 'Forklaring' || w.text === 'Side',
        noteStart: 'Bemærkning:',
        columnLefts: (page) =>
          ['(1)', '(2)', '(3)', '(4)'].map((h) => words.find((w) => w.page === page && w.text === h)?.left ?? Infinity),
      });
      expect(
        rows.map((r) => r.key),
        k.navn,
      ).toEqual(expected.map((c) => c.sagsnummer));
      expect(rows.every((r) => own.has(r.key))).toBe(true);

      // Each case's row says what the data says.
      expected.forEach((c, i) => {
        const { cells: row, note } = rows[i] as { cells: string; note?: string };
        const ctx = `${k.navn} ${c.sagsnummer}`;
        expect(row, ctx).toContain(`${c.sagsnummer} ${danishDate(c.date)} ${cap(c.cells['afgørelse'] ?? '')} `);
        const words = row.split(' ');
        expect(
          words.filter((w) => w === 'Ja' || w === 'Nej'),
          ctx,
        ).toEqual([cap(c.cells['overholder regler og praksis'] ?? '')]);
        const defects = MANGLER.filter(([col]) => ['væsentlig', 'ikke væsentlig'].includes(c.cells[col] ?? ''));
        for (const [col, label] of defects) expect(row, ctx).toContain(`${label}: ${c.cells[col]} betydning`);
        expect((row.match(/betydning/g) ?? []).length, ctx).toBe(defects.length);
        expect(words.includes('Ingen'), ctx).toBe(defects.length === 0);
        for (const [col, label] of REGLER) expect(row, ctx).toContain(`${label}: ${cap(c.cells[col] ?? '')}`);
        const bem = c.cells['bemærkning'] ?? '';
        if (bem) expect(note, ctx).toBe(squash(bem));
        else expect(note, ctx).toBeUndefined();
      });

      // "Side X af Y" on every page.
      const pages = text.split('\f').filter((p) => p.trim() !== '');
      pages.forEach((p, i) => expect(squash(p)).toContain(`Side ${i + 1} af ${pages.length}`));
    },
  );

  it.each(KOMMUNER.map((k) => ({ kode: kodeOf(k), navn: k.navn ?? '' })))(
    '$kode $navn: the email goes to its own address, with the PDF attached byte for byte',
    async ({ kode }) => {
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
      const l = manifest.letters.find((x: { kommunekode: string }) => x.kommunekode === kode);
      expect(l, `letter for ${kode}`).toBeDefined();
      const emailOf = new Map(kommuner.map((k) => [kodeOf(k), k.email]));
      const mail = await simpleParser(readFileSync(join(dir, l.eml.file)));
      const to = Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : [];
      expect(to.flatMap((a) => a.value.map((v) => v.address))).toEqual([emailOf.get(l.kommunekode)]);
      expect(mail.from?.value[0]?.address).toBe('handicapsagsbarometer@ankestyrelsen.example');
      expect(mail.replyTo?.value[0]?.address).toBe('handicapsagsbarometer@ankestyrelsen.example');
      expect(mail.subject).toBe(
        `Handicapsagsbarometret 2023: Ankestyrelsens vurdering af ${l.antalSager === 1 ? 'sagen' : 'sagerne'} fra ${l.navn}`,
      );
      expect(mail.messageId).toBe(`<${l.email.messageId}>`);
      expect(mail.text).toContain(`Til ${l.navn}`);
      expect(mail.html).toContain('<html lang="da">');
      expect(mail.attachments).toHaveLength(1);
      expect(mail.attachments[0]?.filename).toBe(`Handicapsagsbarometret 2023 - ${l.navn}.pdf`);
      expect(mail.attachments[0]?.contentType).toBe('application/pdf');
      expect(Buffer.compare(mail.attachments[0]?.content as Buffer, readFileSync(join(dir, l.pdf.file)))).toBe(0);
    },
  );

  it(
    'renders byte-identical PDFs and emails a second time',
    () => {
      const out2 = tempDir();
      const r = runCli(['render', '--data', data, '--out', out2]);
      expect(r.code).toBe(0);
      const dir2 = join(out2, '2023-ledsagelse');
      const letters = readdirSync(dir).filter((f) => /\.(pdf|eml)$/.test(f));
      expect(letters).toHaveLength(196);
      for (const f of letters) expect(sha256(readFileSync(join(dir2, f))), f).toBe(sha256(readFileSync(join(dir, f))));
      expect(readFileSync(join(dir2, 'manifest.json'), 'utf8')).toBe(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    },
    RENDER_ALL,
  );

  it.each([['0173'], ['lyngby-taarbæk kommune']])(
    '--kommune %j writes that kommune alone',
    (q) => {
      const out3 = tempDir();
      const r = runCli(['render', '--data', data, '--out', out3, '--kommune', q]);
      expect(r.code, r.stderr).toBe(0);
      const files = readdirSync(join(out3, '2023-ledsagelse')).filter((f) => /\.(pdf|eml)$/.test(f));
      expect(files.sort()).toEqual(['173-lyngby-taarbaek-kommune.eml', '173-lyngby-taarbaek-kommune.pdf']);
      expect(sha256(readFileSync(join(out3, '2023-ledsagelse', files[1] as string)))).toBe(
        sha256(readFileSync(join(dir, '173-lyngby-taarbaek-kommune.pdf'))),
      );
      expect(r.stdout).toContain('Skrev 1 brev');
    },
    RENDER_ONE,
  );

  it.skipIf(!hasPreflight())(
    'renders letters that pass PDF/A-1b preflight (largest, smallest and one with a bemærkning)',
    () => {
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
      const sorted = [...manifest.letters].sort((a, b) => a.antalSager - b.antalSager);
      for (const l of [sorted[0], sorted[sorted.length - 1]]) {
        const r = preflightPdfA1b(join(dir, l.pdf.file));
        expect(r.valid, r.output).toBe(true);
      }
    },
    RENDER_ONE,
  );
});
