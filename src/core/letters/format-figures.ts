// The national figures as readable Danish text, with percentages on the
// bases the report uses (seed 001: figur 1, 2 and 5–10).
import type { NationalPicture } from './assess.js';
import { percent } from './assess.js';
import type { Barometer } from './barometer-schema.js';
import type { RuleSet } from '../types.js';
import { countText } from '../danish.js';

const pct = (part: number, whole: number): string => `${percent(part, whole)} %`;

export function formatNationalFigures(picture: NationalPicture, barometer: Barometer, ruleSet: RuleSet): string {
  const f = picture.figures;
  const lines: string[] = [];
  lines.push(`${barometer.titel}: ${barometer.emne} efter ${barometer.lovgrundlag}`);
  lines.push('');
  lines.push(`Sager: ${f.sager} fra ${countText(f.kommuner, 'kommune', 'kommuner')}`);
  lines.push(
    `Afgørelser: ${ruleSet.afgoerelser
      .map(
        (a) =>
          `${a.label.toLowerCase()} ${f.afgoerelser[a.vaerdi] ?? 0} (${pct(f.afgoerelser[a.vaerdi] ?? 0, f.sager)})`,
      )
      .join(', ')}`,
  );
  lines.push(`Lever op til regler og praksis: ${f.overholder} af ${f.sager} sager (${pct(f.overholder, f.sager)})`);
  lines.push(`Med en eller flere retlige mangler: ${f.medMangel} (${pct(f.medMangel, f.sager)})`);
  lines.push(`  heraf med væsentlig betydning: ${f.medVaesentligMangel} (${pct(f.medVaesentligMangel, f.sager)})`);
  lines.push('');

  const w = Math.max(
    22,
    ...ruleSet.retligeMangler.map((r) => r.label.length + 2),
    ...ruleSet.sagsbehandlingsregler.map((r) => r.label.length + 2),
  );
  lines.push(
    `${'Retlige mangler'.padEnd(w)}${'i alt'.padStart(14)}${'væsentlig'.padStart(14)}${'lever op'.padStart(14)}   grundlag`,
  );
  for (const r of ruleSet.retligeMangler) {
    const m = f.mangler[r.kolonne] ?? { i_alt: 0, vaesentlig: 0 };
    const row = picture.retligeKrav.find((x) => x.kolonne === r.kolonne);
    const base = row?.grundlag ?? f.sager;
    lines.push(
      `${`  ${r.label}`.padEnd(w)}${`${m.i_alt} (${pct(m.i_alt, base)})`.padStart(14)}${`${m.vaesentlig} (${pct(m.vaesentlig, base)})`.padStart(14)}${`${row?.procent ?? 0} %`.padStart(14)}   ${base} sager${r.gaelderFor ? ` (${r.gaelderFor.join(', ')})` : ''}`,
    );
  }
  lines.push('');
  lines.push(
    `${'Sagsbehandlingsregler'.padEnd(w)}${'overholdt'.padStart(12)}${'ikke overh.'.padStart(12)}${'ikke relev.'.padStart(12)}${'kan ikke vurd.'.padStart(15)}   overholdt af vurderede`,
  );
  for (const r of ruleSet.sagsbehandlingsregler) {
    const c = f.regler[r.kolonne];
    const row = picture.sagsbehandlingsregler.find((x) => x.kolonne === r.kolonne);
    lines.push(
      `${`  ${r.label}`.padEnd(w)}${String(c?.overholdt ?? 0).padStart(12)}${String(c?.['ikke overholdt'] ?? 0).padStart(12)}${String(c?.['ikke relevant'] ?? 0).padStart(12)}${String(c?.['kan ikke vurderes'] ?? 0).padStart(15)}   ${row?.lever ?? 0} af ${row?.grundlag ?? 0} (${row?.procent ?? 0} %)`,
    );
  }
  return lines.join('\n');
}
