// A folder whose letter files do not match the manifest (edited by hand,
// lost, or left half-written by something else than render) is said to be
// inconsistent, plainly, by status and on the preview page; send refuses
// exactly those letters. A running render keeps send away.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startPreviewCli } from './helpers/cli.js';
import { addressOf, cleanEnv, KOMMUNER, runCliAsync } from './helpers/send-data.js';
import { useSendHarness } from './helpers/send-harness.js';

const { fixture, smtp, send } = useSendHarness();

describe('an inconsistent out folder', () => {
  it('status and the preview page say so and name the files; send refuses those letters and sends the others', async () => {
    const f = fixture();
    const pdf = join(f.dir, '147-frederiksberg-kommune.pdf');
    writeFileSync(pdf, Buffer.concat([readFileSync(pdf), Buffer.from('\n% rettet i hånden\n')]));
    rmSync(join(f.dir, '461-odense-kommune.eml'));

    const st = await runCliAsync(f.bin, ['status', '--out', f.out]);
    expect(st.code).toBe(1);
    expect(st.stderr).toContain('Mappen er inkonsistent: 2 filer passer ikke med manifestet');
    expect(st.stderr).toContain(
      '147-frederiksberg-kommune.pdf: 147 Frederiksberg Kommune: filen passer ikke med manifestet',
    );
    expect(st.stderr).toContain('461-odense-kommune.eml: 461 Odense Kommune: filen findes ikke eller kan ikke læses.');
    const page = readFileSync(join(f.dir, 'index.html'), 'utf8');
    expect(page).toContain('<strong>Mappen er inkonsistent.</strong>');
    expect(page).toContain('147-frederiksberg-kommune.pdf');
    expect(page).toContain('461-odense-kommune.eml');

    const server = await smtp();
    const r = await send(f, server);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/147 Frederiksberg Kommune: filen passer ikke med manifestet/);
    expect(r.stderr).toMatch(/461 Odense Kommune: filen findes ikke/);
    const sentTo = server.received.flatMap((m) => m.to).sort();
    expect(sentTo).toEqual(
      KOMMUNER.map(([k]) => k)
        .filter((k) => k !== '147' && k !== '461')
        .map(addressOf)
        .sort(),
    );
  });

  it('preview says so before serving, and the page it serves says so', async () => {
    const f = fixture();
    rmSync(join(f.dir, '173-lyngby-taarbaek-kommune.pdf'));
    const preview = await startPreviewCli(['--out', f.out], { bin: f.bin, env: cleanEnv({}) });
    const page = await (await fetch(preview.url)).text();
    const { code, stderr } = await preview.stop();
    expect(code).toBe(0);
    expect(stderr).toContain('Mappen er inkonsistent: 1 fil passer ikke med manifestet');
    expect(page).toContain('<strong>Mappen er inkonsistent.</strong>');
    expect(page).toContain(
      '173-lyngby-taarbaek-kommune.pdf: 173 Lyngby-Taarbæk Kommune: filen findes ikke eller kan ikke læses.',
    );
  });

  it('a consistent folder: status exits 0 and the page has no such notice', async () => {
    const f = fixture();
    const st = await runCliAsync(f.bin, ['status', '--out', f.out]);
    expect(st.code, st.stderr).toBe(0);
    expect(st.stderr).not.toMatch(/inkonsistent/);
    expect(readFileSync(join(f.dir, 'index.html'), 'utf8')).not.toContain('Mappen er inkonsistent');
  });

  it('while a render is running in the folder, send refuses (exit 2) and a second render too; status says so', async () => {
    const f = fixture();
    // This test process stands in for the running render: it is alive.
    writeFileSync(
      join(f.dir, 'render.lock'),
      `${JSON.stringify({ pid: process.pid, host: hostname(), started: new Date().toISOString() })}\n`,
    );
    const server = await smtp();
    const r = await send(f, server);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`En render \\(pid ${process.pid}\\) skriver brevene i .* om lige nu`));
    expect(server.connections).toBe(0);
    const again = await runCliAsync(f.bin, ['render', '--data', f.data, '--out', f.out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/En anden render .* skriver i .* lige nu/);
    const st = await runCliAsync(f.bin, ['status', '--out', f.out]);
    expect(st.stderr).toMatch(/en render \(pid \d+\) skriver i mappen lige nu/);
  });

  it('a lock left by a render that was killed is taken over', async () => {
    const f = fixture();
    writeFileSync(
      join(f.dir, 'render.lock'),
      `${JSON.stringify({ pid: 2 ** 22 + 17, host: hostname(), started: '2024-01-01T00:00:00Z' })}\n`,
    );
    const r = await runCliAsync(f.bin, ['render', '--data', f.data, '--out', f.out]);
    expect(r.code, r.stderr).toBe(0);
  });
});
