/**
 * Resolving secret references in a set of configuration values (an environment, a `.env` file): one
 * batched pass that collects every reference ({@link splitReferences}), reads the secrets with one
 * `BatchGetSecretValue` per 20 ids (versioned references by single reads) and the parameters with
 * one `GetParameters` per 10 names, picks the JSON keys, and gives every key its own result. A value
 * without references passes through unchanged. Errors name keys, ids and JSON keys, never a value.
 */
import { abortedError } from "../core/abort.js";
import { ArgumentError, isSecretsError, SecretsError } from "../core/errors.js";
import {
  CHUNK_CONCURRENCY,
  missingResultError,
  readParameterBatch,
  readSecretBatch,
  settleEach,
} from "../transport/batch.js";
import {
  type ParameterReference,
  type Reference,
  type ReferencePart,
  type SecretReference,
  splitReferences,
} from "../transport/reference.js";
import type { BatchResult, ParameterRecord, SecretRecord, Transport } from "../transport/types.js";
import { type DecodeContext, secretText } from "./decode.js";
import { recordJson } from "./secret.js";

const OPERATION = "resolveReferences";

/**
 * Options of `secrets.resolveReferences()`.
 *
 * @example
 * ```ts
 * await resolveReferences(transport, process.env, { only: (key) => key.startsWith('APP_'), signal });
 * ```
 */
export interface ResolveReferencesOptions {
  /** Cancels the reads: the call rejects with `ABORTED`. */
  readonly signal?: AbortSignal | undefined;
  /**
   * Which keys to resolve; the others pass through unchanged (with `resolved: false`), whatever
   * their values look like. Use it to keep a variable that holds an ARN for code to read
   * (`DB_SECRET_ARN`) as the ARN. @default every key
   */
  readonly only?: ((key: string) => boolean) | undefined;
}

/**
 * The outcome for one key: its value with every reference replaced (`resolved` tells whether it
 * held any), or the error of its first failed reference.
 *
 * @example
 * ```ts
 * for (const result of results) if (!result.ok) console.error(result.key, result.error.code);
 * ```
 */
export type ReferenceResult =
  | { readonly key: string; readonly ok: true; readonly value: string; readonly resolved: boolean }
  | { readonly key: string; readonly ok: false; readonly error: SecretsError };

/** A key's value as literal parts and references, or the error that made it unreadable. */
type Planned =
  | { readonly key: string; readonly parts: readonly ReferencePart[]; readonly resolved: boolean }
  | { readonly key: string; readonly error: SecretsError };

/** The batch id of an unversioned secret read, or the key of a versioned one. */
function isCurrent(reference: SecretReference): boolean {
  return (
    reference.versionId === undefined &&
    (reference.versionStage === undefined || reference.versionStage === "AWSCURRENT")
  );
}

function versionKey(reference: SecretReference): string {
  return JSON.stringify([reference.id, reference.versionStage ?? null, reference.versionId ?? null]);
}

function parameterName(reference: ParameterReference): string {
  return reference.version === undefined ? reference.name : `${reference.name}:${reference.version}`;
}

function checkArguments(transport: unknown, values: unknown, options: unknown): void {
  if (
    typeof transport !== "object" ||
    transport === null ||
    typeof (transport as Transport).getSecretValue !== "function"
  ) {
    throw new ArgumentError(`${OPERATION}: "transport" must be a Transport (an object with getSecretValue)`);
  }
  if (typeof values !== "object" || values === null || Array.isArray(values)) {
    throw new ArgumentError(`${OPERATION}: "values" must be an object of key -> string (such as process.env)`);
  }
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new ArgumentError(`${OPERATION}: the options must be an object`);
  }
  const { signal, only } = options as ResolveReferencesOptions;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new ArgumentError(`${OPERATION}: "signal" must be an AbortSignal`);
  }
  if (only !== undefined && typeof only !== "function") {
    throw new ArgumentError(`${OPERATION}: "only" must be a function of the key`);
  }
}

/** Parses every value; a malformed reference becomes that key's `CONFIG` error, naming the key. */
function plan(
  values: Readonly<Record<string, string | undefined>>,
  only: ((key: string) => boolean) | undefined,
): Planned[] {
  const planned: Planned[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    if (typeof value !== "string") {
      throw new ArgumentError(`${OPERATION}: the value of "${key}" must be a string or undefined`);
    }
    if (only !== undefined && !only(key)) {
      planned.push({ key, parts: value === "" ? [] : [value], resolved: false });
      continue;
    }
    try {
      const parts = splitReferences(value);
      planned.push({ key, parts, resolved: parts.some((part) => typeof part !== "string") });
    } catch (error) {
      if (!isSecretsError(error)) throw error;
      planned.push({
        key,
        error: new SecretsError({
          code: "CONFIG",
          operation: OPERATION,
          secretId: error.secretId,
          detail: `the value of ${key}: ${error.detail ?? "a malformed reference"}`,
          hint: error.hint,
        }),
      });
    }
  }
  return planned;
}

/** What the reads returned: secret records by batch id or version key, parameter records by name and decrypt. */
interface Fetched {
  readonly current: Map<string, BatchResult<SecretRecord>>;
  readonly versioned: Map<string, BatchResult<SecretRecord>>;
  readonly parameters: Map<string, BatchResult<ParameterRecord>>;
}

function parameterKey(decrypt: boolean, name: string): string {
  return `${decrypt ? "1" : "0"}${name}`;
}

/** `readParameterBatch`, with a transport that cannot read parameters giving its `CONFIG` to every name. */
async function readParameters(
  transport: Transport,
  names: readonly string[],
  decrypt: boolean,
  signal: AbortSignal | undefined,
): Promise<BatchResult<ParameterRecord>[]> {
  if (names.length === 0) return [];
  try {
    return await readParameterBatch(transport, names, { decrypt, signal });
  } catch (error) {
    if (!isSecretsError(error) || error.code === "ABORTED") throw error;
    return names.map((id): BatchResult<ParameterRecord> => ({ id, ok: false, error }));
  }
}

/** Reads every distinct reference: the batches and the single versioned reads all at once. */
async function fetchAll(
  transport: Transport,
  references: readonly Reference[],
  signal: AbortSignal | undefined,
): Promise<Fetched> {
  const current = new Set<string>();
  const versioned = new Map<string, SecretReference>();
  const parameterNames = { decrypted: new Set<string>(), plain: new Set<string>() };
  for (const reference of references) {
    if (reference.kind === "parameter") {
      (reference.decrypt ? parameterNames.decrypted : parameterNames.plain).add(parameterName(reference));
    } else if (isCurrent(reference)) {
      current.add(reference.id);
    } else {
      versioned.set(versionKey(reference), reference);
    }
  }
  const [currentResults, versionedResults, decrypted, plain] = await Promise.all([
    current.size === 0 ? [] : readSecretBatch(transport, [...current], { signal }),
    settleEach(
      [...versioned.keys()],
      (key) => {
        const reference = versioned.get(key) as SecretReference;
        return transport.getSecretValue({
          id: reference.id,
          versionStage: reference.versionStage,
          versionId: reference.versionId,
          signal,
        });
      },
      CHUNK_CONCURRENCY,
    ),
    readParameters(transport, [...parameterNames.decrypted], true, signal),
    readParameters(transport, [...parameterNames.plain], false, signal),
  ]);
  const parameters = new Map<string, BatchResult<ParameterRecord>>();
  for (const result of decrypted) parameters.set(parameterKey(true, result.id), result);
  for (const result of plain) parameters.set(parameterKey(false, result.id), result);
  return {
    current: new Map(currentResults.map((result) => [result.id, result])),
    versioned: new Map(versionedResults.map((result) => [result.id, result])),
    parameters,
  };
}

/** A JSON value as the text a variable gets: a string as it is, anything else as its JSON text. */
function keyText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** The text a secret reference stands for; throws a value-free {@link SecretsError}. */
function secretValue(reference: SecretReference, record: SecretRecord, transport: string): string {
  const context: DecodeContext = { secretId: reference.id, transport };
  if (reference.jsonKey === undefined) return secretText(record, context);
  const json = recordJson(record, context) as unknown;
  const { jsonKey } = reference;
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new SecretsError({
      code: "NOT_JSON",
      operation: OPERATION,
      ...context,
      detail: `the value is not a JSON object, so it has no key "${jsonKey}"`,
    });
  }
  if (!Object.hasOwn(json, jsonKey)) {
    throw new SecretsError({
      code: "NOT_FOUND",
      operation: OPERATION,
      ...context,
      detail: `the secret has no JSON key "${jsonKey}"`,
    });
  }
  return keyText((json as Record<string, unknown>)[jsonKey]);
}

/** The text a parameter reference stands for: CloudFormation's `ssm` never serves a SecureString. */
function parameterText(reference: ParameterReference, record: ParameterRecord, transport: string): string {
  if (!reference.decrypt && record.type === "SecureString") {
    throw new SecretsError({
      code: "WRONG_TYPE",
      operation: OPERATION,
      secretId: reference.name,
      transport,
      detail: "the parameter is a SecureString, which {{resolve:ssm:...}} does not read",
      hint: "Use {{resolve:ssm-secure:...}}",
    });
  }
  return record.value;
}

function referenceText(reference: Reference, fetched: Fetched, transport: string): string {
  if (reference.kind === "parameter") {
    const name = parameterName(reference);
    const result =
      fetched.parameters.get(parameterKey(reference.decrypt, name)) ??
      ({ id: name, ok: false, error: missingResultError(transport, "getParameters", name) } as const);
    if (!result.ok) throw result.error;
    return parameterText(reference, result.value, transport);
  }
  const result = isCurrent(reference)
    ? fetched.current.get(reference.id)
    : fetched.versioned.get(versionKey(reference));
  if (result === undefined) throw missingResultError(transport, "batchGetSecretValue", reference.id);
  if (!result.ok) throw result.error;
  return secretValue(reference, result.value, transport);
}

/**
 * Resolves the secret references in `values` (e.g. `process.env`) in one batched pass, one result per
 * key in the order of `values` (keys whose value is `undefined` are left out). A value that is a
 * reference as a whole — `{{resolve:secretsmanager:...}}`, `{{resolve:ssm:...}}`,
 * `{{resolve:ssm-secure:...}}`, a secret ARN with the ECS `:<json-key>:<version-stage>:<version-id>`
 * suffix, a parameter ARN, `/aws/reference/secretsmanager/<id>` — becomes the referenced value; a
 * `{{resolve:...}}` inside a longer value is replaced in place; any other value passes through
 * unchanged. See `docs/references.md`.
 *
 * The secrets are read with `BatchGetSecretValue` (20 ids a call) through {@link readSecretBatch},
 * versioned references by one `GetSecretValue` each, the parameters with `GetParameters` (10 names a
 * call) through {@link readParameterBatch}; each distinct reference is read once. A failure is that
 * key's result (`NOT_FOUND` for a missing secret or JSON key, `NOT_JSON` for a JSON key of a value
 * that is no JSON object, `CONFIG` for a malformed reference), never the whole call's, except
 * `ABORTED`. A programming mistake in the arguments is an {@link ArgumentError}.
 *
 * @example
 * ```ts
 * const results = await resolveReferences(sdkTransport(), {
 *   DB_PASSWORD: '{{resolve:secretsmanager:prod/db:SecretString:password}}',
 *   API_URL: 'https://{{resolve:ssm:/my-app/prod/api-host}}/v1',
 *   LOG_LEVEL: 'info',
 * });
 * ```
 */
export async function resolveReferences(
  transport: Transport,
  values: Readonly<Record<string, string | undefined>>,
  options: ResolveReferencesOptions = {},
): Promise<ReferenceResult[]> {
  checkArguments(transport, values, options);
  const { signal, only } = options;
  if (signal?.aborted) throw abortedError(signal, { operation: OPERATION, transport: transport.name });
  const planned = plan(values, only);
  const references = planned.flatMap((entry) =>
    "parts" in entry ? entry.parts.filter((part): part is Reference => typeof part !== "string") : [],
  );
  const fetched =
    references.length === 0
      ? { current: new Map(), versioned: new Map(), parameters: new Map() }
      : await fetchAll(transport, references, signal);
  if (signal?.aborted) throw abortedError(signal, { operation: OPERATION, transport: transport.name });
  return planned.map((entry): ReferenceResult => {
    if ("error" in entry) return { key: entry.key, ok: false, error: entry.error };
    try {
      const value = entry.parts
        .map((part) => (typeof part === "string" ? part : referenceText(part, fetched, transport.name)))
        .join("");
      return { key: entry.key, ok: true, value, resolved: entry.resolved };
    } catch (error) {
      if (!isSecretsError(error)) throw error;
      return { key: entry.key, ok: false, error };
    }
  });
}

/**
 * Like `resolveReferences`, as one object of key -> resolved value; when any key failed, throws
 * one {@link SecretsError} that lists the failed keys and their codes (names only, never a value),
 * with the code of the first failed key and every key's error in its `cause` (an `AggregateError`).
 *
 * @example
 * ```ts
 * const env = await resolveReferencesOrThrow(transport, process.env, { only: (key) => key !== 'DB_SECRET_ARN' });
 * spawn('node', ['server.js'], { env });
 * ```
 */
export async function resolveReferencesOrThrow(
  transport: Transport,
  values: Readonly<Record<string, string | undefined>>,
  options: ResolveReferencesOptions = {},
): Promise<Record<string, string>> {
  const results = await resolveReferences(transport, values, options);
  const failed = results.filter((result) => !result.ok);
  if (failed.length === 0) {
    return Object.fromEntries(results.map((result) => [result.key, result.ok ? result.value : ""]));
  }
  const errors = failed.map((result) => (result.ok ? undefined : result.error)) as SecretsError[];
  const first = errors[0] as SecretsError;
  const listed = failed.map((result, index) => `${result.key} (${errors[index]?.code})`).join(", ");
  throw new SecretsError({
    code: first.code,
    operation: OPERATION,
    transport: transport.name,
    detail: `${failed.length} of ${results.length} key(s) could not be resolved: ${listed}`,
    hint: "See each key's error in the cause, or call resolveReferences() for per-key results",
    cause: new AggregateError(errors, "the per-key errors"),
  });
}
