// The host's signature check for archives, before anything in them is loaded. Implemented in
// src/adapters/signing (trust.json, detached .sig files); the decision itself is core/signing/verdict.ts.
import type { BundleContents } from './bundle.js';
import type { AdmitFlags, Verdict } from '../signing/verdict.js';
import type { Payload, Subject } from '../signing/payload.js';
import type { TrustPolicy } from '../signing/trust.js';

/** A signature check whose file hash comes from the same pass that loads the file (no second read). */
export interface FileCheck {
  /** The verdict if the file turns out to be what its signature pins: refuse on it before reading the file. */
  early: Verdict;
  /** Whether `final` depends on the file's bytes (a signature is present and a key is trusted). */
  measure: boolean;
  /** The verdict on the file's bytes as actually read (their sha256 and count). Pure: reads nothing. */
  final(measured: { sha256: string; size: number }): Verdict;
}

export interface ArchiveTrust {
  /** The flags that let a refused archive through; the appliers pass them to `admit`. */
  readonly flags: AdmitFlags;
  /**
   * The verdict on an archive file (a `.dam`, a `docker save` tar) from its detached signature (`FILE.sig`,
   * or `--signature PATH`) and its sha256, read once here. Makes no network call; changes nothing.
   * Cheap when no key is trusted and no signature is present (the file is not read).
   */
  checkFile(path: string): Promise<Verdict>;
  /**
   * Reads the policy and the detached signature of an archive file once, and leaves its hash to the caller's
   * single pass over the file (the load): see FileCheck. Changes nothing.
   */
  fileCheck(path: string): Promise<FileCheck>;
  /** The same for an opened bundle (pinned by its index digest) or DAM 1.x export (pinned whole). */
  checkBundle(contents: BundleContents): Promise<Verdict>;
  /**
   * Records the sequence of a trusted verdict as accepted for its product and key, never lowering the
   * highest one. Call after the operation committed. Idempotent; ignores verdicts that are not trusted.
   */
  accepted(verdict: Verdict): Promise<void>;
}

/** A signing key pair this host has. */
export interface KeyInfo {
  name: string;
  fingerprint: string;
  publicKeyFile: string;
  /** Whether this host holds the private key (and so can sign with it). */
  private: boolean;
}

export interface SignRequest {
  /** A key name in the keyring, or the path of a PEM private key. */
  key: string;
  path: string;
  /** The product name; defaults to the bundle's product name or the `.dam`'s app name. */
  product?: string;
  /** Defaults to the current time in milliseconds, so that later signings are newer. */
  sequence?: number;
  now: Date;
  signal?: AbortSignal;
}

export interface Signed {
  path: string;
  signaturePath: string;
  kind: 'bundle' | 'dam1-export' | 'archive';
  payload: Payload;
}

/** The host's signing keys (in the state directory) and the signing of files with them. */
export interface Keyring {
  /** Makes the Ed25519 key pair NAME. CONFLICT when NAME exists: a key is never overwritten. */
  generate(name: string): Promise<KeyInfo>;
  /** Every key with a public half, by name; none when no key was ever made. Reads each public key. */
  list(): Promise<KeyInfo[]>;
  /** The names of the public keys, without reading them (for completion); none when there are none. */
  names(): Promise<string[]>;
  /** NAME's public key as PEM; NOT_FOUND when there is no such key. */
  publicPem(name: string): Promise<string>;
  /** The text of a public key file a user gives (`dam trust add FILE`); NOT_FOUND naming it. */
  readPublicFile(path: string, shownAs: string): Promise<string>;
  /** Checks that KEY (a name or a PEM file's path) is a usable private key: NOT_FOUND or USAGE. Changes nothing. */
  checkPrivate(key: string): Promise<void>;
  /** Measures FILE and writes its detached signature FILE.sig atomically (replacing an older one). */
  sign(request: SignRequest): Promise<Signed>;
}

/** The host's trust policy (trusted keys, accepted releases). */
export interface TrustStore {
  /** The policy; the empty policy when none was written. Takes no lock. */
  read(): Promise<TrustPolicy>;
  /**
   * Changes the policy under its own lock (not the state lock): `fn` gets the current policy, and what it
   * returns is written atomically when it is a new object. LOCKED after a few seconds of waiting.
   */
  update<T>(command: string, fn: (policy: TrustPolicy) => { policy: TrustPolicy; result: T }): Promise<T>;
}

/** What a signature would pin of a file, and what kind of file it is. */
export interface MeasuredFile {
  kind: 'bundle' | 'dam1-export' | 'archive';
  subject: Subject;
  /** A bundle's product name, from its index. */
  productName?: string;
}

/** What `dam info FILE` reads of a bundle, `.dam` or 1.x export, loading nothing into the engine. */
export interface ArchiveFacts {
  /** The file's kind and signed subject (a `.dam`'s image tag included). */
  measure(path: string, signal?: AbortSignal): Promise<MeasuredFile>;
  /** The detached signature: `explicit`, else `path.sig` when there is one. */
  detachedSignature(path: string, explicit?: string): Promise<{ text: string; source: string } | undefined>;
  /** Whether the bundle sits behind DAM's executable (a self-contained product). */
  selfContained(path: string): boolean;
  /** The bundle's index (read from its head); undefined for another kind of file. */
  openBundle(path: string, signal?: AbortSignal): Promise<BundleContents | undefined>;
}
