/**
 * A transport that serves secrets from a local JSON file, for development without AWS. The file is
 * read on first use and read again whenever its modification time changes, so edits show up
 * without a restart.
 */
import { readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { ArgumentError, SecretsError } from "../core/errors.js";
import type { SecretRecord, SecretRequest, Transport } from "../transport/types.js";
import { LocalParameterStore, type LocalParameterValue, localParameterMethods } from "./local/parameter-store.js";
import { LocalSecretStore, type LocalSecretValue } from "./local/secret-store.js";

const TRANSPORT_NAME = "file";

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
interface FileStores {
  readonly secrets: LocalSecretStore;
  readonly parameters: LocalParameterStore;
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

function load(path: string): FileStores {
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
  const secretStore = new LocalSecretStore(TRANSPORT_NAME, secrets);
  try {
    return { secrets: secretStore, parameters: new LocalParameterStore(TRANSPORT_NAME, parameters, secretStore) };
  } catch (error) {
    // The store's messages name the parameter, never its value.
    throw configError(path, (error as Error).message);
  }
}

/**
 * A transport that reads secrets and SSM parameters from a JSON file (see {@link SecretsFile}).
 *
 * @example
 * ```ts
 * const secrets = createSecretsClient({ transport: fileTransport('./secrets.local.json') });
 * ```
 */
export function fileTransport(path: string): Transport {
  if (typeof path !== "string" || path === "") {
    throw new ArgumentError('fileTransport: "path" must be a non-empty string');
  }
  const absolute = resolve(path);
  let store: FileStores | undefined;
  let loadedMtime = -1;

  function current(): FileStores {
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
    cacheByDefault: false,
    async getSecretValue(request: SecretRequest): Promise<SecretRecord> {
      return current().secrets.get(request);
    },
    ...localParameterMethods(() => current().parameters),
  };
}
