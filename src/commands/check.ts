// kommunebrev check: read → validate → assess → print the national figures.
import { assessNationalPicture } from '../core/letters/assess.js';
import { formatNationalFigures } from '../core/letters/format-figures.js';
import { countText } from '../core/danish.js';
import { warningsOf } from '../core/problems.js';
import { EXIT_OK, reportInvalid, reportWarnings, type Io } from './io.js';
import { loadBarometer } from './load.js';

export interface CheckOptions {
  data: string;
  json: boolean;
}

export async function runCheck(opts: CheckOptions, io: Io): Promise<number> {
  const loaded = await loadBarometer(opts.data);
  if (!loaded.ok) return reportInvalid(io, loaded.problems);
  const { data } = loaded;
  const picture = assessNationalPicture(data.cases, data.ruleSet);

  if (opts.json) {
    // Only the figures on stdout, so the output can be piped; warnings go to stderr.
    reportWarnings(io, loaded.problems);
    io.out(JSON.stringify(picture.figures));
    return EXIT_OK;
  }
  io.out(formatNationalFigures(picture, data.barometer, data.ruleSet));
  io.out('');
  reportWarnings(io, loaded.problems);
  const warnings = warningsOf(loaded.problems).length;
  const letters = picture.figures.kommuner;
  io.out(
    `Data er gyldige: ${countText(data.cases.length, 'sag', 'sager')}, ${countText(letters, 'brev', 'breve')} til ${countText(letters, 'kommune', 'kommuner')}, ${countText(warnings, 'advarsel', 'advarsler')}.`,
  );
  return EXIT_OK;
}
