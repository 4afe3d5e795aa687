// The one reader of fields in parsed JSON (state, credentials, bundle indexes, products, inventories,
// engine and registry answers): each check names the full path of the field that is wrong, such as
// `apps[3].version is not a string`; the format's own `fail` turns that into its DamError. Pure.

export type Json = Record<string, unknown>;

/** Throws the format's error for the field at `path`, e.g. ('apps[3].version', 'is not a string'). */
export type FieldFail = (path: string, problem: string) => never;

/** The path of a key or index below `path` (`''` is the top): `apps[3]`, `apps[3].version`. */
export function at(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface FieldReader {
  /** An object; with `keys`, any other key is refused as unknown. */
  object(value: unknown, path: string, keys?: readonly string[]): Json;
  list(value: unknown, path: string): unknown[];
  /** A value (a list item, a map value) as a string, matching `pattern` when given. */
  asString(value: unknown, path: string, pattern?: RegExp): string;
  /** A value as a whole number from 0 to `max`. */
  asWhole(value: unknown, path: string, max?: number): number;
  /** `obj[key]` as a string, matching `pattern` when given. */
  string(obj: Json, key: string, path: string, pattern?: RegExp): string;
  /** `obj[key]` as a string, or undefined when absent or null. */
  optString(obj: Json, key: string, path: string): string | undefined;
  /** `obj[key]` as a whole number from 0 to `max`. */
  whole(obj: Json, key: string, path: string, max?: number): number;
  /** `obj[key]` as a finite number. */
  number(obj: Json, key: string, path: string): number;
  /** An object whose values are all strings. */
  stringMap(value: unknown, path: string): Record<string, string>;
  /** A list of strings. */
  stringList(value: unknown, path: string): string[];
}

export function fieldReader(fail: FieldFail): FieldReader {
  const str = (value: unknown, path: string, pattern?: RegExp): string => {
    if (typeof value !== 'string') fail(path, 'is not a string');
    if (pattern && !pattern.test(value)) fail(path, `'${value.slice(0, 80)}' is not in the expected form`);
    return value;
  };
  const whole = (v: unknown, path: string, max = Number.MAX_SAFE_INTEGER): number => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v > max)
      fail(path, 'is not a whole number in range');
    return v;
  };
  const reader: FieldReader = {
    asString: str,
    asWhole: whole,
    object(value, path, keys) {
      if (!isObject(value)) fail(path, 'is not an object');
      if (keys) for (const k of Object.keys(value)) if (!keys.includes(k)) fail(at(path, k), 'is not a known field');
      return value;
    },
    list(value, path) {
      if (!Array.isArray(value)) fail(path, 'is not a list');
      return value;
    },
    string: (obj, key, path, pattern) => str(obj[key], at(path, key), pattern),
    optString: (obj, key, path) =>
      obj[key] === undefined || obj[key] === null ? undefined : str(obj[key], at(path, key)),
    whole: (obj, key, path, max) => whole(obj[key], at(path, key), max),
    number(obj, key, path) {
      const v = obj[key];
      if (typeof v !== 'number' || !Number.isFinite(v)) fail(at(path, key), 'is not a number');
      return v;
    },
    stringMap(value, path) {
      const o = reader.object(value, path);
      for (const [k, v] of Object.entries(o)) str(v, at(path, k));
      return o as Record<string, string>;
    },
    stringList: (value, path) => reader.list(value, path).map((v, i) => str(v, at(path, i))),
  };
  return reader;
}
