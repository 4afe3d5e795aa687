// The labels that make an image a DAM app. The first three are DAM 1.x's, written exactly as 1.x writes
// them (dam-1x-spec §3.5) so that each tool installs the other's apps; the rest are DAM 2 additions.
import { DamError } from './errors.js';
import { printable } from './validate.js';

/** Set on the containers DAM creates only to read an image (never started, always removed). */
export const TEMPORARY_LABEL = 'dam.temporary';
/** On those containers: `<host name>/<process id>` of the dam that made it, so a later dam can tell a dead one's. */
export const TEMPORARY_OWNER_LABEL = 'dam.temporary.owner';
export const LABEL_FAMILY = 'DAM_APP_FAMILY';
export const LABEL_MULTIVERSION = 'DAM_APP_MULTIVERSION';
export const LABEL_SERVERS = 'DAM_APP_SERVERS';
export const LABEL_NAME = 'DAM_APP_NAME';
export const LABEL_VERSION = 'DAM_APP_VERSION';
const OCI = 'org.opencontainers.image';

export interface AppLabelInput {
  name: string;
  version: string;
  family: string;
  multiversion: boolean;
  /** Already normalised (see servers.ts). */
  servers: string;
  /** ISO 8601. */
  created: string;
  description?: string;
}

export function appLabels(app: AppLabelInput): Record<string, string> {
  const labels: Record<string, string> = {
    [LABEL_FAMILY]: app.family,
    [LABEL_MULTIVERSION]: app.multiversion ? 'true' : 'false',
    [LABEL_SERVERS]: app.servers,
    [LABEL_NAME]: app.name,
    [LABEL_VERSION]: app.version,
    [`${OCI}.title`]: app.name,
    [`${OCI}.version`]: app.version,
    [`${OCI}.created`]: app.created,
  };
  if (app.description) labels[`${OCI}.description`] = app.description;
  return labels;
}

/** `--label` values go on top, except DAM's own labels, which the variables set. */
export function withUserLabels(labels: Record<string, string>, user: Record<string, string>): Record<string, string> {
  for (const key of Object.keys(user)) {
    if (key.startsWith('DAM_APP_')) {
      throw new DamError(
        'USAGE',
        `--label ${printable(key)} would overwrite a label DAM writes.`,
        `Set it as a variable instead: --name, --version, --family, --multiversion, or ${key} in ENVIRONMENT.`,
      );
    }
  }
  return { ...labels, ...user };
}

export interface AppLabelView {
  family: string;
  multiversion: boolean;
  servers: string;
  name?: string;
  version?: string;
  description?: string;
}

/** How 1.x reads an image's labels: family falls back to the image's name; only `true` is multiversion. */
export function readAppLabels(labels: Record<string, string>, imageName: string): AppLabelView {
  const view: AppLabelView = {
    family: labels[LABEL_FAMILY] || imageName,
    multiversion: labels[LABEL_MULTIVERSION] === 'true',
    servers: labels[LABEL_SERVERS] ?? '',
  };
  if (labels[LABEL_NAME]) view.name = labels[LABEL_NAME];
  if (labels[LABEL_VERSION]) view.version = labels[LABEL_VERSION];
  if (labels[`${OCI}.description`]) view.description = labels[`${OCI}.description`];
  return view;
}

/** `KEY=VALUE` from a repeatable flag; the value may be empty, the key may not. */
export function parseKeyValues(items: string[], flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0)
      throw new DamError('USAGE', `${flag} '${printable(item)}' is not KEY=VALUE.`, `Write it as ${flag} KEY=VALUE.`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}
