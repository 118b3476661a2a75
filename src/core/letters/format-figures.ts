// The national figures as readable Danish text, with percentages on the
// bases the report uses (seed 001: figur 1, 2 and 5–10).
import type { NationalPicture } from './assess.js';
import { percent } from './assess.js';
import type { Barometer } from './barometer-schema.js';
import type { RuleSet } from '../types.js';

const pct = (part: number, whole: number): string => `${percent(part, whole)} %`;

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}
function padStart(s: string, n: number): string {
  return s.length >= n ? s : ' '.repeat(n - s.length) + s;
}

export function formatNationalFigures(picture: NationalPicture, barometer: Barometer, ruleSet: RuleSet): string {
  const f = picture.figures;
  const lines: string[] = [];
  lines.push(`${barometer.titel}: ${barometer.emne} efter ${barometer.lovgrundlag}`);
  lines.push('');
  lines.push(`Sager: ${f.sager} fra ${f.kommuner} ${f.kommuner === 1 ? 'kommune' : 'kommuner'}`);
  lines.push(
    `Afgørelser: ${ruleSet.afgoerelser
      .map((a) => `${a.label.toLowerCase()} ${f.afgoerelser[a.vaerdi] ?? 0} (${pct(f.afgoerelser[a.vaerdi] ?? 0, f.sager)})`)
      .join(', ')}`,
  );
  lines.push(`Lever op til regler og praksis: ${f.overholder} af ${f.sager} sager (${pct(f.overholder, f.sager)})`);
  lines.push(`Med en eller flere retlige mangler: ${f.medMangel} (${pct(f.medMangel, f.sager)})`);
  lines.push(`  heraf med væsentlig betydning: ${f.medVaesentligMangel} (${pct(f.medVaesentligMangel, f.sager)})`);
  lines.push('');

  const w = Math.max(22, ...ruleSet.retligeMangler.map((r) => r.label.length + 2), ...ruleSet.sagsbehandlingsregler.map((r) => r.label.length + 2));
  lines.push(`${pad('Retlige mangler', w)}${padStart('i alt', 14)}${padStart('væsentlig', 14)}${padStart('lever op', 14)}   grundlag`);
  for (const r of ruleSet.retligeMangler) {
    const m = f.mangler[r.kolonne] ?? { i_alt: 0, vaesentlig: 0 };
    const row = picture.retligeKrav.find((x) => x.kolonne === r.kolonne);
    const base = row?.grundlag ?? f.sager;
    lines.push(
      `${pad(`  ${r.label}`, w)}${padStart(`${m.i_alt} (${pct(m.i_alt, base)})`, 14)}${padStart(`${m.vaesentlig} (${pct(m.vaesentlig, base)})`, 14)}${padStart(`${row?.procent ?? 0} %`, 14)}   ${base} sager${r.gaelderFor ? ` (${r.gaelderFor.join(', ')})` : ''}`,
    );
  }
  lines.push('');
  lines.push(
    `${pad('Sagsbehandlingsregler', w)}${padStart('overholdt', 12)}${padStart('ikke overh.', 12)}${padStart('ikke relev.', 12)}${padStart('kan ikke vurd.', 15)}   overholdt af vurderede`,
  );
  for (const r of ruleSet.sagsbehandlingsregler) {
    const c = f.regler[r.kolonne];
    const row = picture.sagsbehandlingsregler.find((x) => x.kolonne === r.kolonne);
    lines.push(
      `${pad(`  ${r.label}`, w)}${padStart(String(c?.overholdt ?? 0), 12)}${padStart(String(c?.['ikke overholdt'] ?? 0), 12)}${padStart(String(c?.['ikke relevant'] ?? 0), 12)}${padStart(String(c?.['kan ikke vurderes'] ?? 0), 15)}   ${row?.lever ?? 0} af ${row?.grundlag ?? 0} (${row?.procent ?? 0} %)`,
    );
  }
  return lines.join('\n');
}
