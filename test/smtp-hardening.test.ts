// Issue 9 points 1 and 4: no credential in output, files or errors whatever
// the shape of SMTP_URL; "this machine" decided by the address connected to
// (resolved once), never by a name (RFC 6761 §6.3).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  connectionOptions,
  DEFAULT_TIMEOUTS,
  resolveSmtpHost,
  resolveTarget,
  type LookupAll,
} from '../src/adapters/send/smtp-transport.js';
import { parseSmtpSettings, redactSecrets, type SmtpSettings } from '../src/core/send/smtp-settings.js';
import { renderedFixture } from './helpers/send-data.js';
import { useSendHarness } from './helpers/send-harness.js';

const { fixture, smtp, send } = useSendHarness();

function settingsFor(env: Record<string, string>): SmtpSettings {
  const r = parseSmtpSettings(env);
  if (!r.ok) throw new Error(r.message);
  return r.settings;
}

/** A resolver that answers from a table and counts its calls. */
function fakeDns(table: Record<string, string[]>): LookupAll & { calls: string[] } {
  const calls: string[] = [];
  const fn = async (host: string) => {
    calls.push(host);
    const a = table[host];
    if (!a) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return a.map((address) => ({ address }));
  };
  return Object.assign(fn, { calls });
}

// Generated passwords hold characters that break a URL when not encoded.
const SHAPES = [
  { url: 'smtp://ankebruger:Hv/7Kq9z@smtp.example.dk:587', secret: 'Hv/7Kq9z' },
  { url: 'smtp://ankebruger:Hv 7Kq9z@smtp.example.dk:587', secret: 'Hv 7Kq9z' },
  { url: 'smtp://ankebruger:Hv@7Kq9z@smtp.example.dk:587', secret: 'Hv@7Kq9z' },
  { url: 'smtp://ankebruger:Hv#7Kq9z@smtp.example.dk:587', secret: 'Hv#7Kq9z' },
  { url: 'smtp://ankebruger:Hv?7Kq9z@smtp.example.dk:587', secret: 'Hv?7Kq9z' },
  { url: 'smtp://ankebruger:12/7Kq9z@smtp.example.dk:587', secret: '7Kq9z' },
  { url: 'smtp://ankebruger:Hv%7Kq9z@smtp.example.dk:587', secret: 'Hv%7Kq9z' },
  { url: 'smtp://ankebruger:Hv7Kq9z', secret: 'Hv7Kq9z' },
  { url: 'smtps://ankebruger:x/@[::1', secret: 'x/' },
];

describe('SMTP_URL of any shape: the user part is never shown', () => {
  it.each(SHAPES)('$url', ({ url, secret }) => {
    const r = parseSmtpSettings({ SMTP_URL: url });
    const shown = r.ok ? JSON.stringify({ ...r.settings, auth: undefined }) : r.message;
    expect(shown).not.toContain(secret);
    expect(shown).not.toContain('ankebruger');
    if (!r.ok) expect(r.message).toMatch(/SMTP_URL/);
    // When it does parse, the password is whole (decoded), not cut at the odd character.
    if (r.ok && r.settings.auth) expect(r.settings.auth.pass).toBe(secret);
  });

  it('explains how to write a password with "/" in it, without showing it', () => {
    const r = parseSmtpSettings({ SMTP_URL: 'smtp://ankebruger:Hv/7Kq9z@smtp.example.dk:587' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message).toMatch(/URL-kodes .*%2F/);
      expect(r.message).toMatch(/SMTP_USER og SMTP_PASS/);
      expect(r.message).toMatch(/begynder med smtp:\/\//);
    }
  });

  it('redacts short passwords and user names where they stand alone, and their base64 and URL-encoded forms', () => {
    const auth = { user: 'ab', pass: 'x9' };
    const text = `535 login ab/x9 refused (${Buffer.from('x9').toString('base64')}; ${Buffer.from('ab').toString('base64')}); smtp://ab:x9@h; box x95 and abc stay`;
    const out = redactSecrets(text, auth);
    expect(out).not.toMatch(/(?<![\p{L}\p{N}])(ab|x9)(?![\p{L}\p{N}])/u);
    expect(out).not.toContain(Buffer.from('x9').toString('base64').replace(/=+$/, ''));
    expect(out).toContain('x95 and abc stay');
    const odd = { user: 'ankebruger', pass: 'p@ss w/rd' };
    const out2 = redactSecrets(
      `failed for smtp://ankebruger:p@ss w/rd@host and ${encodeURIComponent('p@ss w/rd')} and p@ss w/rd`,
      odd,
    );
    expect(out2).not.toMatch(/p@ss|w\/rd|p%40ss|ankebruger/);
  });
});

describe('"this machine" is the resolved address, never a name', () => {
  it.each([
    { host: 'localhost', answer: ['127.0.0.1'], loopback: true },
    { host: 'post.localhost', answer: ['127.0.0.1'], loopback: true },
    { host: 'post.localhost', answer: ['192.0.2.7'], loopback: false },
    { host: 'localhost', answer: ['192.0.2.7', '127.0.0.1'], loopback: false },
    { host: 'smtp.example.dk', answer: ['::1'], loopback: true },
    { host: 'smtp.example.dk', answer: ['2001:db8::25'], loopback: false },
  ])('$host → $answer: loopback $loopback', async ({ host, answer, loopback }) => {
    const dns = fakeDns({ [host]: answer });
    const resolved = await resolveSmtpHost(settingsFor({ SMTP_URL: `smtp://${host}:2525` }), dns);
    expect(resolved.address).toBe(answer[0]);
    expect(resolved.loopback).toBe(loopback);
    expect(resolved.tls).toBe(loopback ? 'none-loopback' : 'starttls');
    expect(resolved.display).toContain(answer[0]);
    // Resolved once: the connection goes to that address with no second lookup.
    const target = await resolveTarget(resolved, dns);
    expect(target.connectHost).toBe(answer[0]);
    expect(dns.calls).toEqual([host]);
    const options = connectionOptions(resolved, target, DEFAULT_TIMEOUTS);
    expect(options?.host).toBe(answer[0]);
    expect(options?.requireTLS).toBe(!loopback);
    expect(options?.tls?.rejectUnauthorized).toBe(!loopback);
  });

  it('an IP literal is its own address: no lookup', async () => {
    const dns = fakeDns({});
    const s = settingsFor({ SMTP_URL: 'smtp://127.0.0.5:2525' });
    expect(s.loopback).toBe(true);
    expect((await resolveTarget(s, dns)).connectHost).toBe('127.0.0.5');
    expect(dns.calls).toEqual([]);
  });

  it('a named host keeps its name for SNI and the certificate check while the address is connected to', async () => {
    const s = await resolveSmtpHost(
      settingsFor({ SMTP_URL: 'smtps://smtp.example.dk' }),
      fakeDns({ 'smtp.example.dk': ['192.0.2.25'] }),
    );
    const options = connectionOptions(s, { connectHost: s.address ?? '' }, DEFAULT_TIMEOUTS);
    expect(options).toMatchObject({ host: '192.0.2.25', port: 465, secure: true, servername: 'smtp.example.dk' });
    expect(options?.tls).toMatchObject({ rejectUnauthorized: true, servername: 'smtp.example.dk' });
  });

  it('the decision follows the address connected to even for settings that were not resolved first', () => {
    const unresolved = settingsFor({ SMTP_URL: 'smtp://localhost:2525' });
    expect(connectionOptions(unresolved, { connectHost: '192.0.2.7' }, DEFAULT_TIMEOUTS)?.requireTLS).toBe(true);
    expect(connectionOptions(unresolved, { connectHost: '127.0.0.1' }, DEFAULT_TIMEOUTS)?.requireTLS).toBe(false);
  });
});

/** Every file under dir, as text. */
function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? allFiles(p) : [readFileSync(p, 'latin1')];
  });
}

describe('send: credentials never reach output or files', () => {
  it.each(SHAPES.slice(0, 7).map((s) => s.secret))(
    'an unusable SMTP_URL with password %j: exit 2, not shown, nothing written',
    async (secret) => {
      const f = fixture();
      const server = await smtp();
      const r = await send(f, `smtp://ankebruger:${secret}@127.0.0.1:${server.port}`);
      const text = r.stdout + r.stderr + allFiles(f.dir).join('');
      if (r.code === 0) {
        // "@" and " " parse (the URL standard encodes them): then it sends, and still shows nothing.
        expect(server.received).toHaveLength(6);
      } else {
        expect(r.code).toBe(2);
        expect(server.connections).toBe(0);
      }
      expect(text).not.toContain(secret);
      expect(text).not.toContain('ankebruger');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    },
  );

  it('a short wrong password, echoed by the server, appears nowhere', async () => {
    const f = renderedFixture({ eksempeldata: false });
    const server = await smtp({
      auth: { user: 'ankebruger', pass: 'rigtigt-kodeord' },
      authFailText: (u, p) => `Authentication failed for ${u} with ${p}`,
    });
    const r = await send(f, server, [], { SMTP_USER: 'ab', SMTP_PASS: 'x9' });
    expect(r.code).toBe(2);
    expect(server.logins).toEqual([{ user: 'ab', pass: 'x9' }]);
    expect(r.stderr).toMatch(/535/);
    const text =
      r.stdout +
      r.stderr +
      allFiles(f.dir)
        .filter((t) => !t.startsWith('%PDF'))
        .join('');
    expect(text).not.toMatch(/(?<![\p{L}\p{N}])(ab|x9)(?![\p{L}\p{N}])/u);
  });
});

describe('send: this machine by address', () => {
  it('example data goes to smtp://localhost:<port>, decided by the address it resolved to (127.0.0.1)', async () => {
    const f = fixture();
    const server = await smtp();
    const r = await send(f, `smtp://localhost:${server.port}`);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`localhost:${server.port} (127.0.0.1; denne maskine`);
    expect(server.received).toHaveLength(6);
  });

  it('a name that does not resolve is not this machine: example data is refused, before any connection', async () => {
    const f = fixture();
    const r = await send(f, 'smtp://post.invalid:2525');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/eksempeldata .* må kun sendes til en mailserver på denne maskine/);
  });

  it('a name that does not resolve, with real data: refused with a plain message', async () => {
    const f = renderedFixture({ eksempeldata: false });
    const r = await send(f, 'smtp://post.invalid:2525');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Mailserveren post\.invalid:2525 .* kan ikke slås op \(ENOTFOUND\)/);
    expect(r.stderr).toMatch(/Intet er sendt/);
  });
});
