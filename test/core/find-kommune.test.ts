// Issue 9 point 9: an unknown --kommune suggests the nearest names, with
// æ/ø/å folded, by prefix and by edit distance, against all 98 real names.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  editDistance,
  findKommune,
  foldDanish,
  suggestKommuner,
  unknownKommuneMessage,
} from '../../src/core/letters/find-kommune.js';
import type { Kommune } from '../../src/core/types.js';
import { EXAMPLE_DATA } from '../helpers/cli.js';

const ALL: Kommune[] = readFileSync(join(EXAMPLE_DATA, 'kommuner.csv'), 'utf8')
  .replace(/^\ufeff/, '')
  .split(/\r?\n/)
  .slice(1)
  .filter((l) => l.trim() !== '')
  .map((l, i) => {
    const [kode = '', navn = ''] = l.split(';');
    return { kode, navn, adresse: '', postnummer: '', by: '', email: '', row: i + 2 };
  });

describe('suggestKommuner', () => {
  it('has all 98 kommuner to choose from', () => expect(ALL).toHaveLength(98));

  it.each([
    ['Kobenhavn', 'Københavns Kommune'],
    ['Koebenhavn', 'Københavns Kommune'],
    ['Århus', 'Aarhus Kommune'],
    ['Arhus', 'Aarhus Kommune'],
    ['Lyngby', 'Lyngby-Taarbæk Kommune'],
    ['Taarbæk', 'Lyngby-Taarbæk Kommune'],
    ['Lyngbi', 'Lyngby-Taarbæk Kommune'],
    ['Abenraa', 'Aabenraa Kommune'],
    ['Frederiksbrg', 'Frederiksberg Kommune'],
    ['Hoje-Taastrup', 'Høje-Taastrup Kommune'],
    ['Laeso', 'Læsø Kommune'],
    ['Bornhom', 'Bornholms Regionskommune'],
  ])('%j → %s first', (query, want) => {
    expect(findKommune(ALL, query)).toBeUndefined();
    const near = suggestKommuner(ALL, query);
    expect(near[0]?.navn).toBe(want);
    expect(near.length).toBeLessThanOrEqual(3);
  });

  it.each(['Atlantis', 'Gotham', 'x', '999'])('%j → no suggestion', (query) => {
    expect(suggestKommuner(ALL, query)).toEqual([]);
  });

  it('a prefix shared by several names suggests them all, up to three', () => {
    expect(suggestKommuner(ALL, 'Frederik').map((k) => k.navn)).toEqual([
      'Frederiksberg Kommune',
      'Frederikshavn Kommune',
      'Frederikssund Kommune',
    ]);
  });

  it('folds the Danish letters and their old spellings alike', () => {
    expect(foldDanish('Århus')).toBe(foldDanish('Aarhus'));
    expect(foldDanish('København')).toBe(foldDanish('Koebenhavn'));
    expect(foldDanish('Læsø Kommune')).toBe('laeso');
    expect(editDistance('kobenhavn', 'kbenhavn')).toBe(1);
    expect(editDistance('arhsu', 'arhus')).toBe(1);
  });

  it('the usage message names the suggestions with their codes', () => {
    expect(unknownKommuneMessage(ALL, 'Kobenhavn')).toBe(
      'Kommunen »Kobenhavn« findes ikke i kommuner.csv. Mente du »Københavns Kommune« (101)?',
    );
    expect(unknownKommuneMessage(ALL, 'Atlantis')).toMatch(/findes ikke i kommuner\.csv\. Angiv en kommunekode/);
  });
});
