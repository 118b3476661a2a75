// End to end: the real CLI (node bin/kommunebrev.js) in a child process,
// sending rendered letters to a real SMTP server on 127.0.0.1 that
// misbehaves on purpose. The invariant everywhere: each kommune receives its
// own letter exactly once, or it is reported uafklaret; never twice.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { JOURNAL_FILE, LOCK_FILE } from '../src/core/send/journal.js';
import { foldJournal } from '../src/core/send/journal-fold.js';
import type { Manifest } from '../src/core/letters/manifest.js';
import { contentSha256, withoutStampedFields } from '../src/core/send/eml-headers.js';
import { sha256 } from '../src/core/sha256.js';
import {
  addressOf,
  KOMMUNER,
  renderedFixture,
  runCliAsync,
  smtpCanonical,
  type SendFixture,
} from './helpers/send-data.js';
import { journalOf, useSendHarness } from './helpers/send-harness.js';

const { fixture, smtp, send } = useSendHarness();

function manifestOf(f: SendFixture): Manifest {
  return JSON.parse(readFileSync(join(f.dir, 'manifest.json'), 'utf8')) as Manifest;
}

function stateOf(f: SendFixture, kode: string): string | undefined {
  return foldJournal(journalOf(f)).get(kode)?.state;
}

const ALL = KOMMUNER.map(([kode]) => kode);

describe('send: the normal case', () => {
  it('delivers each letter once, to its own address, byte for byte as rendered, and a re-run sends nothing', async () => {
    const f = fixture();
    const server = await smtp();
    const before = Date.now();
    const r = await send(f, server);
    expect(r.stderr).not.toMatch(/fejl|uafklaret:/i);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Klar til at sende 6 breve til 6 adresser/);
    expect(r.stdout).toMatch(/Status: 6 af 6 breve sendt, 0 fejlet, 0 uafklaret, 0 ikke sendt/);

    const manifest = manifestOf(f);
    expect(server.received).toHaveLength(ALL.length);
    for (const letter of manifest.letters) {
      const got = server.received.filter((m) => m.to.includes(letter.recipient));
      expect(got, letter.navn).toHaveLength(1);
      const [message] = got;
      if (!message) continue;
      expect(message.to).toEqual([addressOf(letter.kommunekode)]);
      expect(message.from).toBe('handicapsagsbarometer@ankestyrelsen.example');
      // What was previewed is what was sent: the .eml as it travels over SMTP (CRLF line ends),
      // byte for byte except the Date and Message-ID fields, which are set at send time.
      const eml = readFileSync(join(f.dir, letter.eml.file));
      expect(withoutStampedFields(message.raw).equals(withoutStampedFields(smtpCanonical(eml)))).toBe(true);
      expect(contentSha256(message.raw)).toBe(letter.eml.contentSha256);
      const parsed = await simpleParser(message.raw);
      // Its own Message-ID (RFC 5322 §3.6.4), naming the letter; the journal records the one used.
      expect(parsed.messageId).toMatch(
        new RegExp(
          `^<${letter.email.messageId.split('@')[0]?.replace(/\./g, '\\.')}\\.[^@]+@ankestyrelsen\\.example>$`,
        ),
      );
      const intent = journalOf(f).find((e) => e.type === 'intent' && e.kommunekode === letter.kommunekode);
      expect(intent?.type === 'intent' && `<${intent.messageId}>`).toBe(parsed.messageId);
      expect(intent?.type === 'intent' && intent.sha256).toBe(sha256(message.raw));
      // Date is the moment of sending (RFC 5322 §3.6.1), not the letter date.
      expect(parsed.date?.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
      expect(parsed.attachments).toHaveLength(1);
      expect(parsed.attachments[0]?.content.equals(readFileSync(join(f.dir, letter.pdf.file)))).toBe(true);
    }

    const entries = journalOf(f);
    for (const kode of ALL) {
      const mine = entries.filter((e) => 'kommunekode' in e && e.kommunekode === kode).map((e) => e.type);
      expect(mine).toEqual(['intent', 'sent']);
    }
    expect(existsSync(join(f.dir, LOCK_FILE))).toBe(false);

    const again = await send(f, server);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/6 breve er allerede sendt og springes over/);
    expect(again.stdout).toMatch(/Intet at sende/);
    expect(server.received).toHaveLength(ALL.length);
  });

  it('status shows sent with time, Message-ID and the server reply, as text and JSON', async () => {
    const f = fixture();
    const server = await smtp({
      rcpt: (a) => (a === addressOf('461') ? { code: 550, text: 'Mailbox unknown' } : undefined),
    });
    await send(f, server);
    const text = await runCliAsync(f.bin, ['status', '--out', f.out]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/101\s+Københavns Kommune\s+sendt\s+\d\d\.\d\d\.\d{4} \d\d\.\d\d\.\d\d/);
    expect(text.stdout).toMatch(/Message-ID <kommunebrev\.2023-ledsagelse\.101\.[^>]+>; svar: 250 Ok: queued as T\d/);
    expect(text.stdout).toMatch(/461\s+Odense Kommune\s+fejlet/);
    expect(text.stdout).toMatch(/fejl: 550 Mailbox unknown \(afvist permanent\)/);
    expect(text.stdout).toMatch(/I alt: 5 af 6 breve sendt, 1 fejlet, 0 uafklaret, 0 ikke sendt/);
    const json = await runCliAsync(f.bin, ['status', '--out', f.dir, '--json']);
    const parsed = JSON.parse(json.stdout) as {
      totals: Record<string, number>;
      letters: { kommunekode: string; state: string; messageId?: string; code?: number }[];
    };
    expect(parsed.totals).toEqual({ letters: 6, rendered: 0, sent: 5, failed: 1, uafklaret: 0 });
    expect(parsed.letters.find((l) => l.kommunekode === '461')).toMatchObject({ state: 'failed', code: 550 });
    expect(parsed.letters.find((l) => l.kommunekode === '101')?.messageId).toMatch(
      /^kommunebrev\.2023-ledsagelse\.101\./,
    );
  });
});

describe('send: faults', () => {
  it('retries temporary failures (451 at RCPT, 451 and 421 after the data, a 421 greeting) and delivers once', async () => {
    const f = fixture();
    const server = await smtp({
      connect: (n) => (n === 1 ? 421 : undefined),
      rcpt: (a, nth) => (a === addressOf('101') && nth <= 2 ? { code: 451, text: 'Greylisted, try again' } : undefined),
      data: (a, nth) =>
        a === addressOf('147') && nth === 1
          ? { code: 451 }
          : a === addressOf('173') && nth === 1
            ? { code: 421 }
            : 'accept',
    });
    const r = await send(f, server);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Greylisted, try again \(midlertidig fejl\); prøver igen/);
    for (const kode of ALL) expect(server.countFor(addressOf(kode)), kode).toBe(1);
    expect(server.rcptCount.get(addressOf('101'))).toBe(3);
    const attempts = journalOf(f)
      .filter((e) => e.type === 'intent' && e.kommunekode === '101')
      .map((e) => (e.type === 'intent' ? e.attempt : 0));
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('gives up on a temporary failure after a bounded number of attempts; a later run delivers it', async () => {
    const f = fixture();
    let blocked = true;
    const server = await smtp({
      rcpt: (a) => (blocked && a === addressOf('751') ? { code: 452, text: 'Mailbox full' } : undefined),
    });
    const r = await send(f, server, [], { KOMMUNEBREV_RETRY_ATTEMPTS: '3' });
    expect(r.code).toBe(1);
    expect(server.rcptCount.get(addressOf('751'))).toBe(3);
    expect(r.stdout).toMatch(/Fejlet \(1\).*\n.*751 Aarhus Kommune.*452 Mailbox full/);
    expect(stateOf(f, '751')).toBe('failed');
    blocked = false;
    const again = await send(f, server);
    expect(again.code).toBe(0);
    for (const kode of ALL) expect(server.countFor(addressOf(kode))).toBe(1);
  });

  it('reports a permanent rejection (550), delivers the rest, and exits non-zero', async () => {
    const f = fixture();
    const server = await smtp({
      rcpt: (a) => (a === addressOf('461') ? { code: 550, text: '5.1.1 Mailbox unknown' } : undefined),
    });
    const r = await send(f, server);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /Fejlet \(1\); mailserveren tog ikke imod brevet, så det forsøges igen ved næste »send«:\n\s+461 Odense Kommune <handicap461@kommune461\.example>: 550 5\.1\.1 Mailbox unknown \(afvist permanent\)/,
    );
    expect(server.rcptCount.get(addressOf('461'))).toBe(1);
    for (const kode of ALL.filter((k) => k !== '461')) expect(server.countFor(addressOf(kode))).toBe(1);
    expect(server.countFor(addressOf('461'))).toBe(0);
    expect(stateOf(f, '461')).toBe('failed');
  });

  it.each([
    { name: 'keeps the message', action: 'drop-keep' as const, copies: 1 },
    { name: 'does not keep the message', action: 'drop-discard' as const, copies: 0 },
  ])('a server that drops the line after the data ($name) never gets a second copy', async ({ action, copies }) => {
    const f = fixture();
    const server = await smtp({ data: (a) => (a === addressOf('173') ? action : 'accept') });
    const r = await send(f, server);
    expect(r.code).toBe(1);
    expect(server.dataCount.get(addressOf('173'))).toBe(1);
    expect(server.countFor(addressOf('173'))).toBe(copies);
    expect(stateOf(f, '173')).toBe('uafklaret');
    expect(r.stdout).toMatch(/Uafklaret \(1\), sendes ikke igen automatisk:\n\s+173 Lyngby-Taarbæk Kommune/);
    expect(r.stdout).toMatch(/--kommune 173 --mark-sent/);
    for (const kode of ALL.filter((k) => k !== '173')) expect(server.countFor(addressOf(kode))).toBe(1);

    // A second run does not send it again, and says so.
    const again = await send(f, server);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/1 brev er uafklaret og sendes ikke igen automatisk/);
    expect(server.dataCount.get(addressOf('173'))).toBe(1);
  });

  it('after uafklaret: --mark-sent records it without sending; --resend sends one kommune again on purpose', async () => {
    const f = fixture();
    const server = await smtp({
      data: (a, nth) =>
        a === addressOf('101') && nth === 1
          ? 'drop-discard'
          : a === addressOf('147') && nth === 1
            ? 'drop-keep'
            : 'accept',
    });
    await send(f, server);
    expect(stateOf(f, '101')).toBe('uafklaret');
    expect(stateOf(f, '147')).toBe('uafklaret');

    // The server never kept 101's message: send it again on purpose.
    const resend = await send(f, server, ['--kommune', '101', '--resend']);
    expect(resend.code).toBe(0);
    expect(resend.stdout).toMatch(/Sendes igen med vilje/);
    expect(server.countFor(addressOf('101'))).toBe(1);
    const resendIntents = journalOf(f).filter((e) => e.type === 'intent' && e.kommunekode === '101' && e.resend);
    expect(resendIntents).toHaveLength(1);
    expect(foldJournal(journalOf(f)).get('101')).toMatchObject({ state: 'sent', resends: 1 });

    // 147 arrived (the server kept it): record that, send nothing.
    const mark = await runCliAsync(f.bin, [
      'send',
      '--data',
      f.data,
      '--out',
      f.out,
      '--kommune',
      'Frederiksberg',
      '--mark-sent',
    ]);
    expect(mark.code).toBe(0);
    expect(server.countFor(addressOf('147'))).toBe(1);
    expect(stateOf(f, '147')).toBe('sent');

    const status = await runCliAsync(f.bin, ['status', '--out', f.out]);
    expect(status.stdout).toMatch(/I alt: 6 af 6 breve sendt/);
    const finalRun = await send(f, server);
    expect(finalRun.code).toBe(0);
    for (const kode of ALL) expect(server.countFor(addressOf(kode))).toBe(1);
  });

  it('a resend of an already sent letter is possible on purpose and is recorded as a resend', async () => {
    const f = fixture();
    const server = await smtp();
    await send(f, server);
    const r = await send(f, server, ['--kommune', '825']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/allerede sendt.*Brug --resend/);
    expect(server.countFor(addressOf('825'))).toBe(1);
    const again = await send(f, server, ['--kommune', 'Læsø', '--resend']);
    expect(again.code).toBe(0);
    expect(server.countFor(addressOf('825'))).toBe(2);
    expect(foldJournal(journalOf(f)).get('825')?.resends).toBe(1);
  });
});

describe('send: stale or damaged letters are refused by name; refusals before anything is sent', () => {
  it('a changed case makes only its letter stale: it is refused by name, the others go, exit 1', async () => {
    const f = fixture();
    const server = await smtp();
    const path = join(f.data, 'sager.csv');
    // HSB23-0001 belongs to the first kommune (101): renumber it.
    writeFileSync(path, readFileSync(path, 'utf8').replace('HSB23-0001', 'HSB23-0009'));
    const r = await send(f, server);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/sager\.csv: 101 Københavns Kommune: sagerne er ændret siden render\./);
    expect(r.stderr).toMatch(/Skriv brevet igen med »kommunebrev render --data .* --out .* --kommune 101«/);
    expect(server.received.flatMap((m) => m.to).sort()).toEqual(
      ALL.filter((k) => k !== '101')
        .map(addressOf)
        .sort(),
    );
    expect(stateOf(f, '101')).toBeUndefined();
  });

  it('a changed template makes every letter stale: nothing is sent, each is named', async () => {
    const f = renderedFixture({ ownTool: true });
    const server = await smtp();
    const template = join(f.bin, '..', '..', 'templates', 'handicapsagsbarometer', 'email-tekst.hbs');
    writeFileSync(template, `${readFileSync(template, 'utf8')}\nEn ny sætning.\n`);
    const r = await send(f, server);
    expect(r.code).toBe(1);
    for (const [kode, navn] of KOMMUNER)
      expect(r.stderr).toContain(`${kode} ${navn}: skabelonerne er ændret siden render.`);
    expect(server.received).toEqual([]);
  });

  it('refuses a rendered file that was changed, and a letter whose address changed in kommuner.csv, by name', async () => {
    const f = fixture();
    const server = await smtp();
    const eml = readdirSync(f.dir).find((n) => n.startsWith('461-') && n.endsWith('.eml')) ?? '';
    writeFileSync(
      join(f.dir, eml),
      readFileSync(join(f.dir, eml), 'utf8').replace('handicap461@kommune461.example', 'spion@evil.example'),
    );
    const r = await send(f, server, ['--kommune', '461']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/461-odense-kommune\.eml: 461 Odense Kommune: filen passer ikke med manifestet/);
    expect(server.connections).toBe(0);

    const g = fixture();
    const kommuner = join(g.data, 'kommuner.csv');
    writeFileSync(
      kommuner,
      readFileSync(kommuner, 'utf8').replace('handicap173@kommune173.example', 'ny173@kommune173.example'),
    );
    const r2 = await send(g, server);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(
      /kommuner\.csv, række \d+, kolonne »email«, værdi »ny173@kommune173\.example«: 173 Lyngby-Taarbæk Kommune: adressen er ændret siden render/,
    );
    const to = server.received.flatMap((m) => m.to);
    expect(to).not.toContain('ny173@kommune173.example');
    expect(to).not.toContain(addressOf('173'));
    expect(to.sort()).toEqual(
      ALL.filter((k) => k !== '173')
        .map(addressOf)
        .sort(),
    );
  });

  it('example data goes only to a server on this machine (refused before connecting)', async () => {
    const f = fixture();
    const r = await send(f, 'smtp://smtp.kommune.example:587');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/eksempeldata .* må kun sendes til en mailserver på denne maskine/);
    expect(r.stderr).toMatch(/Intet er sendt/);
    expect(existsSync(join(f.dir, JOURNAL_FILE))).toBe(false);
  });

  it('TLS rule: a server that is not loopback must offer STARTTLS; without it nothing is sent', async () => {
    // 0.0.0.0 is not a loopback address, so the TLS rule applies, but Linux
    // routes it to this machine: the test server (no STARTTLS) answers.
    const f = renderedFixture({ eksempeldata: false });
    const server = await smtp();
    const r = await send(f, `smtp://0.0.0.0:${server.port}`, [], {
      SMTP_USER: 'ankebruger',
      SMTP_PASS: 'hemmeligt-kodeord',
    });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/STARTTLS påkrævet/);
    expect(r.stderr).toMatch(/krypteret forbindelse \(TLS\/STARTTLS\) mislykkedes/);
    expect(server.rcptCount.size).toBe(0);
    expect(server.logins).toEqual([]);
    expect(server.received).toHaveLength(0);
    expect(stateOf(f, '101')).toBeUndefined();
  });

  it.each([
    { name: '--resend without --kommune', args: ['--resend'], env: {}, message: /--resend kræver --kommune/ },
    { name: 'no SMTP_URL', args: [], env: { SMTP_URL: '' }, message: /SMTP_URL er ikke sat/ },
    { name: 'a bad --rate', args: ['--rate', 'hurtigt'], env: {}, message: /--rate »hurtigt« forstås ikke/ },
    {
      name: 'an unknown kommune',
      args: ['--kommune', 'Atlantis'],
      env: {},
      message: /Kommunen »Atlantis« findes ikke/,
    },
  ])('usage: $name → exit 2', async ({ args, env, message }) => {
    const f = fixture();
    const server = await smtp();
    const r = await send(f, server, args, env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(server.connections).toBe(0);
  });

  it('asks for confirmation; without a terminal and without --yes it refuses', async () => {
    const f = fixture();
    const server = await smtp();
    const r = await runCliAsync(f.bin, ['send', '--data', f.data, '--out', f.out], { SMTP_URL: server.url });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/Klar til at sende 6 breve til 6 adresser/);
    expect(r.stderr).toMatch(/ingen terminal.*--yes/);
    expect(server.connections).toBe(0);
  });

  it('refuses while another send holds the lock', async () => {
    const f = fixture();
    const server = await smtp();
    const { hostname } = await import('node:os');
    writeFileSync(
      join(f.dir, LOCK_FILE),
      JSON.stringify({ pid: process.pid, host: hostname(), started: new Date().toISOString() }),
    );
    const r = await send(f, server);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Der kører allerede en afsendelse/);
    expect(server.connections).toBe(0);
  });
});
