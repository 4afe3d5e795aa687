// `dam create DIR`: an app image built from a project folder, its labels and templates planned first
// (core/create/plan.ts) and the error-level lint rules checked before anything is built.
import { basename } from 'node:path';
import { planCreate } from '../core/create/plan.js';
import { baseImages } from '../core/create/dockerfile.js';
import { DamError, usageError } from '../core/errors.js';
import { formatPlatform, normalizePlatform, parsePlatforms, platformMatches } from '../core/platform.js';
import type { Platform } from '../core/ports/registry.js';
import type { Engine, ProgressListener } from '../core/ports/engine.js';
import type { Projects } from '../core/ports/project.js';
import type { Store } from '../core/ports/store.js';
import type { CreateFlags } from '../core/create/variables.js';
import { defaultRepo, repoPrefix } from '../core/state.js';
import { recordAcquired } from '../core/purge-plan.js';
import type { Reporter } from './lifecycle-deps.js';
import { lintBeforeCreate } from './create-lint.js';

export interface CreatePorts {
  store: Store;
  engine: () => Promise<Engine>;
  projects: Projects;
  report: Reporter;
  /** The build's progress display; none with --quiet. */
  progress?: () => { listener: ProgressListener; done(): void };
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
}

export interface CreateRequest {
  dir: string;
  /** The folder as the user gave it, for messages. */
  shownAs: string;
  flags: CreateFlags;
  buildArgs: Record<string, string>;
  userLabels: Record<string, string>;
  /** Run the error-level lint rules first (not with --no-lint). */
  lint: boolean;
  platform?: string | undefined;
}

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
  /** `os/architecture[/variant]` the image was built for. */
  platform: string;
}

export async function createApp(ports: CreatePorts, request: CreateRequest): Promise<CreateResult> {
  const { dir, shownAs, flags, buildArgs, userLabels } = request;
  const platform = platformOpt(request.platform);
  const ctx = { log: ports.report, env: ports.env, signal: ports.signal };
  const project = await ports.projects.read(dir, shownAs);
  const state = await ports.store.read();
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
  if (request.lint) await lintBeforeCreate(ports.projects, project, dir, { ...flags, processEnv: ctx.env });

  const engine = await ports.engine();
  ctx.log.info(`Building app '${plan.tag}' from '${shownAs}'...`);
  const renderer = ports.progress?.();
  const existing = new Set((await engine.listImages()).map((i) => i.id));
  let imageId: string;
  try {
    imageId = await engine.build(
      ports.projects.pack(dir, project.entries, { ...plan.rendered, Dockerfile: plan.dockerfile }),
      {
        tag: plan.tag,
        labels: Object.keys(plan.buildLabels).length > 0 ? plan.buildLabels : undefined,
        buildArgs: Object.keys(buildArgs).length > 0 ? buildArgs : undefined,
        platform: platform ? formatPlatform(platform) : undefined,
        signal: ctx.signal,
        onProgress: renderer?.listener,
      },
    );
  } catch (err) {
    throw (
      platformFailure(platform, err) ??
      (await missingBase(engine, project.listing.dockerfile ?? '', buildArgs, err, platform)) ??
      err
    );
  } finally {
    renderer?.done();
  }
  // Built through this state directory (a build the cache answered with an existing image is not): `dam
  // purge` may remove it once no installed app uses it.
  const built = await builtPlatform(engine, imageId, platform, existing.has(imageId));
  if (!existing.has(imageId))
    await ports.store.update('create', (st) => ({
      state: recordAcquired(st, [imageId], 'create', new Date().toISOString()),
      result: undefined,
    }));
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
    platform: built,
  };
  return data;
}

/** One `--platform` (a build makes one image); USAGE naming the text when it is not one platform. */
function platformOpt(text: string | undefined): Platform | undefined {
  if (text === undefined) return undefined;
  const platforms = parsePlatforms([text]);
  if (platforms.length !== 1)
    throw usageError(
      `--platform '${text}' names ${platforms.length} platforms; a build makes one image.`,
      'Run dam create once per platform: dam create --platform linux/arm64.',
    );
  return platforms[0];
}

/** A RUN line the engine cannot execute for a foreign platform: say so, and how to get there. */
function platformFailure(platform: Platform | undefined, err: unknown): DamError | undefined {
  if (!platform || !(err instanceof DamError) || !/exec format error/i.test(err.message)) return undefined;
  return new DamError(
    'ENGINE_ERROR',
    `The engine cannot run programs for ${formatPlatform(platform)}, which the Dockerfile's RUN lines need: ${err.message}`,
    `Build on a ${formatPlatform(platform)} host, or give this engine emulation (apt-get install qemu-user-static binfmt-support), or leave out --platform.`,
    { cause: err },
  );
}

/** The platform the engine built for; with --platform, ENGINE_ERROR (and the new image removed) when it is not that one. */
async function builtPlatform(
  engine: Engine,
  imageId: string,
  wanted: Platform | undefined,
  existed: boolean,
): Promise<string> {
  const info = await engine.inspectImage(imageId);
  const built = normalizePlatform(info?.os ?? '', info?.architecture ?? '');
  if (!wanted || platformMatches(built, wanted)) return formatPlatform(built);
  if (!existed) await engine.removeImage(imageId, { force: true });
  throw new DamError(
    'ENGINE_ERROR',
    `The engine built the image for ${formatPlatform(built)}, not ${formatPlatform(wanted)}: it cannot build for that platform.`,
    `Build on a ${formatPlatform(wanted)} host, or use an engine that builds for other platforms.`,
  );
}

/** A failed build whose base image is not local (for the platform asked) most often failed pulling it: say so, and how to get one. */
async function missingBase(
  engine: Engine,
  dockerfile: string,
  buildArgs: Record<string, string>,
  err: unknown,
  platform?: Platform,
): Promise<DamError | undefined> {
  if (!(err instanceof DamError) || err.code !== 'ENGINE_ERROR') return undefined;
  for (const base of baseImages(dockerfile, buildArgs)) {
    const local = await engine.inspectImage(base);
    if (local && platform && !platformMatches(normalizePlatform(local.os, local.architecture), platform)) {
      return new DamError(
        'NOT_FOUND',
        `The base image '${base}' (FROM in the Dockerfile) is in the local Docker cache for ${formatPlatform(normalizePlatform(local.os, local.architecture))} only, not ${formatPlatform(platform)}, and the engine could not pull it: ${err.message}`,
        `Get the ${formatPlatform(platform)} variant onto this host ('docker pull --platform ${formatPlatform(platform)} ${base}' where its registry is reachable), or leave out --platform.`,
        { cause: err },
      );
    }
    if (local) continue;
    return new DamError(
      'NOT_FOUND',
      `The base image '${base}' (FROM in the Dockerfile) is not in the local Docker cache, and the engine could not pull it: ${err.message}`,
      `Get it onto this host: 'docker pull ${base}' where its registry is reachable; on an offline host, 'docker save ${base} -o base.tar' on a connected machine, then 'docker load -i base.tar' here.`,
      { cause: err },
    );
  }
  return undefined;
}
