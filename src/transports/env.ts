/**
 * A transport that serves secrets from environment variables by an explicit map of secret id ->
 * variable name: for ECS, which injects a secret (or one JSON key of it) into a variable named in
 * the task definition's `secrets`, so that the same `getSecretJson('prod/db', { schema })` reads the
 * injected value on ECS, the Lambda extension on Lambda and a file locally. Only the mapped variables
 * are ever read; values never appear in errors.
 */
import { abortedError } from "../core/abort.js";
import { ArgumentError, SecretsError } from "../core/errors.js";
import { secretNameCandidates } from "../transport/secret-id.js";
import type { SecretRecord, SecretRequest, Transport } from "../transport/types.js";

const TRANSPORT_NAME = "env";

/**
 * The environment variable the map is read from when `envTransport()` is given none (and for the
 * `env` spec): `SECRETWRANGLER_ENV_MAP`, a JSON object (`{"prod/db":"DB_SECRET"}`) or a list
 * (`prod/db=DB_SECRET,prod/api-key=API_KEY`).
 *
 * @example
 * ```ts
 * process.env[ENV_MAP_VARIABLE] = 'prod/db=DB_SECRET';
 * const transport = envTransport();
 * ```
 */
export const ENV_MAP_VARIABLE = "SECRETWRANGLER_ENV_MAP";

/** A portable environment variable name: a letter or `_`, then letters, digits and `_`. */
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const CURRENT = "AWSCURRENT";

/**
 * Options of {@link envTransport}.
 *
 * @example
 * ```ts
 * envTransport({ map: { 'prod/db': 'DB_SECRET' }, env: { DB_SECRET: '{"password":"local"}' } });
 * ```
 */
export interface EnvTransportOptions {
  /**
   * Secret id -> the environment variable that holds its value (`{ 'prod/db': 'DB_SECRET' }`). Only
   * these ids are served, only these variables read.
   * @default read from `SECRETWRANGLER_ENV_MAP` in `env`
   */
  readonly map?: Readonly<Record<string, string>> | undefined;
  /** Where the variables are read, at every read. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
}

/** Refuses a bad map: the caller's mistake from the option, the deployment's from the variable. */
function refuseMap(fromVariable: boolean, detail: string): never {
  if (!fromVariable) throw new ArgumentError(`envTransport: "map" ${detail}`);
  throw new SecretsError({
    code: "CONFIG",
    operation: "envTransport",
    transport: TRANSPORT_NAME,
    detail: `${ENV_MAP_VARIABLE} ${detail}`,
    hint: `Set ${ENV_MAP_VARIABLE} to a JSON object such as {"prod/db":"DB_SECRET"} or a list such as prod/db=DB_SECRET,prod/api-key=API_KEY`,
  });
}

/** The map's entries, checked: non-empty ids, valid variable names, at least one entry. */
function checkedMap(entries: readonly (readonly [unknown, unknown])[], fromVariable: boolean): Map<string, string> {
  const map = new Map<string, string>();
  for (const [id, variable] of entries) {
    if (typeof id !== "string" || id === "") refuseMap(fromVariable, "has an empty secret id");
    if (typeof variable !== "string" || !VARIABLE_NAME.test(variable)) {
      refuseMap(
        fromVariable,
        `maps "${id}" to something that is not an environment variable name ([A-Za-z_][A-Za-z0-9_]*)`,
      );
    }
    if (map.has(id)) refuseMap(fromVariable, `maps "${id}" twice`);
    map.set(id, variable);
  }
  if (map.size === 0) refuseMap(fromVariable, "maps no secret id");
  return map;
}

/** The entries of `SECRETWRANGLER_ENV_MAP`: a JSON object, or `id=VARIABLE` items separated by commas. */
function mapVariableEntries(text: string): [unknown, unknown][] {
  const trimmed = text.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    let data: unknown;
    try {
      data = JSON.parse(trimmed);
    } catch {
      // JSON.parse's message quotes the input: dropped.
      refuseMap(true, "is not valid JSON");
    }
    if (typeof data !== "object" || data === null || Array.isArray(data)) refuseMap(true, "is not a JSON object");
    return Object.entries(data);
  }
  return trimmed
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "")
    .map((item): [unknown, unknown] => {
      // A variable name holds no "=", a secret name may: the last "=" separates them.
      const equals = item.lastIndexOf("=");
      if (equals === -1) refuseMap(true, 'has an item without "=" (expected <secret-id>=<VARIABLE>)');
      return [item.slice(0, equals).trim(), item.slice(equals + 1).trim()];
    });
}

function notFound(id: string, detail: string, hint?: string): SecretsError {
  return new SecretsError({
    code: "NOT_FOUND",
    operation: "getSecretValue",
    secretId: id,
    transport: TRANSPORT_NAME,
    detail,
    hint,
  });
}

/**
 * A transport that reads secrets from environment variables by an explicit map, for ECS tasks whose
 * task definition injects them (`secrets: [{ name: 'DB_SECRET', valueFrom: '<secret ARN>' }]`). A
 * request for an id the map lacks, or whose variable is unset, is `NOT_FOUND` naming the id (and the
 * variable); a request for a version other than `AWSCURRENT` is `NOT_FOUND` too: an injected value
 * has no versions. Without `map`, the map is read once, now, from `SECRETWRANGLER_ENV_MAP`
 * ({@link ENV_MAP_VARIABLE}); a missing or malformed one is `CONFIG`. An id may also be asked for by
 * its ARN when the map names the secret by name.
 *
 * @example
 * ```ts
 * const secrets = createSecretsClient({ transport: envTransport({ map: { 'prod/db': 'DB_SECRET' } }) });
 * const db = await secrets.getSecretJson('prod/db', { schema: DbSchema });
 * ```
 */
export function envTransport(options: EnvTransportOptions = {}): Transport {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new ArgumentError("envTransport: the options must be an object");
  }
  const env = options.env === undefined ? process.env : options.env;
  if (typeof env !== "object" || env === null || Array.isArray(env)) {
    throw new ArgumentError('envTransport: "env" must be an object of variable -> string, such as process.env');
  }
  let map: Map<string, string>;
  if (options.map !== undefined) {
    if (typeof options.map !== "object" || options.map === null || Array.isArray(options.map)) {
      throw new ArgumentError('envTransport: "map" must be an object of secret id -> environment variable name');
    }
    map = checkedMap(Object.entries(options.map), false);
  } else {
    const text = env[ENV_MAP_VARIABLE];
    if (typeof text !== "string" || text.trim() === "") {
      refuseMap(true, "is not set: the env transport needs a map of secret id -> environment variable");
    }
    map = checkedMap(mapVariableEntries(text), true);
  }

  return {
    name: TRANSPORT_NAME,
    cacheByDefault: false,
    async getSecretValue(request: SecretRequest): Promise<SecretRecord> {
      if (request.signal?.aborted) {
        throw abortedError(request.signal, {
          operation: "getSecretValue",
          secretId: request.id,
          transport: TRANSPORT_NAME,
        });
      }
      const id = secretNameCandidates(request.id).find((candidate) => map.has(candidate));
      if (id === undefined) {
        throw notFound(
          request.id,
          "the id is not mapped to an environment variable",
          `Add it to the env transport's map (${ENV_MAP_VARIABLE})`,
        );
      }
      const variable = map.get(id) as string;
      if (request.versionId !== undefined || (request.versionStage !== undefined && request.versionStage !== CURRENT)) {
        throw notFound(request.id, `no such version: ${variable} holds only the injected (${CURRENT}) value`);
      }
      const value = env[variable];
      if (value === undefined) throw notFound(request.id, `the environment variable ${variable} is not set`);
      if (typeof value !== "string") throw new ArgumentError(`envTransport: env.${variable} must be a string`);
      return { name: id, versionStages: [CURRENT], secretString: value };
    },
  };
}
