// read → validate: the first two steps every command shares.
import { readBarometerFolder } from '../adapters/letters/read-barometer.js';
import { compileTemplates, type CompiledTemplates } from '../core/letters/compose-letter.js';
import { hasErrors } from '../core/problems.js';
import type { Problem, ValidatedData } from '../core/types.js';
import { validateBarometerData } from '../core/letters/validate.js';

export type LoadResult =
  | {
      ok: true;
      data: ValidatedData;
      templates: Extract<CompiledTemplates, { ok: true }>['templates'];
      inputHashes: Record<string, string>;
      /** Warnings only. */
      problems: Problem[];
    }
  | { ok: false; problems: Problem[] };

export type LoadedBarometer = Extract<LoadResult, { ok: true }>;

export async function loadBarometer(dir: string): Promise<LoadResult> {
  const input = await readBarometerFolder(dir);
  const problems = [...input.problems];
  let templates: CompiledTemplates | undefined;
  if (input.templates) {
    templates = compileTemplates(input.templates, input.templateMaking ?? {});
    if (!templates.ok) problems.push(...templates.problems);
  }
  if (!input.barometer || !input.ruleSet || !input.kommuner || !input.sager) {
    // The tables can only be checked against a readable barometer.json and
    // rule set; report every file-level problem found so far.
    return { ok: false, problems };
  }
  const result = validateBarometerData({
    barometer: input.barometer,
    ruleSet: input.ruleSet,
    kommuner: input.kommuner,
    sager: input.sager,
  });
  problems.push(...result.problems);
  if (!result.ok || !templates?.ok || hasErrors(problems)) return { ok: false, problems };
  return { ok: true, data: result.data, templates: templates.templates, inputHashes: input.inputHashes, problems };
}
