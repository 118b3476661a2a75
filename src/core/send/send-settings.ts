// The tunables of a run from the environment (tests make the backoff fast):
// retry policy and the SMTP inactivity timeout. Pure: the environment comes in.
import { DEFAULT_RETRY, type RetryPolicy } from './pacing.js';

export interface SendTunables {
  retry: RetryPolicy;
  /** KOMMUNEBREV_SMTP_TIMEOUT_MS, when set. */
  socketTimeoutMs?: number;
}

export type TunablesResult = { ok: true; tunables: SendTunables } | { ok: false; message: string };

type Env = Readonly<Record<string, string | undefined>>;

function envNumber(env: Env, name: string, min: number): number | undefined | string {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) return `${name} skal være et tal (mindst ${min}), ikke »${raw}«.`;
  return n;
}

export function parseSendTunables(env: Env): TunablesResult {
  const base = envNumber(env, 'KOMMUNEBREV_RETRY_BASE_MS', 0);
  const attempts = envNumber(env, 'KOMMUNEBREV_RETRY_ATTEMPTS', 1);
  const timeout = envNumber(env, 'KOMMUNEBREV_SMTP_TIMEOUT_MS', 100);
  for (const v of [base, attempts, timeout]) if (typeof v === 'string') return { ok: false, message: v };
  const baseMs = typeof base === 'number' ? base : DEFAULT_RETRY.baseMs;
  const tunables: SendTunables = {
    retry: {
      baseMs,
      maxMs: Math.max(baseMs, DEFAULT_RETRY.maxMs),
      maxAttempts: Math.floor(typeof attempts === 'number' ? attempts : DEFAULT_RETRY.maxAttempts),
    },
  };
  if (typeof timeout === 'number') tunables.socketTimeoutMs = timeout;
  return { ok: true, tunables };
}
