// Renders letters (PDF + .eml), in this thread or on worker threads, and hands
// them on strictly in input order.
//
// Threads: a worker costs a start (loading pdfmake, fontkit and the fonts,
// ~0.3–0.5 s, more on a busy machine) and its own heap, and with fonts shared
// across documents a letter takes ~25 ms, so a small batch is done before a
// worker is ready (`npm run bench` measures it). Workers are used only from
// MIN_LETTERS_FOR_WORKERS letters on, one per core, kept warm for the whole
// batch; KOMMUNEBREV_THREADS overrides the count. Output bytes never depend
// on the thread a letter was rendered on.
//
// Memory stays flat with the batch size: letter models are taken from the
// source one at a time (they may be composed on demand), and at most a few
// letters are rendered ahead of the one being written.
import { availableParallelism } from 'node:os';
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

/** Below this many letters, one thread is faster than starting workers (see npm run bench). */
export const MIN_LETTERS_FOR_WORKERS = 200;
/** Letters rendered ahead of the one being handed on, per thread. */
const AHEAD_PER_THREAD = 4;

export function renderThreads(letterCount: number): number {
  const env = Number(process.env.KOMMUNEBREV_THREADS);
  if (Number.isInteger(env) && env > 0) return Math.max(1, Math.min(env, letterCount));
  return letterCount < MIN_LETTERS_FOR_WORKERS ? 1 : Math.max(1, Math.min(availableParallelism(), letterCount));
}

function modelAt(source: LetterSource, i: number): LetterModel {
  const model = source.at(i);
  if (!model) throw new Error(`Intet brev nr. ${i}`);
  return model;
}

/** Renders every letter; calls onRendered in input order, one at a time, as letters become ready. */
export async function renderLetters(
  source: LetterSource,
  onRendered: (letter: RenderedLetter, index: number) => Promise<void>,
): Promise<void> {
  const threads = renderThreads(source.length);
  if (threads === 1) return renderHere(source, onRendered);
  return renderOnWorkers(source, threads, onRendered);
}

/** One thread: writing letter i (fsync) overlaps with rendering the next ones. */
async function renderHere(
  source: LetterSource,
  onRendered: (letter: RenderedLetter, index: number) => Promise<void>,
): Promise<void> {
  const pending: Promise<void>[] = [];
  let failure: { error: unknown } | undefined;
  let chain = Promise.resolve();
  for (let i = 0; i < source.length && !failure; i++) {
    const model = modelAt(source, i);
    const pdf = await renderLetterPdf(model);
    const eml = await composeEml(model, pdf);
    chain = chain.then(() => onRendered({ model, pdf, eml }, i));
    pending.push(chain.then(undefined, (error: unknown) => void (failure ??= { error })));
    if (pending.length >= AHEAD_PER_THREAD) await pending.shift();
  }
  await chain;
}

/**
 * Worker heap limits. Without them V8 lets each isolate's heap grow to several
 * times the ~35 MB a letter needs before collecting, and three isolates passed
 * 400 MB at 10,000 letters. A worker that runs out of memory anyway (a
 * pathological letter) is not an error: its letter is rendered here instead.
 */
const WORKER_LIMITS = { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 8 };

async function renderOnWorkers(
  source: LetterSource,
  threads: number,
  onRendered: (letter: RenderedLetter, index: number) => Promise<void>,
): Promise<void> {
  const workers = new Set(
    Array.from(
      { length: threads },
      () => new Worker(new URL('./render-worker.js', import.meta.url), { resourceLimits: WORKER_LIMITS }),
    ),
  );
  const busy = new Map<Worker, { id: number; model: LetterModel }>();
  const ready = new Map<number, RenderedLetter>();
  const idle: Worker[] = [];
  let nextToHand = 0;
  let nextToSend = 0;
  let handedOn = 0;
  let failed = false;
  let chain = Promise.resolve();

  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (err: unknown) => {
        failed = true;
        reject(err instanceof Error ? err : new Error(String(err)));
      };
      const done = (id: number, letter: RenderedLetter) => {
        ready.set(id, letter);
        // Hand letters on strictly in order, one at a time.
        while (ready.has(nextToHand)) {
          const i = nextToHand++;
          const next = ready.get(i) as RenderedLetter;
          ready.delete(i);
          chain = chain.then(() => onRendered(next, i));
          chain.then(() => {
            handedOn++;
            if (handedOn === source.length) resolve();
            else feed();
          }, fail);
        }
        feed();
      };
      const renderHereInstead = (id: number, model: LetterModel) => {
        renderLetterPdf(model)
          .then(async (pdf) => done(id, { model, pdf, eml: await composeEml(model, pdf) }))
          .catch(fail);
      };
      // Dispatch while few letters wait to be handed on (flat memory).
      const feed = () => {
        while (!failed && nextToSend < source.length && nextToSend - handedOn < threads * AHEAD_PER_THREAD) {
          const id = nextToSend;
          if (workers.size === 0) {
            nextToSend++;
            renderHereInstead(id, modelAt(source, id));
            continue;
          }
          const w = idle.pop();
          if (!w) return;
          nextToSend++;
          const model = modelAt(source, id);
          busy.set(w, { id, model });
          w.postMessage({ id, model });
        }
      };
      for (const w of workers) {
        w.on('message', (msg: { id: number; pdf?: Uint8Array; eml?: Uint8Array; error?: string }) => {
          if (msg.error !== undefined || !msg.pdf || !msg.eml)
            return fail(new Error(msg.error ?? 'render worker returned nothing'));
          const job = busy.get(w);
          busy.delete(w);
          idle.push(w);
          if (job) done(job.id, { model: job.model, pdf: Buffer.from(msg.pdf), eml: Buffer.from(msg.eml) });
        });
        w.on('error', (err: Error & { code?: string }) => {
          if (err.code !== 'ERR_WORKER_OUT_OF_MEMORY') return fail(err);
          workers.delete(w);
          const job = busy.get(w);
          busy.delete(w);
          if (job) renderHereInstead(job.id, job.model);
          feed();
        });
        idle.push(w);
      }
      if (source.length === 0) resolve();
      feed();
    });
  } finally {
    await Promise.all([...workers].map((w) => w.terminate()));
  }
}
