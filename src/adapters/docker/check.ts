// Hand-written checks for the engine's JSON: read only the fields DAM uses, fail with a clear message when
// the engine sends something else, and treat the engine's `null` for empty lists and maps as empty.
import { DamError } from '../../core/errors.js';

export type Json = Record<string, unknown>;

export function badAnswer(where: string, what: string): DamError {
  return new DamError('ENGINE_ERROR', `The engine sent an unexpected answer to ${where}: ${what}.`, 'Check that DOCKER_HOST points at a Docker engine of version 17.06 or newer.');
}

export function object(value: unknown, where: string, field = 'the answer'): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badAnswer(where, `${field} is not an object`);
  return value as Json;
}

export function array(value: unknown, where: string, field = 'the answer'): unknown[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw badAnswer(where, `${field} is not a list`);
  return value;
}

export function string(obj: Json, key: string, where: string): string {
  const value = obj[key];
  if (typeof value !== 'string') throw badAnswer(where, `${key} is not a string`);
  return value;
}

export function optString(obj: Json, key: string, where: string, fallback = ''): string {
  const value = obj[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string') throw badAnswer(where, `${key} is not a string`);
  return value;
}

export function number(obj: Json, key: string, where: string, fallback?: number): number {
  const value = obj[key];
  if ((value === undefined || value === null) && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw badAnswer(where, `${key} is not a number`);
  return value;
}

export function strings(obj: Json, key: string, where: string): string[] {
  return array(obj[key], where, key).map((v) => {
    if (typeof v !== 'string') throw badAnswer(where, `${key} holds a value that is not a string`);
    return v;
  });
}

export function stringMap(obj: Json, key: string, where: string): Record<string, string> {
  const value = obj[key];
  if (value === undefined || value === null) return {};
  const map = object(value, where, key);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(map)) {
    if (typeof v !== 'string') throw badAnswer(where, `${key}.${k} is not a string`);
    out[k] = v;
  }
  return out;
}

export function optObject(obj: Json, key: string, where: string): Json {
  const value = obj[key];
  return value === undefined || value === null ? {} : object(value, where, key);
}
