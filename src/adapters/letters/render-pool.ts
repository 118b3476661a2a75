// Renders letters on all cores. pdfmake is CPU-bound and single-threaded, and
// PDF rendering is ~90 % of a render run (npm run bench), so a small pool of
// worker threads divides the wall time by the number of cores. Results come
// back in input order; with one core or few letters it renders in-process.
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

/** Below this many letters, worker start-up (font loading per thread) costs more than it saves. */
const MIN_LETTERS_FOR_WORKERS = 8;

export function renderThreads(letterCount: number): number {
  const env = Number(process.env.KOMMUNEBREV_THREADS);
  const cores = Number.isInteger(env) && env > 0 ? env : availableParallelism();
  return letterCount < MIN_LETTERS_FOR_WORKERS ? 1 : Math.max(1, Math.min(cores, letterCount));
}

/** Renders every letter; calls onRendered in input order as letters become ready. */
export async function renderLetters(
  models: readonly LetterModel[],
  onRendered: (letter: RenderedLetter, index: number) => Promise<void>,
): Promise<void> {
  const threads = renderThreads(models.length);
  if (threads === 1) {
    for (const [i, model] of models.entries()) {
      const pdf = await renderLetterPdf(model);
      await onRendered({ model, pdf, eml: await composeEml(model, pdf) }, i);
    }
    return;
  }

  const workers = Array.from({ length: threads }, () => new Worker(new URL('./render-worker.js', import.meta.url)));
  const ready = new Map<number, RenderedLetter>();
  let nextToHand = 0;
  let nextToSend = 0;
  let failure: Error | undefined;
  let chain = Promise.resolve();

  try {
    await new Promise<void>((resolve, reject) => {
      let finished = 0;
      const feed = (w: Worker) => {
        if (failure || nextToSend >= models.length) return;
        const id = nextToSend++;
        w.postMessage({ id, model: models[id] });
      };
      for (const w of workers) {
        w.on('message', (msg: { id: number; pdf?: Uint8Array; eml?: Uint8Array; error?: string }) => {
          if (msg.error !== undefined || !msg.pdf || !msg.eml) {
            failure = new Error(msg.error ?? 'render worker returned nothing');
            reject(failure);
            return;
          }
          const model = models[msg.id] as LetterModel;
          ready.set(msg.id, { model, pdf: Buffer.from(msg.pdf), eml: Buffer.from(msg.eml) });
          // Hand letters on strictly in order, one at a time.
          while (ready.has(nextToHand)) {
            const i = nextToHand++;
            const letter = ready.get(i) as RenderedLetter;
            ready.delete(i);
            chain = chain.then(() => onRendered(letter, i));
            chain.catch(reject);
            finished++;
          }
          if (finished === models.length) chain.then(resolve, reject);
          else feed(w);
        });
        w.on('error', reject);
        feed(w);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
