// What `dam import` will do to bring the host to a product: keep, install, upgrade, remove. Pure, and
// printed by --dry-run. Removals run first (freeing families), then upgrades, then installs.
//
// A NAMED product owns its apps (state field `product`): importing it converges only the apps it owns and
// leaves other products' apps and apps installed by hand alone. An unnamed product (a DAM 1.x app list),
// --exact and --restore keep 1.x's whole-host meaning: the host becomes exactly the product.
import { DamError } from './errors.js';
import type { Product, ProductApp } from './product.js';
import type { InstalledApp, State } from './state.js';

export interface ImportPlan {
  /** 'product': only the apps the named product owns change; 'host': the host becomes exactly the product. */
  scope: 'product' | 'host';
  /** The product the installed apps will belong to; absent for an unnamed product. */
  product?: string;
  keep: InstalledApp[];
  remove: InstalledApp[];
  upgrade: Array<{ from: InstalledApp; to: ProductApp }>;
  install: ProductApp[];
  /** Kept apps whose recorded product changes (a whole-host import takes every kept app into its product). */
  claim: InstalledApp[];
}

export interface ImportOptions {
  restore: boolean;
  /** Whole-host even for a named product. */
  exact?: boolean;
}

const key = (a: { name: string; version: string }) => `${a.name}:${a.version}`;

/** Keep, upgrade, install and remove so that `have` becomes exactly `want`. */
function converge(
  have: InstalledApp[],
  want: ProductApp[],
): Pick<ImportPlan, 'keep' | 'remove' | 'upgrade' | 'install'> {
  const wanted = new Set(want.map(key));
  const present = new Set(have.map(key));
  const keep = have.filter((a) => wanted.has(key(a)));
  const missing = want.filter((a) => !present.has(key(a)));
  const upgrade: ImportPlan['upgrade'] = [];
  const install: ProductApp[] = [];
  const remove = have.filter((a) => !wanted.has(key(a)));
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

const ownerText = (a: InstalledApp) => (a.product === undefined ? 'installed by hand' : `of product '${a.product}'`);

/** A wanted app that clashes with an app this product does not own: same name at another version, or same family. */
function rivalOf(app: ProductApp, others: InstalledApp[]): { rival: InstalledApp; why: string } | undefined {
  for (const o of others) {
    if (o.name === app.name && o.version === app.version) {
      if (o.product !== undefined) return { rival: o, why: `the same app, which belongs to product '${o.product}'` };
      continue; // installed by hand at the very version wanted: kept as it is
    }
    if (o.name === app.name) return { rival: o, why: `the same app at another version (${key(o)}, ${ownerText(o)})` };
    if (app.family !== undefined && o.family === app.family)
      return { rival: o, why: `the same family '${o.family}' as ${key(o)} (${ownerText(o)})` };
  }
  return undefined;
}

/** Refuses, before any change, a product whose apps clash with apps it does not own. */
function checkConflicts(product: string, want: ProductApp[], others: InstalledApp[]): void {
  for (const app of want) {
    const found = rivalOf(app, others);
    if (!found) continue;
    const owner = found.rival.product === undefined ? 'an app installed by hand' : `product '${found.rival.product}'`;
    throw new DamError(
      'CONFLICT',
      `Product '${product}' wants ${key(app)}, which conflicts with ${owner}: ${found.why}.`,
      `Nothing was changed. Two products on one host must not share an app or a family: remove ${key(found.rival)} (dam remove ${key(found.rival)}), or import with --exact to make the host exactly '${product}'.`,
    );
  }
}

export function planImport(state: State, product: Product, options: ImportOptions): ImportPlan {
  const name = product.name;
  const owned = name === undefined ? {} : { product: name };
  if (options.restore)
    return {
      scope: 'host',
      ...owned,
      keep: [],
      remove: [...state.apps],
      upgrade: [],
      install: [...product.apps],
      claim: [],
    };
  if (name === undefined || options.exact === true) {
    const plan = converge(state.apps, product.apps);
    return { scope: 'host', ...owned, ...plan, claim: plan.keep.filter((a) => a.product !== name) };
  }
  const mine = state.apps.filter((a) => a.product === name);
  const others = state.apps.filter((a) => a.product !== name);
  checkConflicts(name, product.apps, others);
  // An app installed by hand at a version the product wants stays as it is, and stays the user's.
  const byHand = others.filter((o) => o.product === undefined && product.apps.some((a) => key(a) === key(o)));
  const handKeys = new Set(byHand.map(key));
  const plan = converge(
    mine,
    product.apps.filter((a) => !handKeys.has(key(a))),
  );
  return { scope: 'product', product: name, ...plan, keep: [...plan.keep, ...byHand], claim: [] };
}

export function isEmptyPlan(plan: ImportPlan): boolean {
  return plan.remove.length === 0 && plan.upgrade.length === 0 && plan.install.length === 0 && plan.claim.length === 0;
}
