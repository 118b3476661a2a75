// Refreshes the preview page (index.html in the barometer folder) with the
// send status from the journal, after `send` and on `status`. A failure is
// reported but never changes the outcome of the command.
import { writePreview } from '../adapters/preview/write-preview.js';
import { readJournal } from '../adapters/send/send-journal.js';
import type { Manifest } from '../core/letters/manifest.js';
import { foldJournal } from '../core/send/journal-fold.js';
import type { SendStatusMap } from '../core/send/send-status.js';
import type { Io } from './io.js';

export async function refreshPreview(io: Io, dir: string, manifest: Manifest, status?: SendStatusMap): Promise<void> {
  try {
    const s = status ?? foldJournal((await readJournal(dir)).entries);
    await writePreview(dir, manifest, s);
  } catch (err) {
    io.err(`Bemærk: forhåndsvisningen kunne ikke opdateres med afsendelsesstatus (${(err as Error).message}).`);
  }
}
