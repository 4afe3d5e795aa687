// The options type a command's `run` receives follows from its flags: checked at compile time here (a wrong
// type fails `tsc`), and the key is checked against the attribute name Commander gives every declared option.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Option } from 'commander';
import { COMMANDS } from './commands.js';
import type { OptionSpec, OptionsOf } from './spec.js';

const _sample = [
  { flags: '-r, --repo <name|id>', description: '' },
  { flags: '--platform <os/arch>', description: '', repeatable: true },
  { flags: '-d, --default [bool]', description: '' },
  { flags: '--no-keep-previous', description: '' },
  { flags: '--kind <kind>', description: '', defaultValue: 'service' },
  { flags: '--dry-run', description: '' },
] as const satisfies readonly OptionSpec[];
type Sample = OptionsOf<typeof _sample, true>;

test('the options type follows the flags', () => {
  const opts: Sample = {
    repo: 'corp',
    platform: ['linux/amd64'],
    default: true,
    keepPrevious: false,
    kind: 'tool',
    dryRun: true,
    json: true,
  };
  // @ts-expect-error a value option is a string, not a boolean
  const wrongRepo: Sample = { repo: true, kind: 'service' };
  // @ts-expect-error a repeatable option is a list
  const wrongPlatform: Sample = { platform: 'linux/amd64', kind: 'service' };
  // @ts-expect-error an option with a default is always there
  const noKind: Sample = {};
  // @ts-expect-error an undeclared option does not exist
  const undeclared: Sample = { kind: 'service', other: 1 };
  assert.ok([opts, wrongRepo, wrongPlatform, noKind, undeclared]);
});

// Mirrors the type-level OptionKey in spec.ts, so that a flag form the type gets wrong fails here.
function keyOf(flags: string): string {
  const long = /--([\w-]+)/.exec(flags)?.[1] ?? '';
  return long.replace(/^no-/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

test("every declared option's key is the one Commander sets", () => {
  for (const spec of COMMANDS) {
    for (const o of spec.options ?? [])
      assert.equal(keyOf(o.flags), new Option(o.flags, o.description).attributeName(), `${spec.name} ${o.flags}`);
  }
});
