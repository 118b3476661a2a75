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
async function renderHere(source: LetterSource, onRendered: (letter: RenderedLetter, index: number) => Promise<void>): Promise<void> {
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

async function renderOnWorkers(
  source: LetterSource,
  threads: number,
  onRendered: (letter: RenderedLetter, index: number) => Promise<void>,
): Promise<void> {
  const workers = Array.from({ length: threads }, () => new Worker(new URL('./render-worker.js', import.meta.url)));
  const sent = new Map<number, LetterModel>();
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
      // Dispatch to idle workers while few letters wait to be handed on (flat memory).
      const feed = () => {
        while (!failed && idle.length > 0 && nextToSend < source.length && nextToSend - handedOn < threads * AHEAD_PER_THREAD) {
          const w = idle.pop() as Worker;
          const id = nextToSend++;
          const model = modelAt(source, id);
          sent.set(id, model);
          w.postMessage({ id, model });
        }
      };
      for (const w of workers) {
        w.on('message', (msg: { id: number; pdf?: Uint8Array; eml?: Uint8Array; error?: string }) => {
          if (msg.error !== undefined || !msg.pdf || !msg.eml) return fail(new Error(msg.error ?? 'render worker returned nothing'));
          const model = sent.get(msg.id) as LetterModel;
          sent.delete(msg.id);
          ready.set(msg.id, { model, pdf: Buffer.from(msg.pdf), eml: Buffer.from(msg.eml) });
          idle.push(w);
          // Hand letters on strictly in order, one at a time.
          while (ready.has(nextToHand)) {
            const i = nextToHand++;
            const letter = ready.get(i) as RenderedLetter;
            ready.delete(i);
            chain = chain.then(() => onRendered(letter, i));
            chain.then(() => {
              handedOn++;
              if (handedOn === source.length) resolve();
              else feed();
            }, fail);
          }
          feed();
        });
        w.on('error', fail);
        idle.push(w);
      }
      if (source.length === 0) resolve();
      feed();
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
