// Renders letters (PDF + .eml) on this thread and, for a batch, on helper
// threads as well, and hands them on strictly in input order.
//
// Threads (issue 11, measured with `npm run bench` and node --cpu-prof). A
// helper thread costs a start (loading pdfmake, fontkit and the fonts, then a
// few slow letters while its code warms up), so for a whole barometer the
// helpers are started as early as possible (`startRenderHelpers`, before the
// data is read) and take letters only once they say they are ready.
// - Up to MAIN_RENDERS_BELOW letters the main thread renders too: until the
//   helpers are ready, and whenever they are busy, it renders the next letter
//   itself, so a helper that is slow to start (a busy machine) simply takes
//   fewer letters and no batch waits for a thread.
// - From MAIN_RENDERS_BELOW letters on, only helpers (one per core) render,
//   with capped heaps, and the main thread writes: memory stays flat.
// On the 2-core machine two rendering threads gave about 1.4× the letters
// per second of one (the cores share caches and memory bandwidth).
// KOMMUNEBREV_THREADS sets the number of rendering threads (1 = this thread
// only). Output bytes never depend on the thread a letter was rendered on.
//
// Memory stays flat with the batch size: letter models are taken from the
// source one at a time (they may be composed on demand), and at most a few
// letters are rendered ahead of the one being written.
import { availableParallelism } from 'node:os';
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { composeEml } from './compose-email.js';
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

/** Below this many letters a helper thread would not finish warming up before the batch is done. */
export const MIN_LETTERS_FOR_HELPERS = 12;
/**
 * From this many letters on, only the helpers render. Their heaps are capped;
 * the main thread's is not (V8 sizes it from the machine's memory and lets it
 * fill with garbage before collecting: rendering 1,000 letters on it took the
 * process to 360 MiB, 35 MiB of it live), so a large batch would not stay
 * within its memory bound if the main thread rendered too.
 */
export const MAIN_RENDERS_BELOW = 200;
/** Letters rendered ahead of the one being handed on, per rendering thread. */
const AHEAD_PER_THREAD = 4;
/** Letters a helper holds at once: one it renders and one waiting, so it never idles while the main thread renders. */
const HELPER_QUEUE = 2;

/** Who renders a batch: how many helper threads, and whether the main thread renders too. */
export interface RenderPlan {
  helpers: number;
  mainRenders: boolean;
}

/**
 * The threads for a batch of `letterCount` letters. KOMMUNEBREV_THREADS sets
 * the number of rendering threads (1 = the main thread only).
 */
export function planRenderThreads(letterCount: number): RenderPlan {
  const env = Number(process.env.KOMMUNEBREV_THREADS);
  const threads =
    Number.isInteger(env) && env > 0
      ? Math.min(env, Math.max(1, letterCount))
      : letterCount < MIN_LETTERS_FOR_HELPERS
        ? 1
        : Math.max(1, Math.min(availableParallelism(), letterCount));
  if (threads === 1) return { helpers: 0, mainRenders: true };
  return letterCount >= MAIN_RENDERS_BELOW
    ? { helpers: threads, mainRenders: false }
    : { helpers: threads - 1, mainRenders: true };
}

/** A short description of a plan, for `npm run bench`. */
export function describeRenderPlan(plan: RenderPlan): string {
  return plan.mainRenders ? `hovedtråden + ${plan.helpers} hjælpetråde` : `${plan.helpers} hjælpetråde`;
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

/** Helper threads, started before the letters are known so that they load pdfmake and the fonts meanwhile. */
export class RenderHelpers {
  readonly helpers: Helper[] = [];

  constructor(count = 0) {
    this.resize(count);
  }

  /** Starts or stops helpers until there are `count`. */
  resize(count: number): void {
    while (this.helpers.length < count) {
      const worker = new Worker(new URL('./render-worker.js', import.meta.url), { resourceLimits: WORKER_LIMITS });
      // An idle helper must not keep the process alive (e.g. when the data turns out invalid).
      worker.unref();
      this.helpers.push({ worker, ready: false, jobs: [] });
    }
    for (const h of this.helpers.splice(Math.max(0, count))) void h.worker.terminate();
  }

  /** Stops every helper (idempotent); the pool then has none. */
  async close(): Promise<void> {
    await Promise.all(this.helpers.splice(0).map((h) => h.worker.terminate()));
  }
}

/**
 * For a whole barometer, before the data is read: starts the helpers that any
 * batch will use (one per core besides the main thread; a large batch gets
 * one more when renderLetters sees its size). None for a single letter.
 */
export function startRenderHelpers(batch: boolean): RenderHelpers {
  return new RenderHelpers(batch ? planRenderThreads(MAIN_RENDERS_BELOW - 1).helpers : 0);
}

function modelAt(source: LetterSource, i: number): LetterModel {
  const model = source.at(i);
  if (!model) throw new Error(`Intet brev nr. ${i}`);
  return model;
}

async function renderOne(model: LetterModel): Promise<RenderedLetter> {
  const pdf = await renderLetterPdf(model);
  return { model, pdf, eml: await composeEml(model, pdf) };
}

/**
 * Renders every letter, on this thread and on the helpers (if given), and
 * calls onRendered in input order, one at a time, as letters become ready.
 * Writing letter i (onRendered) overlaps with rendering the next ones. The
 * helpers are closed when the batch is done or fails.
 */
export async function renderLetters(
  source: LetterSource,
  onRendered: (letter: RenderedLetter, index: number) => Promise<void>,
  pool: RenderHelpers = new RenderHelpers(),
): Promise<void> {
  const plan = planRenderThreads(source.length);
  pool.resize(plan.helpers);
  const live = new Set(pool.helpers);
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
  const done = (id: number, letter: RenderedLetter) => {
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
    h.worker.ref();
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

  try {
    while (!failure && nextToHand < source.length) {
      feedHelpers();
      const own =
        returned.shift() ?? (mainRenders() && nextToDispatch - nextToHand < window() ? takeNext() : undefined);
      if (own) {
        done(own.id, await renderOne(own.model));
        // Let the helpers' messages in between two letters of this thread.
        await yieldToEvents();
      } else {
        await new Promise<void>((resolve) => (wake = resolve));
      }
    }
    await chain;
    if (failure) throw failure.error;
  } finally {
    await pool.close();
  }

  function takeNext(): { id: number; model: LetterModel } | undefined {
    if (nextToDispatch >= source.length) return undefined;
    const id = nextToDispatch++;
    return { id, model: modelAt(source, id) };
  }
}
