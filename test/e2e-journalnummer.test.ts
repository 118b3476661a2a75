// The journal number (offentlighedslovens § 15): given in barometer.json, it
// is printed under the letter's date and ends the email subject.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { copyExampleData, runCli, tempDir } from './helpers/cli.js';
import { hasCommand, pdfToText } from './helpers/pdf.js';

function withJournalnummer(value: unknown): string {
  const dir = copyExampleData();
  const file = join(dir, 'barometer.json');
  const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  writeFileSync(file, JSON.stringify({ ...json, journalnummer: value }, null, 2));
  return dir;
}

function render173(dir: string): { pdf: Buffer; eml: Buffer } {
  const out = tempDir();
  const r = runCli(['render', '--data', dir, '--out', out, '--kommune', '173']);
  expect(r.code).toBe(0);
  const base = join(out, '2023-ledsagelse', '173-lyngby-taarbaek-kommune');
  return { pdf: readFileSync(`${base}.pdf`), eml: readFileSync(`${base}.eml`) };
}

describe.skipIf(!hasCommand('pdftotext'))('journalnummer (pdftotext needed)', () => {
  it('is printed right under the date and ends the subject', async () => {
    const { pdf, eml } = render173(withJournalnummer('24-0417733'));
    const lines = pdfToText(pdf)
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '');
    const dateLine = lines.indexOf('8. maj 2024');
    expect(dateLine).toBeGreaterThan(0);
    expect(lines[dateLine + 1]).toBe('J.nr. 24-0417733');
    // Only there: once in the whole letter.
    expect(lines.filter((l) => l.includes('24-0417733'))).toHaveLength(1);

    const mail = await simpleParser(eml);
    expect(mail.subject).toBe(
      'Handicapsagsbarometret 2023: Ankestyrelsens vurdering af sagerne fra Lyngby-Taarbæk Kommune - J.nr. 24-0417733',
    );
    expect(mail.subject?.endsWith('24-0417733')).toBe(true);
  });

  it('is absent when barometer.json gives none, and then the letter is as before', async () => {
    const plain = render173(copyExampleData());
    expect(pdfToText(plain.pdf)).not.toContain('J.nr.');
    const mail = await simpleParser(plain.eml);
    expect(mail.subject).toBe(
      'Handicapsagsbarometret 2023: Ankestyrelsens vurdering af sagerne fra Lyngby-Taarbæk Kommune',
    );
    // A different letter gets a different Message-ID (RFC 5322 §3.6.4).
    const withNumber = await simpleParser(render173(withJournalnummer('24-0417733')).eml);
    expect(withNumber.messageId).not.toBe(mail.messageId);
  });

  it.each([
    ['24-04\n17733', 'Feltet »journalnummer« skal stå på én linje.'],
    ['', 'Feltet »journalnummer« må ikke være tom.'],
    [417733, 'Feltet »journalnummer« har forkert type'],
  ])('rejects journalnummer %j', (value, message) => {
    const r = runCli(['check', '--data', withJournalnummer(value)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`fejl: barometer.json, felt »journalnummer«: ${message}`);
  });
});
