// Where the tool itself lives: the nearest folder above this module with a
// package.json. The module runs from three places (src/ under the tests,
// dist/ as compiled by tsc, dist/bundle/ as bundled by esbuild), so a fixed
// number of '..' would be right in only one of them.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`Fandt ikke kommunebrevs mappe (package.json) over ${from}`);
  }
}

export const PROJECT_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));
