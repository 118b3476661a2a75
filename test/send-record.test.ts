// The pure pieces behind "the record is the truth": Date and Message-ID set at
// send time without touching anything else, the journal folded into
// deliveries (with the address each really went to), test sends and archive
// copies apart, newer versions spotted, and status rows built from all that.
import { describe, expect, it } from 'vitest';
import { composeEml } from '../src/adapters/letters/compose-email.js';
import type { ManifestLetter } from '../src/core/letters/manifest.js';
import {
  attemptMessageId,
  contentSha256,
  parseEmlHeaders,
  rfc5322Date,
  stampHeaders,
  withoutStampedFields,
} from '../src/core/send/eml-headers.js';
import { foldRecord } from '../src/core/send/journal-fold.js';
import { journalEntrySchema, type JournalEntry } from '../src/core/send/journal.js';
import { versionChange } from '../src/core/send/send-plan.js';
import { parseSendTunables } from '../src/core/send/send-settings.js';
import { recordsCsv } from '../src/core/send/records-csv.js';
import { statusRows } from '../src/core/send/status-report.js';
import { isEmailAddress, testLetterModel } from '../src/core/send/test-send.js';
import type { LetterModel } from '../src/core/types.js';
import { exampleLetterModels, exampleManifest } from './helpers/manifest.js';

const at = (s: number): string => new Date(Date.UTC(2026, 10, 25, 22, 0, s)).toISOString();
const SHA = (c: string): string => c.repeat(64);

function intent(kode: string, s: number, extra: Record<string, unknown> = {}): JournalEntry {
  return journalEntrySchema.parse({
    v: 1,
    at: at(s),
    run: 'r1',
    type: 'intent',
    kommunekode: kode,
    kind: 'brev',
    attempt: 1,
    recipient: `${kode}@old.example`,
    messageId: `m${kode}.${s}@x`,
    emlFile: `${kode}.eml`,
    emlSha256: SHA('a'),
    sha256: SHA('b'),
    contentSha256: SHA('c'),
    date: 'Wed, 25 Nov 2026 22:00:00 +0000',
    resend: false,
    ...extra,
  });
}
function outcome(
  kode: string,
  s: number,
  type: 'sent' | 'failed' | 'uafklaret',
  extra: Record<string, unknown> = {},
): JournalEntry {
  const base = {
    v: 1,
    at: at(s),
    run: 'r1',
    type,
    kommunekode: kode,
    kind: 'brev',
    attempt: 1,
    response: type === 'sent' ? '250 Ok' : '550 nej',
    ...extra,
  };
  return journalEntrySchema.parse(
    type === 'sent'
      ? { messageId: `m${kode}.${s - 1}@x`, ...base }
      : type === 'failed'
        ? { temporary: false, ...base }
        : base,
  );
}

function exampleModel(): LetterModel {
  const [model] = exampleLetterModels();
  if (!model) throw new Error('the example has no letters');
  return model;
}

/** A real email as render composes it (nodemailer's MailComposer), with a stand-in PDF. */
function realEml(): Promise<Buffer> {
  return composeEml(exampleModel(), Buffer.from('%PDF-1.4 test'));
}

describe('Date and Message-ID at send time', () => {
  it('replaces exactly those two fields and keeps every other byte', async () => {
    const eml = await realEml();
    const stamped = stampHeaders(eml, {
      date: 'Wed, 25 Nov 2026 22:30:05 +0000',
      messageId: 'ny.1@ankestyrelsen.example',
    });
    const h = parseEmlHeaders(stamped);
    expect(h.get('date')).toEqual(['Wed, 25 Nov 2026 22:30:05 +0000']);
    expect(h.get('message-id')).toEqual(['<ny.1@ankestyrelsen.example>']);
    expect(withoutStampedFields(stamped).equals(withoutStampedFields(eml))).toBe(true);
    expect(contentSha256(stamped)).toBe(contentSha256(eml));
    // The same fields in the same order: the two were replaced in place.
    const names = (b: Buffer): string[] =>
      [
        ...b
          .toString('latin1')
          .split('\r\n\r\n')[0]!
          .matchAll(/^([A-Za-z-]+):/gm),
      ].map((m) => m[1]!);
    expect(names(stamped)).toEqual(names(eml));
  });

  it('notices any other change (the proof that what was previewed is what is sent)', async () => {
    const eml = await realEml();
    const tampered = Buffer.from(eml.toString('latin1').replace('Subject:', 'Subject: X'), 'latin1');
    expect(contentSha256(tampered)).not.toBe(contentSha256(eml));
  });

  it('writes RFC 5322 dates in UTC and one Message-ID per attempt that still names the letter', () => {
    expect(rfc5322Date(new Date(Date.UTC(2026, 10, 25, 22, 30, 5)))).toBe('Wed, 25 Nov 2026 22:30:05 +0000');
    expect(rfc5322Date(new Date(Date.UTC(2024, 4, 8, 8, 0, 0)))).toBe('Wed, 08 May 2024 08:00:00 +0000');
    expect(attemptMessageId('kommunebrev.2023-ledsagelse.173.ab12@ankestyrelsen.example', 'r1.2')).toBe(
      'kommunebrev.2023-ledsagelse.173.ab12.r1.2@ankestyrelsen.example',
    );
  });
});

describe('folding the journal into deliveries', () => {
  it('records each delivery with the address of its own intent, oldest first', () => {
    const r = foldRecord([
      intent('173', 1),
      outcome('173', 2, 'sent'),
      intent('173', 3, { run: 'r2', recipient: '173@new.example', resend: true, messageId: 'm173.3@x' }),
      outcome('173', 4, 'sent', { run: 'r2', messageId: 'm173.3@x' }),
    ]);
    const s = r.status.get('173');
    expect(s?.state).toBe('sent');
    expect(s?.deliveries.map((d) => [d.to, d.messageId, d.resend])).toEqual([
      ['173@old.example', 'm173.1@x', false],
      ['173@new.example', 'm173.3@x', true],
    ]);
    expect(s?.deliveries[0]).toMatchObject({
      at: at(2),
      sha256: SHA('b'),
      contentSha256: SHA('c'),
      date: 'Wed, 25 Nov 2026 22:00:00 +0000',
    });
  });

  it('a failed attempt is no delivery; a confirmed uafklaret one is', () => {
    const failed = foldRecord([intent('101', 1), outcome('101', 2, 'failed')]);
    expect(failed.status.get('101')).toMatchObject({ state: 'failed', to: '101@old.example', deliveries: [] });
    const marked = foldRecord([
      intent('101', 1),
      outcome('101', 2, 'uafklaret'),
      journalEntrySchema.parse({
        v: 1,
        at: at(9),
        run: 'r3',
        type: 'marked-sent',
        kommunekode: '101',
        messageId: 'm101.1@x',
      }),
    ]);
    expect(marked.status.get('101')?.deliveries).toMatchObject([
      { to: '101@old.example', messageId: 'm101.1@x', confirmedManually: true, at: at(1) },
    ]);
  });

  it('keeps test sends apart: they never change the letter’s state', () => {
    const r = foldRecord([
      intent('147', 1, { kind: 'test', recipient: 'me@test.example' }),
      outcome('147', 2, 'sent', { kind: 'test' }),
    ]);
    expect(r.status.has('147')).toBe(false);
    expect(r.tests.get('147')).toMatchObject([{ to: 'me@test.example', state: 'sent' }]);
  });

  it('attaches the archive copy to the delivery it copies (same Message-ID)', () => {
    const r = foldRecord([
      intent('173', 1),
      outcome('173', 2, 'sent'),
      intent('173', 3, { kind: 'arkivkopi', recipient: 'arkiv@ast.example', messageId: 'm173.1@x' }),
      outcome('173', 4, 'failed', { kind: 'arkivkopi', response: '451 later' }),
    ]);
    const s = r.status.get('173');
    expect(s?.state).toBe('sent');
    expect(s?.deliveries).toHaveLength(1);
    expect(s?.deliveries[0]?.arkivkopi).toMatchObject({
      state: 'failed',
      to: 'arkiv@ast.example',
      response: '451 later',
    });
  });

  it('reads journals written before these fields existed (no kind, no sha256 of the bytes sent)', () => {
    const old = journalEntrySchema.parse({
      v: 1,
      at: at(1),
      run: 'r0',
      type: 'intent',
      kommunekode: '101',
      attempt: 1,
      recipient: 'a@b.example',
      messageId: 'm@x',
      emlFile: 'x.eml',
      emlSha256: SHA('e'),
      resend: false,
    });
    const r = foldRecord([
      old,
      journalEntrySchema.parse({
        v: 1,
        at: at(2),
        run: 'r0',
        type: 'sent',
        kommunekode: '101',
        attempt: 1,
        messageId: 'm@x',
        response: '250 ok',
      }),
    ]);
    expect(r.status.get('101')?.deliveries[0]).toMatchObject({ to: 'a@b.example', sha256: SHA('e') });
  });
});

describe('newer versions and status rows', () => {
  const manifest = exampleManifest();
  const letter = manifest.letters[0] as ManifestLetter;
  const delivery = {
    at: at(2),
    to: letter.recipient,
    messageId: 'm',
    sha256: SHA('b'),
    emlFile: letter.eml.file,
    emlSha256: letter.eml.sha256,
    resend: false,
    response: '250',
    confirmedManually: false,
    ...(letter.eml.contentSha256 ? { contentSha256: letter.eml.contentSha256 } : {}),
  };

  it('spots a changed address or content, and nothing when it is the same letter', () => {
    expect(versionChange(letter, delivery)).toBeUndefined();
    expect(versionChange(letter, { ...delivery, to: 'old@x.example' })).toMatchObject({ address: true });
    expect(versionChange(letter, { ...delivery, contentSha256: SHA('9') })).toMatchObject({
      address: false,
      content: true,
    });
  });

  it('gives every letter its deliveries (the five keys) and names the command for a newer version', () => {
    const status = new Map([
      [
        letter.kommunekode,
        {
          kommunekode: letter.kommunekode,
          state: 'sent' as const,
          at: at(2),
          resends: 0,
          deliveries: [{ ...delivery, to: 'old@x.example' }],
        },
      ],
    ]);
    const rows = statusRows(manifest, status, new Map(), { data: 'data/x', out: 'out' });
    const row = rows.find((r) => r.kommunekode === letter.kommunekode);
    expect(row?.deliveries).toEqual([
      { at: at(2), to: 'old@x.example', messageId: 'm', sha256: SHA('b'), resend: false },
    ]);
    expect(row?.newerVersion?.text).toContain(
      `kommunebrev send --data data/x --out out --kommune ${letter.kommunekode} --resend`,
    );
    for (const r of rows.filter((x) => x.kommunekode !== letter.kommunekode)) expect(r.deliveries).toEqual([]);
  });
});

describe('test send and settings', () => {
  it('marks the test email in subject and first line, addressed to the test address only', () => {
    const model = exampleModel();
    const t = testLetterModel(model, 'me@test.example', { isoDate: at(1), messageId: 'x@y' });
    expect(t.email.subject).toBe(`[TEST] ${model.email.subject}`);
    expect(t.email.text.split('\n')[0]).toBe(
      `TEST: Denne e-mail er en test af brevet til ${model.kommune.navn}. Den er kun sendt til me@test.example og er ikke sendt til kommunen (${model.kommune.email}).`,
    );
    expect(t.email.to).toEqual({ name: 'Test', address: 'me@test.example' });
    expect(t.email.html).toContain('<strong>TEST: Denne e-mail er en test');
    expect(isEmailAddress('me@test.example')).toBe(true);
    expect(isEmailAddress('me')).toBe(false);
  });

  it('reads the tunables from the environment and refuses nonsense', () => {
    expect(parseSendTunables({})).toMatchObject({ ok: true, tunables: { retry: { maxAttempts: 4, baseMs: 2000 } } });
    expect(parseSendTunables({ KOMMUNEBREV_RETRY_ATTEMPTS: '2', KOMMUNEBREV_SMTP_TIMEOUT_MS: '500' })).toMatchObject({
      ok: true,
      tunables: { retry: { maxAttempts: 2 }, socketTimeoutMs: 500 },
    });
    expect(parseSendTunables({ KOMMUNEBREV_RETRY_BASE_MS: 'x' })).toEqual({
      ok: false,
      message: 'KOMMUNEBREV_RETRY_BASE_MS skal være et tal (mindst 0), ikke »x«.',
    });
  });
});

describe('the records list (status --csv)', () => {
  it('is UTF-8 with BOM, ";" separated, CRLF, quoted where needed, with the run’s journalnummer', () => {
    const manifest = exampleManifest();
    const [l] = manifest.letters;
    if (!l) throw new Error('no letter');
    const run = journalEntrySchema.parse({
      v: 1,
      at: at(0),
      run: 'r1',
      type: 'run',
      pid: 1,
      server: 's',
      barometer: 'b',
      plan: [l.kommunekode],
      journalnummer: '24-0417733',
    });
    const entries = [run, intent(l.kommunekode, 1, { recipient: '=cmd@x.example' }), outcome(l.kommunekode, 2, 'sent')];
    const csv = recordsCsv(
      { ...manifest, letters: [{ ...l, navn: 'Navn; med "semikolon"' }] },
      foldRecord(entries).status,
    );
    expect(csv.startsWith('\ufeffkommunekode;kommune;adresse;tidspunkt;message-id;fil;sha256;journalnummer\r\n')).toBe(
      true,
    );
    const [, line] = csv.slice(1).split('\r\n');
    // A field Excel would run as a formula gets an apostrophe; ";" and quotes are quoted (RFC 4180).
    expect(line).toBe(
      `${l.kommunekode};"Navn; med ""semikolon""";'=cmd@x.example;2026-11-25 23:00:02;m${l.kommunekode}.1@x;${l.kommunekode}.eml;${SHA('b')};24-0417733`,
    );
    expect(csv.endsWith('\r\n')).toBe(true);
  });
});
