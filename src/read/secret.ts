/**
 * The one read pipeline for secrets: a transport's record becomes text, bytes, or parsed JSON that is
 * validated and deep-frozen. The client and the agent reader both read through {@link SecretReader},
 * so every fix lands once.
 *
 * A record that a cache hands out is frozen: one fetched version, shared by every reader. For such a
 * record the parsed JSON and each schema's output are worked out once and kept beside it (weakly),
 * so a cache hit returns the same frozen object synchronously. A record that is not frozen may be
 * changed by its transport, so nothing is kept for it.
 */

import { traceRead, tracesReads } from "../core/diagnostics.js";
import { ArgumentError, SecretsError } from "../core/errors.js";
import { deepFreeze } from "../core/freeze.js";
import { type InferSchemaOutput, type StandardSchemaV1, type ValidationMemo, validateOnce } from "../core/schema.js";
import { missingResultError, readSecretBatch } from "../transport/batch.js";
import { type SecretHitLookup, secretHitsOf } from "../transport/hits.js";
import type { BatchOptions, BatchResult, SecretRecord, Transport } from "../transport/types.js";
import { type DecodeContext, parseJsonText, secretBytes, secretText } from "./decode.js";
import type { DeepReadonly, ReadOptions } from "./options.js";
import { secretRequest } from "./request.js";

/** What has been derived from one frozen record: its parsed JSON and its validated forms, one per schema. */
interface Derived {
  /** The parsed, frozen JSON, once parsed. */
  json: unknown;
  /** `json`, resolved, set when it is parsed: what a hit without a schema returns. */
  jsonResult: Promise<unknown> | undefined;
  /** Per schema: the validation in progress, then its frozen output. */
  readonly validated: ValidationMemo;
  /** The schema a hit last found validated, and its output, resolved: a hit's one lookup (most records are read with one schema). */
  lastSchema: StandardSchemaV1 | undefined;
  lastResult: Promise<unknown> | undefined;
}

const derivedByRecord = new WeakMap<SecretRecord, Derived>();

function derivedOf(record: SecretRecord): Derived {
  // Looked up first: only frozen records are kept, and `Object.isFrozen` costs more than the lookup.
  let derived = derivedByRecord.get(record);
  if (derived !== undefined) return derived;
  derived = {
    json: undefined,
    jsonResult: undefined,
    validated: new WeakMap(),
    lastSchema: undefined,
    lastResult: undefined,
  };
  if (Object.isFrozen(record)) derivedByRecord.set(record, derived);
  return derived;
}

/**
 * What a read of a record already worked out (a cache hit's usual case) resolves to, as one resolved
 * promise per record and schema that every such read shares; `undefined` if not worked out yet.
 * Awaiting a resolved promise is cheaper than resolving a new one with an object, which must look
 * for a `then` on it first.
 */
function knownResult(record: SecretRecord, schema: StandardSchemaV1 | undefined): Promise<unknown> | undefined {
  const derived = derivedByRecord.get(record);
  if (derived === undefined) return undefined;
  if (schema === undefined) return derived.jsonResult;
  if (derived.lastSchema === schema) return derived.lastResult;
  const known = derived.validated.get(schema);
  if (known === undefined || known instanceof Promise) return undefined;
  derived.lastSchema = schema;
  derived.lastResult = Promise.resolve(known.output);
  return derived.lastResult;
}

/**
 * The record's JSON, parsed and frozen, validated when a schema is given: synchronously when the
 * record's outcome for that schema is known, else a promise.
 */
export function recordJson(record: SecretRecord, context: DecodeContext, schema?: StandardSchemaV1): unknown {
  const derived = derivedOf(record);
  if (derived.jsonResult === undefined) {
    derived.json = deepFreeze(parseJsonText(secretText(record, context), context));
    derived.jsonResult = Promise.resolve(derived.json);
  }
  if (schema === undefined) return derived.json;
  return validateOnce(derived.validated, schema, derived.json, context);
}

/**
 * The secret reads, as the client and the agent reader offer them. Parsed JSON is deep-frozen:
 * several callers may share one object.
 */
export interface SecretReads {
  /**
   * Reads a secret's text.
   * @example
   * ```ts
   * const apiKey = await secrets.getSecret('alpha-vantage/api-key');
   * ```
   */
  getSecret(id: string, options?: ReadOptions): Promise<string>;
  /**
   * Reads a secret's text, parses it as JSON and, given a schema, validates it. The result type is
   * the schema's output type.
   * @example
   * ```ts
   * const db = await secrets.getSecretJson('prod/db', { schema: z.object({ password: z.string() }) });
   * ```
   */
  getSecretJson<S extends StandardSchemaV1>(
    id: string,
    options: ReadOptions & { readonly schema: S },
  ): Promise<DeepReadonly<InferSchemaOutput<S>>>;
  getSecretJson<T = unknown>(
    id: string,
    options?: ReadOptions & { readonly schema?: undefined },
  ): Promise<DeepReadonly<T>>;
  /**
   * Reads a binary secret's bytes (a fresh copy each call).
   * @example
   * ```ts
   * const key = await secrets.getSecretBinary('tls/key');
   * ```
   */
  getSecretBinary(id: string, options?: ReadOptions): Promise<Uint8Array>;
  /**
   * Reads a secret version with its metadata (name, ARN, version id, stages, creation date).
   * @example
   * ```ts
   * const previous = await secrets.getSecretValue('prod/db', { versionStage: 'AWSPREVIOUS' });
   * ```
   */
  getSecretValue(id: string, options?: ReadOptions): Promise<SecretRecord>;
  /**
   * Reads many JSON secrets (AWSCURRENT) in as few calls as the transport allows. Each id gets its own
   * result; a missing or forbidden id does not fail the others.
   * @example
   * ```ts
   * for (const result of await secrets.getSecretsJson(['a', 'b'])) {
   *   if (result.ok) use(result.value); else log(result.error.code);
   * }
   * ```
   */
  getSecretsJson<S extends StandardSchemaV1>(
    ids: readonly string[],
    options: BatchOptions & { readonly schema: S },
  ): Promise<BatchResult<DeepReadonly<InferSchemaOutput<S>>>[]>;
  getSecretsJson<T = unknown>(
    ids: readonly string[],
    options?: BatchOptions & { readonly schema?: undefined },
  ): Promise<BatchResult<DeepReadonly<T>>[]>;
}

/**
 * The reads of one secret on one transport: the client's and the agent reader's. (The batch read is
 * {@link readSecretsJson}.)
 */
export class SecretReader implements Omit<SecretReads, "getSecretsJson"> {
  /** The transport the reads go through. */
  readonly transport: Transport;
  /**
   * The cache's own hit lookup when the transport is one of ours, found once. Looked up on each
   * read, `transport.peekSecretValue` would see every kind of transport the process reads through
   * and turn megamorphic; other transports are asked directly.
   */
  readonly #hits: SecretHitLookup | undefined;

  constructor(transport: Transport) {
    this.transport = transport;
    this.#hits = secretHitsOf(transport);
  }

  /** The record the transport holds right now (a cache hit), without waiting. */
  #peek(id: string, options: ReadOptions | undefined): SecretRecord | undefined {
    // An aborted read gets its ABORTED from the transport path, not a cached value.
    if (options?.signal?.aborted) return undefined;
    const hits = this.#hits;
    return hits !== undefined ? hits.peek(id, options) : this.transport.peekSecretValue?.(id, options);
  }

  #fetch(id: string, options: ReadOptions | undefined): Promise<SecretRecord> {
    return this.transport.getSecretValue(secretRequest(id, options));
  }

  #context(id: string): DecodeContext {
    return { secretId: id, transport: this.transport.name };
  }

  // Each read, traced when someone subscribes to `secretwrangler:read`: then it runs itself inside the trace.
  //
  // `getSecret` and `getSecretJson` answer a cache hit whose result is at hand (the text; JSON already
  // parsed and validated) without an async function: a small method that stays fast however many
  // transports and cache settings a process reads through. The rest goes through an async method
  // of its own, the cache's hit passed along.
  getSecret(id: string, options?: ReadOptions): Promise<string> {
    if (tracesReads()) return traceRead("getSecret", id, this.transport.name, () => this.getSecret(id, options));
    let hit: SecretRecord | undefined;
    try {
      hit = this.#peek(id, options);
      if (typeof hit?.secretString === "string") return Promise.resolve(hit.secretString);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#text(id, options, hit);
  }

  async #text(id: string, options: ReadOptions | undefined, hit: SecretRecord | undefined): Promise<string> {
    return secretText(hit ?? (await this.#fetch(id, options)), this.#context(id));
  }

  getSecretJson(
    id: string,
    options?: ReadOptions & { readonly schema?: StandardSchemaV1 | undefined },
  ): Promise<never> {
    if (tracesReads())
      return traceRead("getSecretJson", id, this.transport.name, () => this.getSecretJson(id, options));
    let hit: SecretRecord | undefined;
    try {
      hit = this.#peek(id, options);
      const known = hit === undefined ? undefined : knownResult(hit, options?.schema);
      if (known !== undefined) return known as Promise<never>;
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#json(id, options, hit);
  }

  async #json(
    id: string,
    options: (ReadOptions & { readonly schema?: StandardSchemaV1 | undefined }) | undefined,
    hit: SecretRecord | undefined,
  ): Promise<never> {
    return recordJson(hit ?? (await this.#fetch(id, options)), this.#context(id), options?.schema) as never;
  }

  async getSecretBinary(id: string, options?: ReadOptions): Promise<Uint8Array> {
    if (tracesReads()) {
      return traceRead("getSecretBinary", id, this.transport.name, () => this.getSecretBinary(id, options));
    }
    return secretBytes(this.#peek(id, options) ?? (await this.#fetch(id, options)), this.#context(id));
  }

  async getSecretValue(id: string, options?: ReadOptions): Promise<SecretRecord> {
    if (tracesReads())
      return traceRead("getSecretValue", id, this.transport.name, () => this.getSecretValue(id, options));
    const record = this.#peek(id, options) ?? (await this.#fetch(id, options));
    // Copies of the parts that cannot be frozen: the record may be shared by a cache.
    return {
      ...record,
      createdDate: record.createdDate && new Date(record.createdDate),
      secretBinary: record.secretBinary && Uint8Array.from(record.secretBinary),
    };
  }
}

/**
 * `getSecretsJson`: many JSON secrets in as few calls as the transport allows (its batch call, else
 * one read per id), each parsed and validated on its own; one result per id, in order. A function of
 * its own, not a {@link SecretReader} method, so the agent reader's bundle does not carry it.
 */
export function readSecretsJson(
  transport: Transport,
  ids: readonly string[],
  options: BatchOptions & { readonly schema?: StandardSchemaV1 | undefined } = {},
): Promise<BatchResult<unknown>[]> {
  const read = () => readSecretsJsonUntraced(transport, ids, options);
  return tracesReads() ? traceRead("getSecretsJson", ids, transport.name, read) : read();
}

async function readSecretsJsonUntraced(
  transport: Transport,
  ids: readonly string[],
  options: BatchOptions & { readonly schema?: StandardSchemaV1 | undefined },
): Promise<BatchResult<unknown>[]> {
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === "string" && id !== "")) {
    throw new ArgumentError("secret ids must be an array of non-empty strings");
  }
  const { name } = transport;
  const records = await readSecretBatch(transport, [...new Set(ids)], { signal: options.signal });
  const byId = new Map(records.map((result) => [result.id, result]));
  return Promise.all(
    ids.map(async (id): Promise<BatchResult<unknown>> => {
      const record = byId.get(id) ?? { id, ok: false, error: missingResultError(name, "batchGetSecretValue", id) };
      if (!record.ok) return record;
      try {
        return {
          id,
          ok: true,
          value: await recordJson(record.value, { secretId: id, transport: name }, options.schema),
        };
      } catch (error) {
        if (error instanceof SecretsError) return { id, ok: false, error };
        throw error;
      }
    }),
  );
}
