// Refreshes the preview page (index.html in the barometer folder) with the
// send status from the journal, after `send` and on `status`. A failure is
// reported but never changes the outcome of the command.
import { readFolderProblems } from '../adapters/letters/read-output.js';
import { writePreview } from '../adapters/preview/write-preview.js';
import { formatProblem } from '../core/problems.js';
import { readJournal } from '../adapters/send/send-journal.js';
import type { Manifest } from '../core/letters/manifest.js';
import { foldJournal } from '../core/send/journal-fold.js';
import type { SendStatusMap } from '../core/send/send-status.js';
import type { Io } from './io.js';

/** The page also says plainly when letter files do not match the manifest (`folderProblems`, read here when not given). */
export async function refreshPreview(
  io: Io,
  dir: string,
  manifest: Manifest,
  status?: SendStatusMap,
  folderProblems?: readonly string[],
): Promise<void> {
  try {
    const s = status ?? foldJournal((await readJournal(dir)).entries);
    const problems = folderProblems ?? (await readFolderProblems(dir, manifest)).map(formatProblem);
    await writePreview(dir, manifest, s, problems);
  } catch (err) {
    io.err(`Bemærk: forhåndsvisningen kunne ikke opdateres med afsendelsesstatus (${(err as Error).message}).`);
  }
}
