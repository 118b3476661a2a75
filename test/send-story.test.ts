// The correction story of issue 8, told with the real CLI, real files and a
// real SMTP server on loopback: send all; correct one kommune's address and
// render that kommune; status tells the truth (where it really went, that a
// newer version is waiting, and the command that sends it); a full send
// sends nothing more and exits 0; the resend reaches the new address with a
// new Message-ID and a current Date; a test send changes no record.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import type { Manifest } from '../src/core/letters/manifest.js';
import { foldJournal } from '../src/core/send/journal-fold.js';
import { readRecords, writeRecords } from './helpers/csv.js';
import { addressOf, KOMMUNER, runCliAsync, type SendFixture } from './helpers/send-data.js';
import { journalOf, useSendHarness } from './helpers/send-harness.js';

const { fixture, smtp, send } = useSendHarness();
const ALL = KOMMUNER.map(([kode]) => kode);
const NEW_173 = 'ny-handicap173@kommune173.example';

interface StatusJson {
  totals: Record<string, number>;
  tests: number;
  letters: {
    kommunekode: string;
    recipient: string;
    state: string;
    messageId?: string;
    sentOtherVersion: boolean;
    deliveries: { at: string; to: string; messageId: string; sha256: string; resend: boolean }[];
    tests: { to: string; state: string }[];
    newerVersion?: { address: boolean; content: boolean; text: string };
  }[];
}

async function statusJson(f: SendFixture): Promise<StatusJson> {
  const r = await runCliAsync(f.bin, ['status', '--out', f.out, '--json']);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as StatusJson;
}

function letterOf(s: StatusJson, kode: string): StatusJson['letters'][number] {
  const l = s.letters.find((x) => x.kommunekode === kode);
  if (!l) throw new Error(`no letter ${kode} in status`);
  return l;
}

/** Corrects one kommune's address in kommuner.csv, as staff would in Excel. */
function correctAddress(f: SendFixture, from: string, to: string): void {
  const path = join(f.data, 'kommuner.csv');
  const text = readFileSync(path, 'utf8');
  expect(text).toContain(from);
  writeFileSync(path, text.replace(from, to));
}

describe('correcting and re-sending one kommune’s letter', () => {
  it('keeps the record true from the first send to the resend', async () => {
    const f = fixture();
    const server = await smtp();

    // 1. The batch goes out.
    const first = await send(f, server);
    expect(first.code).toBe(0);
    expect(server.received).toHaveLength(ALL.length);
    const firstTo173 = server.received.find((m) => m.to.includes(addressOf('173')));
    const firstParsed = await simpleParser(firstTo173?.raw ?? Buffer.alloc(0));

    // 2. The address of 173 was wrong: correct it and render that kommune alone.
    correctAddress(f, addressOf('173'), NEW_173);
    const render = await runCliAsync(f.bin, ['render', '--data', f.data, '--out', f.out, '--kommune', '173']);
    expect(render.code, render.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(f.dir, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.letters.find((l) => l.kommunekode === '173')?.recipient).toBe(NEW_173);

    // 3. status says where it really went, that a newer version is waiting, and how to send it.
    const text = await runCliAsync(f.bin, ['status', '--out', f.out]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(
      `til ${addressOf('173')}; Message-ID <${firstParsed.messageId?.slice(1, -1) ?? '?'}>`,
    );
    expect(text.stdout).not.toMatch(new RegExp(`sendt [^\\n]* til ${NEW_173}`));
    expect(text.stdout).toContain(`adressen er ændret (sendt til ${addressOf('173')}, nu ${NEW_173})`);
    expect(text.stdout).toContain(`kommunebrev send --data ${f.data} --out ${f.out} --kommune 173 --resend`);
    const s1 = await statusJson(f);
    expect(s1.totals).toEqual({ letters: 6, rendered: 0, sent: 6, failed: 0, uafklaret: 0 });
    const l173 = letterOf(s1, '173');
    expect(l173.recipient).toBe(NEW_173);
    expect(l173.sentOtherVersion).toBe(true);
    expect(l173.newerVersion).toMatchObject({ address: true });
    expect(l173.deliveries).toEqual([
      {
        at: expect.any(String),
        to: addressOf('173'),
        messageId: firstParsed.messageId?.slice(1, -1),
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        resend: false,
      },
    ]);
    for (const kode of ALL.filter((k) => k !== '173')) {
      expect(letterOf(s1, kode).deliveries.map((d) => d.to)).toEqual([addressOf(kode)]);
      expect(letterOf(s1, kode).newerVersion).toBeUndefined();
    }

    // 4. A full send sends nothing that already reached its kommune, names the newer version, exits 0.
    const full = await send(f, server);
    expect(full.code, full.stderr).toBe(0);
    expect(server.received).toHaveLength(ALL.length);
    expect(full.stdout).toMatch(/6 breve er allerede sendt og springes over/);
    expect(full.stderr).toContain('173 Lyngby-Taarbæk Kommune: adressen er ændret');
    expect(full.stderr).toContain('--kommune 173 --resend');

    // 5. The resend on purpose reaches the new address, with its own Message-ID and a current Date.
    const beforeResend = Date.now();
    const resend = await send(f, server, ['--kommune', '173', '--resend']);
    expect(resend.code, resend.stderr).toBe(0);
    expect(server.received).toHaveLength(ALL.length + 1);
    const second = server.received.at(-1);
    expect(second?.to).toEqual([NEW_173]);
    const secondParsed = await simpleParser(second?.raw ?? Buffer.alloc(0));
    expect(secondParsed.messageId).toBeDefined();
    expect(secondParsed.messageId).not.toBe(firstParsed.messageId);
    expect(secondParsed.date?.getTime()).toBeGreaterThanOrEqual(Math.floor(beforeResend / 1000) * 1000);
    expect(secondParsed.to && 'value' in secondParsed.to ? secondParsed.to.value.map((a) => a.address) : []).toEqual([
      NEW_173,
    ]);

    const s2 = await statusJson(f);
    const after = letterOf(s2, '173');
    expect(after.deliveries.map((d) => [d.to, d.resend])).toEqual([
      [addressOf('173'), false],
      [NEW_173, true],
    ]);
    expect(after.deliveries[1]?.messageId).toBe(secondParsed.messageId?.slice(1, -1));
    expect(after.newerVersion).toBeUndefined();
    expect(after.sentOtherVersion).toBe(false);

    // 6. A test send reaches only the test address and changes no delivery record.
    const recordBefore = JSON.stringify(s2.letters.map((l) => [l.kommunekode, l.state, l.deliveries]));
    const test = await send(f, server, ['--test', 'kontrol@ankestyrelsen.example', '--kommune', '147']);
    expect(test.code, test.stderr).toBe(0);
    expect(server.received).toHaveLength(ALL.length + 2);
    expect(server.received.at(-1)?.to).toEqual(['kontrol@ankestyrelsen.example']);
    const s3 = await statusJson(f);
    expect(JSON.stringify(s3.letters.map((l) => [l.kommunekode, l.state, l.deliveries]))).toBe(recordBefore);
    expect(s3.totals).toEqual(s2.totals);
    expect(letterOf(s3, '147').tests).toMatchObject([{ to: 'kontrol@ankestyrelsen.example', state: 'sent' }]);
    expect(s3.tests).toBe(1);

    // 7. A corrected case in another kommune (147), not rendered yet: a full send still sends nothing,
    // exits 0 and names 147; after `render --kommune 147` only 147 has a newer version waiting.
    const sager = join(f.data, 'sager.csv');
    const records = readRecords(sager);
    const header = records[0] ?? [];
    const row147 = records.find((r) => r[0] === 'HSB23-0101');
    if (!row147) throw new Error('no case HSB23-0101 for 147');
    row147[header.indexOf('bemærkning')] = 'Rettet efter henvendelse fra kommunen';
    writeRecords(sager, records);
    const stale = await send(f, server);
    expect(stale.code, stale.stderr).toBe(0);
    expect(server.received).toHaveLength(ALL.length + 2);
    expect(stale.stderr).toMatch(/data er ændret, efter at dette brev blev sendt \(147 Frederiksberg Kommune\)/);
    expect((await runCliAsync(f.bin, ['render', '--data', f.data, '--out', f.out, '--kommune', '147'])).code).toBe(0);
    const s4 = await statusJson(f);
    expect(
      s4.letters
        .filter((l) => l.newerVersion)
        .map((l) => [l.kommunekode, l.newerVersion?.address, l.newerVersion?.content]),
    ).toEqual([['147', false, true]]);
  });
});

describe('send --test', () => {
  it('sends every letter only to the test address, marked as a test, and a later real send is not blocked', async () => {
    const f = fixture();
    const server = await smtp();
    const TEST = 'kontrol@ankestyrelsen.example';
    const r = await send(f, server, ['--test', TEST]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Klar til at sende 6 testbreve til kontrol@ankestyrelsen\.example/);
    expect(server.received).toHaveLength(ALL.length);
    for (const m of server.received) {
      expect(m.to).toEqual([TEST]);
      const parsed = await simpleParser(m.raw);
      expect(parsed.subject).toMatch(/^\[TEST\] /);
      const firstLine = (parsed.text ?? '').split('\n')[0] ?? '';
      expect(firstLine).toMatch(
        /^TEST: Denne e-mail er en test af brevet til .+ Kommune\. Den er kun sendt til kontrol@ankestyrelsen\.example og er ikke sendt til kommunen \(handicap\d+@kommune\d+\.example\)\.$/,
      );
      expect(parsed.html).toContain('TEST: Denne e-mail er en test');
      expect(parsed.attachments).toHaveLength(1);
      // Nobody but the test address: no kommune address in To or Cc.
      expect(m.raw.toString('latin1')).not.toMatch(/^(To|Cc):.*kommune\d+\.example/im);
    }
    // The record: every letter still unsent; the tests are counted apart.
    const status = foldJournal(journalOf(f));
    expect(status.size).toBe(0);
    const text = await runCliAsync(f.bin, ['status', '--out', f.out]);
    expect(text.stdout).toMatch(/I alt: 0 af 6 breve sendt, 0 fejlet, 0 uafklaret, 6 ikke sendt/);
    expect(text.stdout).toMatch(/Testafsendelser: 6 /);
    expect(text.stdout).toMatch(
      /testafsendelse .* til kontrol@ankestyrelsen\.example: sendt \(tæller ikke som sendt til kommunen\)/,
    );

    // The real send goes out as if there had been no test.
    const real = await send(f, server);
    expect(real.code, real.stderr).toBe(0);
    for (const kode of ALL) expect(server.countFor(addressOf(kode))).toBe(1);
  });

  it('refuses a test address that is not an address, and a test together with --resend', async () => {
    const f = fixture();
    const server = await smtp();
    const bad = await send(f, server, ['--test', 'ikke-en-adresse']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--test skal have en e-mailadresse/);
    const both = await send(f, server, ['--test', 'a@b.example', '--kommune', '173', '--resend']);
    expect(both.code).toBe(2);
    expect(server.connections).toBe(0);
  });

  it('keeps the example data rule: a test of example data goes only to a server on this machine', async () => {
    const f = fixture();
    const r = await send(f, 'smtp://smtp.example.org:587', ['--test', 'kontrol@ankestyrelsen.example']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/eksempeldata/);
  });
});
