/**
 * A transport that serves secrets from a local JSON file, for development without AWS. The file is
 * read on first use and read again whenever its modification time changes, so edits show up
 * without a restart.
 */
import { readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { SecretsError } from "../errors.js";
import { LocalSecretStore, type LocalSecretValue } from "./memory-store.js";
import type { SecretRecord, SecretRequest, Transport } from "./types.js";

const TRANSPORT_NAME = "file";

/**
 * The file's shape: `{ "secrets": { "<id>": <value> } }`. A string value is a `SecretString`; any
 * other JSON value is stored as its JSON text (so `getSecretJson` returns it).
 *
 * @example
 * ```json
 * { "secrets": { "prod/db": { "engine": "postgres", "username": "app", "password": "local" } } }
 * ```
 */
export interface SecretsFile {
  readonly secrets?: Readonly<Record<string, LocalSecretValue>>;
}

function configError(path: string, detail: string, cause?: unknown): SecretsError {
  return new SecretsError({
    code: "CONFIG",
    operation: "readFile",
    transport: TRANSPORT_NAME,
    detail: `${path}: ${detail}`,
    cause,
  });
}

function load(path: string): LocalSecretStore {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw configError(path, "cannot read the file", error);
  }
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
  const unknownKeys = Object.keys(data).filter((key) => key !== "secrets");
  if (unknownKeys.length > 0) {
    throw configError(
      path,
      `unknown top-level key(s) ${unknownKeys.map((key) => `"${key}"`).join(", ")}; expected "secrets"`,
    );
  }
  const secrets = (data as SecretsFile).secrets ?? {};
  if (typeof secrets !== "object" || secrets === null || Array.isArray(secrets)) {
    throw configError(path, '"secrets" must be an object of id -> value');
  }
  return new LocalSecretStore(TRANSPORT_NAME, secrets);
}

/**
 * A transport that reads secrets from a JSON file (see {@link SecretsFile}).
 *
 * @example
 * ```ts
 * const secrets = createSecretsClient({ transport: fileTransport('./secrets.local.json') });
 * ```
 */
export function fileTransport(path: string): Transport {
  if (typeof path !== "string" || path === "") {
    throw new TypeError('fileTransport: "path" must be a non-empty string');
  }
  const absolute = resolve(path);
  let store: LocalSecretStore | undefined;
  let loadedMtime = -1;

  function current(): LocalSecretStore {
    let mtime: number;
    try {
      mtime = statSync(absolute).mtimeMs;
    } catch (error) {
      throw configError(absolute, "cannot read the file", error);
    }
    if (!store || mtime !== loadedMtime) {
      store = load(absolute);
      loadedMtime = mtime;
    }
    return store;
  }

  return {
    name: TRANSPORT_NAME,
    async getSecretValue(request: SecretRequest): Promise<SecretRecord> {
      return current().get(request);
    },
  };
}
