import { basename, resolve } from 'node:path';
import { parseKeyValues } from '../core/app-labels.js';
import { planCreate } from '../core/create/plan.js';
import { baseImages } from '../core/create/dockerfile.js';
import { DamError } from '../core/errors.js';
import type { Engine } from '../core/ports/engine.js';
import type { CreateFlags } from '../core/create/variables.js';
import { defaultRepo, repoPrefix } from '../core/state.js';
import { readProject } from '../adapters/fs/project.js';
import { packContext } from '../adapters/fs/build-context.js';
import type { Context } from '../cli/context.js';
import { recordAcquired } from '../core/purge-plan.js';
import type { CommandInput, CommandResult } from '../cli/spec.js';
import { progressRenderer } from '../cli/progress.js';
import { lintBeforeCreate } from './create-lint.js';
import type { CreateOptions } from './create.command.js';

export interface CreateResult {
  tag: string;
  imageId: string;
  name: string;
  version: string;
  family: string;
  multiversion: boolean;
  servers: string;
  labels: Record<string, string>;
  warnings: string[];
}

function listOpt(opts: Record<string, unknown>, key: string): string[] {
  const v = opts[key];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export async function run(ctx: Context, { args, opts }: CommandInput<CreateOptions>): Promise<CommandResult> {
  const given = { buildArgs: listOpt(opts, 'buildArg'), labels: listOpt(opts, 'label') };
  const shownAs = args[0] ?? '.';
  const dir = resolve(ctx.cwd, shownAs);
  const flags: CreateFlags = {
    name: opts.name,
    version: opts.version,
    family: opts.family,
    multiversion: typeof opts.multiversion === 'boolean' ? opts.multiversion : undefined,
  };
  const buildArgs = parseKeyValues(given.buildArgs, '--build-arg');
  const userLabels = parseKeyValues(given.labels, '--label');
  const project = await readProject(dir, shownAs);
  const state = await ctx.store().read();
  const plan = planCreate({
    project: project.listing,
    projectDirName: basename(dir),
    flags,
    env: ctx.env,
    defaultServer: repoPrefix(defaultRepo(state)).replace(/\/$/, ''),
    userLabels,
    now: new Date().toISOString(),
  });
  for (const warning of plan.warnings) ctx.log.warn(warning);
  if (opts.lint !== false) await lintBeforeCreate(project, dir, { ...flags, processEnv: ctx.env });

  const engine = await ctx.engine();
  ctx.log.info(`Building app '${plan.tag}' from '${shownAs}'...`);
  const renderer = opts.quiet === true ? undefined : progressRenderer(ctx.log);
  const existing = new Set((await engine.listImages()).map((i) => i.id));
  let imageId: string;
  try {
    imageId = await engine.build(packContext(dir, project.entries, { ...plan.rendered, Dockerfile: plan.dockerfile }), {
      tag: plan.tag,
      labels: Object.keys(plan.buildLabels).length > 0 ? plan.buildLabels : undefined,
      buildArgs: Object.keys(buildArgs).length > 0 ? buildArgs : undefined,
      platform: opts.platform,
      signal: ctx.signal,
      onProgress: renderer?.listener,
    });
  } catch (err) {
    throw (await missingBase(engine, project.listing.dockerfile ?? '', buildArgs, err)) ?? err;
  } finally {
    renderer?.done();
  }
  // Built through this state directory (a build the cache answered with an existing image is not): `dam
  // purge` may remove it once no installed app uses it.
  if (!existing.has(imageId)) await ctx.store().update('create', (st) => ({ state: recordAcquired(st, [imageId], 'create', new Date().toISOString()), result: undefined }));
  const data: CreateResult = {
    tag: plan.tag,
    imageId,
    name: plan.name,
    version: plan.version,
    family: plan.family,
    multiversion: plan.multiversion,
    servers: plan.servers,
    labels: plan.labels,
    warnings: plan.warnings,
  };
  return { data, text: `App '${plan.tag}' was created.` };
}

/** A failed build whose base image is not local most often failed pulling it: say so, and how to get one. */
async function missingBase(engine: Engine, dockerfile: string, buildArgs: Record<string, string>, err: unknown): Promise<DamError | undefined> {
  if (!(err instanceof DamError) || err.code !== 'ENGINE_ERROR') return undefined;
  for (const base of baseImages(dockerfile, buildArgs)) {
    if (await engine.inspectImage(base)) continue;
    return new DamError(
      'NOT_FOUND',
      `The base image '${base}' (FROM in the Dockerfile) is not in the local Docker cache, and the engine could not pull it: ${err.message}`,
      `Get it onto this host: 'docker pull ${base}' where its registry is reachable; on an offline host, 'docker save ${base} -o base.tar' on a connected machine, then 'docker load -i base.tar' here.`,
      { cause: err },
    );
  }
  return undefined;
}
