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
  /**
   * The IP address that is connected to: the host itself when it is an IP
   * literal, otherwise what it resolved to (set once, by the adapter's
   * resolveSmtpHost; undefined until then).
   */
  address?: string;
  /** `address` is a loopback address (this machine). False while unresolved. */
  loopback: boolean;
  tls: TlsMode;
  auth?: { user: string; pass: string };
  /** Safe to print: host, port and how it is protected. Never credentials. */
  display: string;
}

export type SettingsResult = { ok: true; settings: SmtpSettings } | { ok: false; message: string };

/**
 * 127.0.0.0/8, ::1 and ::ffff:127.x: addresses only. A name never counts,
 * not even "localhost" or "*.localhost": RFC 6761 §6.3 lets resolvers answer
 * for them, but whether this machine is reached is decided by the address
 * actually connected to (resolveSmtpHost resolves once, then we connect to
 * that very address).
 */
export function isLoopbackAddress(address: string): boolean {
  const h = address.replace(/^\[|\]$/g, '').toLowerCase();
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
  // Up to the last "@" of the word: a password may hold an unencoded "/" or "@".
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)\S*@/gi, '$1');
}

const EXAMPLE = 'fx SMTP_URL=smtp://smtp.example.dk:587 (STARTTLS) eller SMTP_URL=smtps://smtp.example.dk:465 (TLS)';
const ENCODE_HINT =
  'Tegn i brugernavn eller adgangskode som / @ : # ? % og mellemrum skal URL-kodes (/ som %2F, @ som %40, mellemrum som %20); ' +
  'det er lettere at angive dem i SMTP_USER og SMTP_PASS.';

/**
 * The message for an SMTP_URL that cannot be used as it is. The URL itself is
 * never repeated: when it does not parse, nobody can tell where its user part
 * ends (a generated password with an unencoded "/", "#" or "@" moves the
 * boundary), so any echo could carry the password.
 */
function unreadable(raw: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(raw)?.[1]?.toLowerCase();
  const shown =
    scheme === 'smtp' || scheme === 'smtps'
      ? ` (den begynder med ${scheme}://; resten vises ikke, da den kan indeholde adgangskoden)`
      : ' (den vises ikke, da den kan indeholde adgangskoden)';
  const hint = raw.includes('@') ? ` ${ENCODE_HINT}` : '';
  return `SMTP_URL kan ikke læses som en adresse${shown}.${hint} Brug ${EXAMPLE}.`;
}

function how(tls: TlsMode): string {
  return tls === 'implicit' ? 'TLS' : tls === 'starttls' ? 'STARTTLS påkrævet' : 'denne maskine, STARTTLS hvis muligt';
}

/**
 * The settings with the address they connect to, and every decision that
 * depends on it: loopback, the TLS mode, the text shown. Pure.
 */
export function withAddress(settings: SmtpSettings, address: string): SmtpSettings {
  const loopback = isLoopbackAddress(address);
  const tls: TlsMode = settings.secure ? 'implicit' : loopback ? 'none-loopback' : 'starttls';
  const shownHost = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  const via = isIP(settings.host) ? '' : `${address}; `;
  return { ...settings, address, loopback, tls, display: `${shownHost}:${settings.port} (${via}${how(tls)})` };
}

/**
 * Reads SMTP_URL, SMTP_USER and SMTP_PASS. User and password may also be
 * given in the URL (smtp://user:pass@host); SMTP_USER/SMTP_PASS win.
 */
export function parseSmtpSettings(env: Readonly<Record<string, string | undefined>>): SettingsResult {
  const raw = env.SMTP_URL?.trim();
  if (!raw)
    return {
      ok: false,
      message: `SMTP_URL er ikke sat. Angiv mailserveren, ${EXAMPLE}, og brugernavn og adgangskode i SMTP_USER og SMTP_PASS.`,
    };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, message: unreadable(raw) };
  }
  const protocol = url.protocol.toLowerCase();
  if (protocol !== 'smtp:' && protocol !== 'smtps:') {
    return { ok: false, message: `SMTP_URL skal begynde med smtp:// eller smtps:// (${EXAMPLE}).` };
  }
  if ((url.pathname && url.pathname !== '/') || url.search || url.hash) {
    // "smtp://user:12/ab@host" parses with host "user" and path "/ab@host":
    // an unencoded "/" in the password, not a path.
    if (`${url.pathname}${url.search}${url.hash}`.includes('@')) return { ok: false, message: unreadable(raw) };
    return {
      ok: false,
      message: `SMTP_URL må kun indeholde smtp(s)://vært:port, ikke sti eller parametre (${EXAMPLE}).`,
    };
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!host) return { ok: false, message: `SMTP_URL mangler værtsnavnet (${EXAMPLE}).` };
  const secure = protocol === 'smtps:';
  const port = url.port ? Number(url.port) : secure ? 465 : 587;
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    return { ok: false, message: 'Porten i SMTP_URL er ugyldig.' };

  const user = env.SMTP_USER ?? (url.username ? decode(url.username) : undefined);
  const pass = env.SMTP_PASS ?? (url.password ? decode(url.password) : undefined);
  if ((user && pass === undefined) || (!user && pass)) {
    return {
      ok: false,
      message: 'Angiv både SMTP_USER og SMTP_PASS (eller ingen af dem, hvis mailserveren ikke kræver login).',
    };
  }
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const tls: TlsMode = secure ? 'implicit' : 'starttls';
  let settings: SmtpSettings = {
    host,
    port,
    secure,
    loopback: false,
    tls,
    display: `${shownHost}:${port} (${how(tls)})`,
  };
  // An IP literal is its own address; a name is decided only once resolved.
  if (isIP(host)) settings = withAddress(settings, host);
  if (user && pass !== undefined) settings.auth = { user, pass };
  return { ok: true, settings };
}

/** Secrets shorter than this are redacted only where they stand as a word of their own. */
const SHORT_SECRET = 4;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Removes credentials from text before it is printed or written: the
 * password, the user name, and their base64 forms (as in AUTH PLAIN/LOGIN).
 * Short ones too: a password of one to three characters is replaced wherever
 * it stands alone (not inside a longer word; replacing every "e" in a message
 * would mangle it and, by what vanished, show the password all the same).
 */
export function redactSecrets(text: string, auth: SmtpSettings['auth']): string {
  if (!auth) return redactUrl(text);
  let out = text;
  const secrets = new Set<string>();
  const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64').replace(/=+$/, '');
  for (const s of [auth.pass, auth.user]) {
    if (s.length === 0) continue;
    secrets.add(s);
    secrets.add(b64(s));
    if (s !== encodeURIComponent(s)) secrets.add(encodeURIComponent(s));
  }
  secrets.add(b64(`\u0000${auth.user}\u0000${auth.pass}`));
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
    if (s.length >= SHORT_SECRET) out = out.split(s).join('***');
    else out = out.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(s)}(?![\\p{L}\\p{N}])`, 'gu'), '***');
  }
  // Last: a URL's user part the secrets above did not cover (another user's).
  return redactUrl(out);
}
