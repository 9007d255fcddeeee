/**
 * A transport that serves secrets from a local JSON file, for development without AWS. The file is
 * read on first use and read again whenever it changes (modification time, size or inode), so edits
 * show up without a restart. Reads are asynchronous, of a regular file only, and capped at
 * `maxBytes`; concurrent reads share one check and one reload. The writes of the contract change the
 * values in memory and rewrite the file atomically (a temporary file in the same directory, renamed
 * over it, with the file's permissions).
 */
import { randomUUID } from "node:crypto";
import { open, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { ArgumentError, SecretsError } from "../core/errors.js";
import { formatBytes, type LocalFile, LocalFileRefused, quotePath, readRegularFile } from "../core/regular-file.js";
import type { SecretRecord, SecretRequest, Transport } from "../transport/types.js";
import { LocalParameterStore, type LocalParameterValue, localParameterMethods } from "./local/parameter-store.js";
import { LocalSecretStore, type LocalSecretValue } from "./local/secret-store.js";
import { type LocalStores, localWriteMethods } from "./local/writes.js";

const TRANSPORT_NAME = "file";

/**
 * The default limit of the file's size: 16 MiB. A secret is at most 64 KiB in Secrets Manager, so
 * this holds hundreds of the largest secrets; parsing it takes well under a second, and a file
 * pointed at by mistake (a log, a database dump) fails at once instead of filling memory.
 */
const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;
/** The largest `maxBytes`: 256 MiB, which decodes to a string well under V8's length limit. */
const MAX_MAX_BYTES = 256 * 1024 * 1024;

/**
 * Options of {@link fileTransport}.
 *
 * @example
 * ```ts
 * fileTransport('./secrets.local.json', { maxBytes: 64 * 1024 * 1024 });
 * ```
 */
export interface FileTransportOptions {
  /**
   * The largest file read, in bytes, from 1 to 268435456 (256 MiB). A larger file, or anything that
   * is not a regular file (a FIFO, a device, a directory), is refused with `CONFIG`.
   * @default 16777216 (16 MiB)
   */
  readonly maxBytes?: number | undefined;
}

/**
 * The file's shape: `{ "secrets": { "<id>": <value> }, "parameters": { "<name>": <value> } }`. A
 * string secret is a `SecretString`; any other JSON value is stored as its JSON text (so
 * `getSecretJson` returns it). A string parameter is a `String`, a string array a `StringList`, and
 * `{ "type": "SecureString", "value": "..." }` gives the type explicitly.
 *
 * @example
 * ```json
 * {
 *   "secrets": { "prod/db": { "engine": "postgres", "username": "app", "password": "local" } },
 *   "parameters": {
 *     "/my-app/prod/api-url": "https://api.example.com",
 *     "/my-app/prod/hosts": ["a.example.com", "b.example.com"],
 *     "/my-app/prod/db/password": { "type": "SecureString", "value": "local" }
 *   }
 * }
 * ```
 */
export interface SecretsFile {
  readonly secrets?: Readonly<Record<string, LocalSecretValue>>;
  readonly parameters?: Readonly<Record<string, LocalParameterValue>>;
}

/** What one read of the file holds. */
type FileStores = LocalStores;

/** The error for the file at `path`; `path` is quoted (JSON-escaped), `detail` never holds content. */
function configError(
  path: string,
  detail: string,
  cause?: unknown,
  hint?: string,
  operation: "readFile" | "writeFile" = "readFile",
): SecretsError {
  return new SecretsError({
    code: "CONFIG",
    operation,
    transport: TRANSPORT_NAME,
    detail: `${quotePath(path)}: ${detail}`,
    hint,
    cause,
  });
}

function refusedError(path: string, refused: LocalFileRefused): SecretsError {
  if (refused.reason === "io") return configError(path, `the file ${refused.detail}`, refused.cause);
  if (refused.reason === "type")
    return configError(path, `the path ${refused.detail}`, undefined, "Point it at a JSON file");
  return configError(
    path,
    `the file ${refused.detail}`,
    undefined,
    `Split the file, or raise the limit with fileTransport(path, { maxBytes }) (default ${formatBytes(DEFAULT_MAX_BYTES)})`,
  );
}

/** Parses the file's bytes into stores. Errors name the path and keys, never a value. */
function parse(path: string, bytes: Buffer): FileStores {
  const text = bytes.toString("utf8");
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the file's content, which holds secrets: it is dropped.
    throw configError(path, "the file is not valid JSON");
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw configError(path, 'expected an object such as { "secrets": { "<id>": <value> } }');
  }
  const unknownKeys = Object.keys(data).filter((key) => key !== "secrets" && key !== "parameters");
  if (unknownKeys.length > 0) {
    throw configError(
      path,
      `unknown top-level key(s) ${unknownKeys.map((key) => `"${key}"`).join(", ")}; expected "secrets" and "parameters"`,
    );
  }
  const secrets = (data as SecretsFile).secrets ?? {};
  if (typeof secrets !== "object" || secrets === null || Array.isArray(secrets)) {
    throw configError(path, '"secrets" must be an object of id -> value');
  }
  const parameters = (data as SecretsFile).parameters ?? {};
  if (typeof parameters !== "object" || parameters === null || Array.isArray(parameters)) {
    throw configError(path, '"parameters" must be an object of name -> value');
  }
  try {
    const secretStore = new LocalSecretStore(TRANSPORT_NAME, secrets);
    return { secrets: secretStore, parameters: new LocalParameterStore(TRANSPORT_NAME, parameters, secretStore) };
  } catch (error) {
    // The stores' messages name the secret or parameter, never its value. A bad entry in the file is
    // the environment's fault, not the caller's: CONFIG rather than the stores' ArgumentError.
    throw configError(path, (error as Error).message);
  }
}

/** A secret's text as the file holds it: a canonical JSON object or array as itself, anything else as a string. */
function fileValue(text: string): unknown {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null && JSON.stringify(parsed) === text) return parsed;
  } catch {
    // Not JSON: a string. (JSON.parse's message, which quotes the text, is dropped.)
  }
  return text;
}

/** The file's new content: every current secret and the latest version of every parameter. */
function serialize(path: string, stores: FileStores): string {
  const secrets: Record<string, unknown> = {};
  for (const [name, content] of stores.secrets.currentValues()) {
    if (!("secretString" in content)) {
      throw configError(
        path,
        `secret "${name}" is binary; the file holds text secrets only`,
        undefined,
        undefined,
        "writeFile",
      );
    }
    secrets[name] = fileValue(content.secretString);
  }
  const parameters: Record<string, unknown> = {};
  for (const [name, { type, value }] of stores.parameters.latestValues()) {
    parameters[name] = type === "String" ? value : type === "StringList" ? value.split(",") : { type, value };
  }
  return `${JSON.stringify({ secrets, parameters }, null, 2)}\n`;
}

/**
 * A transport that reads secrets and SSM parameters from a JSON file (see {@link SecretsFile}). The
 * file must be a regular file of at most `options.maxBytes` (16 MiB by default).
 *
 * @example
 * ```ts
 * const secrets = createSecretsClient({ transport: fileTransport('./secrets.local.json') });
 * ```
 */
export function fileTransport(path: string, options: FileTransportOptions = {}): Transport {
  if (typeof path !== "string" || path === "" || path.includes("\0")) {
    throw new ArgumentError('fileTransport: "path" must be a non-empty string without NUL characters');
  }
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new ArgumentError("fileTransport: the options must be an object");
  }
  const maxBytes = options.maxBytes === undefined ? DEFAULT_MAX_BYTES : options.maxBytes;
  if (!Number.isInteger(maxBytes) || maxBytes < 1 || maxBytes > MAX_MAX_BYTES) {
    throw new ArgumentError(`fileTransport: "maxBytes" must be an integer from 1 to ${MAX_MAX_BYTES}`);
  }
  const absolute = resolve(path);
  /** The last good read, and the `fstat` of the handle it came from. */
  let loaded: { readonly stores: FileStores; readonly file: Omit<LocalFile, "bytes"> } | undefined;
  /** The check (and reload) in progress, shared by every read that arrives meanwhile. */
  let checking: Promise<FileStores> | undefined;

  /** The stores, read again if the file changed since the last good read. */
  async function refresh(): Promise<FileStores> {
    if (loaded) {
      let now: Awaited<ReturnType<typeof stat>>;
      try {
        now = await stat(absolute);
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        throw configError(absolute, `cannot read the file${typeof code === "string" ? ` (${code})` : ""}`, error);
      }
      const { file } = loaded;
      // Only a change detector: what is read is checked again on the opened handle.
      if (now.mtimeMs === file.mtimeMs && now.size === file.size && now.ino === file.ino && now.dev === file.dev) {
        return loaded.stores;
      }
    }
    let file: LocalFile;
    try {
      file = await readRegularFile(absolute, maxBytes);
    } catch (error) {
      throw error instanceof LocalFileRefused ? refusedError(absolute, error) : error;
    }
    const { bytes, ...version } = file;
    let stores: FileStores;
    try {
      stores = parse(absolute, bytes);
    } finally {
      bytes.fill(0);
    }
    loaded = { stores, file: version };
    return stores;
  }

  /** The check in progress, or a new one: without waiting for the writes (a write calls it). */
  function check(): Promise<FileStores> {
    checking ??= refresh().finally(() => {
      checking = undefined;
    });
    return checking;
  }

  function current(): Promise<FileStores> {
    // A read waits for a write in progress: it sees the written values, and no half-renamed file.
    return writing === undefined ? check() : writing.then(current);
  }

  /** Writes the stores out: a temporary file beside the file, with its mode, renamed over it. */
  async function persist(stores: FileStores): Promise<void> {
    const text = serialize(absolute, stores);
    if (Buffer.byteLength(text) > maxBytes) {
      throw configError(
        absolute,
        `the file would be over ${formatBytes(maxBytes)} (maxBytes)`,
        undefined,
        undefined,
        "writeFile",
      );
    }
    let mode = 0o600;
    try {
      mode = (await stat(absolute)).mode & 0o7777;
    } catch {
      // A file deleted meanwhile is written anew, readable by its owner only.
    }
    const temporary = join(dirname(absolute), `.${basename(absolute)}.${randomUUID()}.tmp`);
    try {
      const handle = await open(temporary, "wx", mode);
      let written: Awaited<ReturnType<typeof handle.stat>>;
      try {
        await handle.chmod(mode); // the umask does not narrow it
        await handle.writeFile(text);
        await handle.sync();
        written = await handle.stat();
      } finally {
        await handle.close();
      }
      await rename(temporary, absolute);
      // The renamed file is the one just read into memory: the next read does not load it again.
      loaded = { stores, file: { mtimeMs: written.mtimeMs, size: written.size, ino: written.ino, dev: written.dev } };
    } catch (error) {
      await rm(temporary, { force: true });
      const code = (error as { code?: unknown }).code;
      const detail = `cannot write the file${typeof code === "string" ? ` (${code})` : ""}`;
      throw configError(absolute, detail, error, undefined, "writeFile");
    }
  }

  /** The write in progress (settled, never rejected): writes run one at a time, and reads wait for them. */
  let writing: Promise<void> | undefined;

  const run = <T>(call: (stores: FileStores) => T, changes: boolean): Promise<T> => {
    const next = (writing ?? Promise.resolve()).then(async () => {
      const stores = await check();
      const result = call(stores);
      if (!changes) return result;
      try {
        await persist(stores);
      } catch (error) {
        loaded = undefined; // the next read takes the file as it is, without the change
        throw error;
      }
      return result;
    });
    const done: Promise<void> = next
      .catch(() => {})
      .then(() => {
        if (writing === done) writing = undefined;
      });
    writing = done;
    return next;
  };

  return {
    name: TRANSPORT_NAME,
    cacheByDefault: false,
    async getSecretValue(request: SecretRequest): Promise<SecretRecord> {
      return (await current()).secrets.get(request);
    },
    ...localParameterMethods(async () => (await current()).parameters),
    ...localWriteMethods(TRANSPORT_NAME, run),
  };
}
