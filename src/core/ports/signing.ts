// The host's signature check for archives, before anything in them is loaded. Implemented in
// src/adapters/signing (trust.json, detached .sig files); the decision itself is core/signing/verdict.ts.
import type { BundleContents } from './bundle.js';
import type { AdmitFlags, Verdict } from '../signing/verdict.js';

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
