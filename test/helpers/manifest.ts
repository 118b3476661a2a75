// A manifest as `render` writes it, from a small but real pipeline run (no PDFs):
// for tests of the preview page and the preview server.
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { assessNationalPicture } from '../../src/core/letters/assess.js';
import { compileTemplates, composeLetters } from '../../src/core/letters/compose-letter.js';
import { MANIFEST_VERSION, manifestLetter, type Manifest } from '../../src/core/letters/manifest.js';
import { validateBarometerData } from '../../src/core/letters/validate.js';
import { letterInputsNow, type CurrentInputs } from '../../src/core/letters/freshness.js';
import type { Delivery, SendStatusMap } from '../../src/core/send/send-status.js';
import type { LetterModel, ValidatedData } from '../../src/core/types.js';
import {
  afslagRow,
  caseRow,
  exampleBarometer,
  exampleRuleSet,
  KOMMUNE_HEADER,
  kommuneRow,
  SAGER_HEADER,
  table,
} from '../core/table-builders.js';
import { REPO } from './cli.js';

/** The shipped letter templates, compiled at run time. */
export function exampleTemplates() {
  const read = (f: string) => ({
    file: f,
    source: readFileSync(`${REPO}/templates/handicapsagsbarometer/${f}`, 'utf8'),
  });
  const t = compileTemplates(
    {
      brev: read('brev.hbs'),
      emailEmne: read('email-emne.hbs'),
      emailTekst: read('email-tekst.hbs'),
      emailHtml: read('email-html.hbs'),
    },
    { compiler: Handlebars },
  );
  if (!t.ok) throw new Error(JSON.stringify(t.problems));
  return t.templates;
}

const TEMPLATE_HASHES = { 'templates/handicapsagsbarometer/brev.hbs': 'b'.repeat(64) };

function exampleData(): ValidatedData {
  const r = validateBarometerData({
    barometer: exampleBarometer(),
    ruleSet: exampleRuleSet(),
    kommuner: table('kommuner.csv', KOMMUNE_HEADER, [
      kommuneRow(),
      kommuneRow({ kommunekode: '101', navn: 'Københavns Kommune', email: 'kk@kk.example' }),
      kommuneRow({ kommunekode: '825', navn: 'Læsø Kommune', email: 'laesoe@laesoe.example' }),
    ]),
    sager: table('sager.csv', SAGER_HEADER, [
      caseRow(),
      caseRow({ sagsnummer: 'HSB23-0002', sagsoplysning: 'væsentlig', 'overholder regler og praksis': 'nej' }),
      afslagRow({
        sagsnummer: 'HSB23-0003',
        kommunekode: '101',
        begrundelse: 'væsentlig',
        klagevejledning: 'ikke overholdt',
        'overholder regler og praksis': 'nej',
      }),
      afslagRow({ sagsnummer: 'HSB23-0004', kommunekode: '101' }),
      caseRow({ sagsnummer: 'HSB23-0005', kommunekode: '101', helhedsvurdering: 'ikke overholdt' }),
    ]),
  });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.data;
}

/** The letter models of the small example (for composing real emails in tests). */
export function exampleLetterModels(): LetterModel[] {
  return composeLetters(exampleData(), exampleTemplates());
}

/** The data exampleManifest() was made from, as `send` would load it now; `change` edits it first. */
export function exampleCurrent(change: (data: ValidatedData) => void = () => undefined): CurrentInputs {
  const data = exampleData();
  change(data);
  return { data, inputHashes: { ...TEMPLATE_HASHES } };
}

export function exampleManifest(): Manifest {
  const current = exampleCurrent();
  const inputs = letterInputsNow(current);
  const data = current.data;
  const letters = composeLetters(data, exampleTemplates()).map((model) =>
    manifestLetter(
      model,
      { file: `${model.filBase}.pdf`, sha256: '0'.repeat(64), bytes: 40_000 },
      { file: `${model.filBase}.eml`, sha256: '1'.repeat(64), bytes: 60_000, contentSha256: '2'.repeat(64) },
      model.kommune.kode === '173'
        ? ['advarsel: sager.csv, række 3: Afgørelsesdatoen ligger uden for undersøgelsesperioden.']
        : [],
      inputs.get(model.kommune.kode),
    ),
  );
  const withCases = new Set(data.cases.map((c) => c.kommunekode));
  return {
    version: MANIFEST_VERSION,
    barometer: {
      id: data.barometer.id,
      titel: data.barometer.titel,
      brevdato: data.barometer.brevdato,
      eksempeldata: data.barometer.eksempeldata,
    },
    inputs: { ...current.inputHashes },
    national: assessNationalPicture(data.cases, data.ruleSet),
    letters,
    kommunerUdenSager: data.kommuner
      .filter((k) => !withCases.has(k.kode))
      .map((k) => ({ kommunekode: k.kode, navn: k.navn, email: k.email })),
    advarsler: ['advarsel: sager.csv, række 3: Afgørelsesdatoen ligger uden for undersøgelsesperioden.'],
  };
}

/** A delivery as the journal folds it: the address it went to and the .eml it was made from. */
export const delivered = (
  to: string,
  eml: { sha256: string; contentSha256?: string | undefined } = {
    sha256: 'b'.repeat(64),
    contentSha256: 'c'.repeat(64),
  },
): Delivery => ({
  at: '2024-05-08T08:15:00Z',
  to,
  messageId: 'abc@ankestyrelsen.example',
  sha256: 'd'.repeat(64),
  emlFile: '101-koebenhavns-kommune.eml',
  emlSha256: eml.sha256,
  ...(eml.contentSha256 !== undefined ? { contentSha256: eml.contentSha256 } : {}),
  resend: false,
  response: '250 2.0.0 OK <queued>',
  confirmedManually: false,
});

/** A send status for exampleManifest(): 101 sent (to an earlier address), 173 failed, 999 uafklaret without a letter. */
export function exampleSendStatus(): SendStatusMap {
  return new Map([
    [
      '101',
      {
        kommunekode: '101',
        state: 'sent',
        at: '2024-05-08T08:15:00Z',
        messageId: 'abc@ankestyrelsen.example',
        response: '250 2.0.0 OK <queued>',
        resends: 0,
        deliveries: [delivered('old-address@kommune.example')],
      },
    ],
    [
      '173',
      {
        kommunekode: '173',
        state: 'failed',
        at: '2024-05-08T08:16:00Z',
        response: '550 5.1.1 Mailbox unavailable',
        code: 550,
        resends: 0,
        deliveries: [],
      },
    ],
    [
      '999',
      {
        kommunekode: '999',
        state: 'uafklaret',
        at: '2024-05-08T08:17:00Z',
        response: 'Forbindelsen blev afbrudt',
        resends: 0,
        deliveries: [],
      },
    ],
  ]);
}
