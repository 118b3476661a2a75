// send --kommune X --mark-sent: records an uafklaret letter (or an archive
// copy that is uafklaret or was filed by hand) as received, without sending
// anything. The journal gets a `marked-sent` line; the preview is refreshed.
import type { OpenJournal } from '../adapters/send/send-journal.js';
import type { Manifest } from '../core/letters/manifest.js';
import type { JournalRecord } from '../core/send/journal-fold.js';
import { JOURNAL_VERSION } from '../core/send/journal.js';
import { who } from '../core/send/send-report.js';
import { EXIT_OK, UsageError, type Io } from './io.js';
import { refreshPreview } from './refresh-preview.js';
import { newRunId } from './send-jobs.js';

export async function markSent(
  io: Io,
  dir: string,
  journal: OpenJournal,
  manifest: Manifest,
  record: JournalRecord,
  kode: string,
  arkivkopi: string | undefined,
): Promise<number> {
  const letter = manifest.letters.find((l) => l.kommunekode === kode);
  const s = record.status.get(kode);
  if (!letter) throw new UsageError(`Der er intet brev til kommune ${kode}.`);
  // An archive copy of a delivered letter that is uafklaret, or that staff filed by hand (e.g. because it
  // can no longer be rebuilt), is confirmed the same way; the kommune's letter is not touched.
  const open = s?.state === 'sent' ? [...s.deliveries].reverse() : [];
  const copy =
    open.find((d) => d.arkivkopi?.state === 'uafklaret') ??
    (arkivkopi !== undefined ? open.find((d) => d.arkivkopi?.state !== 'sent') : undefined);
  if (copy) {
    const to = copy.arkivkopi?.to ?? arkivkopi;
    await journal.append({
      v: JOURNAL_VERSION,
      at: new Date().toISOString(),
      run: newRunId(),
      type: 'marked-sent',
      kommunekode: kode,
      kind: 'arkivkopi',
      messageId: copy.messageId,
      ...(to !== undefined ? { recipient: to } : {}),
    });
    io.out(
      `Arkivkopien af brevet til ${letter.navn} (Message-ID <${copy.messageId}>) er registreret som arkiveret i sendejournalen (intet er sendt).`,
    );
    await refreshPreview(io, dir, manifest);
    return EXIT_OK;
  }
  if (s?.state !== 'uafklaret' || s.messageId === undefined) {
    const what = s ? (s.state === 'sent' ? 'allerede sendt' : 'fejlet (ikke modtaget af mailserveren)') : 'ikke sendt';
    throw new UsageError(`--mark-sent er kun til uafklarede breve; brevet til ${letter.navn} er ${what}.`);
  }
  await journal.append({
    v: JOURNAL_VERSION,
    at: new Date().toISOString(),
    run: newRunId(),
    type: 'marked-sent',
    kommunekode: kode,
    kind: 'brev',
    messageId: s.messageId,
  });
  io.out(
    `Brevet til ${who(letter, s.to ?? letter.recipient)} er registreret som modtaget i sendejournalen (det er ikke sendt igen).`,
  );
  await refreshPreview(io, dir, manifest);
  return EXIT_OK;
}
