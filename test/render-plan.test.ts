// Who renders a batch: the main thread alone, helpers only (large batches,
// for flat memory), or, when KOMMUNEBREV_THREADS asks for it in a small
// batch, the main thread with helpers. Table-driven over batch sizes and
// KOMMUNEBREV_THREADS.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { HELPERS_FROM, planRenderThreads } from '../src/adapters/letters/render-pool.js';
import { EXAMPLE_DATA, REPO } from './helpers/cli.js';
import type * as LoadModule from '../src/commands/load.js';
import type * as ComposeModule from '../src/core/letters/compose-letter.js';
import type * as PoolModule from '../src/adapters/letters/render-pool.js';
import type * as PdfModule from '../src/adapters/letters/render-pdf.js';

const cores = availableParallelism();

describe('planRenderThreads', () => {
  const saved = process.env.KOMMUNEBREV_THREADS;
  afterEach(() => {
    if (saved === undefined) delete process.env.KOMMUNEBREV_THREADS;
    else process.env.KOMMUNEBREV_THREADS = saved;
  });

  it.each([
    [1, undefined, { helpers: 0, mainRenders: true }],
    [98, undefined, { helpers: 0, mainRenders: true }],
    [HELPERS_FROM - 1, undefined, { helpers: 0, mainRenders: true }],
    [HELPERS_FROM, undefined, { helpers: Math.max(1, cores), mainRenders: false }],
    [10_000, undefined, { helpers: Math.max(1, cores), mainRenders: false }],
    [10_000, '1', { helpers: 0, mainRenders: true }],
    [98, '1', { helpers: 0, mainRenders: true }],
    [98, '3', { helpers: 2, mainRenders: true }],
    [2, '3', { helpers: 1, mainRenders: true }],
    [1, '3', { helpers: 0, mainRenders: true }],
    [10_000, '3', { helpers: 3, mainRenders: false }],
    [98, 'nonsense', { helpers: 0, mainRenders: true }],
  ])('%i letters, KOMMUNEBREV_THREADS=%s → %o', (letters, env, plan) => {
    if (env === undefined) delete process.env.KOMMUNEBREV_THREADS;
    else process.env.KOMMUNEBREV_THREADS = env;
    expect(planRenderThreads(letters)).toEqual(plan);
  });
});

// A batch of HELPERS_FROM letters goes to helpers only: the built pool
// (dist/, where render-worker.js is) renders the example's letters repeated,
// hands every one on in order, and each equals the letter rendered here.
describe('a batch rendered by helpers only', () => {
  it('hands on every letter in order, the same bytes as rendered on this thread', async () => {
    const dist = (p: string) => join(REPO, 'dist', p);
    const { loadBarometer } = (await import(dist('commands/load.js'))) as typeof LoadModule;
    const { composeLetters } = (await import(dist('core/letters/compose-letter.js'))) as typeof ComposeModule;
    const pool = (await import(dist('adapters/letters/render-pool.js'))) as typeof PoolModule;
    const { renderLetterPdf } = (await import(dist('adapters/letters/render-pdf.js'))) as typeof PdfModule;
    const loaded = await loadBarometer(EXAMPLE_DATA);
    if (!loaded.ok) throw new Error('example data invalid');
    const models = composeLetters(loaded.data, loaded.templates);
    const n = pool.HELPERS_FROM;
    const saved = process.env.KOMMUNEBREV_THREADS;
    process.env.KOMMUNEBREV_THREADS = '2';
    onTestFinished(() => {
      if (saved === undefined) delete process.env.KOMMUNEBREV_THREADS;
      else process.env.KOMMUNEBREV_THREADS = saved;
    });
    expect(pool.planRenderThreads(n)).toEqual({ helpers: 2, mainRenders: false });
    const seen: number[] = [];
    const pdfs = new Map<number, Buffer>();
    await pool.renderLetters({ length: n, at: (i) => models[i % models.length] }, async (letter, i) => {
      seen.push(i);
      expect(letter.model.kommune.kode).toBe(models[i % models.length]?.kommune.kode);
      if (i % 37 === 0) pdfs.set(i, letter.pdf);
    });
    expect(seen).toEqual(Array.from({ length: n }, (_, i) => i));
    for (const [i, pdf] of pdfs) expect(pdf.equals(await renderLetterPdf(models[i % models.length]!))).toBe(true);
  }, 600_000);
});
