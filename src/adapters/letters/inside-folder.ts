// Paths named in barometer.json must stay inside the folder they belong to:
// the rule set inside the barometer folder, templates inside templates/.
// The names are checked in the schema (no absolute path, no ".."); this
// checks where the file really is, after symbolic links.
import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';

/** True when `path` (after symlinks) lies inside `folder`; undefined when it does not exist. */
export async function isInsideFolder(folder: string, path: string): Promise<boolean | undefined> {
  let real: string;
  let base: string;
  try {
    [real, base] = await Promise.all([realpath(path), realpath(folder)]);
  } catch {
    return undefined;
  }
  const rel = relative(base, real);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}
