// The SMTP transport: sends a rendered .eml byte for byte to one recipient.
//
// Why nodemailer's SMTPConnection and not its pooled transport (SMTPPool):
//
// 1. The pool re-sends on its own. When a pooled connection closes while a
//    message is assigned to it and its callback has not run, the pool puts
//    the message back on the queue and sends it again, up to `maxRequeues`
//    times (default 5): node_modules/nodemailer/dist/esm/smtp-pool/index.js,
//    _createConnection() 'close' handler -> _shouldRequeuOnConnectionClose()
//    -> _requeueEntryOnConnectionClose(). pool-resource.js send() also closes
//    a reused connection without calling back when it judges that no byte was
//    read, relying on that requeue. `maxRequeues: 0` turns requeueing off,
//    but then such failures arrive as a generic "Reached maximum number of
//    retries" error with no trace of how far the message got.
// 2. nodemailer's error fields cannot tell "the server never got the data"
//    from "the line dropped after the data": a lost connection, a socket
//    error and a timeout are all reported with command 'CONN' in every phase
//    (smtp-connection/index.js _onClose(), _onError(), _onTimeout()), and the
//    pool builds the message through a PassThrough that reads the raw source
//    before DATA (mime-node createReadStream()), so watching the source is
//    no better.
//
// So: one SMTPConnection, reused for consecutive messages (a pool of one,
// reconnected after `maxMessages` messages or any error) and, for each
// message, our own Readable. SMTPConnection.send() pipes it only after the
// server answered DATA with 354, so `dataStarted` means the server took DATA
// and `dataComplete` (the stream ended) means every byte was handed over and
// the terminating "." follows: a connection lost after that is uafklaret
// (classifySmtpError in src/core/send/smtp-errors.ts). Nothing here retries; retries
// are the caller's, with the journal written around each attempt. Messages
// go one at a time, so Ctrl-C has exactly one message in flight.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { Readable } from 'node:stream';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { DataProgress, SmtpErrorInfo } from '../../core/send/smtp-errors.js';
import { redactSecrets, withAddress, type SmtpSettings } from '../../core/send/smtp-settings.js';

export interface TransportTimeouts {
  connectionMs: number;
  greetingMs: number;
  /** Inactivity on an open connection, including the wait for the reply to the data. */
  socketMs: number;
}

export const DEFAULT_TIMEOUTS: TransportTimeouts = { connectionMs: 30_000, greetingMs: 30_000, socketMs: 120_000 };

/** Where to connect: the one address the host was resolved to. */
export interface Target {
  connectHost: string;
}

export type LookupAll = (host: string) => Promise<readonly { address: string }[]>;

const lookupAll: LookupAll = (host) => lookup(host, { all: true });

/**
 * Resolves the host once and returns the settings with the address that will
 * be connected to, and the decisions that hang on it (loopback → TLS rule,
 * example data). An IP literal needs no lookup; settings resolved before are
 * returned as they are, so DNS cannot change its answer between the check
 * and the connection. Of several addresses the first is taken, in the
 * resolver's order (RFC 6724), and only that one is ever connected to.
 */
export async function resolveSmtpHost(
  settings: SmtpSettings,
  resolveAll: LookupAll = lookupAll,
): Promise<SmtpSettings> {
  if (settings.address !== undefined) return settings;
  const first = (await resolveAll(settings.host))[0];
  if (!first) throw Object.assign(new Error(`${settings.host} har ingen adresse`), { code: 'ENOTFOUND' });
  return withAddress(settings, first.address);
}

export async function resolveTarget(settings: SmtpSettings, resolveAll: LookupAll = lookupAll): Promise<Target> {
  const resolved = await resolveSmtpHost(settings, resolveAll);
  return { connectHost: resolved.address ?? resolved.host };
}

/** The settings as decided for the address actually connected to. */
function decided(settings: SmtpSettings, target: Target): SmtpSettings {
  return settings.address === target.connectHost ? settings : withAddress(settings, target.connectHost);
}

/**
 * SMTPConnection options for the TLS rule: implicit TLS for smtps://,
 * STARTTLS required (requireTLS) for smtp:// to another machine; on this
 * machine STARTTLS is used when offered and certificates are not checked
 * (the traffic never leaves the machine). Certificates are always verified
 * otherwise (NODE_EXTRA_CA_CERTS adds a private CA), against the host NAME
 * (SNI and identity check via `servername`) although the connection goes to
 * the resolved address.
 */
export function connectionOptions(
  settingsIn: SmtpSettings,
  target: Target,
  timeouts: TransportTimeouts,
): ConstructorParameters<typeof SMTPConnection>[0] {
  const settings = decided(settingsIn, target);
  const tlsName = isIP(settings.host) ? undefined : settings.host;
  return {
    host: target.connectHost,
    port: settings.port,
    secure: settings.secure,
    requireTLS: !settings.secure && !settings.loopback,
    opportunisticTLS: settings.loopback,
    ...(tlsName ? { servername: tlsName } : {}),
    tls: settings.loopback
      ? { rejectUnauthorized: false }
      : { rejectUnauthorized: true, minVersion: 'TLSv1.2', ...(tlsName ? { servername: tlsName } : {}) },
    connectionTimeout: timeouts.connectionMs,
    greetingTimeout: timeouts.greetingMs,
    socketTimeout: timeouts.socketMs,
    dnsTimeout: timeouts.connectionMs,
    socketCloseTimeout: 2000,
    allowInternalNetworkInterfaces: settings.loopback,
    logger: false,
    debug: false,
  };
}

/** The message as a stream that tells how far the server has read it. */
class TrackedMessage extends Readable {
  dataStarted = false;
  dataComplete = false;
  private offset = 0;

  constructor(private readonly bytes: Buffer) {
    super({ highWaterMark: 64 * 1024 });
    this.once('end', () => {
      this.dataComplete = true;
    });
  }

  override _read(size: number): void {
    this.dataStarted = true;
    if (this.offset >= this.bytes.length) {
      this.push(null);
      return;
    }
    const end = Math.min(this.bytes.length, this.offset + Math.max(size, 16 * 1024));
    const chunk = this.bytes.subarray(this.offset, end);
    this.offset = end;
    this.push(chunk);
  }

  progress(): DataProgress {
    return { dataStarted: this.dataStarted, dataComplete: this.dataComplete };
  }
}

export type SendResult =
  | { ok: true; response: string; serverMessageId?: string }
  | { ok: false; error: SmtpErrorInfo; progress: DataProgress };

export class SessionError extends Error {
  constructor(readonly info: SmtpErrorInfo) {
    super(info.message);
    this.name = 'SessionError';
  }
}

type NodemailerError = Error & { code?: string; responseCode?: number; command?: string; response?: string };

function errorInfo(err: unknown, settings: SmtpSettings): SmtpErrorInfo {
  const e = err as NodemailerError;
  const info: SmtpErrorInfo = { message: redactSecrets(String(e?.message ?? err), settings.auth) };
  if (typeof e?.code === 'string') info.code = e.code;
  if (typeof e?.responseCode === 'number') info.responseCode = e.responseCode;
  if (typeof e?.command === 'string') info.command = e.command;
  if (typeof e?.response === 'string') info.response = redactSecrets(e.response, settings.auth);
  return info;
}

function closedError(): NodemailerError {
  const err: NodemailerError = new Error('Connection closed unexpectedly');
  err.code = 'ECONNECTION';
  err.command = 'CONN';
  return err;
}

/**
 * Runs one step of the session (connect, login), failing it on an 'error'
 * or 'end' of the connection, which SMTPConnection does not always pass to
 * the step's callback.
 */
function step(conn: SMTPConnection, run: (done: (err?: Error | null) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (err?: Error | null): void => {
      if (settled) return;
      settled = true;
      conn.removeListener('error', onError);
      conn.removeListener('end', onEnd);
      if (err) reject(err);
      else resolve();
    };
    const onError = (err: Error): void => finish(err);
    const onEnd = (): void => {
      setImmediate(() => finish(closedError()));
    };
    conn.on('error', onError);
    conn.once('end', onEnd);
    run(finish);
  });
}

export interface SmtpClientOptions {
  timeouts: TransportTimeouts;
  /** Messages per connection before it is closed and a new one opened. */
  maxMessages: number;
}

export class SmtpClient {
  private conn: SMTPConnection | undefined;
  private messages = 0;

  private readonly settings: SmtpSettings;

  constructor(
    settings: SmtpSettings,
    private readonly target: Target,
    private readonly options: SmtpClientOptions,
  ) {
    // Loopback (no TLS required) is decided by the address connected to.
    this.settings = decided(settings, target);
  }

  /** Opens (or reuses) a session: connected, TLS as required, logged in. Throws SessionError. */
  async open(): Promise<void> {
    if (this.conn && !this.conn.destroyed && this.messages < this.options.maxMessages) return;
    await this.close();
    const conn = new SMTPConnection(connectionOptions(this.settings, this.target, this.options.timeouts));
    // Errors reach the callbacks of connect/login/send; this keeps a late one
    // (after a callback) from being thrown as an unhandled 'error' event.
    conn.on('error', () => undefined);
    try {
      await step(conn, (done) => conn.connect((err) => done(err)));
      if (!this.settings.loopback && !conn.secure) {
        const err: NodemailerError = new Error('The connection is not encrypted');
        err.code = 'ETLS';
        throw err;
      }
      // Like nodemailer's own transports: log in when the server offers AUTH
      // (after STARTTLS, so never before the connection is encrypted).
      const auth = this.settings.auth;
      if (auth && conn.allowsAuth)
        await step(conn, (done) => conn.login({ user: auth.user, pass: auth.pass }, (err) => done(err)));
    } catch (err) {
      conn.close();
      throw new SessionError(errorInfo(err, this.settings));
    }
    conn.once('end', () => {
      if (this.conn === conn) this.conn = undefined;
    });
    this.conn = conn;
    this.messages = 0;
  }

  /**
   * Sends the bytes as they are, to exactly one recipient. Never retries.
   * After a failure the connection is closed; the next open() makes a new one.
   */
  async send(envelope: { from: string; to: string }, bytes: Buffer): Promise<SendResult> {
    const conn = this.conn;
    if (!conn || conn.destroyed) {
      return {
        ok: false,
        error: errorInfo(closedError(), this.settings),
        progress: { dataStarted: false, dataComplete: false },
      };
    }
    const message = new TrackedMessage(bytes);
    const result = await new Promise<SendResult>((resolve) => {
      let settled = false;
      const finish = (r: SendResult): void => {
        if (settled) return;
        settled = true;
        conn.removeListener('end', onEnd);
        resolve(r);
      };
      // Safety net: SMTPConnection calls back before it emits 'end' on every
      // failure path; should one ever be missed, the connection's end fails the send.
      const onEnd = (): void => {
        setImmediate(() =>
          finish({ ok: false, error: errorInfo(closedError(), this.settings), progress: message.progress() }),
        );
      };
      conn.once('end', onEnd);
      conn.send({ from: envelope.from, to: [envelope.to], size: bytes.length }, message, (err, info) => {
        if (err || !info) {
          finish({ ok: false, error: errorInfo(err ?? closedError(), this.settings), progress: message.progress() });
          return;
        }
        const accepted = info.accepted.map((a) => a.toLowerCase());
        if (accepted.length !== 1 || accepted[0] !== envelope.to.toLowerCase()) {
          // Cannot happen with one recipient; recorded truthfully if it does.
          finish({
            ok: false,
            error: {
              code: 'EENVELOPE',
              message: `Mailserveren accepterede ${accepted.join(', ') || 'ingen'} i stedet for ${envelope.to}`,
              response: info.response,
            },
            progress: { dataStarted: true, dataComplete: true },
          });
          return;
        }
        const ok: SendResult = { ok: true, response: redactSecrets(info.response, this.settings.auth) };
        if (info.serverMessageId) ok.serverMessageId = info.serverMessageId;
        finish(ok);
      });
    });
    if (result.ok) this.messages++;
    else this.drop();
    return result;
  }

  /** Closes the connection at once (after a failure, or on a second Ctrl-C). */
  drop(): void {
    const conn = this.conn;
    this.conn = undefined;
    conn?.close();
  }

  /** Ends the session politely (QUIT), waiting briefly for the server. */
  async close(): Promise<void> {
    const conn = this.conn;
    this.conn = undefined;
    if (!conn || conn.destroyed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        conn.close();
        resolve();
      }, 2000);
      conn.once('end', () => {
        clearTimeout(timer);
        resolve();
      });
      try {
        conn.quit();
      } catch {
        conn.close();
      }
    });
  }
}
