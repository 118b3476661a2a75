// Issue 12 points 3–4 with the real CLI and a real (misbehaving) SMTP server
// on loopback: the archive copy (barometer.json `arkivkopi`) reaches the
// records system exactly once per delivered letter, never visible to the
// kommune, and its failures never make a kommune's letter go twice; and
// `status --csv` lists every delivery for the records system.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import { foldJournal } from '../src/core/send/journal-fold.js';
import { addressOf, KOMMUNER, runCliAsync, type SendFixture } from './helpers/send-data.js';
import { journalOf, useSendHarness } from './helpers/send-harness.js';
import type { TestSmtp } from './helpers/smtp.js';

const ARKIV = 'arkiv@ankestyrelsen.example';
const JNR = '24-0417733';
const { fixture, smtp, send } = useSendHarness({ barometer: { arkivkopi: ARKIV, journalnummer: JNR } });
const ALL = KOMMUNER.map(([kode]) => kode);

function eachKommuneOnce(server: TestSmtp): void {
  for (const kode of ALL) expect(server.countFor(addressOf(kode)), kode).toBe(1);
}

function copiesOf(f: SendFixture, kode: string) {
  return foldJournal(journalOf(f))
    .get(kode)
    ?.deliveries.map((d) => d.arkivkopi?.state);
}

describe('archive copy (arkivkopi)', () => {
  it('sends each delivered letter to the archive once, the same bytes, without the archive in any header', async () => {
    const f = fixture();
    const server = await smtp();
    const r = await send(f, server);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Arkivkopi: hvert brev sendes også til ${ARKIV}`);
    eachKommuneOnce(server);
    const copies = server.received.filter((m) => m.to.includes(ARKIV));
    expect(copies).toHaveLength(ALL.length);
    for (const kode of ALL) {
      const letter = server.received.find((m) => m.to.includes(addressOf(kode)));
      const copy = copies.find((m) => m.raw.equals(letter?.raw ?? Buffer.alloc(0)));
      expect(copy, `copy of ${kode}`).toBeDefined();
      // The archive is only in the envelope: To is the kommune, and no Cc/Bcc names the archive.
      expect(copy?.to).toEqual([ARKIV]);
      const parsed = await simpleParser(letter?.raw ?? Buffer.alloc(0));
      expect(parsed.to && 'value' in parsed.to ? parsed.to.value.map((a) => a.address) : []).toEqual([addressOf(kode)]);
      expect(parsed.cc).toBeUndefined();
      expect(letter?.raw.toString('latin1')).not.toContain(ARKIV);
      expect(copiesOf(f, kode)).toEqual(['sent']);
    }
    const status = await runCliAsync(f.bin, ['status', '--out', f.out]);
    expect(status.stdout).toMatch(new RegExp(`arkivkopi til ${ARKIV}: sendt`));
    const json = JSON.parse((await runCliAsync(f.bin, ['status', '--out', f.out, '--json'])).stdout) as {
      letters: { deliveries: { arkivkopi?: { state: string; to: string } }[] }[];
    };
    expect(
      json.letters.every((l) => l.deliveries[0]?.arkivkopi?.state === 'sent' && l.deliveries[0].arkivkopi.to === ARKIV),
    ).toBe(true);
  });

  it('retries a temporary refusal of the copy; the kommune still gets its letter once', async () => {
    const f = fixture();
    const server = await smtp({
      rcpt: (a, nth) => (a === ARKIV && nth <= 2 ? { code: 451, text: 'Try again (archive)' } : undefined),
    });
    const r = await send(f, server);
    expect(r.code, r.stderr).toBe(0);
    eachKommuneOnce(server);
    expect(server.countFor(ARKIV)).toBe(ALL.length);
  });

  it('a rejected copy is reported, exits 1, and goes on the next run without the kommune’s letter going again', async () => {
    const f = fixture();
    let archiveDown = true;
    const server = await smtp({
      rcpt: (a) => (archiveDown && a === ARKIV ? { code: 550, text: 'Archive mailbox unknown' } : undefined),
    });
    const r = await send(f, server);
    expect(r.code).toBe(1);
    eachKommuneOnce(server);
    expect(server.countFor(ARKIV)).toBe(0);
    expect(r.stdout).toMatch(/Arkivkopier i denne kørsel: 0 sendt, 6 fejlet, 0 uafklaret/);
    expect(r.stdout).toMatch(/Arkivkopi mangler \(6\); brevene til kommunerne er ikke sendt igen:/);
    expect(r.stdout).toMatch(/Archive mailbox unknown/);
    expect(copiesOf(f, '101')).toEqual(['failed']);

    archiveDown = false;
    const again = await send(f, server);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/6 breve er allerede sendt og springes over/);
    expect(again.stdout).toMatch(/Klar til at sende 6 manglende arkivkopier/);
    eachKommuneOnce(server);
    expect(server.countFor(ARKIV)).toBe(ALL.length);
    // The copy is the very message the kommune got (same Date and Message-ID), rebuilt from the .eml.
    for (const kode of ALL) {
      const letter = server.received.find((m) => m.to.includes(addressOf(kode)));
      expect(
        server.received.some((m) => m.to.includes(ARKIV) && m.raw.equals(letter?.raw ?? Buffer.alloc(0))),
        kode,
      ).toBe(true);
    }
    const third = await send(f, server);
    expect(third.code).toBe(0);
    expect(third.stdout).toMatch(/Intet at sende/);
    expect(server.countFor(ARKIV)).toBe(ALL.length);
  });

  it('a copy lost after the data is uafklaret: never sent again by itself, confirmed with --mark-sent', async () => {
    const f = fixture();
    const server = await smtp({ data: (a, nth) => (a === ARKIV && nth === 3 ? 'drop-keep' : 'accept') });
    const r = await send(f, server);
    expect(r.code).toBe(1);
    eachKommuneOnce(server);
    const lost = ALL.find((kode) => copiesOf(f, kode)?.[0] === 'uafklaret');
    expect(lost).toBeDefined();
    expect(r.stdout).toMatch(/uafklaret: .*--mark-sent/);
    const before = server.dataCount.get(ARKIV);

    const again = await send(f, server);
    expect(again.code).toBe(1);
    expect(server.dataCount.get(ARKIV)).toBe(before);
    eachKommuneOnce(server);

    const mark = await send(f, undefined, ['--kommune', lost ?? '', '--mark-sent']);
    expect(mark.code, mark.stderr).toBe(0);
    expect(mark.stdout).toMatch(/Arkivkopien af brevet til .* er registreret som arkiveret/);
    expect(copiesOf(f, lost ?? '')).toEqual(['sent']);
    const done = await send(f, server);
    expect(done.code).toBe(0);
    expect(server.dataCount.get(ARKIV)).toBe(before);
  });

  it('a copy that can no longer be made (the letter was rendered anew) is named, and staff record filing it by hand', async () => {
    const f = fixture();
    let archiveDown = true;
    const server = await smtp({
      rcpt: (a) => (archiveDown && a === ARKIV ? { code: 550, text: 'Archive mailbox unknown' } : undefined),
    });
    expect((await send(f, server)).code).toBe(1);
    // 173's address is corrected and its letter rendered anew: the copy of what 173 got cannot be rebuilt.
    const path = join(f.data, 'kommuner.csv');
    writeFileSync(path, readFileSync(path, 'utf8').replace(addressOf('173'), 'ny@kommune173.example'));
    expect((await runCliAsync(f.bin, ['render', '--data', f.data, '--out', f.out, '--kommune', '173'])).code).toBe(0);
    archiveDown = false;
    const r = await send(f, server);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Arkivkopien af brevet til 173 .* kan ikke dannes igen/);
    expect(r.stderr).toContain('--kommune 173 --mark-sent');
    expect(server.countFor(ARKIV)).toBe(ALL.length - 1);
    eachKommuneOnce(server);
    const mark = await send(f, undefined, ['--kommune', '173', '--mark-sent']);
    expect(mark.code, mark.stderr).toBe(0);
    expect(copiesOf(f, '173')).toEqual(['sent']);
    const done = await send(f, server);
    expect(done.code, done.stderr).toBe(0);
    expect(server.countFor(ARKIV)).toBe(ALL.length - 1);
  });

  it('a resend is a new delivery: the archive gets that version too, once', async () => {
    const f = fixture();
    const server = await smtp();
    expect((await send(f, server)).code).toBe(0);
    const resend = await send(f, server, ['--kommune', '173', '--resend']);
    expect(resend.code, resend.stderr).toBe(0);
    expect(server.countFor(addressOf('173'))).toBe(2);
    expect(server.countFor(ARKIV)).toBe(ALL.length + 1);
    expect(copiesOf(f, '173')).toEqual(['sent', 'sent']);
  });

  it('a test send gets no archive copy', async () => {
    const f = fixture();
    const server = await smtp();
    const r = await send(f, server, ['--test', 'kontrol@ankestyrelsen.example', '--kommune', '173']);
    expect(r.code, r.stderr).toBe(0);
    expect(server.countFor(ARKIV)).toBe(0);
  });
});

describe('status --csv (the records list)', () => {
  it('prints one Excel-friendly line per delivery with address, time, Message-ID, file, sha256 and journalnummer', async () => {
    const f = fixture();
    const server = await smtp();
    expect((await send(f, server)).code).toBe(0);
    expect((await send(f, server, ['--kommune', '173', '--resend'])).code).toBe(0);
    const r = await runCliAsync(f.bin, ['status', '--out', f.out, '--csv']);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('\ufeff')).toBe(true);
    expect(r.stdout.endsWith('\r\n')).toBe(true);
    const lines = r.stdout.slice(1).split('\r\n').slice(0, -1);
    expect(lines[0]).toBe('kommunekode;kommune;adresse;tidspunkt;message-id;fil;sha256;journalnummer');
    expect(lines).toHaveLength(1 + ALL.length + 1);
    const rows = lines.slice(1).map((l) => l.split(';'));
    const deliveries = foldJournal(journalOf(f));
    for (const row of rows) {
      const [kode, navn, address, time, messageId, file, sha, jnr] = row;
      expect(row).toHaveLength(8);
      expect(navn).toMatch(/Kommune$/);
      expect(address).toBe(addressOf(kode ?? ''));
      expect(time).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      expect(file).toMatch(new RegExp(`^${kode}-[a-z0-9-]+\\.eml$`));
      expect(sha).toMatch(/^[0-9a-f]{64}$/);
      expect(jnr).toBe(JNR);
      expect(deliveries.get(kode ?? '')?.deliveries.some((d) => d.messageId === messageId && d.sha256 === sha)).toBe(
        true,
      );
    }
    // Oldest first: the resend of 173 is the last line.
    expect(rows.at(-1)?.[0]).toBe('173');
    expect(rows.filter((row) => row[0] === '173')).toHaveLength(2);
    const both = await runCliAsync(f.bin, ['status', '--out', f.out, '--csv', '--json']);
    expect(both.code).toBe(2);
  });
});
