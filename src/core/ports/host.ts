// The host-side parts of the app lifecycle: scripts, meta copies, journals. Implemented in src/adapters.
import type { Effect, Journal, Operation, SignatureNote } from '../journal.js';
import type { ScriptApp } from '../script-env.js';

export interface ScriptRun {
  script: 'install' | 'uninstall';
  /** The app's copy of /meta: the script's working directory. */
  metaDir: string;
  /** What the script is told through DAM_APP_*, DAM_ACTION, DAM_OLD_VERSION and DAM_NEW_VERSION. */
  app: ScriptApp;
  /** Values recorded when the app was installed (its DAM_* settings, DAM_INSTANCE): they win over DAM's environment. */
  settings?: Record<string, string>;
  timeoutMs?: number;
  interactive?: boolean;
  signal?: AbortSignal;
}

export interface Scripts {
  /** Runs a script to the end. Throws SCRIPT_FAILED (exit code, signal or timeout, with the output's tail). */
  run(run: ScriptRun): Promise<void>;
  /** The user's DAM_* settings a script started now would see (e.g. DAM_BIN_DIR), to record at install. */
  settings(): Record<string, string>;
}

export interface MetaCopier {
  /**
   * Copies /meta out of a local image into `destDir` (created; must not exist) through a container that is
   * created, never started, and always removed. Rejects escaping entries, outside links, devices, FIFOs.
   * NOT_FOUND when the image has no /meta.
   */
  fromImage(imageRef: string, destDir: string): Promise<void>;
  /** sha256 (hex) of every file under `dir` by relative path, `link:TARGET` for symbolic links. */
  digests(dir: string): Promise<Record<string, string>>;
}

export interface HostDirs {
  /** Renames a directory; the parent of `to` is created. */
  move(from: string, to: string): Promise<void>;
  /** Removes a directory tree; idempotent. */
  remove(path: string): Promise<void>;
  exists(path: string): Promise<boolean>;
  isFile(path: string): Promise<boolean>;
}

/** An image inside an archive file (`.dam`, `docker save` tar or tar.gz), read without loading it. */
export interface ArchiveImage {
  path: string;
  /** RepoTags of the archive's manifest. */
  tags: string[];
  /** `sha256:` of the image config. */
  imageId: string;
  labels: Record<string, string>;
  /** Total size of the archive file in bytes, as read. */
  size: number;
  /** Hex sha256 of the file's bytes as read in the same pass, when asked for (`sha256: true`). */
  sha256?: string;
}

export interface Archives {
  /**
   * Reads the archive once: verifies it (gzip and tar integrity, the CRC-32 in a 1.x name, every layer's
   * digest, no escaping or special members; one image per archive), extracts /meta from its layers into
   * `metaDir` with MetaCopier's safety rules, and streams it into the engine's load at the same time, holding
   * back its end. Only when the archive is verified and `beforeLoad` (the caller's checks and journal entries)
   * resolves does the engine get the end and register the image; otherwise the load is abandoned and the
   * engine is unchanged. The engine receives a docker-save stream DAM writes from the members it checked:
   * the layers, the config and a manifest.json with exactly `image.tags`, never the archive's own bytes.
   * With `sha256`, the file's hash is computed from the same bytes, so `beforeLoad` can check a signature
   * against what is loaded. ARCHIVE_INVALID naming the file for a bad archive (a decompression bomb too).
   */
  verifyAndLoad(
    path: string,
    metaDir: string,
    beforeLoad: (image: ArchiveImage) => Promise<void>,
    signal: AbortSignal,
    options?: { sha256?: boolean },
  ): Promise<ArchiveImage>;
  /**
   * Saves `imageRef` (a tag or id of a local image) as a `.dam` file. NOT_FOUND when the image is not local.
   * The file appears complete or not at all (written under a temporary name, renamed after fsync); an
   * existing file of the final name is replaced.
   */
  save(imageRef: string, options: SaveArchiveOptions): Promise<SavedArchive>;
}

export interface SaveArchiveOptions {
  /** App name and version, for the file name `<name>-<version>.<crc32>.dam`. */
  name: string;
  version: string;
  /** The tag written into manifest.json, which `docker load` gives the image. */
  tag: string;
  /** Folder for the CRC-named file. Ignored when outPath is given. */
  dir?: string;
  /** Exact output path, no CRC in the name (1.x `--f`). */
  outPath?: string;
  signal?: AbortSignal;
  /** Compressed bytes written so far. */
  onProgress?: (bytes: number) => void;
  gzipLevel?: number;
}

export interface SavedArchive {
  path: string;
  /** 8 lowercase hex digits, CRC-32/IEEE of the whole file. */
  crc32: string;
  bytes: number;
  tag: string;
  imageId: string;
}

/** Files DAM writes where the user says (exports, inventories, saved archives). */
export interface OutputFiles {
  /**
   * Refuses an output path that is a symlink in, or into, a folder others can write (unless `force`): it may
   * have been planted there to make DAM write elsewhere. CONFLICT; changes nothing.
   */
  checkLink(path: string, force: boolean): Promise<void>;
  /** Replaces `path` with `data` atomically and durably, with `mode`. */
  writeAtomic(path: string, data: string, mode: number): Promise<void>;
}

export interface ActiveJournal {
  readonly journal: Journal;
  /** A scratch directory for this operation, removed with the journal. */
  readonly workDir: string;
  /** Records the intent to make an effect, durably; the returned function marks it done. */
  intend(effect: Effect): Promise<() => Promise<void>>;
  /** Records the intents to make several effects in one durable write (none is marked done later). */
  intendAll(effects: readonly Effect[]): Promise<void>;
  /** Records, durably, how an archive was admitted (who signed it, or which flag let it through). */
  noteSignature(note: SignatureNote): Promise<void>;
  /** Marks that the state is about to be written. */
  committing(): Promise<void>;
  /** Deletes the journal and its work directory: the operation is over. */
  close(): Promise<void>;
}

/** Where DAM keeps each installed app's files (in the state directory), as dpkg keeps /var/lib/dpkg/info. */
export interface AppFolders {
  /** The folder of installed app `appId`: made at install, removed with the app. */
  dir(appId: number): string;
  /** The app's copy of /meta inside it, where its scripts run. */
  meta(appId: number): string;
}

/**
 * Named points in a transaction (`before-commit`, `after-install-script`...) that the crash tests stop the
 * process at, exactly as a power cut would. In normal runs nothing happens.
 */
export interface FaultPoints {
  /** Called when the operation reaches `step`; may never return. */
  reached(step: string): void;
}

export interface Journals {
  begin(operation: Operation, summary: string): Promise<ActiveJournal>;
  /** Journals of operations that did not finish, oldest first. */
  pending(): Promise<ActiveJournal[]>;
}

/** Files named on the command line, looked at before they are read. */
export interface InputFiles {
  /** 'regular', 'other' (a folder, FIFO or device), or undefined when nothing can be found there. */
  kindOf(path: string): Promise<'regular' | 'other' | undefined>;
  /** USAGE saying what `path` is unless it is a regular file; never waits on a FIFO. */
  checkRegular(path: string, what: string): Promise<void>;
  /** The UTF-8 text of `path`; the file system's error (ENOENT, ...) as it comes. */
  readText(path: string): Promise<string>;
  /** What is at `path` (following links): undefined when nothing (ENOENT); other errors as they come. */
  typeOf(path: string): Promise<'file' | 'directory' | 'other' | undefined>;
}
