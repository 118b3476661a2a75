// A real SMTP server on 127.0.0.1 (the smtp-server package) that can be told
// to misbehave: refuse recipients, answer 4xx/5xx, or drop the line after
// the data (keeping the message or not). Every message it keeps is recorded
// with its envelope and raw bytes.
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export interface Received {
  from: string;
  to: string[];
  raw: Buffer;
}

export type DataAction =
  /** 250 and keep the message. */
  | 'accept'
  /** Keep the message, then destroy the socket before replying. */
  | 'drop-keep'
  /** Destroy the socket after the data without keeping the message. */
  | 'drop-discard'
  /** Destroy the socket as soon as the first bytes of the data arrive. */
  | 'drop-mid-data'
  /** Keep the message and never reply (the client times out). */
  | 'stall'
  /** Reply with this code (4xx/5xx) and do not keep the message. */
  | { code: number; text?: string };

export interface Behaviour {
  /** Per connection (1-based): a code to refuse the connection with (e.g. 421). */
  connect?: (n: number) => number | undefined;
  /** Per RCPT TO (nth time this address was given, 1-based): a code to refuse it with. */
  rcpt?: (address: string, nth: number) => { code: number; text?: string } | undefined;
  /** Per message data (nth time for this recipient, 1-based). Default 'accept'. */
  data?: (address: string, nth: number) => DataAction;
  /** Called after a message was kept, with the running count (for killing a client mid-batch). */
  onKept?: (count: number, message: Received) => void;
  /** Wait this long before the 250 reply to an accepted message (a message "in flight"). */
  replyDelayMs?: number;
  /** Require AUTH with this user/password. */
  auth?: { user: string; pass: string };
  /** The text of the 535 reply to a failed AUTH (e.g. one that echoes the credentials, as careless servers do). */
  authFailText?: (user: string, pass: string) => string;
}

export interface TestSmtp {
  port: number;
  url: string;
  received: Received[];
  /** How many times each address reached RCPT and DATA. */
  rcptCount: Map<string, number>;
  dataCount: Map<string, number>;
  connections: number;
  /** Every AUTH attempt's username/password, to check what the client sent. */
  logins: { user: string; pass: string }[];
  countFor(address: string): number;
  close(): Promise<void>;
}

function smtpError(code: number, text?: string): Error {
  return Object.assign(new Error(text ?? (code >= 500 ? 'Permanent failure (test)' : 'Try again later (test)')), {
    responseCode: code,
  });
}

export async function startSmtp(behaviour: Behaviour = {}): Promise<TestSmtp> {
  const state = {
    received: [] as Received[],
    rcptCount: new Map<string, number>(),
    dataCount: new Map<string, number>(),
    connections: 0,
    logins: [] as { user: string; pass: string }[],
  };
  const bump = (m: Map<string, number>, k: string): number => {
    const n = (m.get(k) ?? 0) + 1;
    m.set(k, n);
    return n;
  };
  const server: SMTPServer = new SMTPServer({
    logger: false,
    disabledCommands: behaviour.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !behaviour.auth,
    allowInsecureAuth: true,
    size: 10 * 1024 * 1024,
    onConnect(_session, cb) {
      state.connections++;
      const code = behaviour.connect?.(state.connections);
      cb(code ? smtpError(code, 'Service not available (test)') : null);
    },
    onAuth(auth, _session, cb) {
      state.logins.push({ user: auth.username ?? '', pass: auth.password ?? '' });
      if (behaviour.auth && auth.username === behaviour.auth.user && auth.password === behaviour.auth.pass)
        cb(null, { user: auth.username });
      else
        cb(
          smtpError(
            535,
            behaviour.authFailText?.(auth.username ?? '', auth.password ?? '') ?? 'Authentication failed (test)',
          ),
        );
    },
    onRcptTo(address, _session, cb) {
      const a = address.address.toLowerCase();
      const nth = bump(state.rcptCount, a);
      const r = behaviour.rcpt?.(a, nth);
      cb(r ? smtpError(r.code, r.text) : null);
    },
    onData(stream, session, cb) {
      const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
      const first = to[0] ?? '';
      const nth = bump(state.dataCount, first);
      const action = behaviour.data?.(first, nth) ?? 'accept';
      const chunks: Buffer[] = [];
      const socket = (): { destroy(): void } | undefined => {
        for (const c of server.connections) {
          if ((c as unknown as { session: SMTPServerSession }).session === session)
            return (c as unknown as { _socket: { destroy(): void } })._socket;
        }
        return undefined;
      };
      stream.on('data', (c: Buffer) => {
        chunks.push(c);
        if (action === 'drop-mid-data') socket()?.destroy();
      });
      stream.on('end', () => {
        const mailFrom = session.envelope.mailFrom;
        const message: Received = { from: mailFrom ? mailFrom.address : '', to, raw: Buffer.concat(chunks) };
        const keep = (): void => {
          state.received.push(message);
          behaviour.onKept?.(state.received.length, message);
        };
        if (action === 'accept') {
          keep();
          const reply = `Ok: queued as T${state.received.length}`;
          if (behaviour.replyDelayMs) setTimeout(() => cb(null, reply), behaviour.replyDelayMs);
          else cb(null, reply);
        } else if (action === 'stall') {
          keep();
        } else if (action === 'drop-keep') {
          keep();
          socket()?.destroy();
        } else if (action === 'drop-discard' || action === 'drop-mid-data') {
          socket()?.destroy();
        } else {
          cb(smtpError(action.code, action.text));
        }
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    get received() {
      return state.received;
    },
    rcptCount: state.rcptCount,
    dataCount: state.dataCount,
    get connections() {
      return state.connections;
    },
    logins: state.logins,
    countFor: (address) => state.received.filter((m) => m.to.includes(address.toLowerCase())).length,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of server.connections) (c as unknown as { _socket?: { destroy(): void } })._socket?.destroy();
        server.close(() => resolve());
      }),
  };
}
