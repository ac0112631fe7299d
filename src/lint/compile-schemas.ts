/**
 * Build step (scripts/bootstrap.sh and `npm run build` run it after tsc): compiles the JSON schemas of
 * src/schemas/ into standalone validator modules in dist/schemas/, so that `stagepack lint` does not load
 * and run ajv's compiler on every start (about 90 ms of a 300 ms budget). Each module records the hash of
 * the schema it was made from; src/lint/schemas.ts uses it only while that hash still matches, and
 * compiles at run time otherwise.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SCHEMAS, compiledPath, newAjv, schemaHash } from './schemas';

export function compileSchemas(): string[] {
  const standalone = (require('ajv/dist/standalone') as typeof import('ajv/dist/standalone')).default;
  const written: string[] = [];
  for (const [name, schema] of Object.entries(SCHEMAS)) {
    const ajv = newAjv({ source: true });
    const code = standalone(ajv, ajv.compile(schema));
    const file = compiledPath(name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${code}\nmodule.exports.schemaHash = ${JSON.stringify(schemaHash(schema))};\n`);
    written.push(file);
  }
  return written;
}

if (require.main === module) {
  for (const file of compileSchemas()) process.stdout.write(`compiled ${path.relative(process.cwd(), file)}\n`);
}
