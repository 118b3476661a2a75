// Renders letters (PDF + .eml) on this thread or on helper threads, and
// hands them on strictly in input order.
//
// Who renders is planned per batch (planRenderThreads, measured with
// `npm run bench` and node --cpu-prof): the main thread alone below
// HELPERS_FROM letters, helpers only from there on. A helper costs a start
// (loading pdfmake, fontkit and the fonts, then a few slow letters while its
// code warms up), says when it is ready, and takes letters two at a time from
// then on. When KOMMUNEBREV_THREADS makes the main thread render beside
// helpers, it renders the next letter whenever no helper is ready, and takes
// back the oldest letter a helper holds rather than wait behind a slow one.
// A helper that ends midway hands its letters back. Output bytes never depend
// on the thread a letter was rendered on.
//
// Memory stays flat with the batch size: letter models are taken from the
// source one at a time (they may be composed on demand), and at most a few
// letters are rendered ahead of the one being written.
import { availableParallelism } from 'node:os';
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { composeEml } from './compose-email.js';
import { EmailThread } from './email-thread.js';
import { renderLetterPdf } from './render-pdf.js';
import type { LetterModel } from '../../core/types.js';

export interface RenderedLetter {
  model: LetterModel;
  pdf: Buffer;
  eml: Buffer;
}

/** Letter models by index: an array, or anything that makes them on demand. */
export interface LetterSource {
  readonly length: number;
  at(index: number): LetterModel | undefined;
}

/**
 * Helper threads render a batch only from this many letters on, and then
 * only they render (one per core, heaps capped), while the main thread
 * writes. Below it the main thread renders alone. Measured on the 2-core
 * machine (see README, Performance): a second rendering thread gave at best
 * ~1.4× the letters per second on an idle machine (the cores share caches and
 * memory bandwidth; per-letter CPU rose from ~29 to ~40 ms) and cost ~2 s more
 * CPU for the 98 example letters (its warm-up and that contention), which
 * left a 98-letter render ~4 % faster when the machine was idle and ~35 %
 * slower when another process kept a core busy. The main thread's heap is not
 * capped (V8 sizes it from the machine's memory and lets it fill with garbage:
 * 1,000 letters on it took the process to ~360 MiB with 35 MiB live), so a
 * large batch is rendered by capped helpers to keep memory flat.
 */
export const HELPERS_FROM = 200;
/** Letters rendered ahead of the one being handed on, per rendering thread. */
const AHEAD_PER_THREAD = 4;
/** From this many letters on, a main thread that renders has its emails composed on an email thread (email-thread.ts). */
export const EMAIL_THREAD_FROM = 12;
/** Letters a helper holds at once: one it renders and one waiting, so it never idles while the main thread renders. */
const HELPER_QUEUE = 2;

/** Who renders a batch: how many helper threads, and whether the main thread renders too. */
export interface RenderPlan {
  helpers: number;
  mainRenders: boolean;
}

/**
 * The threads for a batch of `letterCount` letters. KOMMUNEBREV_THREADS sets
 * the number of rendering threads (1 = the main thread only); below
 * HELPERS_FROM letters the main thread is then one of them.
 */
export function planRenderThreads(letterCount: number): RenderPlan {
  const env = Number(process.env.KOMMUNEBREV_THREADS);
  if (Number.isInteger(env) && env > 0) {
    const threads = Math.min(env, Math.max(1, letterCount));
    if (threads === 1) return { helpers: 0, mainRenders: true };
    return letterCount >= HELPERS_FROM
      ? { helpers: threads, mainRenders: false }
      : { helpers: threads - 1, mainRenders: true };
  }
  if (letterCount < HELPERS_FROM) return { helpers: 0, mainRenders: true };
  return { helpers: Math.max(1, availableParallelism()), mainRenders: false };
}

/** A short description of a plan for `letterCount` letters, for `npm run bench`. */
export function describeRenderPlan(plan: RenderPlan, letterCount: number): string {
  const helpers = `${plan.helpers} ${plan.helpers === 1 ? 'hjælpetråd' : 'hjælpetråde'}`;
  if (!plan.mainRenders) return helpers;
  const main = plan.helpers === 0 ? 'hovedtråden alene' : `hovedtråden og ${helpers}`;
  return letterCount >= EMAIL_THREAD_FROM ? `${main}, e-mails på en tråd for sig` : main;
}

/**
 * Worker heap limits. Without them V8 lets each isolate's heap grow to several
 * times the ~35 MB a letter needs before collecting. A helper that runs out of
 * memory anyway (a pathological letter) is not an error: its letters are
 * rendered on the main thread instead.
 */
const WORKER_LIMITS = { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 16 };

interface Helper {
  worker: Worker;
  ready: boolean;
  /** Letters sent to this helper and not yet back, oldest first. */
  jobs: { id: number; model: LetterModel }[];
}

type HelperMessage = { ready: true } | { id: number; pdf: Uint8Array; eml: Uint8Array } | { id: number; error: string };

/** Starts `count` helper threads; each says when it is ready (render-worker.ts). */
function startHelpers(count: number): Helper[] {
  return Array.from({ length: count }, () => ({
    worker: new Worker(new URL('./render-worker.js', import.meta.url), { resourceLimits: WORKER_LIMITS }),
    ready: false,
    jobs: [],
  }));
}

function modelAt(source: LetterSource, i: number): LetterModel {
  const model = source.at(i);
  if (!model) throw new Error(`Intet brev nr. ${i}`);
  return model;
}

/**
 * Renders every letter, on the threads planRenderThreads names, and calls
 * onRendered in input order, one at a time, as letters become ready. Writing
 * letter i (onRendered) overlaps with rendering the next ones. The helpers
 * are stopped when the batch is done or fails.
 */
export async function renderLetters(
  source: LetterSource,
  onRendered: (letter: RenderedLetter, index: number) => Promise<void>,
): Promise<void> {
  const plan = planRenderThreads(source.length);
  const helpers = startHelpers(plan.helpers);
  const live = new Set(helpers);
  const ready = new Map<number, RenderedLetter>();
  /** Letters a helper could not finish (it ran out of memory): rendered here, first. */
  const returned: { id: number; model: LetterModel }[] = [];
  let nextToDispatch = 0;
  let nextToHand = 0;
  let failure: { error: unknown } | undefined;
  let chain = Promise.resolve();
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const fail = (error: unknown) => {
    failure ??= { error };
    notify();
  };
  // The main thread renders when the plan says so, and always once no helper is left.
  const mainRenders = () => plan.mainRenders || live.size === 0;
  const window = () => AHEAD_PER_THREAD * (live.size + 1);
  /** Helper letters the main thread took back to render itself (see takeBack). */
  const takenBack = new Set<number>();
  const done = (id: number, letter: RenderedLetter) => {
    // A letter taken back is rendered twice; the first to finish is kept (both are the same bytes).
    if (id < nextToHand || ready.has(id)) return;
    ready.set(id, letter);
    // Hand letters on strictly in order, one at a time.
    while (ready.has(nextToHand)) {
      const i = nextToHand++;
      const next = ready.get(i) as RenderedLetter;
      ready.delete(i);
      chain = chain.then(() => onRendered(next, i));
      chain.then(notify, fail);
    }
    notify();
  };
  const feedHelpers = () => {
    for (const h of live) {
      while (
        h.ready &&
        !failure &&
        h.jobs.length < HELPER_QUEUE &&
        nextToDispatch < source.length &&
        nextToDispatch - nextToHand < window()
      ) {
        const job = { id: nextToDispatch++, model: modelAt(source, nextToDispatch - 1) };
        h.jobs.push(job);
        h.worker.postMessage(job);
      }
    }
  };

  for (const h of live) {
    h.worker.on('message', (msg: HelperMessage) => {
      if ('ready' in msg) h.ready = true;
      else if ('error' in msg) return fail(new Error(msg.error));
      else {
        const job = h.jobs.shift();
        if (job?.id !== msg.id) return fail(new Error('render worker returned letters out of order'));
        done(msg.id, { model: job.model, pdf: Buffer.from(msg.pdf), eml: Buffer.from(msg.eml) });
      }
      feedHelpers();
      notify();
    });
    h.worker.on('error', (err: Error & { code?: string }) => {
      if (err.code !== 'ERR_WORKER_OUT_OF_MEMORY') return fail(err);
      live.delete(h);
      returned.push(...h.jobs.splice(0));
      notify();
    });
    // A helper that ends for any other reason hands its letters back too (none is ever dropped).
    h.worker.on('exit', () => {
      if (!live.delete(h)) return;
      returned.push(...h.jobs.splice(0));
      notify();
    });
  }

  const emails = plan.mainRenders && source.length >= EMAIL_THREAD_FROM ? new EmailThread() : undefined;
  try {
    while (!failure && nextToHand < source.length) {
      feedHelpers();
      const own =
        returned.shift() ??
        (mainRenders() ? ((nextToDispatch - nextToHand < window() ? takeNext() : undefined) ?? takeBack()) : undefined);
      if (own) {
        const { id, model } = own;
        const pdf = await renderLetterPdf(model);
        if (emails) emails.compose(model, pdf).then((eml) => done(id, { model, pdf, eml }), fail);
        else done(id, { model, pdf, eml: await composeEml(model, pdf) });
        // Let the other threads' messages in between two letters of this thread.
        await yieldToEvents();
      } else {
        await new Promise<void>((resolve) => (wake = resolve));
      }
    }
    await chain;
    if (failure) throw failure.error;
  } finally {
    await Promise.all([...helpers.map((h) => h.worker.terminate()), emails?.close()]);
  }

  /**
   * When the main thread has nothing new to take (the letters ahead wait for
   * one a helper holds, or the batch is at its end), it renders the oldest
   * letter a helper holds itself instead of waiting: on a busy machine a
   * helper may be much slower, and the main thread must never idle behind it.
   */
  function takeBack(): { id: number; model: LetterModel } | undefined {
    let oldest: { id: number; model: LetterModel } | undefined;
    for (const h of live)
      for (const job of h.jobs)
        if (!takenBack.has(job.id) && !ready.has(job.id) && (!oldest || job.id < oldest.id)) oldest = job;
    if (oldest) takenBack.add(oldest.id);
    return oldest;
  }

  function takeNext(): { id: number; model: LetterModel } | undefined {
    if (nextToDispatch >= source.length) return undefined;
    const id = nextToDispatch++;
    return { id, model: modelAt(source, id) };
  }
}
