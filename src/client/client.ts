/**
 * The secrets client: the typed reads of secrets and parameters on one transport, with the cache in
 * front. The reads themselves are the read pipeline's (`read/`); this module picks the transport and
 * the cache and owns their lifetime.
 */
import type { AwsClientFactory } from "../aws/sdk-client.js";
import { type CachedTransport, cachedTransport } from "../cache/cached-transport.js";
import { coalescingTransport } from "../cache/coalescing-transport.js";
import type { CacheOptions } from "../cache/options.js";
import { type PrefetchRequest, type PrefetchResult, prefetch } from "../cache/prefetch.js";
import { ArgumentError } from "../core/errors.js";
import type { InferSchemaOutput, StandardSchemaV1 } from "../core/schema.js";
import type {
  DeepReadonly,
  ParameterMap,
  ParameterReadOptions,
  ParametersByPathReadOptions,
  ParametersReadOptions,
  ParameterTree,
  ParameterValueOf,
} from "../read/options.js";
import { readParameter, readParameters, readParametersByPath, readParameterValue } from "../read/parameters.js";
import { type ReferenceResult, type ResolveReferencesOptions, resolveReferences } from "../read/references.js";
import { readSecretsJson, type SecretReads } from "../read/secret.js";
import type { BatchOptions, BatchResult, ParameterRecord, ParameterType, Transport } from "../transport/types.js";
import { resolveTransport, type TransportSpec } from "../transports/spec.js";
import type { WatchParameterOptions, WatchSecretOptions } from "../watch/types.js";
import { type WatchMethods, watchRegistry } from "../watch/watch.js";
import { SecretWriter, type SecretWrites } from "./writes.js";

/** How a {@link SecretsClient} is set up. */
export interface SecretsClientOptions {
  /**
   * Where secrets come from: a {@link Transport} object, or a spec string: `"sdk"`, `"agent"`,
   * `"auto"`, `"memory"`, `"file:<path>"`, `"mount:<dir>"` or `"env"`.
   * @default from `SECRETWRANGLER_TRANSPORT`, else `"sdk"`
   */
  readonly transport?: Transport | TransportSpec | undefined;
  /**
   * The cache in front of the transport (see `docs/caching.md`), or `false` for none. Pass options
   * to turn it on for a transport whose `cacheByDefault` is `false` (agent, memory, file).
   * @default on (`ttlMs` 5 minutes, `maxEntries` 1000, `staleOnError` true) for sdk, auto and custom
   * transports; on with `ttlMs` 5 seconds for the agent, which caches already; off for the local
   * memory, file and mount transports and for a transport that is a cache itself ({@link cachedTransport}).
   * Without a cache, concurrent identical reads still share one call.
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
 * Reads (and writes, see {@link SecretWrites}) secrets through one transport. Create one with
 * {@link createSecretsClient}.
 *
 * Parsed JSON values are deep-frozen: several callers may share one object.
 */
export interface SecretsClient extends SecretReads, WatchMethods, SecretWrites {
  /** The transport this client reads through (its cache, when it has one). */
  readonly transport: Transport;
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
  getParameterValue(name: string, options?: ParameterReadOptions): Promise<ParameterRecord>;
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
  ): Promise<DeepReadonly<InferSchemaOutput<S>>>;
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
   * Resolves the secret references in a set of configuration values (e.g. `process.env`): the forms
   * AWS tools write (`{{resolve:secretsmanager:...}}`, `{{resolve:ssm:...}}`, an ECS `valueFrom` ARN,
   * `/aws/reference/secretsmanager/<id>`), read in one batched pass through this client (its cache
   * included). One result per key, in order; values that are no reference pass through. See
   * `docs/references.md`.
   * @example
   * ```ts
   * for (const result of await secrets.resolveReferences(process.env)) {
   *   if (result.ok && result.resolved) childEnv[result.key] = result.value;
   * }
   * ```
   */
  resolveReferences(
    values: Readonly<Record<string, string | undefined>>,
    options?: ResolveReferencesOptions,
  ): Promise<ReferenceResult[]>;
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
   * Forgets every cached value, e.g. between tests: this client's cache, and a cache it reads
   * through (a {@link CachedTransport} passed as its transport).
   * @example
   * ```ts
   * afterEach(() => secrets.clearCache());
   * ```
   */
  clearCache(): void;
  /**
   * Warms the cache before the first request: secrets by id (BatchGetSecretValue, 20 per call), by
   * name prefix or `filters` (tags, ...: a transport that reads by filter), and parameter paths. What
   * it reads is cached exactly as if read (same keys, same TTL). One result per id, per secret found
   * and per path; failures are results, never thrown (a bad request throws `ArgumentError`). See
   * `docs/scaling.md`.
   * @example
   * ```ts
   * const results = await secrets.prefetch({ ids: ['prod/db', 'prod/api-key'], paths: ['/my-app/prod'] });
   * for (const result of results) if (!result.ok) log.warn({ id: result.id, code: result.error.code });
   * ```
   */
  prefetch(request: PrefetchRequest): Promise<PrefetchResult[]>;
  /**
   * Forgets the cached values of one secret id or parameter name (every version), e.g. in a
   * rotation handler, in this client's cache and a cache it reads through; the next read fetches.
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
 * The cache a client puts in front of `transport`: the `cache` option if given (over the transport's
 * own default TTL), else the transport's default; none in front of a transport that is a cache.
 */
function clientCacheOptions(option: CacheOptions | false | undefined, transport: Transport): CacheOptions | false {
  const byDefault = transport.cacheByDefault ?? true;
  const defaults = typeof byDefault === "object" ? { ttlMs: byDefault.ttlMs } : undefined;
  if (option === false) return false;
  if (option !== undefined) return typeof option === "object" && option !== null ? { ...defaults, ...option } : option;
  if (transport.peekSecretValue !== undefined || byDefault === false) return false;
  return defaults ?? {};
}

class DefaultSecretsClient extends SecretWriter implements SecretsClient {
  readonly #options: SecretsClientOptions;
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
    if (typeof options.transport === "object" && options.session !== undefined) {
      throw new ArgumentError(
        'createSecretsClient: pass either a transport object or "session", not both; build the transport with the session: sdkTransport({ session })',
      );
    }
    const base =
      shared ??
      (typeof options.transport === "object"
        ? options.transport
        : resolveTransport(options.transport, { session: options.session }));
    const cacheOptions = clientCacheOptions(options.cache, base);
    const cache = cacheOptions === false ? undefined : cachedTransport(base, cacheOptions);
    // Without a cache, concurrent identical reads still make one call (a cache coalesces itself).
    super(cache ?? (base.peekSecretValue !== undefined ? base : coalescingTransport(base)));
    this.#options = options;
    this.#cache = cache;
    this.#base = base;
    this.#ownsTransport = shared === undefined;
  }

  getSecretsJson(
    ids: readonly string[],
    options?: BatchOptions & { readonly schema?: StandardSchemaV1 | undefined },
  ): Promise<never> {
    return readSecretsJson(this.transport, ids, options) as Promise<never>;
  }

  getParameter(name: string, options?: ParameterReadOptions): Promise<never> {
    return readParameter(this.transport, name, options) as Promise<never>;
  }

  getParameterValue(name: string, options?: ParameterReadOptions): Promise<ParameterRecord> {
    return readParameterValue(this.transport, name, options);
  }

  getParameters(names: readonly string[], options?: ParametersReadOptions): Promise<BatchResult<string | string[]>[]> {
    return readParameters(this.transport, names, options);
  }

  getParametersByPath(path: string, options?: ParametersByPathReadOptions): Promise<never> {
    return readParametersByPath(this.transport, path, options) as Promise<never>;
  }

  resolveReferences(
    values: Readonly<Record<string, string | undefined>>,
    options?: ResolveReferencesOptions,
  ): Promise<ReferenceResult[]> {
    return resolveReferences(this.transport, values, options);
  }

  watch(id: string, options?: WatchSecretOptions): Promise<never> {
    return watchRegistry(this.transport).watchSecret(
      id,
      options as WatchSecretOptions & { schema?: undefined },
    ) as never;
  }

  watchParameter(name: string, options?: WatchParameterOptions): Promise<never> {
    return watchRegistry(this.transport).watchParameter(name, options) as never;
  }

  extend(options: SecretsClientOptions): SecretsClient {
    if (options.transport !== undefined || options.session !== undefined) {
      return new DefaultSecretsClient({ ...this.#options, ...options });
    }
    return new DefaultSecretsClient({ ...this.#options, ...options }, this.#base);
  }

  prefetch(request: PrefetchRequest): Promise<PrefetchResult[]> {
    return prefetch(this.transport, request);
  }

  clearCache(): void {
    this.#cache?.clear();
    this.#base.clear?.();
  }

  invalidate(id: string): void {
    this.#cache?.invalidate(id);
    this.#base.invalidate?.(id);
  }

  async close(): Promise<void> {
    // This client's watches: they read through its transport (its cache, or the shared one).
    if (this.#ownsTransport || this.#cache !== undefined) watchRegistry(this.transport).close();
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
