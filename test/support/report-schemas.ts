/**
 * Validation of the JSON objects the CLI prints with `--json` against their schemas in
 * vectors/schema/ (every schema there is loaded, so cross-file `$ref`s resolve).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';

const SCHEMA_DIRECTORY = fileURLToPath(new URL('../../vectors/schema/', import.meta.url));

let ajv: Ajv2020 | undefined;

/** An Ajv instance holding every schema of vectors/schema/, by `$id`. */
function schemas(): Ajv2020 {
  if (ajv) return ajv;
  ajv = new Ajv2020({ allErrors: true, strict: true });
  for (const name of readdirSync(SCHEMA_DIRECTORY).filter((file) => file.endsWith('.schema.json'))) {
    ajv.addSchema(JSON.parse(readFileSync(join(SCHEMA_DIRECTORY, name), 'utf8')) as object);
  }
  return ajv;
}

/**
 * The schema errors of a report, or an empty list when it is valid.
 *
 * @param name - the schema's name, e.g. `run-report` (`$id` urn:tos-conformance:schema:NAME:1)
 * @param value - the parsed JSON object
 * @returns readable errors
 */
export function reportSchemaErrors(name: string, value: unknown): string[] {
  const validate = schemas().getSchema(`urn:tos-conformance:schema:${name}:1`);
  if (!validate) throw new Error(`no schema urn:tos-conformance:schema:${name}:1 in vectors/schema/`);
  if (validate(value)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '(report)'} ${error.message ?? 'is invalid'}`);
}
