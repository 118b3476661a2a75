// Writes schema/barometer.schema.json from the zod schema, so editors can
// complete and check barometer.json ("$schema" points at it).
import { writeFileSync } from 'node:fs';
import { barometerJsonSchema } from '../dist/core/letters/barometer-schema.js';

const schema = { ...barometerJsonSchema(), title: 'kommunebrev barometer.json' };
writeFileSync(new URL('../schema/barometer.schema.json', import.meta.url), `${JSON.stringify(schema, null, 2)}\n`);
console.log('Skrev schema/barometer.schema.json');
