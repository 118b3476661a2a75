// Table-driven tests for the pure core of `send`: journal parsing and folding,
// planning, SMTP error classification, backoff and rate, SMTP settings and
// the TLS/example rules' building blocks, the .eml header check, the render check.
import { describe, expect, it } from 'vitest';
import { parseJournal, serializeEntry, type JournalEntry } from '../src/core/send/journal.js';
import { foldJournal, UAFKLARET_AFTER_INTENT } from '../src/core/send/journal-fold.js';
import { parseRate, rateDelayMs, retryDelayMs } from '../src/core/send/pacing.js';
import { planSend } from '../src/core/send/send-plan.js';
import {
  classifySessionError,
  classifySmtpError,
  type DataProgress,
  type SmtpErrorClass,
  type SmtpErrorInfo,
} from '../src/core/send/smtp-errors.js';
import { checkEml } from '../src/core/send/eml-headers.js';
import { checkRender, type RenderCheck } from '../src/core/send/send-check.js';
import { formatProblem } from '../src/core/problems.js';
import { isLoopbackAddress, parseSmtpSettings, redactSecrets } from '../src/core/send/smtp-settings.js';
import type { SendStatusMap } from '../src/core/send/send-status.js';
import type { ManifestLetter } from '../src/core/letters/manifest.js';
import { exampleCurrent, exampleManifest } from './helpers/manifest.js';

const RUN = 'r1';
const at = (s: number): string => new Date(Date.UTC(2024, 4, 8, 8, 0, s)).toISOString();
const intent = (kode: string, s: number, extra: Partial<JournalEntry> = {}): JournalEntry =>
  ({
    v: 1,
    at: at(s),
    run: RUN,
    type: 'intent',
    kommunekode: kode,
    attempt: 1,
    recipient: `${kode}@x.example`,
    messageId: `m${kode}@x`,
    emlFile: `${kode}.eml`,
    emlSha256: 'a'.repeat(64),
    resend: false,
    ...extra,
  }) as JournalEntry;
const sent = (kode: string, s: number): JournalEntry => ({
  v: 1,
  at: at(s),
  run: RUN,
  type: 'sent',
  kommunekode: kode,
  attempt: 1,
  messageId: `m${kode}@x`,
  response: '250 2.0.0 Ok: queued as ABC',
});
const failed = (kode: string, s: number, temporary: boolean, code?: number): JournalEntry => ({
  v: 1,
  at: at(s),
  run: RUN,
  type: 'failed',
  kommunekode: kode,
  attempt: 1,
  temporary,
  response: `${code ?? ''} nej`,
  ...(code ? { code } : {}),
});
const uafklaret = (kode: string, s: number): JournalEntry => ({
  v: 1,
  at: at(s),
  run: RUN,
  type: 'uafklaret',
  kommunekode: kode,
  attempt: 1,
  response: 'afbrudt efter data',
});

describe('parseJournal', () => {
  const a = serializeEntry(intent('101', 1));
  const b = serializeEntry(sent('101', 2));
  it.each([
    { name: 'empty file', text: '', entries: 0, torn: false, missingNewline: false, damaged: 0 },
    { name: 'whole lines', text: a + b, entries: 2, torn: false, missingNewline: false, damaged: 0 },
    {
      name: 'torn last line (power loss mid-write)',
      text: a + b.slice(0, 30),
      entries: 1,
      torn: true,
      missingNewline: false,
      damaged: 0,
    },
    {
      name: 'complete last line without its newline',
      text: a + b.trimEnd(),
      entries: 2,
      torn: false,
      missingNewline: true,
      damaged: 0,
    },
    {
      name: 'blank lines are ignored',
      text: `${a}\n\n${b}`,
      entries: 2,
      torn: false,
      missingNewline: false,
      damaged: 0,
    },
    {
      name: 'a bad line in the middle is damage, not a torn line',
      text: `${a}{"type":"sent"\n${b}`,
      entries: 2,
      torn: false,
      missingNewline: false,
      damaged: 1,
    },
    {
      name: 'an unknown type is damage',
      text: `${a}{"type":"hacked","at":"x","run":"y"}\n${b}`,
      entries: 2,
      torn: false,
      missingNewline: false,
      damaged: 1,
    },
  ])('$name', ({ text, entries, torn, missingNewline, damaged }) => {
    const p = parseJournal(Buffer.from(text));
    expect(p.entries).toHaveLength(entries);
    expect(p.torn !== undefined).toBe(torn);
    expect(p.missingNewline).toBe(missingNewline);
    expect(p.damaged).toHaveLength(damaged);
  });

  it('gives the byte offset of a torn line (for truncation), also after multi-byte characters', () => {
    const first = serializeEntry({ ...failed('825', 1, false), response: 'Læsø: æøå' } as JournalEntry);
    const p = parseJournal(Buffer.from(`${first}{"v":1,"at":"2024`));
    expect(p.torn?.offset).toBe(Buffer.byteLength(first));
    expect(p.entries).toHaveLength(1);
  });
});

describe('foldJournal', () => {
  type Case = {
    name: string;
    entries: JournalEntry[];
    kode: string;
    state: string | undefined;
    resends?: number;
    code?: number;
  };
  const cases: Case[] = [
    { name: 'nothing', entries: [], kode: '101', state: undefined },
    { name: 'intent then sent', entries: [intent('101', 1), sent('101', 2)], kode: '101', state: 'sent', code: 250 },
    {
      name: 'intent without outcome (killed in between) is uafklaret',
      entries: [intent('101', 1)],
      kode: '101',
      state: 'uafklaret',
    },
    { name: 'explicit uafklaret', entries: [intent('101', 1), uafklaret('101', 2)], kode: '101', state: 'uafklaret' },
    {
      name: 'permanent failure',
      entries: [intent('101', 1), failed('101', 2, false, 550)],
      kode: '101',
      state: 'failed',
      code: 550,
    },
    {
      name: 'temporary failure, then retried and sent',
      entries: [intent('101', 1), failed('101', 2, true, 451), intent('101', 3, { attempt: 2 }), sent('101', 4)],
      kode: '101',
      state: 'sent',
    },
    {
      name: 'temporary failure, retry killed before outcome',
      entries: [intent('101', 1), failed('101', 2, true, 451), intent('101', 3, { attempt: 2 })],
      kode: '101',
      state: 'uafklaret',
    },
    {
      name: 'other kommuner do not interfere',
      entries: [intent('101', 1), sent('101', 2), intent('147', 3)],
      kode: '101',
      state: 'sent',
    },
    {
      name: 'resend counted once per run',
      entries: [
        intent('101', 1),
        sent('101', 2),
        intent('101', 3, { resend: true, run: 'r2' }),
        failed('101', 4, true),
        intent('101', 5, { resend: true, run: 'r2', attempt: 2 }),
        sent('101', 6),
      ],
      kode: '101',
      state: 'sent',
      resends: 1,
    },
    {
      name: 'marked as received after uafklaret',
      entries: [
        intent('101', 1),
        { v: 1, at: at(5), run: 'r3', type: 'marked-sent', kommunekode: '101', messageId: 'm101@x' },
      ],
      kode: '101',
      state: 'sent',
    },
    {
      name: 'run lines are ignored',
      entries: [
        { v: 1, at: at(0), run: RUN, type: 'run', pid: 1, server: 's', barometer: 'b', plan: ['101'] },
        intent('101', 1),
        sent('101', 2),
      ],
      kode: '101',
      state: 'sent',
    },
  ];
  it.each(cases)('$name', ({ entries, kode, state, resends, code }) => {
    const s = foldJournal(entries).get(kode);
    expect(s?.state).toBe(state);
    if (resends !== undefined) expect(s?.resends).toBe(resends);
    if (code !== undefined) expect(s?.code).toBe(code);
  });

  it('keeps time, Message-ID and the server reply of a sent letter', () => {
    const s = foldJournal([intent('101', 1), sent('101', 2)]).get('101');
    expect(s).toMatchObject({
      kommunekode: '101',
      state: 'sent',
      at: at(2),
      messageId: 'm101@x',
      to: '101@x.example',
      response: '250 2.0.0 Ok: queued as ABC',
      code: 250,
      resends: 0,
    });
    expect(s?.deliveries).toEqual([
      {
        at: at(2),
        to: '101@x.example',
        messageId: 'm101@x',
        sha256: 'a'.repeat(64),
        emlFile: '101.eml',
        emlSha256: 'a'.repeat(64),
        resend: false,
        response: '250 2.0.0 Ok: queued as ABC',
        confirmedManually: false,
      },
    ]);
  });

  it('explains an intent without outcome', () => {
    expect(foldJournal([intent('101', 1)]).get('101')?.response).toBe(UAFKLARET_AFTER_INTENT);
  });
});

function letters3(): ManifestLetter[] {
  const [template] = exampleManifest().letters;
  if (!template) throw new Error('example manifest has no letters');
  return ['101', '147', '173'].map((kode) => ({
    ...template,
    kommunekode: kode,
    recipient: `${kode}@kommune.example`,
  }));
}

describe('planSend', () => {
  const letters = letters3();
  const [l1, l2, l3] = letters;
  if (!l1 || !l2 || !l3) throw new Error('need three letters');
  const status: SendStatusMap = new Map([
    [l1.kommunekode, { kommunekode: l1.kommunekode, state: 'sent', at: at(1), resends: 0, deliveries: [] }],
    [l2.kommunekode, { kommunekode: l2.kommunekode, state: 'uafklaret', at: at(2), resends: 0, deliveries: [] }],
  ]);
  const codes = (ls: readonly { kommunekode: string }[]): string[] => ls.map((l) => l.kommunekode);

  it.each([
    {
      name: 'fresh start sends all',
      status: new Map(),
      opts: { resend: false },
      toSend: [l1, l2, l3],
      sentSkipped: [],
      held: [],
    },
    {
      name: 'resume skips sent and holds back uafklaret',
      status,
      opts: { resend: false },
      toSend: [l3],
      sentSkipped: [l1],
      held: [l2],
    },
    {
      name: 'one kommune, already sent: skipped',
      status,
      opts: { resend: false, kommunekode: l1.kommunekode },
      toSend: [],
      sentSkipped: [l1],
      held: [],
    },
    {
      name: 'one kommune, uafklaret: held back',
      status,
      opts: { resend: false, kommunekode: l2.kommunekode },
      toSend: [],
      sentSkipped: [],
      held: [l2],
    },
    {
      name: 'resend of a sent kommune',
      status,
      opts: { resend: true, kommunekode: l1.kommunekode },
      toSend: [l1],
      sentSkipped: [],
      held: [],
    },
    {
      name: 'resend of an uafklaret kommune',
      status,
      opts: { resend: true, kommunekode: l2.kommunekode },
      toSend: [l2],
      sentSkipped: [],
      held: [],
    },
  ])('$name', ({ status: st, opts, toSend, sentSkipped, held }) => {
    const plan = planSend(letters, st as SendStatusMap, opts);
    expect(codes(plan.toSend.map((p) => p.letter))).toEqual(codes(toSend));
    expect(codes(plan.alreadySent)).toEqual(codes(sentSkipped));
    expect(codes(plan.uafklaret)).toEqual(codes(held));
  });

  it('marks a resend only when the kommune may have the letter already', () => {
    expect(planSend(letters, status, { resend: true, kommunekode: l1.kommunekode }).toSend[0]?.resend).toBe(true);
    expect(planSend(letters, status, { resend: true, kommunekode: l3.kommunekode }).toSend[0]?.resend).toBe(false);
    expect(planSend(letters, status, { resend: false }).toSend.every((p) => !p.resend)).toBe(true);
  });

  it('refuses resend without a kommune', () => {
    expect(() => planSend(letters, status, { resend: true })).toThrow();
  });
});

describe('classifySmtpError', () => {
  const none: DataProgress = { dataStarted: false, dataComplete: false };
  const midData: DataProgress = { dataStarted: true, dataComplete: false };
  const afterData: DataProgress = { dataStarted: true, dataComplete: true };
  const cases: { name: string; err: SmtpErrorInfo; progress: DataProgress; want: SmtpErrorClass }[] = [
    {
      name: '451 at RCPT (greylisting)',
      err: { code: 'EENVELOPE', responseCode: 451, command: 'RCPT TO', message: 'x' },
      progress: none,
      want: 'temporary',
    },
    {
      name: '421 at MAIL FROM',
      err: { code: 'EENVELOPE', responseCode: 421, command: 'MAIL FROM', message: 'x' },
      progress: none,
      want: 'temporary',
    },
    {
      name: '550 at RCPT',
      err: { code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO', message: 'x' },
      progress: none,
      want: 'permanent',
    },
    {
      name: '554 after the data',
      err: { code: 'EMESSAGE', responseCode: 554, command: 'DATA', message: 'x' },
      progress: afterData,
      want: 'permanent',
    },
    {
      name: '451 after the data: the server said no',
      err: { code: 'EMESSAGE', responseCode: 451, command: 'DATA', message: 'x' },
      progress: afterData,
      want: 'temporary',
    },
    {
      name: '421 after the data (closing): not accepted',
      err: { code: 'EMESSAGE', responseCode: 421, command: 'DATA', message: 'x' },
      progress: afterData,
      want: 'temporary',
    },
    {
      name: '503 bad sequence is not permanent',
      err: { code: 'EENVELOPE', responseCode: 503, command: 'DATA', message: 'x' },
      progress: none,
      want: 'temporary',
    },
    {
      name: 'connection lost before DATA',
      err: { code: 'ECONNECTION', command: 'CONN', message: 'Connection closed unexpectedly' },
      progress: none,
      want: 'temporary',
    },
    {
      name: 'timeout before DATA',
      err: { code: 'ETIMEDOUT', command: 'CONN', message: 'Timeout' },
      progress: none,
      want: 'temporary',
    },
    {
      name: 'socket error mid-data: the final dot was never sent',
      err: { code: 'ESOCKET', command: 'CONN', message: 'EPIPE' },
      progress: midData,
      want: 'temporary',
    },
    {
      name: 'connection lost after the whole message (command is still CONN)',
      err: { code: 'ECONNECTION', command: 'CONN', message: 'Connection closed unexpectedly' },
      progress: afterData,
      want: 'uafklaret',
    },
    {
      name: 'timeout waiting for the reply to the data',
      err: { code: 'ETIMEDOUT', command: 'CONN', message: 'Timeout' },
      progress: afterData,
      want: 'uafklaret',
    },
    {
      name: 'garbage reply to the data',
      err: { code: 'EMESSAGE', command: 'DATA', message: 'Message failed: hello' },
      progress: afterData,
      want: 'uafklaret',
    },
    {
      name: 'nodemailer refuses an invalid address locally',
      err: { code: 'EENVELOPE', command: 'API', message: 'Invalid recipient' },
      progress: none,
      want: 'permanent',
    },
    {
      name: 'message too large for the server (local check)',
      err: { code: 'EMESSAGE', command: 'MAIL FROM', message: 'Message size larger than allowed 100' },
      progress: none,
      want: 'permanent',
    },
  ];
  it.each(cases)('$name → $want', ({ err, progress, want }) => {
    expect(classifySmtpError(err, progress)).toBe(want);
  });
});

describe('classifySessionError', () => {
  it.each([
    { err: { code: 'EAUTH', responseCode: 535, message: 'Invalid login' }, want: 'fatal' },
    { err: { code: 'ETLS', message: 'STARTTLS failed' }, want: 'fatal' },
    { err: { code: 'ECONNECTION', responseCode: 554, message: 'no service' }, want: 'fatal' },
    { err: { code: 'ECONNECTION', responseCode: 421, message: 'busy' }, want: 'temporary' },
    { err: { code: 'ESOCKET', message: 'ECONNREFUSED' }, want: 'temporary' },
    { err: { code: 'ETIMEDOUT', message: 'Greeting never received' }, want: 'temporary' },
  ] as { err: SmtpErrorInfo; want: string }[])('$err.code $err.responseCode → $want', ({ err, want }) => {
    expect(classifySessionError(err)).toBe(want);
  });
});

describe('backoff and rate', () => {
  const policy = { maxAttempts: 5, baseMs: 100, maxMs: 350 };
  it.each([
    [2, 100],
    [3, 200],
    [4, 350],
    [5, 350],
  ])('attempt %i waits %i ms', (attempt, ms) => {
    expect(retryDelayMs(attempt, policy)).toBe(ms);
  });

  it.each([
    ['5/s', { count: 5, perMs: 1000 }],
    ['60/min', { count: 60, perMs: 60_000 }],
    ['0.5/s', { count: 0.5, perMs: 1000 }],
    ['2,5/s', { count: 2.5, perMs: 1000 }],
    [' 10 / sek ', { count: 10, perMs: 1000 }],
    ['0/s', undefined],
    ['fast', undefined],
    ['5', undefined],
    ['5/h', undefined],
  ])('parseRate(%j)', (text, want) => {
    const r = parseRate(text);
    if (want === undefined) expect(r).toBeUndefined();
    else expect(r).toMatchObject(want);
  });

  it('spaces message starts by the rate', () => {
    const rate = parseRate('5/s');
    expect(rateDelayMs(undefined, 1000, rate)).toBe(0);
    expect(rateDelayMs(1000, 1050, rate)).toBe(150);
    expect(rateDelayMs(1000, 1300, rate)).toBe(0);
    expect(rateDelayMs(1000, 1050, undefined)).toBe(0);
  });
});

describe('SMTP settings', () => {
  it.each([
    // Names never count, not even localhost (RFC 6761 §6.3): the resolved address decides.
    ['localhost', false],
    ['LOCALHOST', false],
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['::1', true],
    ['[::1]', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
    ['10.0.0.1', false],
    ['smtp.example.dk', false],
    ['localhost.example.dk', false],
    ['128.0.0.1', false],
  ])('isLoopbackAddress(%j) = %s', (host, want) => {
    expect(isLoopbackAddress(host)).toBe(want);
  });

  it.each([
    { url: 'smtp://smtp.example.dk:587', host: 'smtp.example.dk', port: 587, tls: 'starttls', loopback: false },
    { url: 'smtps://smtp.example.dk', host: 'smtp.example.dk', port: 465, tls: 'implicit', loopback: false },
    { url: 'smtp://smtp.example.dk', host: 'smtp.example.dk', port: 587, tls: 'starttls', loopback: false },
    { url: 'smtp://127.0.0.1:2525', host: '127.0.0.1', port: 2525, tls: 'none-loopback', loopback: true },
    { url: 'smtp://[::1]:2525', host: '::1', port: 2525, tls: 'none-loopback', loopback: true },
    // Undecided until resolved: a name is not this machine by its name.
    { url: 'smtps://localhost:4650', host: 'localhost', port: 4650, tls: 'implicit', loopback: false },
    { url: 'smtp://localhost:2525', host: 'localhost', port: 2525, tls: 'starttls', loopback: false },
  ])('$url', ({ url, ...want }) => {
    const r = parseSmtpSettings({ SMTP_URL: url });
    expect(r.ok && r.settings).toMatchObject(want);
  });

  it.each([
    [{}, /SMTP_URL er ikke sat/],
    [{ SMTP_URL: 'http://smtp.example.dk' }, /smtp:\/\/ eller smtps:\/\//],
    [{ SMTP_URL: 'smtp.example.dk:587' }, /smtp:\/\/ eller smtps:\/\//],
    [{ SMTP_URL: 'smtp://smtp.example.dk:587/?tls=off' }, /ikke sti eller parametre/],
    [{ SMTP_URL: 'smtp://smtp.example.dk:587', SMTP_USER: 'u' }, /både SMTP_USER og SMTP_PASS/],
  ])('refuses %j', (env, message) => {
    const r = parseSmtpSettings(env);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });

  it('takes credentials from the URL but never shows them', () => {
    const r = parseSmtpSettings({ SMTP_URL: 'smtp://ankebruger:hemmeligt%21@smtp.example.dk:587' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.settings.auth).toEqual({ user: 'ankebruger', pass: 'hemmeligt!' });
    expect(r.settings.display).toBe('smtp.example.dk:587 (STARTTLS påkrævet)');
    expect(JSON.stringify({ ...r.settings, auth: undefined })).not.toMatch(/hemmeligt|ankebruger/);
  });

  it('SMTP_USER/SMTP_PASS win over the URL, and an invalid URL is not echoed with its password', () => {
    const r = parseSmtpSettings({ SMTP_URL: 'smtp://a:b@smtp.example.dk', SMTP_USER: 'u', SMTP_PASS: 'p' });
    expect(r.ok && r.settings.auth).toEqual({ user: 'u', pass: 'p' });
    const bad = parseSmtpSettings({ SMTP_URL: 'smtp://bruger:hemmeligt@[bad' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.message).not.toContain('hemmeligt');
  });

  it('redacts passwords, user names and their base64 forms', () => {
    const auth = { user: 'ankebruger', pass: 'Sup3rHemmeligt' };
    const plain = Buffer.from('\u0000ankebruger\u0000Sup3rHemmeligt').toString('base64');
    const text = `535 bad AUTH PLAIN ${plain} for ankebruger/Sup3rHemmeligt (${Buffer.from('Sup3rHemmeligt').toString('base64')}) smtp://ankebruger:Sup3rHemmeligt@host`;
    const out = redactSecrets(text, auth);
    expect(out).not.toMatch(/ankebruger|Sup3rHemmeligt/);
    expect(out).not.toContain(plain.replace(/=+$/, ''));
    expect(out).not.toContain(Buffer.from('Sup3rHemmeligt').toString('base64').replace(/=+$/, ''));
  });
});

describe('checkEml', () => {
  const eml = (headers: string): Buffer =>
    Buffer.from(`${headers}\r\nSubject: Brev\r\n\r\nTo: not-a-header@evil.example\r\n`);
  const expected = { recipient: 'post@kommune.example', messageId: 'id1@ast.example' };
  it.each([
    {
      name: 'the rendered shape',
      headers:
        'From: A <a@ast.example>\r\nTo: =?UTF-8?Q?K=C3=B8ge?= <post@kommune.example>\r\nMessage-ID: <id1@ast.example>',
      ok: true,
    },
    {
      name: 'folded To header',
      headers: 'To: Kommune\r\n <post@kommune.example>\r\nMessage-ID: <id1@ast.example>',
      ok: true,
    },
    { name: 'another recipient', headers: 'To: <other@kommune.example>\r\nMessage-ID: <id1@ast.example>', ok: false },
    {
      name: 'an extra recipient',
      headers: 'To: <post@kommune.example>, <spy@evil.example>\r\nMessage-ID: <id1@ast.example>',
      ok: false,
    },
    {
      name: 'a Bcc header',
      headers: 'To: <post@kommune.example>\r\nBcc: <spy@evil.example>\r\nMessage-ID: <id1@ast.example>',
      ok: false,
    },
    { name: 'another Message-ID', headers: 'To: <post@kommune.example>\r\nMessage-ID: <id2@ast.example>', ok: false },
  ])('$name', ({ headers, ok }) => {
    expect(checkEml(eml(headers), expected).ok).toBe(ok);
  });
});

describe('render check', () => {
  function setup() {
    const manifest = exampleManifest();
    const [letter] = manifest.letters;
    if (!letter) throw new Error('no letter');
    const files = { pdfSha256: letter.pdf.sha256, emlSha256: letter.eml.sha256 };
    const base = { manifest, barometerId: manifest.barometer.id, current: exampleCurrent(), requireAll: false };
    return { manifest, letter, files, base };
  }
  const messages = (r: RenderCheck): string => [...r.refused.values()].flat().map(formatProblem).join('\n');

  it('passes a letter whose inputs and files match', () => {
    const { letter, files, base } = setup();
    const r = checkRender({ ...base, letters: [{ letter, files }] });
    expect(r.global).toEqual([]);
    expect(r.refused.size).toBe(0);
  });

  it('refuses a changed or missing file of that letter alone, as Problems naming the file', () => {
    const { manifest, letter, files, base } = setup();
    const other = manifest.letters[1];
    if (!other) throw new Error('no second letter');
    const otherFiles = { pdfSha256: other.pdf.sha256, emlSha256: other.eml.sha256 };
    const r = checkRender({
      ...base,
      letters: [
        { letter, files: { ...files, pdfSha256: 'x' } },
        { letter: other, files: otherFiles },
      ],
    });
    expect([...r.refused.keys()]).toEqual([letter.kommunekode]);
    expect(r.refused.get(letter.kommunekode)?.[0]).toMatchObject({
      code: 'letter-file-changed',
      file: letter.pdf.file,
      severity: 'error',
    });
    expect(messages(checkRender({ ...base, letters: [{ letter, files: {} }] }))).toMatch(/filen findes ikke/);
  });

  it('refuses a letter whose address changed, naming kommuner.csv, the row and the new address', () => {
    const { letter, files, base } = setup();
    const current = exampleCurrent((d) => {
      const k = d.kommuner.find((x) => x.kode === letter.kommunekode);
      if (k) k.email = 'ny@kommune.example';
    });
    const [p] = checkRender({ ...base, current, letters: [{ letter, files }] }).refused.get(letter.kommunekode) ?? [];
    expect(p).toMatchObject({
      code: 'stale-address',
      file: 'kommuner.csv',
      column: 'email',
      value: 'ny@kommune.example',
    });
    expect(p?.message).toBe(
      `${letter.kommunekode} ${letter.navn}: adressen er ændret siden render (brevet er skrevet til ${letter.recipient}).`,
    );
  });

  it('names kommuner with cases but no letter in full runs only; another barometer refuses everything', () => {
    const { manifest, letter, files, base } = setup();
    const without = { ...manifest, letters: manifest.letters.slice(1) };
    expect(
      checkRender({ ...base, manifest: without, requireAll: true, letters: [] }).missing.map((m) => m.kommunekode),
    ).toEqual([letter.kommunekode]);
    expect(checkRender({ ...base, manifest: without, requireAll: false, letters: [] }).missing).toEqual([]);
    const other = checkRender({ ...base, barometerId: 'andet', letters: [{ letter, files }] });
    expect(other.global.map(formatProblem).join()).toMatch(/hører til barometret/);
  });

  it('checks the .eml headers only of an otherwise sound letter, as Problems', () => {
    const { letter, base } = setup();
    const eml = Buffer.from(`To: <spy@evil.example>\r\nMessage-ID: <${letter.email.messageId}>\r\n\r\nbody`);
    const files = { pdfSha256: letter.pdf.sha256, emlSha256: letter.eml.sha256, eml };
    const [p] = checkRender({ ...base, letters: [{ letter, files }] }).refused.get(letter.kommunekode) ?? [];
    expect(p).toMatchObject({ code: 'eml-to', file: letter.eml.file, column: 'To' });
  });
});
