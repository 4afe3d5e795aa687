import { DamError } from '../core/errors.js';
import { VERSION, engineChoice } from '../cli/about.js';
import type { Context } from '../cli/context.js';
import type { CommandResult } from '../cli/spec.js';

/** `dam version` must answer quickly even when the engine accepts connections and says nothing. */
const ENGINE_WAIT_MS = 3000;

export interface VersionResult {
  schemaVersion: 1;
  dam: string;
  node: string;
  platform: string;
  engine: {
    address: string | null;
    source: string;
    answers: boolean;
    version: string | null;
    apiVersion: string | null;
    error: string | null;
  };
}

async function askEngine(ctx: Context): Promise<{ version: string; apiVersion: string } | { error: string }> {
  let timer: NodeJS.Timeout | undefined;
  let engine: Awaited<ReturnType<Context['engine']>> | undefined;
  const late = new Promise<{ error: string }>((resolve) => {
    timer = setTimeout(() => resolve({ error: `no answer within ${ENGINE_WAIT_MS / 1000} s` }), ENGINE_WAIT_MS);
  });
  try {
    engine = await ctx.engine();
    return await Promise.race([engine.info().then((i) => ({ version: i.version, apiVersion: i.apiVersion })), late]);
  } catch (err) {
    if (!(err instanceof DamError)) throw err;
    return { error: err.message };
  } finally {
    clearTimeout(timer);
    (engine as { close?: () => void } | undefined)?.close?.();
  }
}

export async function run(ctx: Context): Promise<CommandResult> {
  const choice = await engineChoice(ctx.env);
  const answer = choice.address ? await askEngine(ctx) : { error: choice.error ?? 'no engine address' };
  const ok = 'version' in answer;
  const data: VersionResult = {
    schemaVersion: 1,
    dam: VERSION,
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
    engine: {
      address: choice.address,
      source: choice.source,
      answers: ok,
      version: ok ? answer.version : null,
      apiVersion: ok ? answer.apiVersion : null,
      error: ok ? null : answer.error,
    },
  };
  const lines = [
    `DAM:       ${data.dam}`,
    `Node:      ${data.node}`,
    `Platform:  ${data.platform}`,
    `Engine:    ${choice.address ?? 'none'}${choice.address ? ` (${choice.source})` : ''}`,
    `Answers:   ${ok ? `yes, version ${answer.version} (API ${answer.apiVersion})` : `no: ${answer.error}`}`,
  ];
  return { data, text: lines.join('\n') };
}
