/**
 * The secrets client: the typed reads (`getSecret`, `getSecretJson`, `getSecretBinary`,
 * `getSecretValue`, `getSecretsJson`) on top of one transport.
 */

import type { AwsClientFactory } from "../aws/sdk-client.js";
import { type CachedTransport, cachedTransport } from "../cache/cached-transport.js";
import type { CacheOptions } from "../cache/options.js";
import { ArgumentError, SecretsError } from "../core/errors.js";
import { deepFreeze } from "../core/freeze.js";
import { type InferSchemaOutput, type StandardSchemaV1, type ValidationMemo, validateOnce } from "../core/schema.js";
import { type DecodeContext, parseJsonText, secretBytes, secretText } from "../read/decode.js";
import type {
  ParameterMap,
  ParameterReadOptions,
  ParametersByPathReadOptions,
  ParametersReadOptions,
  ParameterTree,
  ParameterValue,
  ParameterValueOf,
} from "../read/parameter-options.js";
import { readParameter, readParameters, readParametersByPath, readParameterValue } from "../read/parameters.js";
import { secretRequest } from "../read/request.js";
import { missingResultError, settleEach } from "../transport/batch.js";
import type { BatchResult, ParameterType, SecretRecord, SecretVersionOptions, Transport } from "../transport/types.js";
import { resolveTransport, type TransportSpec } from "../transports/spec.js";

/** Options of every read. */
export interface ReadOptions extends SecretVersionOptions {
  /** Cancels the read. */
  readonly signal?: AbortSignal | undefined;
  /** Skip every cache on the way (this client's and the agent's) and store the fresh value. */
  readonly forceRefresh?: boolean | undefined;
  /**
   * Accept this client's cached value only if it was fetched less than this many milliseconds ago;
   * otherwise wait for a fresh one.
   */
  readonly maxAgeMs?: number | undefined;
}

/** Options of a JSON read with a schema; the result type is the schema's output. */
export interface SchemaReadOptions<S extends StandardSchemaV1> extends ReadOptions {
  /** Any Standard Schema validator (zod 4, valibot, arktype, ...). */
  readonly schema: S;
}

/** Options of a batch JSON read. */
export interface BatchReadOptions {
  readonly signal?: AbortSignal | undefined;
}

/** A secret version with its metadata, as {@link SecretsClient.getSecretValue} returns it. */
export interface SecretValue extends SecretRecord {}

/** How a {@link SecretsClient} is set up. */
export interface SecretsClientOptions {
  /**
   * Where secrets come from: a {@link Transport} object, or a spec string: `"sdk"`, `"agent"`,
   * `"auto"`, `"memory"` or `"file:<path>"`.
   * @default from `SECRETWRANGLER_TRANSPORT`, else `"sdk"`
   */
  readonly transport?: Transport | TransportSpec | undefined;
  /**
   * The cache in front of the transport (see `docs/caching.md`), or `false` for none. Pass options
   * to turn it on for a transport whose `cacheByDefault` is `false` (agent, memory, file).
   * @default on (`ttlMs` 5 minutes, `maxEntries` 1000, `staleOnError` true) for sdk, auto and custom
   * transports; off for the agent, which caches already, and for the local memory and file transports
   */
  readonly cache?: CacheOptions | false | undefined;
  /**
   * An `AwsSession` (region, credentials, assumed role) for the AWS transport a spec names (`sdk`,
   * and the SDK fallback of `auto`): `createSecretsClient({ session })` reads through
   * `sdkTransport({ session })`. Not with a transport object: build that one with the session.
   */
  readonly session?: AwsClientFactory | undefined;
}

/**
 * Reads secrets through one transport. Create one with {@link createSecretsClient}.
 *
 * Parsed JSON values are deep-frozen: several callers may share one object.
 */
export interface SecretsClient {
  /** The transport this client reads through. */
  readonly transport: Transport;
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
  getSecretJson<S extends StandardSchemaV1>(id: string, options: SchemaReadOptions<S>): Promise<InferSchemaOutput<S>>;
  getSecretJson<T = unknown>(id: string, options?: ReadOptions & { readonly schema?: undefined }): Promise<T>;
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
  getSecretValue(id: string, options?: ReadOptions): Promise<SecretValue>;
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
    options: BatchReadOptions & { readonly schema: S },
  ): Promise<BatchResult<InferSchemaOutput<S>>[]>;
  getSecretsJson<T = unknown>(
    ids: readonly string[],
    options?: BatchReadOptions & { readonly schema?: undefined },
  ): Promise<BatchResult<T>[]>;
  /**
   * Reads an SSM parameter: a `String` or `SecureString` as a string, a `StringList` as a string
   * array. `decrypt` defaults to true. Pass `type` to narrow the result type (checked at run time).
   * @example
   * ```ts
   * const apiUrl = await secrets.getParameter('/my-app/prod/api-url', { type: 'String' });
   * const hosts = await secrets.getParameter('/my-app/prod/hosts', { type: 'StringList' }); // string[]
   * const flag = await secrets.getParameter('/my-app/prod/flag', { label: 'live' });
   * ```
   */
  getParameter<T extends ParameterType>(
    name: string,
    options: ParameterReadOptions & { readonly type: T },
  ): Promise<ParameterValueOf<T>>;
  getParameter(name: string, options?: ParameterReadOptions): Promise<string | string[]>;
  /**
   * Reads an SSM parameter version with its metadata (type, version, ARN, selector, last change).
   * `value` is the raw text: a `StringList` is still comma-joined.
   * @example
   * ```ts
   * const { value, version } = await secrets.getParameterValue('/my-app/prod/flag', { version: 3 });
   * ```
   */
  getParameterValue(name: string, options?: ParameterReadOptions): Promise<ParameterValue>;
  /**
   * Reads many SSM parameters, 10 per call on the SDK transport. Each name gets its own result, in
   * order; a missing name does not fail the others. A name may carry a selector (`/app/flag:3`).
   * @example
   * ```ts
   * for (const result of await secrets.getParameters(['/a', '/b'])) {
   *   if (result.ok) use(result.value); else log(result.error.code);
   * }
   * ```
   */
  getParameters(names: readonly string[], options?: ParametersReadOptions): Promise<BatchResult<string | string[]>[]>;
  /**
   * Reads every parameter under a path (all pages) as a deep-frozen nested object, or a flat map with
   * `shape: 'flat'`; with a schema, the result is validated and typed.
   * @example
   * ```ts
   * const config = await secrets.getParametersByPath('/my-app/prod', { keys: 'camelCase', schema: AppConfig });
   * ```
   */
  getParametersByPath<S extends StandardSchemaV1>(
    path: string,
    options: ParametersByPathReadOptions & { readonly schema: S },
  ): Promise<InferSchemaOutput<S>>;
  getParametersByPath(
    path: string,
    options: ParametersByPathReadOptions & { readonly shape: "flat"; readonly schema?: undefined },
  ): Promise<ParameterMap>;
  getParametersByPath(
    path: string,
    options?: ParametersByPathReadOptions & { readonly shape?: "tree" | undefined; readonly schema?: undefined },
  ): Promise<ParameterTree>;
  getParametersByPath(
    path: string,
    options?: ParametersByPathReadOptions & { readonly schema?: undefined },
  ): Promise<ParameterTree | ParameterMap>;
  /**
   * A new client with these options laid over this one's. Without a new `transport` or `session`
   * it reads through this client's transport (its sockets and SDK client) with a cache of its own,
   * and its `close()` only drops that cache: the transport stays this client's to close.
   * @example
   * ```ts
   * const fresh = secrets.extend({ cache: { ttlMs: 10_000 } });
   * const viaAgent = secrets.extend({ transport: 'agent' });
   * ```
   */
  extend(options: SecretsClientOptions): SecretsClient;
  /**
   * Forgets every cached value, e.g. between tests.
   * @example
   * ```ts
   * afterEach(() => secrets.clearCache());
   * ```
   */
  clearCache(): void;
  /**
   * Forgets the cached values of one secret id or parameter name (every version), e.g. in a
   * rotation handler; the next read fetches.
   * @example
   * ```ts
   * secrets.invalidate('prod/db');
   * ```
   */
  invalidate(id: string): void;
  /** Releases the transport's sockets and clients (for a client from `extend()` that shares its parent's transport: only its cache). */
  close(): Promise<void>;
}

/**
 * What has been derived from one record: its parsed JSON and its validated forms, one per schema.
 * Keyed weakly by the record, so a cache that hands out the same record object gets parsing and
 * validation done once per fetched version.
 */
interface Derived {
  json?: unknown;
  /** Per schema: the validation in progress, then its frozen output, so a hit returns it synchronously. */
  readonly validated: ValidationMemo;
}

class DefaultSecretsClient implements SecretsClient {
  readonly transport: Transport;
  readonly #options: SecretsClientOptions;
  readonly #derived = new WeakMap<SecretRecord, Derived>();
  readonly #cache: CachedTransport | undefined;
  /** The transport without this client's cache: what `extend()` shares. */
  readonly #base: Transport;
  /** Whether `close()` closes the transport: not for one shared from a parent by `extend()`. */
  readonly #ownsTransport: boolean;

  /**
   * @param shared - the parent's transport, for a client from `extend()` without a new transport or
   *   session: read through it, never close it. `options` stay as given, so later `extend()` calls
   *   still see the parent's spec and session.
   */
  constructor(options: SecretsClientOptions, shared?: Transport) {
    this.#options = options;
    if (typeof options.transport === "object" && options.session !== undefined) {
      throw new SecretsError({
        code: "CONFIG",
        operation: "createSecretsClient",
        detail: 'pass either a transport object or "session", not both',
        hint: "Build the transport with the session: sdkTransport({ session })",
      });
    }
    const transport =
      shared ??
      (typeof options.transport === "object"
        ? options.transport
        : resolveTransport(options.transport, { session: options.session }));
    const cacheOff = options.cache === false || (options.cache === undefined && transport.cacheByDefault === false);
    this.#cache = cacheOff ? undefined : cachedTransport(transport, options.cache);
    this.transport = this.#cache ?? transport;
    this.#base = transport;
    this.#ownsTransport = shared === undefined;
  }

  /** The cached record, when one can be served without waiting: the synchronous hit path. */
  #peek(id: string, options: ReadOptions | undefined): SecretRecord | undefined {
    // An aborted read gets its ABORTED from the transport path, not a cached value.
    return options?.signal?.aborted ? undefined : this.#cache?.peekSecretValue(id, options);
  }

  async #fetch(id: string, options?: ReadOptions): Promise<SecretRecord> {
    return this.transport.getSecretValue(secretRequest(id, options));
  }

  #context(id: string): DecodeContext {
    return { secretId: id, transport: this.transport.name };
  }

  #derive(record: SecretRecord): Derived {
    let derived = this.#derived.get(record);
    if (!derived) {
      derived = { validated: new WeakMap() };
      this.#derived.set(record, derived);
    }
    return derived;
  }

  #json(derived: Derived, record: SecretRecord, id: string): unknown {
    if (!("json" in derived)) {
      const context = this.#context(id);
      derived.json = deepFreeze(parseJsonText(secretText(record, context), context));
    }
    return derived.json;
  }

  #validated(record: SecretRecord, id: string, schema: StandardSchemaV1 | undefined): unknown {
    const derived = this.#derive(record);
    const json = this.#json(derived, record, id);
    if (schema === undefined) return json;
    return validateOnce(derived.validated, schema, json, { secretId: id, transport: this.transport.name });
  }

  async getSecret(id: string, options?: ReadOptions): Promise<string> {
    return secretText(this.#peek(id, options) ?? (await this.#fetch(id, options)), this.#context(id));
  }

  async getSecretJson(
    id: string,
    options?: ReadOptions & { readonly schema?: StandardSchemaV1 | undefined },
  ): Promise<never> {
    const record = this.#peek(id, options) ?? (await this.#fetch(id, options));
    return this.#validated(record, id, options?.schema) as never;
  }

  async getSecretBinary(id: string, options?: ReadOptions): Promise<Uint8Array> {
    return secretBytes(this.#peek(id, options) ?? (await this.#fetch(id, options)), this.#context(id));
  }

  async getSecretValue(id: string, options?: ReadOptions): Promise<SecretValue> {
    const record = this.#peek(id, options) ?? (await this.#fetch(id, options));
    // Copies of the parts that cannot be frozen: the record may be shared by the cache.
    return {
      ...record,
      createdDate: record.createdDate && new Date(record.createdDate),
      secretBinary: record.secretBinary && Uint8Array.from(record.secretBinary),
    };
  }

  async getSecretsJson(
    ids: readonly string[],
    options: BatchReadOptions & { readonly schema?: StandardSchemaV1 | undefined } = {},
  ): Promise<never> {
    if (!Array.isArray(ids) || !ids.every((id) => typeof id === "string" && id !== "")) {
      throw new ArgumentError("secret ids must be an array of non-empty strings");
    }
    const unique = [...new Set(ids)];
    const records: BatchResult<SecretRecord>[] = this.transport.batchGetSecretValue
      ? await this.transport.batchGetSecretValue(unique, { signal: options.signal })
      : await settleEach(unique, (id) => this.#fetch(id, { signal: options.signal }));
    const byId = new Map(records.map((result) => [result.id, result]));
    const results = await Promise.all(
      ids.map(async (id): Promise<BatchResult<unknown>> => {
        const record = byId.get(id) ?? {
          id,
          ok: false,
          error: missingResultError(this.transport.name, "batchGetSecretValue", id),
        };
        if (!record.ok) return record;
        try {
          return { id, ok: true, value: await this.#validated(record.value, id, options.schema) };
        } catch (error) {
          if (error instanceof SecretsError) return { id, ok: false, error };
          throw error;
        }
      }),
    );
    return results as never;
  }

  getParameter(name: string, options?: ParameterReadOptions): Promise<never> {
    return readParameter(this.transport, name, options) as Promise<never>;
  }

  getParameterValue(name: string, options?: ParameterReadOptions): Promise<ParameterValue> {
    return readParameterValue(this.transport, name, options);
  }

  getParameters(names: readonly string[], options?: ParametersReadOptions): Promise<BatchResult<string | string[]>[]> {
    return readParameters(this.transport, names, options);
  }

  getParametersByPath(path: string, options?: ParametersByPathReadOptions): Promise<never> {
    return readParametersByPath(this.transport, path, options) as Promise<never>;
  }

  extend(options: SecretsClientOptions): SecretsClient {
    if (options.transport !== undefined || options.session !== undefined) {
      return new DefaultSecretsClient({ ...this.#options, ...options });
    }
    return new DefaultSecretsClient({ ...this.#options, ...options }, this.#base);
  }

  clearCache(): void {
    this.#cache?.clear();
  }

  invalidate(id: string): void {
    this.#cache?.invalidate(id);
  }

  async close(): Promise<void> {
    if (this.#ownsTransport) await this.transport.close?.();
    else this.#cache?.clear();
  }
}

/**
 * Creates a client. Without options it reads `SECRETWRANGLER_TRANSPORT` (default `sdk`).
 *
 * @example
 * ```ts
 * const secrets = createSecretsClient({ transport: sdkTransport({ region: 'eu-central-1' }) });
 * const db = await secrets.getSecretJson('prod/db', { schema: DbSchema });
 * ```
 */
export function createSecretsClient(options: SecretsClientOptions = {}): SecretsClient {
  return new DefaultSecretsClient(options);
}
