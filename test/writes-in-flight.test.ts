// WritesInFlight (src/adapters/letters/write-output.ts): render writes the
// files of several letters at once, at most a limit, and a failed write is
// never lost: it fails the next add() or all().
import { describe, expect, it } from 'vitest';
import { WritesInFlight } from '../src/adapters/letters/write-output.js';

function deferred(): { promise: Promise<void>; resolve(): void; reject(e: Error): void } {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('WritesInFlight', () => {
  it('add() returns at once below the limit and waits at it until one write ends', async () => {
    const writes = new WritesInFlight(2);
    const a = deferred();
    const b = deferred();
    await writes.add(a.promise);
    let third = false;
    const adding = writes.add(b.promise).then(() => (third = true));
    await new Promise((r) => setImmediate(r));
    expect(third).toBe(false);
    a.resolve();
    await adding;
    expect(third).toBe(true);
    b.resolve();
    await writes.all();
  });

  it('a write that fails while others run fails the next add(), and all() too', async () => {
    const writes = new WritesInFlight(4);
    const a = deferred();
    await writes.add(a.promise);
    a.reject(new Error('disken er fuld'));
    await new Promise((r) => setImmediate(r));
    await expect(writes.add(Promise.resolve())).rejects.toThrow('disken er fuld');
    await expect(writes.all()).rejects.toThrow('disken er fuld');
  });

  it('a write that fails after the last add() fails all()', async () => {
    const writes = new WritesInFlight(4);
    const a = deferred();
    await writes.add(Promise.resolve());
    await writes.add(a.promise);
    const all = writes.all();
    a.reject(new Error('ingen adgang'));
    await expect(all).rejects.toThrow('ingen adgang');
  });
});
