/**
 * Which file of a mounted volume holds a secret: the file names the AWS provider of the Secrets
 * Store CSI driver (ASCP) gives its objects, and the checks that keep a name inside the volume.
 *
 * ASCP names a file after the object's `objectAlias`, else its `objectName` as written (a name or a
 * full ARN), and replaces every `/` with the `pathTranslation` character (`_` by default). With
 * `pathTranslation: "False"` it keeps the slashes (the file lands in sub-directories) and strips the
 * leading ones only. See docs/transports/mount.md for the sources.
 */
import { ArgumentError } from "../../core/errors.js";
import { secretNameCandidates } from "../../transport/secret-id.js";

/** How a file's bytes become a record: by their content (`auto`), always text, or always binary. */
export type MountedFileType = "auto" | "text" | "binary";

/** The longest file name the Kubernetes atomic writer accepts, in bytes. */
const MAX_NAME_BYTES = 255;
/** The longest relative path the Kubernetes atomic writer accepts, in characters. */
const MAX_PATH_LENGTH = 4096;

/** One file a read may find a secret in. */
export interface FileCandidate {
  /** The path relative to the volume's root, `/`-separated. */
  readonly file: string;
  readonly type: MountedFileType;
}

/** What an explicit mapping entry was, once checked. */
export interface MappedFile {
  readonly file: string;
  readonly type: MountedFileType;
}

/**
 * Why a relative path cannot be a file of the volume, or `undefined` when it can: it must be
 * relative, without empty, `.` or `..` segments, without NUL, its first segment must not start
 * with `..` (the atomic writer's own entries: `..data`, `..data_tmp`, the timestamped directories),
 * and within the atomic writer's limits (255 bytes a segment, 4096 characters in all).
 *
 * @example
 * ```ts
 * pathProblem('prod_db'); // undefined
 * pathProblem('../etc/passwd'); // 'a segment is "", "." or ".."'
 * ```
 */
export function pathProblem(file: string): string | undefined {
  if (file === "") return "it is empty";
  if (file.includes("\0")) return "it holds a NUL character";
  if (file.length > MAX_PATH_LENGTH) return `it is longer than ${MAX_PATH_LENGTH} characters`;
  if (file.startsWith("/")) return "it is absolute";
  const segments = file.split("/");
  if (segments.some((segment) => segment === "" || segment === "." || segment === ".."))
    return 'a segment is "", "." or ".."';
  if (segments[0]?.startsWith("..")) return 'it starts with "..", which the atomic writer reserves';
  if (segments.some((segment) => Buffer.byteLength(segment) > MAX_NAME_BYTES))
    return `a segment is longer than ${MAX_NAME_BYTES} bytes`;
  return undefined;
}

/**
 * The file name ASCP gives an object named `name` (its `objectAlias`, else its `objectName`):
 * every `/` replaced by `translation`, or, with `translation` `false`, the leading `/`s stripped.
 *
 * @example
 * ```ts
 * ascpFileName('prod/db', '_'); // 'prod_db'
 * ascpFileName('/app/db', false); // 'app/db'
 * ```
 */
export function ascpFileName(name: string, translation: string | false): string {
  return translation === false ? name.replace(/^\/+/, "") : name.replaceAll("/", translation);
}

/**
 * The `pathTranslation` option, checked: a single ASCII character other than `/` and NUL, or `false`
 * (also spelled `"False"`, as in a SecretProviderClass) to keep the slashes.
 *
 * @example
 * ```ts
 * checkedTranslation(undefined); // '_'
 * checkedTranslation('False'); // false
 * ```
 */
export function checkedTranslation(value: unknown): string | false {
  if (value === undefined) return "_";
  if (value === false) return false;
  if (typeof value === "string" && value.toLowerCase() === "false") return false;
  if (
    typeof value !== "string" ||
    value.length !== 1 ||
    value.charCodeAt(0) > 0x7f ||
    value === "/" ||
    value === "\0"
  ) {
    throw new ArgumentError(
      'mountTransport: "pathTranslation" must be one ASCII character other than "/" (ASCP\'s default is "_"), or false to keep slashes',
    );
  }
  return value;
}

const TYPES: readonly MountedFileType[] = ["auto", "text", "binary"];

/**
 * The `files` option, checked: secret id -> file name (relative to the volume), or
 * `{ file, type }`. A bad entry is an {@link ArgumentError} naming the id.
 *
 * @example
 * ```ts
 * checkedFiles({ 'prod/db': 'db-creds' }).get('prod/db'); // { file: 'db-creds', type: 'auto' }
 * ```
 */
export function checkedFiles(value: unknown): ReadonlyMap<string, MappedFile> {
  const files = new Map<string, MappedFile>();
  if (value === undefined) return files;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ArgumentError('mountTransport: "files" must be an object of secret id -> file name');
  }
  for (const [id, entry] of Object.entries(value)) {
    if (id === "") throw new ArgumentError('mountTransport: "files" has an empty secret id');
    const spelled = typeof entry === "string" ? { file: entry } : entry;
    if (typeof spelled !== "object" || spelled === null || Array.isArray(spelled)) {
      throw new ArgumentError(`mountTransport: "files" entry "${id}" must be a file name or { file, type }`);
    }
    const { file, type = "auto" } = spelled as { file?: unknown; type?: unknown };
    if (typeof file !== "string") {
      throw new ArgumentError(`mountTransport: "files" entry "${id}": "file" must be a string`);
    }
    const problem = pathProblem(file);
    if (problem !== undefined) {
      throw new ArgumentError(
        `mountTransport: "files" entry "${id}": the file name "${file}" cannot name a file of the volume: ${problem}`,
      );
    }
    if (!TYPES.includes(type as MountedFileType)) {
      throw new ArgumentError(`mountTransport: "files" entry "${id}": "type" must be "auto", "text" or "binary"`);
    }
    files.set(id, { file, type: type as MountedFileType });
  }
  return files;
}

/**
 * The files that may hold `id`, most specific first, without duplicates. An id mapped in `files`
 * (itself, or the secret name an ARN stands for) has that file only. Otherwise: the file ASCP names
 * after the id as written (an `objectName` that is this very ARN), then after each secret name the
 * id stands for (a full ARN's name without and with its 6-character suffix). Names that cannot be a
 * file of the volume (`..` segments, too long) are left out, so the list may be empty.
 *
 * @example
 * ```ts
 * fileCandidates('arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf', new Map(), '_');
 * // files 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod_db-AbCdEf', 'prod_db', 'prod_db-AbCdEf'
 * ```
 */
export function fileCandidates(
  id: string,
  files: ReadonlyMap<string, MappedFile>,
  translation: string | false,
): FileCandidate[] {
  const names = [id, ...secretNameCandidates(id).filter((name) => name !== id)];
  for (const name of names) {
    const mapped = files.get(name);
    if (mapped !== undefined) return [mapped];
  }
  const seen = new Set<string>();
  const candidates: FileCandidate[] = [];
  for (const name of names) {
    const file = ascpFileName(name, translation);
    if (seen.has(file) || pathProblem(file) !== undefined) continue;
    seen.add(file);
    candidates.push({ file, type: "auto" });
  }
  return candidates;
}

/**
 * The secret name a record reports for `id`: the name an ARN stands for (without its suffix), or
 * the id itself.
 *
 * @example
 * ```ts
 * recordName('arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf'); // 'prod/db'
 * ```
 */
export function recordName(id: string): string {
  return secretNameCandidates(id)[0] ?? id;
}
