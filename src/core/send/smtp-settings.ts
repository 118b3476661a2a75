// SMTP settings from the environment, and the rules about where letters may
// go: TLS unless the server is on this machine; example data only to this
// machine. Pure: the environment comes in as a record. Credentials are kept
// apart from everything that is printed.
import { isIP } from 'node:net';

export type TlsMode = 'implicit' | 'starttls' | 'none-loopback';

export interface SmtpSettings {
  host: string;
  port: number;
  /** smtps:// — TLS from the first byte. */
  secure: boolean;
  /** Host is a loopback address or "localhost" (this machine). */
  loopback: boolean;
  tls: TlsMode;
  auth?: { user: string; pass: string };
  /** Safe to print: host, port and how it is protected. Never credentials. */
  display: string;
}

export type SettingsResult = { ok: true; settings: SmtpSettings } | { ok: false; message: string };

/** 127.0.0.0/8, ::1, ::ffff:127.x, and the name localhost (RFC 6761 §6.3). */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.$/, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  const kind = isIP(h);
  if (kind === 4) return h.startsWith('127.');
  if (kind === 6) {
    if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
    const mapped = /^(?:0:0:0:0:0:|::)ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
    return mapped?.[1] !== undefined && mapped[1].startsWith('127.');
  }
  return false;
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** Strips user:password from a URL-ish string before it is shown anywhere. */
export function redactUrl(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1');
}

const EXAMPLE = 'fx SMTP_URL=smtp://smtp.example.dk:587 (STARTTLS) eller SMTP_URL=smtps://smtp.example.dk:465 (TLS)';

/**
 * Reads SMTP_URL, SMTP_USER and SMTP_PASS. User and password may also be
 * given in the URL (smtp://user:pass@host); SMTP_USER/SMTP_PASS win.
 */
export function parseSmtpSettings(env: Readonly<Record<string, string | undefined>>): SettingsResult {
  const raw = env.SMTP_URL?.trim();
  if (!raw) return { ok: false, message: `SMTP_URL er ikke sat. Angiv mailserveren, ${EXAMPLE}, og brugernavn og adgangskode i SMTP_USER og SMTP_PASS.` };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, message: `SMTP_URL er ikke en gyldig adresse (${redactUrl(raw)}). Brug ${EXAMPLE}.` };
  }
  const protocol = url.protocol.toLowerCase();
  if (protocol !== 'smtp:' && protocol !== 'smtps:') {
    return { ok: false, message: `SMTP_URL skal begynde med smtp:// eller smtps:// (${EXAMPLE}).` };
  }
  if ((url.pathname && url.pathname !== '/') || url.search || url.hash) {
    return { ok: false, message: `SMTP_URL må kun indeholde smtp(s)://vært:port, ikke sti eller parametre (${EXAMPLE}).` };
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!host) return { ok: false, message: `SMTP_URL mangler værtsnavnet (${EXAMPLE}).` };
  const secure = protocol === 'smtps:';
  const port = url.port ? Number(url.port) : secure ? 465 : 587;
  if (!Number.isInteger(port) || port < 1 || port > 65535) return { ok: false, message: 'Porten i SMTP_URL er ugyldig.' };
  const loopback = isLoopbackHost(host);
  const tls: TlsMode = secure ? 'implicit' : loopback ? 'none-loopback' : 'starttls';

  const user = env.SMTP_USER ?? (url.username ? decode(url.username) : undefined);
  const pass = env.SMTP_PASS ?? (url.password ? decode(url.password) : undefined);
  if ((user && pass === undefined) || (!user && pass)) {
    return { ok: false, message: 'Angiv både SMTP_USER og SMTP_PASS (eller ingen af dem, hvis mailserveren ikke kræver login).' };
  }
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const how = tls === 'implicit' ? 'TLS' : tls === 'starttls' ? 'STARTTLS påkrævet' : 'denne maskine, STARTTLS hvis muligt';
  const settings: SmtpSettings = { host, port, secure, loopback, tls, display: `${shownHost}:${port} (${how})` };
  if (user && pass !== undefined) settings.auth = { user, pass };
  return { ok: true, settings };
}

/**
 * Removes credentials from text before it is printed or written: the
 * password, the user name, and their base64 forms (as in AUTH PLAIN/LOGIN).
 */
export function redactSecrets(text: string, auth: SmtpSettings['auth']): string {
  let out = redactUrl(text);
  if (!auth) return out;
  const secrets = new Set<string>();
  for (const s of [auth.pass, auth.user]) {
    if (s.length >= 3) {
      secrets.add(s);
      secrets.add(Buffer.from(s, 'utf8').toString('base64').replace(/=+$/, ''));
    }
  }
  const plain = Buffer.from(`\u0000${auth.user}\u0000${auth.pass}`, 'utf8').toString('base64').replace(/=+$/, '');
  secrets.add(plain);
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join('***');
  return out;
}
