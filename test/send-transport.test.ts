// The SMTP transport against a real SMTP server on 127.0.0.1: what nodemailer
// reports in each failure, and how far the message got, checked against the
// classification the journal relies on. Also pins the nodemailer behaviour
// that made us track the data phase ourselves: a lost line is 'CONN' in every phase.
import { afterEach, describe, expect, it } from 'vitest';
import {
  connectionOptions,
  DEFAULT_TIMEOUTS,
  resolveTarget,
  SessionError,
  SmtpClient,
  type SendResult,
} from '../src/adapters/send/smtp-transport.js';
import { classifySessionError, classifySmtpError } from '../src/core/send/smtp-errors.js';
import { parseSmtpSettings, type SmtpSettings } from '../src/core/send/smtp-settings.js';
import { startSmtp, type Behaviour, type TestSmtp } from './helpers/smtp.js';

const TO = 'post@kommune.example';
const FROM = 'afsender@ast.example';
// Big enough to span many socket writes.
const MESSAGE = Buffer.from(
  `From: <${FROM}>\r\nTo: <${TO}>\r\nSubject: test\r\nMessage-ID: <t@ast.example>\r\n\r\n${'Linje med tekst.\r\n'.repeat(4000)}.leading dot\r\n`,
);

let server: TestSmtp | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function settingsFor(url: string, extra: Record<string, string> = {}): SmtpSettings {
  const r = parseSmtpSettings({ SMTP_URL: url, ...extra });
  if (!r.ok) throw new Error(r.message);
  return r.settings;
}

async function sendOnce(
  behaviour: Behaviour,
  timeouts = DEFAULT_TIMEOUTS,
): Promise<{ result: SendResult; server: TestSmtp }> {
  server = await startSmtp(behaviour);
  const settings = settingsFor(server.url);
  const client = new SmtpClient(settings, await resolveTarget(settings), { timeouts, maxMessages: 100 });
  await client.open();
  const result = await client.send({ from: FROM, to: TO }, MESSAGE);
  await client.close();
  return { result, server };
}

describe('SMTP transport', () => {
  it('delivers the message to exactly the envelope recipient', async () => {
    const { result, server: s } = await sendOnce({});
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.response).toMatch(/^250 /);
    expect(s.received).toHaveLength(1);
    expect(s.received[0]?.to).toEqual([TO]);
    expect(s.received[0]?.from).toBe(FROM);
    // The dot-stuffed line arrives unstuffed: the bytes are the message's.
    expect(s.received[0]?.raw.equals(MESSAGE)).toBe(true);
  });

  it.each([
    { name: '451 at RCPT', behaviour: { rcpt: () => ({ code: 451 }) }, want: 'temporary', code: 451, kept: 0 },
    { name: '550 at RCPT', behaviour: { rcpt: () => ({ code: 550 }) }, want: 'permanent', code: 550, kept: 0 },
    { name: '451 after the data', behaviour: { data: () => ({ code: 451 }) }, want: 'temporary', code: 451, kept: 0 },
    { name: '554 after the data', behaviour: { data: () => ({ code: 554 }) }, want: 'permanent', code: 554, kept: 0 },
    {
      name: 'line dropped after the data, message kept',
      behaviour: { data: () => 'drop-keep' },
      want: 'uafklaret',
      code: undefined,
      kept: 1,
    },
    {
      name: 'line dropped after the data, message discarded',
      behaviour: { data: () => 'drop-discard' },
      want: 'uafklaret',
      code: undefined,
      kept: 0,
    },
  ] as { name: string; behaviour: Behaviour; want: string; code?: number; kept: number }[])(
    '$name → $want, never sent twice',
    async ({ behaviour, want, code, kept }) => {
      const { result, server: s } = await sendOnce(behaviour);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(classifySmtpError(result.error, result.progress)).toBe(want);
      expect(result.error.responseCode).toBe(code);
      expect(s.received).toHaveLength(kept);
      // The transport never retries on its own.
      expect(s.rcptCount.get(TO)).toBe(1);
      expect(s.dataCount.get(TO) ?? 0).toBeLessThanOrEqual(1);
    },
  );

  it("a line lost after the data is reported by nodemailer with command 'CONN', like one lost before it", async () => {
    const { result } = await sendOnce({ data: () => 'drop-keep' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.command).toBe('CONN');
    expect(result.error.code).toBe('ECONNECTION');
    expect(result.progress).toEqual({ dataStarted: true, dataComplete: true });
  });

  it('a server that never answers the data: timeout after the whole message → uafklaret', async () => {
    const { result, server: s } = await sendOnce({ data: () => 'stall' }, { ...DEFAULT_TIMEOUTS, socketMs: 300 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('ETIMEDOUT');
    expect(classifySmtpError(result.error, result.progress)).toBe('uafklaret');
    expect(s.received).toHaveLength(1);
  });

  it('a 421 greeting is a temporary session error', async () => {
    server = await startSmtp({ connect: () => 421 });
    const settings = settingsFor(server.url);
    const client = new SmtpClient(settings, await resolveTarget(settings), {
      timeouts: DEFAULT_TIMEOUTS,
      maxMessages: 100,
    });
    const err = await client.open().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SessionError);
    expect(classifySessionError((err as SessionError).info)).toBe('temporary');
  });

  it('wrong credentials are a fatal session error, and the password is not in the error', async () => {
    server = await startSmtp({ auth: { user: 'ankebruger', pass: 'korrekt-hemmeligt' } });
    const settings = settingsFor(server.url, { SMTP_USER: 'ankebruger', SMTP_PASS: 'forkert-hemmeligt' });
    const client = new SmtpClient(settings, await resolveTarget(settings), {
      timeouts: DEFAULT_TIMEOUTS,
      maxMessages: 100,
    });
    const err = (await client.open().catch((e: unknown) => e)) as SessionError;
    expect(err).toBeInstanceOf(SessionError);
    expect(classifySessionError(err.info)).toBe('fatal');
    expect(JSON.stringify(err.info)).not.toMatch(/hemmeligt/);
  });

  it('reuses one connection for consecutive messages', async () => {
    server = await startSmtp({});
    const settings = settingsFor(server.url);
    const client = new SmtpClient(settings, await resolveTarget(settings), {
      timeouts: DEFAULT_TIMEOUTS,
      maxMessages: 100,
    });
    for (let i = 0; i < 3; i++) {
      await client.open();
      expect((await client.send({ from: FROM, to: TO }, MESSAGE)).ok).toBe(true);
    }
    await client.close();
    expect(server.connections).toBe(1);
    expect(server.received).toHaveLength(3);
  });
});

describe('TLS rule in the connection options', () => {
  it.each([
    { url: 'smtp://smtp.example.dk:587', secure: false, requireTLS: true, reject: true },
    { url: 'smtps://smtp.example.dk:465', secure: true, requireTLS: false, reject: true },
    { url: 'smtp://127.0.0.1:2525', secure: false, requireTLS: false, reject: false },
  ])('$url', async ({ url, secure, requireTLS, reject }) => {
    const settings = settingsFor(url);
    const options = connectionOptions(settings, { connectHost: settings.host }, DEFAULT_TIMEOUTS);
    expect(options?.secure).toBe(secure);
    expect(options?.requireTLS).toBe(requireTLS);
    expect(options?.tls?.rejectUnauthorized).toBe(reject);
  });
});
