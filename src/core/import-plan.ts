// What `dam import` will do to bring the host to a product: keep, install, upgrade, remove. Pure, and
// printed by --dry-run. Removals run first (freeing families), then upgrades, then installs.
import type { Product, ProductApp } from './product.js';
import type { InstalledApp, State } from './state.js';

export interface ImportPlan {
  keep: InstalledApp[];
  remove: InstalledApp[];
  upgrade: Array<{ from: InstalledApp; to: ProductApp }>;
  install: ProductApp[];
}

export function planImport(state: State, product: Product, options: { restore: boolean }): ImportPlan {
  if (options.restore) return { keep: [], remove: [...state.apps], upgrade: [], install: [...product.apps] };
  const key = (a: { name: string; version: string }) => `${a.name}:${a.version}`;
  const wanted = new Set(product.apps.map(key));
  const have = new Set(state.apps.map(key));
  const keep = state.apps.filter((a) => wanted.has(key(a)));
  const missing = product.apps.filter((a) => !have.has(key(a)));
  const unwanted = state.apps.filter((a) => !wanted.has(key(a)));
  const upgrade: ImportPlan['upgrade'] = [];
  const install: ProductApp[] = [];
  const remove = [...unwanted];
  for (const app of missing) {
    // One installed version of the same name going away, one wanted: that is an upgrade (or a downgrade).
    const sameName = remove.filter((a) => a.name === app.name);
    const wantedOfName = missing.filter((a) => a.name === app.name);
    const from = sameName[0];
    if (from && sameName.length === 1 && wantedOfName.length === 1) {
      upgrade.push({ from, to: app });
      remove.splice(remove.indexOf(from), 1);
    } else {
      install.push(app);
    }
  }
  return { keep, remove, upgrade, install };
}

export function isEmptyPlan(plan: ImportPlan): boolean {
  return plan.remove.length === 0 && plan.upgrade.length === 0 && plan.install.length === 0;
}
