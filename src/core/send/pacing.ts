// Pacing a run: backoff between attempts at a temporary failure, and the
// rate limit some SMTP relays ask for. Pure; the clock is the caller's.

export interface RetryPolicy {
  /** Attempts per letter in one run, including the first. */
  maxAttempts: number;
  /** Delay before the first retry; doubled for each further retry. */
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 4, baseMs: 2000, maxMs: 60_000 };

/** Delay before attempt `nextAttempt` (2, 3, ...). */
export function retryDelayMs(nextAttempt: number, policy: RetryPolicy): number {
  const exp = Math.max(0, nextAttempt - 2);
  return Math.min(policy.baseMs * 2 ** exp, policy.maxMs);
}

export interface Rate {
  count: number;
  perMs: number;
  /** As written, e.g. "5/s". */
  text: string;
}

/** "5/s", "60/min", "0.5/s" -> a rate; undefined when not understood. */
export function parseRate(text: string): Rate | undefined {
  const m = /^\s*(\d+(?:[.,]\d+)?)\s*\/\s*(s|sek|sekund|min|minut)\s*$/i.exec(text);
  if (!m?.[1] || !m[2]) return undefined;
  const count = Number(m[1].replace(',', '.'));
  if (!Number.isFinite(count) || count <= 0) return undefined;
  const perMs = m[2].toLowerCase().startsWith('s') ? 1000 : 60_000;
  return { count, perMs, text: text.trim() };
}

/** Minimum time between the starts of two messages. */
export function rateIntervalMs(rate: Rate | undefined): number {
  return rate ? rate.perMs / rate.count : 0;
}

/** How long to wait before starting the next message. */
export function rateDelayMs(lastStartMs: number | undefined, nowMs: number, rate: Rate | undefined): number {
  if (lastStartMs === undefined || !rate) return 0;
  return Math.max(0, lastStartMs + rateIntervalMs(rate) - nowMs);
}
