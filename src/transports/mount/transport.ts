/**
 * A transport that reads secrets from a mounted directory: the Secrets Store CSI driver with the
 * AWS provider (ASCP), or a Kubernetes Secret volume. One file per object, named as ASCP names it;
 * reads never see a half-swapped volume; `watchChanges` reports each swap. The layout, the naming
 * and the bounds are in docs/transports/mount.md.
 */
import { resolve } from "node:path";
import { abortable, abortedError } from "../../core/abort.js";
import { ArgumentError, SecretsError } from "../../core/errors.js";
import type { LocalFile } from "../../core/regular-file.js";
import type { BatchOptions, BatchResult, SecretRecord, SecretRequest, Transport } from "../../transport/types.js";
import {
  checkedFiles,
  checkedTranslation,
  type FileCandidate,
  fileCandidates,
  type MountedFileType,
  recordName,
} from "./naming.js";
import {
  configError,
  DEFAULT_MAX_BYTES,
  MAX_MAX_BYTES,
  quoted,
  readVolumeFile,
  resolveRoot,
  TRANSPORT_NAME,
  type VolumeRoot,
} from "./volume.js";
import { VolumeWatch } from "./watch.js";

export type { MountedFileType } from "./naming.js";

/** How often the poll looks at `..data` by default, in milliseconds. */
const DEFAULT_POLL_INTERVAL_MS = 1000;
const MIN_POLL_INTERVAL_MS = 10;
const MAX_POLL_INTERVAL_MS = 3_600_000;
/**
 * How many times one read starts again because the volume was swapped under it. Each swap needs a
 * whole write of the volume by the atomic writer, so more than a couple in a row means the volume
 * is being rewritten continuously.
 */
const MAX_ATTEMPTS = 8;
/** How many files one batch read opens at a time. */
const BATCH_CONCURRENCY = 8;
const CURRENT = "AWSCURRENT";

/**
 * One entry of {@link MountTransportOptions.files} in its long form: the file, and how to read it.
 *
 * @example
 * ```ts
 * const entry: MountedFile = { file: 'tls-key.der', type: 'binary' };
 * ```
 */
export interface MountedFile {
  /** The file's path relative to the volume (`db-creds`, or `prod/db` with `pathTranslation: false`). */
  readonly file: string;
  /**
   * `text` for a `SecretString`, `binary` for a `SecretBinary`, `auto` to decide by the bytes: valid
   * UTF-8 without NUL is text, anything else binary. @default "auto"
   */
  readonly type?: MountedFileType | undefined;
}

/**
 * Options of {@link mountTransport}.
 *
 * @example
 * ```ts
 * mountTransport({ dir: '/mnt/secrets-store', files: { 'prod/db': 'db-creds' }, pollIntervalMs: 500 });
 * ```
 */
export interface MountTransportOptions {
  /** The mounted directory, e.g. the `mountPath` of the CSI volume (`/mnt/secrets-store`). */
  readonly dir: string;
  /**
   * Secret ids mapped to their files, for files that are not named as ASCP would name the id (an
   * `objectAlias`, a Kubernetes Secret key): `{ "prod/db": "db-creds" }`, or `{ file, type }` (see
   * {@link MountedFile}). An ARN id also finds the entry of the secret name it stands for. A mapped
   * id is looked for in its file only.
   */
  readonly files?: Readonly<Record<string, string | MountedFile>> | undefined;
  /**
   * ASCP's `pathTranslation` of the SecretProviderClass: the character that replaced each `/` of an
   * object's name in its file name, or `false` (or `"False"`) if slashes were kept (the files then
   * sit in sub-directories). @default "_"
   */
  readonly pathTranslation?: string | false | undefined;
  /**
   * The largest file read, in bytes, from 1 to 1048576 (1 MiB, the limit of a Kubernetes Secret).
   * A larger file is refused with `CONFIG`. @default 65536 (64 KiB, the largest Secrets Manager value)
   */
  readonly maxBytes?: number | undefined;
  /**
   * How often `watchChanges` looks at `..data` when no watcher event came (one `readlink`), in
   * milliseconds, from 10 to 3600000: the bound within which a swap reaches the listeners even if
   * `fs.watch` misses it. Runs only while a listener is registered. @default 1000
   */
  readonly pollIntervalMs?: number | undefined;
  /** Whether `watchChanges` uses `fs.watch` besides the poll. @default true */
  readonly watch?: boolean | undefined;
}

/**
 * The transport {@link mountTransport} returns: a {@link Transport} with a consistent batch read,
 * change notifications and `close`.
 *
 * @example
 * ```ts
 * const transport: MountTransport = mountTransport({ dir: '/mnt/secrets-store' });
 * const stop = transport.watchChanges(() => console.log('the volume was updated'));
 * ```
 */
export interface MountTransport extends Transport {
  /** Reads several secrets from one version of the volume: never some from before a swap and some after. */
  batchGetSecretValue(ids: readonly string[], options?: BatchOptions): Promise<BatchResult<SecretRecord>[]>;
  /**
   * Calls `onChange` after the volume was swapped (a new `..data`), within `pollIntervalMs` at most
   * and usually within milliseconds (`fs.watch`). Returns a function that stops the notifications.
   */
  watchChanges(onChange: () => void): () => void;
  /** Stops every watcher and timer. Safe to call more than once; reads still work afterwards. */
  close(): void;
}

/** What reading one id inside one resolved root found. */
interface IdOutcome {
  /** The record, or the error of this id (`CONFIG`, `NOT_FOUND`). */
  readonly result:
    | { readonly ok: true; readonly value: SecretRecord }
    | { readonly ok: false; readonly error: SecretsError };
  /** Whether a file was not found (the root may have been swapped out: check before trusting it). */
  readonly missing: boolean;
}

function integerOption(value: unknown, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new ArgumentError(`mountTransport: "${name}" must be an integer from ${min} to ${max}`);
  }
  return value;
}

const TEXT = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The file's text if it is valid UTF-8, else `undefined`. */
function utf8(bytes: Uint8Array): string | undefined {
  try {
    return TEXT.decode(bytes);
  } catch {
    // The decoder's error says nothing useful and nothing of the bytes; "not text" is the answer.
    return undefined;
  }
}

/**
 * A transport that reads secrets from a mounted volume: the Secrets Store CSI driver with the AWS
 * provider, or a Kubernetes Secret volume. A secret id finds the file ASCP names after it (`prod/db`
 * in `prod_db`; a full ARN in the file named after the ARN, else after the secret's name); a JSON
 * key extracted with `jmesPath` is read by its `objectAlias`; `files` maps other names. Files are
 * read asynchronously, regular files only, at most `maxBytes` (64 KiB) each. On a volume the
 * Kubernetes atomic writer keeps (`..data`), every read, and every batch, sees one version of the
 * whole volume. Versions and staging labels cannot be asked for: the volume holds one version of
 * each object.
 *
 * @example
 * ```ts
 * const transport = mountTransport({ dir: '/mnt/secrets-store' });
 * const secrets = createSecretsClient({ transport });
 * const db = await secrets.getSecretJson('prod/db'); // the file /mnt/secrets-store/prod_db
 * const password = await secrets.getSecret('dbPassword'); // a jmesPath objectAlias
 * ```
 */
export function mountTransport(options: MountTransportOptions): MountTransport {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new ArgumentError("mountTransport: the options must be an object such as { dir: '/mnt/secrets-store' }");
  }
  const { dir } = options;
  if (typeof dir !== "string" || dir === "" || dir.includes("\0")) {
    throw new ArgumentError('mountTransport: "dir" must be a non-empty string without NUL characters');
  }
  const files = checkedFiles(options.files);
  const translation = checkedTranslation(options.pathTranslation);
  const maxBytes = integerOption(options.maxBytes, "maxBytes", DEFAULT_MAX_BYTES, 1, MAX_MAX_BYTES);
  const pollIntervalMs = integerOption(
    options.pollIntervalMs,
    "pollIntervalMs",
    DEFAULT_POLL_INTERVAL_MS,
    MIN_POLL_INTERVAL_MS,
    MAX_POLL_INTERVAL_MS,
  );
  if (options.watch !== undefined && typeof options.watch !== "boolean") {
    throw new ArgumentError('mountTransport: "watch" must be a boolean');
  }
  const absolute = resolve(dir);
  const changes = new VolumeWatch(absolute, pollIntervalMs, options.watch ?? true);

  function notFound(operation: string, id: string, candidates: readonly FileCandidate[]): SecretsError {
    const names = candidates.map((candidate) => quoted(candidate.file));
    const which =
      names.length === 0
        ? "no file of a mounted volume can be named after this id"
        : `no file ${names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} or ${names.at(-1)}`} in ${quoted(absolute)}`;
    return new SecretsError({
      code: "NOT_FOUND",
      operation,
      secretId: id,
      transport: TRANSPORT_NAME,
      detail: which,
      hint: "Mount the secret (objectName, or objectAlias as its id), or map its file with mountTransport({ files })",
    });
  }

  /** The record of a file's bytes, which are zeroed after. */
  function toRecord(operation: string, id: string, candidate: FileCandidate, file: LocalFile): SecretRecord {
    const { bytes } = file;
    try {
      const name = recordName(id);
      const text = candidate.type === "binary" ? undefined : utf8(bytes);
      if (candidate.type === "text" && text === undefined) {
        throw configError(
          operation,
          id,
          `${quoted(`${absolute}/${candidate.file}`)} is not valid UTF-8 text`,
          `Read it as binary: mountTransport({ files: { [id]: { file, type: "binary" } } })`,
        );
      }
      if (text !== undefined && (candidate.type === "text" || !text.includes("\0")))
        return { name, secretString: text };
      return { name, secretBinary: Uint8Array.from(bytes) };
    } finally {
      bytes.fill(0);
    }
  }

  /** Reads one id inside `root`: its first candidate file that is there. */
  async function readId(operation: string, id: string, root: VolumeRoot): Promise<IdOutcome> {
    const candidates = fileCandidates(id, files, translation);
    let missing = false;
    try {
      for (const candidate of candidates) {
        const read = await readVolumeFile(root, absolute, candidate.file, maxBytes, { operation, id });
        if (read.found) return { result: { ok: true, value: toRecord(operation, id, candidate, read.file) }, missing };
        missing = true;
      }
    } catch (error) {
      if (error instanceof SecretsError) return { result: { ok: false, error }, missing };
      throw error;
    }
    return { result: { ok: false, error: notFound(operation, id, candidates) }, missing: true };
  }

  /**
   * Runs `work` against one resolved root, again against the new one if the volume was swapped
   * while it ran (a file it did not find may have been removed with the old directory).
   */
  async function consistent<T>(
    operation: string,
    id: string | undefined,
    signal: AbortSignal | undefined,
    work: (root: VolumeRoot) => Promise<{ readonly value: T; readonly missing: boolean }>,
  ): Promise<T> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (signal?.aborted) throw abortedError(signal, { operation, secretId: id, transport: TRANSPORT_NAME });
      const root = await resolveRoot(absolute, operation, id);
      if (root === undefined) continue;
      const { value, missing } = await work(root);
      if (!missing) return value;
      const now = await resolveRoot(absolute, operation, id);
      if (now !== undefined && now.path === root.path && now.atomic === root.atomic) return value;
    }
    throw new SecretsError({
      code: "TRANSPORT",
      operation,
      secretId: id,
      transport: TRANSPORT_NAME,
      retryable: true,
      detail: `the volume ${quoted(absolute)} was swapped during ${MAX_ATTEMPTS} reads in a row`,
    });
  }

  function checkedRequest(request: SecretRequest): SecretRequest {
    if (typeof request !== "object" || request === null) throw new ArgumentError("the request must be an object");
    if (typeof request.id !== "string" || request.id === "") {
      throw new ArgumentError("secret id must be a non-empty string");
    }
    return request;
  }

  async function getSecretValue(request: SecretRequest): Promise<SecretRecord> {
    const { id, versionId, versionStage, signal } = checkedRequest(request);
    const operation = "getSecretValue";
    if (versionId !== undefined || (versionStage !== undefined && versionStage !== CURRENT)) {
      throw configError(
        operation,
        id,
        "a mounted volume holds one version of each secret; the mount transport cannot read a version id or stage",
        "Mount that version under its own objectAlias (objectVersion or objectVersionLabel) and read it by that name",
      );
    }
    const context = { operation, secretId: id, transport: TRANSPORT_NAME };
    return abortable(
      () =>
        consistent(operation, id, signal, async (root) => {
          const { result, missing } = await readId(operation, id, root);
          return { value: result, missing };
        }).then((result) => {
          if (result.ok) return result.value;
          throw result.error;
        }),
      signal,
      context,
    );
  }

  async function batchGetSecretValue(
    ids: readonly string[],
    options: BatchOptions = {},
  ): Promise<BatchResult<SecretRecord>[]> {
    if (!Array.isArray(ids) || !ids.every((id) => typeof id === "string" && id !== "")) {
      throw new ArgumentError("secret ids must be an array of non-empty strings");
    }
    const operation = "batchGetSecretValue";
    const signal = options?.signal;
    let rootError: SecretsError | undefined;
    const outcomes = await abortable(
      () =>
        consistent(operation, undefined, signal, async (root) => {
          const results = new Array<IdOutcome>(ids.length);
          let next = 0;
          const worker = async (): Promise<void> => {
            while (next < ids.length) {
              const index = next++;
              results[index] = await readId(operation, ids[index] as string, root);
            }
          };
          await Promise.all(Array.from({ length: Math.min(BATCH_CONCURRENCY, ids.length) }, worker));
          return { value: results, missing: results.some((outcome) => outcome.missing) };
        }).catch((error: unknown) => {
          // The volume itself failed (missing, unreadable, always mid-swap): every id gets that error.
          if (!(error instanceof SecretsError) || error.code === "ABORTED") throw error;
          rootError = error;
          return [] as IdOutcome[];
        }),
      signal,
      { operation, transport: TRANSPORT_NAME },
    );
    return ids.map((id, index): BatchResult<SecretRecord> => {
      if (rootError !== undefined) {
        const { code, detail, hint, retryable, cause } = rootError;
        const error = new SecretsError({
          code,
          operation,
          secretId: id,
          transport: TRANSPORT_NAME,
          detail,
          hint,
          retryable,
          cause,
        });
        return { id, ok: false, error };
      }
      const { result } = outcomes[index] as IdOutcome;
      return result.ok ? { id, ok: true, value: result.value } : { id, ok: false, error: result.error };
    });
  }

  return {
    name: TRANSPORT_NAME,
    cacheByDefault: false,
    getSecretValue,
    batchGetSecretValue,
    watchChanges(onChange: () => void): () => void {
      if (typeof onChange !== "function") throw new ArgumentError("watchChanges: onChange must be a function");
      return changes.subscribe(onChange);
    },
    close(): void {
      changes.close();
    },
  };
}
