/**
 * Reads a mounted volume without tearing: a directory the Kubernetes atomic writer keeps (visible
 * entries are symlinks into `..data`, itself a symlink to a timestamped directory that is replaced
 * with one rename), or a plain directory.
 *
 * A read resolves `..data` once (`realpath`) and opens every file it needs inside that resolved
 * directory. The atomic writer never changes a file of a timestamped directory once `..data` points
 * at it; it only removes the whole directory after the next swap. So a file opened there holds one
 * version, whole, and the files of one read all belong to the same version. A file that cannot be
 * found is looked for again after resolving `..data` anew: if `..data` moved meanwhile, the
 * directory was swapped out under the read, and the whole read starts again (a bounded number of
 * times) against the new one.
 */
import { lstat, realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import { SecretsError } from "../../core/errors.js";
import { formatBytes, type LocalFile, LocalFileRefused, readRegularFile } from "../../core/regular-file.js";
import { escapeControl } from "../../core/text.js";

/** The transport's name, in errors and logs. */
export const TRANSPORT_NAME = "mount";
/**
 * The default size limit of a file: 64 KiB, the largest value Secrets Manager stores (SecretString
 * or SecretBinary); a JSON key extracted from a secret is smaller still.
 */
export const DEFAULT_MAX_BYTES: number = 64 * 1024;
/** The largest `maxBytes`: 1 MiB, the size limit of a whole Kubernetes Secret. */
export const MAX_MAX_BYTES: number = 1024 * 1024;
/** The atomic writer's link to the current timestamped directory. */
export const DATA_LINK = "..data";

/** A path for a message: quoted, control characters escaped. */
export function quoted(path: string): string {
  return `"${escapeControl(path)}"`;
}

/** The error code of an fs error, if it has one. */
function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}

/** What a read resolved the volume to. */
export interface VolumeRoot {
  /** The directory the files are read in: the resolved `..data`, or the volume directory itself. */
  readonly path: string;
  /** Whether it came from `..data` (an atomic-writer volume). */
  readonly atomic: boolean;
}

/** A `CONFIG` error about the volume or one of its files. Names paths and ids, never contents. */
export function configError(
  operation: string,
  id: string | undefined,
  detail: string,
  hint?: string,
  cause?: unknown,
): SecretsError {
  return new SecretsError({ code: "CONFIG", operation, secretId: id, transport: TRANSPORT_NAME, detail, hint, cause });
}

/**
 * Where the files are now: the resolved `..data` if the directory has one, else the directory. A
 * missing or unreadable directory is `CONFIG`; a `..data` that points nowhere (only possible mid-swap
 * on platforms without an atomic rename) is `undefined`: try again.
 */
export async function resolveRoot(dir: string, operation: string, id?: string): Promise<VolumeRoot | undefined> {
  try {
    return { path: await realpath(join(dir, DATA_LINK)), atomic: true };
  } catch (error) {
    const code = errorCode(error);
    if (code !== "ENOENT") {
      const reason = code === "ENOTDIR" ? "is not a directory" : `cannot be read${code ? ` (${code})` : ""}`;
      throw configError(operation, id, `the volume ${quoted(dir)} ${reason}`, undefined, error);
    }
  }
  let stats: Awaited<ReturnType<typeof stat>>;
  try {
    stats = await stat(dir);
  } catch (error) {
    const code = errorCode(error);
    const reason = code === "ENOENT" ? "does not exist" : `cannot be read${code ? ` (${code})` : ""}`;
    throw configError(
      operation,
      id,
      `the volume ${quoted(dir)} ${reason}`,
      "Mount the volume there, or point mountTransport({ dir }) at its mount path",
      error,
    );
  }
  if (!stats.isDirectory()) throw configError(operation, id, `the volume ${quoted(dir)} is not a directory`);
  // A directory without ..data. If a dangling ..data link is the reason realpath failed, the volume
  // is mid-swap: report that, so the read tries again.
  try {
    await lstat(join(dir, DATA_LINK));
    return undefined;
  } catch {
    return { path: dir, atomic: false };
  }
}

/** What reading one file found: its bytes, or that it is not there. */
export type FileRead = { readonly found: true; readonly file: LocalFile } | { readonly found: false };

const MISSING: FileRead = { found: false };

/**
 * Reads `file` inside `root` (at most `maxBytes`, a regular file only). Not there (`ENOENT`,
 * `ENOTDIR`) is `{ found: false }`; anything else that stops the read is `CONFIG`, naming the
 * visible path `dir/file`.
 */
export async function readVolumeFile(
  root: VolumeRoot,
  dir: string,
  file: string,
  maxBytes: number,
  context: { readonly operation: string; readonly id: string },
): Promise<FileRead> {
  try {
    return { found: true, file: await readRegularFile(join(root.path, file), maxBytes) };
  } catch (error) {
    if (!(error instanceof LocalFileRefused)) throw error;
    const code = errorCode(error.cause);
    if (error.reason === "io" && (code === "ENOENT" || code === "ENOTDIR")) return MISSING;
    const path = quoted(join(dir, file));
    if (error.reason === "type") {
      throw configError(context.operation, context.id, `${path} ${error.detail}`, "Mount the secret as a file");
    }
    if (error.reason === "size") {
      throw configError(
        context.operation,
        context.id,
        `${path} ${error.detail}`,
        `A Secrets Manager value is at most 64 KiB; raise the limit with mountTransport({ maxBytes }) (default ${formatBytes(DEFAULT_MAX_BYTES)}) if the file is right`,
      );
    }
    throw configError(
      context.operation,
      context.id,
      `${path}: ${error.detail}`,
      code === "EACCES" || code === "EPERM"
        ? "Give the process read access to the file (fsGroup, file mode)"
        : undefined,
      error.cause,
    );
  }
}
