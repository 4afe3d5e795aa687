// Asking the user before a change. Without a terminal the question cannot be answered, so the command
// stops and says how to proceed instead of waiting.
import { createInterface } from 'node:readline/promises';
import { DamError } from '../core/errors.js';
import type { Context } from './context.js';

export async function confirm(ctx: Context, question: string, yesFlag: string): Promise<boolean> {
  if (!ctx.stdin.isTTY) {
    throw new DamError(
      'USAGE',
      'This change needs a confirmation, and there is no terminal to ask.',
      `Add ${yesFlag} to apply it, or --dry-run to only see the plan.`,
    );
  }
  const rl = createInterface({ input: ctx.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
