// End to end, continued: `send` killed (kill -9) at random moments and
// interrupted (Ctrl-C), then run again; and credentials kept out of every
// output and file. Same fixture and server as send-e2e.test.ts.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../src/core/send/journal.js';
import { foldJournal } from '../src/core/send/journal-fold.js';
import { addressOf, KOMMUNER, spawnCli } from './helpers/send-data.js';
import { journalOf, useSendHarness } from './helpers/send-harness.js';

const { fixture, smtp, send } = useSendHarness();

const ALL = KOMMUNER.map(([kode]) => kode);

describe('send: killed and interrupted', () => {
  // Random moments: after the Nth message was kept (before or just after its
  // reply), or after a random delay from the start. Whatever the moment, a
  // re-run finishes the batch and no kommune ever gets a second copy.
  const rounds = Array.from({ length: 5 }, (_, i) => ({
    round: i + 1,
    afterKept: 1 + Math.floor(Math.random() * ALL.length),
    mode: (['before-reply', 'after-reply', 'random-delay'] as const)[i % 3] ?? 'before-reply',
    delayMs: Math.floor(Math.random() * 600),
  }));
  it.each(rounds)(
    'kill -9, round $round ($mode, after message $afterKept / $delayMs ms), then run again',
    async ({ afterKept, mode, delayMs }) => {
      const f = fixture();
      let child: ReturnType<typeof spawnCli> | undefined;
      const kill = (): void => {
        child?.kill('SIGKILL');
      };
      const server = await smtp({
        replyDelayMs: mode === 'after-reply' ? 0 : 5,
        onKept: (n) => {
          if (mode === 'before-reply' && n === afterKept) kill();
          if (mode === 'after-reply' && n === afterKept) setTimeout(kill, 1);
        },
      });
      child = spawnCli(f.bin, ['send', '--data', f.data, '--out', f.out, '--yes'], { SMTP_URL: server.url });
      child.stdin.end();
      child.stdout.resume();
      child.stderr.resume();
      if (mode === 'random-delay') setTimeout(kill, delayMs);
      const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child?.on('exit', (code, signal) => resolve({ code, signal })),
      );

      const r = await send(f, server);
      const status = foldJournal(journalOf(f));
      const detail = `exit ${exit.code}/${exit.signal}; rerun ${r.code}\n${r.stdout}\n${r.stderr}`;
      for (const kode of ALL) {
        const copies = server.countFor(addressOf(kode));
        expect(copies, `${kode} received ${copies} copies; ${detail}`).toBeLessThanOrEqual(1);
        const state = status.get(kode)?.state;
        if (state === 'uafklaret') {
          expect(r.stdout + r.stderr, detail).toMatch(new RegExp(`${kode} [^\\n]*`));
        } else {
          expect(state, `${kode}; ${detail}`).toBe('sent');
          expect(copies, `${kode}; ${detail}`).toBe(1);
        }
      }
      const uafklaret = ALL.filter((k) => status.get(k)?.state === 'uafklaret');
      expect(r.code, detail).toBe(uafklaret.length > 0 ? 1 : 0);
      if (uafklaret.length > 0) expect(r.stdout, detail).toMatch(/Uafklaret \(\d\), sendes ikke igen automatisk/);
      expect(existsSync(join(f.dir, LOCK_FILE))).toBe(false);
    },
  );

  it('Ctrl-C finishes the message in flight, records it, and stops; a re-run continues', async () => {
    const f = fixture();
    let child: ReturnType<typeof spawnCli> | undefined;
    const server = await smtp({
      replyDelayMs: 300,
      onKept: (n) => {
        if (n === 2) child?.kill('SIGINT');
      },
    });
    child = spawnCli(f.bin, ['send', '--data', f.data, '--out', f.out, '--yes'], { SMTP_URL: server.url });
    child.stdin.end();
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child?.on('close', (c) => resolve(c)));
    expect(code).toBe(1);
    expect(stderr).toMatch(/Stopper efter det brev, der sendes nu/);
    expect(stdout).toMatch(/Denne kørsel: 2 breve sendt, 0 fejlet, 0 uafklaret, 4 ikke forsøgt/);
    const entries = journalOf(f);
    expect(entries.at(-1)).toMatchObject({ type: 'run-end', interrupted: true, sent: 2 });
    const status = foldJournal(entries);
    expect([...status.values()].map((s) => s.state)).toEqual(['sent', 'sent']);
    expect(server.received).toHaveLength(2);
    expect(existsSync(join(f.dir, LOCK_FILE))).toBe(false);

    const r = await send(f, server);
    expect(r.code).toBe(0);
    for (const kode of ALL) expect(server.countFor(addressOf(kode))).toBe(1);
  });
});

describe('send: credentials', () => {
  it('never appear in output or in any file, given as SMTP_USER/SMTP_PASS or in SMTP_URL', async () => {
    const user = 'ankebruger-x7';
    const pass = 'Hemmeligt-Kodeord-42';
    for (const how of ['env', 'url'] as const) {
      const f = fixture();
      const server = await smtp({
        auth: { user, pass },
        data: (a) => (a === addressOf('101') ? { code: 554, text: `rejected ${'x'}` } : 'accept'),
      });
      const url = how === 'env' ? server.url : `smtp://${user}:${pass}@127.0.0.1:${server.port}`;
      const r = await send(f, url, [], how === 'env' ? { SMTP_USER: user, SMTP_PASS: pass } : {});
      expect(r.code).toBe(1);
      // A new connection (and login) after the failed message: the connection is never reused after an error.
      expect(server.logins.length).toBeGreaterThan(0);
      for (const login of server.logins) expect(login).toEqual({ user, pass });
      const b64 = Buffer.from(pass).toString('base64').replace(/=+$/, '');
      const everything = [
        r.stdout,
        r.stderr,
        ...readdirSync(f.dir).map((n) => readFileSync(join(f.dir, n), 'latin1')),
      ].join('\n');
      expect(everything).not.toContain(pass);
      expect(everything).not.toContain(user);
      expect(everything).not.toContain(b64);

      const wrong = await send(fixture(), server.url, [], { SMTP_USER: user, SMTP_PASS: 'forkert-Kodeord-99' });
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toMatch(/login afvist/);
      expect(wrong.stdout + wrong.stderr).not.toMatch(/forkert-Kodeord-99|ankebruger-x7/);
    }
  });
});
