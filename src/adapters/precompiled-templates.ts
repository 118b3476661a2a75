// The template specs `npm run build` precompiled from templates/
// (scripts/precompile-templates.mjs → dist/precompiled-templates/<folder>.cjs,
// one file per folder of templates/, so `check` loads only its letter
// family's), loaded once per process. Specs are keyed by content
// (src/core/handlebars-templates.ts), so one that no longer matches its
// template is simply not used.
//
// Handlebars' compiler is imported only when a template has no spec (a
// template edited since the build, a folder the build did not see).
//
// JavaScript rather than JSON: V8 only pre-parses the spec functions on
// load and compiles each on its first call, where JSON would need a
// `new Function` (a full parse) per spec. CommonJS loaded by `require`
// rather than an ES module loaded by `import()`: the CLI runs as a script
// with V8's code cache (code-cache.ts), and a script has no `import()`.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PROJECT_ROOT } from './project-root.js';
import { allPrecompiled, type PrecompiledTemplates, type TemplateMaking } from '../core/handlebars-templates.js';

export const PRECOMPILED_TEMPLATES_DIR = join(PROJECT_ROOT, 'dist', 'precompiled-templates');

const loaded = new Map<string, Promise<PrecompiledTemplates>>();
const requireHere = createRequire(import.meta.url);

/**
 * The build's precompiled specs for the templates in templates/<folder>/;
 * none when the tool was not built or the folder is not the tool's (its
 * templates are then compiled at run time).
 */
export function readPrecompiledTemplates(folder: string): Promise<PrecompiledTemplates> {
  // Folder names as barometer.json's `skabelon` allows them: nothing that leads elsewhere.
  if (!/^[a-z0-9][a-z0-9-]*$/.test(folder)) return Promise.resolve({});
  let specs = loaded.get(folder);
  if (!specs) {
    specs = new Promise<PrecompiledTemplates>((done) => {
      const file = join(PRECOMPILED_TEMPLATES_DIR, `${folder}.cjs`);
      try {
        done(requireHere(file) as PrecompiledTemplates);
      } catch (err) {
        // Not built, or no templates/<folder>/: the templates are compiled at run time.
        if ((err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') done({});
        else throw err;
      }
    });
    loaded.set(folder, specs);
  }
  return specs;
}

/** What compiling `templates` (from templates/<folder>/) needs: the build's specs, and the compiler when one has none. */
export async function readTemplateMaking(
  folder: string,
  templates: readonly { source: string; options: CompileOptions }[],
): Promise<TemplateMaking> {
  const precompiled = await readPrecompiledTemplates(folder);
  if (allPrecompiled(templates, precompiled)) return { precompiled };
  const { default: compiler } = await import('handlebars');
  return { precompiled, compiler };
}
