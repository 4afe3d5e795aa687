// Checks every `--json` output of the end-to-end suite against its schema in docs/schemas/: the command's
// own schema, or error.schema.json for `{"error":...}`. Schemas are published open (consumers must ignore
// fields they do not know); here every object is closed, so a field a command prints but its schema does
// not document fails the test that printed it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { COMMANDS } from '../../src/cli/commands.js';

export const SCHEMA_DIR = join(import.meta.dirname, '..', '..', 'docs', 'schemas');

/** Global options of `dam` that take a value, so the command name is found after them. */
const VALUED_GLOBALS = new Set(['--home']);

/** The command an argument list runs, aliases resolved; undefined when there is none. */
export function commandOf(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (VALUED_GLOBALS.has(arg)) i++;
    else if (!arg.startsWith('-')) return COMMANDS.find((c) => c.name === arg || c.aliases?.includes(arg))?.name ?? arg;
  }
  return undefined;
}

/** Every schema file, by name without `.schema.json`. */
export function schemaFiles(): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const file of readdirSync(SCHEMA_DIR)
    .filter((f) => f.endsWith('.schema.json'))
    .sort()) {
    out.set(
      file.slice(0, -'.schema.json'.length),
      JSON.parse(readFileSync(join(SCHEMA_DIR, file), 'utf8')) as Record<string, unknown>,
    );
  }
  return out;
}

function closed(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closed);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node))
    out[k] =
      k === 'properties' || k === '$defs'
        ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, closed(s)]))
        : closed(v);
  if ('properties' in out && !('additionalProperties' in out)) out.additionalProperties = false;
  return out;
}

let validators: Map<string, ValidateFunction> | undefined;

/** The validators, compiled once per test process; `strict` closes every object as described above. */
export function schemaValidators(strict = true): Map<string, ValidateFunction> {
  if (strict && validators) return validators;
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  const files = schemaFiles();
  for (const schema of files.values()) ajv.addSchema((strict ? closed(schema) : schema) as Record<string, unknown>);
  const out = new Map<string, ValidateFunction>();
  for (const [name, schema] of files) out.set(name, ajv.getSchema(String(schema.$id)) as ValidateFunction);
  if (strict) validators = out;
  return out;
}

/** Throws when a `--json` run's stdout does not match its schema. */
export function checkJsonOutput(args: string[], stdout: string): void {
  if (!args.includes('--json')) return;
  const command = commandOf(args);
  if (stdout.trim() === '') throw new Error(`dam ${args.join(' ')}: --json printed nothing on stdout`);
  const data = JSON.parse(stdout) as unknown;
  const name = typeof data === 'object' && data !== null && 'error' in data ? 'error' : (command ?? '');
  const validate = schemaValidators().get(name);
  if (!validate)
    throw new Error(`dam ${args.join(' ')}: no schema docs/schemas/${name}.schema.json for this --json output`);
  if (!validate(data))
    throw new Error(
      `dam ${args.join(' ')}: --json output does not match docs/schemas/${name}.schema.json: ${JSON.stringify(validate.errors, null, 1)}\n${stdout}`,
    );
}
