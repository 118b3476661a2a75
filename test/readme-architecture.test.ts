// The README's architecture section lists every module by folder, so a
// newcomer can find where a change belongs; this keeps the list complete.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './helpers/cli.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** The module tree in the README: "folder/" lines open a folder, "name.ts" lines are modules; indentation nests them. */
function listedModules(readme: string): string[] {
  const section = readme.slice(
    readme.indexOf('## Architecture'),
    readme.indexOf('\n## ', readme.indexOf('## Architecture') + 1),
  );
  const tree = /```\n(src\/[\s\S]*?)```/.exec(section)?.[1] ?? '';
  const path: string[] = [];
  const out: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^( *)(\S+)/.exec(line);
    if (!m?.[2]) continue;
    const depth = (m[1] ?? '').length / 2;
    path.length = depth;
    if (m[2].endsWith('/')) path[depth] = m[2].slice(0, -1);
    else if (m[2].endsWith('.ts')) out.push([...path, m[2]].join('/'));
  }
  return out.sort();
}

describe('README architecture', () => {
  it('lists every source file in its folder, and no file that is gone', () => {
    const files = sourceFiles(join(REPO, 'src'))
      .map((f) => relative(REPO, f))
      .sort();
    expect(listedModules(readFileSync(join(REPO, 'README.md'), 'utf8'))).toEqual(files);
  });
});
