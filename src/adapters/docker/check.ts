// Hand-written checks for the engine's JSON: read only the fields DAM uses, fail with a clear message when
// the engine sends something else, and treat the engine's `null` for empty lists and maps as empty.
import { DamError } from '../../core/errors.js';
import { fieldReader, type Json } from '../../core/json-fields.js';

export type { Json } from '../../core/json-fields.js';

export function badAnswer(where: string, what: string): DamError {
  return new DamError(
    'ENGINE_ERROR',
    `The engine sent an unexpected answer to ${where}: ${what}.`,
    'Check that DOCKER_HOST points at a Docker engine of version 17.06 or newer.',
  );
}

/** The one field reader (core/json-fields.ts), failing with ENGINE_ERROR naming the request and the field. */
const readerFor = (where: string) =>
  fieldReader((path, problem) => {
    throw badAnswer(where, `${path} ${problem}`);
  });

export function object(value: unknown, where: string, field = 'the answer'): Json {
  return readerFor(where).object(value, field);
}

/** The engine sends `null` for an empty list. */
export function array(value: unknown, where: string, field = 'the answer'): unknown[] {
  return value === null || value === undefined ? [] : readerFor(where).list(value, field);
}

export function string(obj: Json, key: string, where: string): string {
  return readerFor(where).string(obj, key, '');
}

export function optString(obj: Json, key: string, where: string, fallback = ''): string {
  return readerFor(where).optString(obj, key, '') ?? fallback;
}

export function number(obj: Json, key: string, where: string, fallback?: number): number {
  if ((obj[key] === undefined || obj[key] === null) && fallback !== undefined) return fallback;
  return readerFor(where).number(obj, key, '');
}

export function strings(obj: Json, key: string, where: string): string[] {
  return obj[key] === null || obj[key] === undefined ? [] : readerFor(where).stringList(obj[key], key);
}

/** The engine sends `null` for an empty map. */
export function stringMap(obj: Json, key: string, where: string): Record<string, string> {
  return obj[key] === undefined || obj[key] === null ? {} : { ...readerFor(where).stringMap(obj[key], key) };
}

export function optObject(obj: Json, key: string, where: string): Json {
  const value = obj[key];
  return value === undefined || value === null ? {} : object(value, where, key);
}
