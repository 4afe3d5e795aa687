// The flags of the commands that load archives (install, import) that bend the host's trust policy.
import type { OptionSpec } from '../cli/spec.js';

export const trustOptions = [
  { flags: '--insecure-allow-unsigned', description: 'accept an archive without a valid signature from a trusted key (warned, and recorded in the journal)' },
  { flags: '--allow-downgrade', description: 'accept a signed product older than the newest this host accepted from the same key' },
  { flags: '--signature <file>', description: 'the detached signature to check (default: FILE.sig next to the archive)' },
] as const satisfies readonly OptionSpec[];
