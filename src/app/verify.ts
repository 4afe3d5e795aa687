// `dam verify`: every installed app (or one) checked against what was installed. Read-only.
import { findInstalled } from '../core/install-rules.js';
import { verifyApp, type AppVerdict } from '../core/verify-app.js';
import type { Engine } from '../core/ports/engine.js';
import type { State } from '../core/state.js';

export interface VerifyDeps {
  engine: Engine;
  /** Where installed app `appId` keeps its copy of /meta. */
  appMetaDir(appId: number): string;
  /** The digests of a meta copy, undefined when the folder is missing. */
  metaDigests(dir: string): Promise<Record<string, string> | undefined>;
}

export interface VerifyReport {
  schemaVersion: 1;
  ok: boolean;
  apps: AppVerdict[];
}

export async function verifyApps(deps: VerifyDeps, state: State, name?: string): Promise<VerifyReport> {
  const apps = name === undefined ? state.apps : [findInstalled(state, name)];
  const verdicts: AppVerdict[] = [];
  for (const app of apps) {
    const metaDir = deps.appMetaDir(app.id);
    const [image, tagged, meta] = await Promise.all([
      deps.engine.inspectImage(app.imageId),
      deps.engine.inspectImage(app.tag),
      app.metaDigests ? deps.metaDigests(metaDir) : undefined,
    ]);
    verdicts.push(verifyApp(app, { image: image?.id, tagTarget: tagged?.id, meta }, metaDir));
  }
  return { schemaVersion: 1, ok: verdicts.every((v) => v.problems.length === 0), apps: verdicts };
}
