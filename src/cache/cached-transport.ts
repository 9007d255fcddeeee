/**
 * A cached transport is still a transport: {@link cachedTransport} wraps any transport, built-in or
 * custom, and caches every read method it has. The client builds one unless `cache: false`.
 */
import { abortable } from "../core/abort.js";
import { missingResultError } from "../transport/batch.js";
import { registerSecretHits, type SecretHitLookup } from "../transport/hits.js";
import { tracedTransport } from "../transport/traced.js";
import type {
  BatchOptions,
  Freshness,
  ParameterRecord,
  ParameterRequest,
  ParametersByPathOptions,
  SecretRecord,
  SecretVersionOptions,
  Transport,
} from "../transport/types.js";
import { forwardWrites } from "../transport/write-forwarding.js";
import {
  concerns,
  forwardUntouched,
  frozenCopy,
  parameterKey,
  pathKey,
  secretKey,
  shares,
  toBatchResults,
} from "./keys.js";
import { type CacheOptions, normalizeCacheOptions } from "./options.js";
import { type CacheSpace, RefreshingCache } from "./refreshing-cache.js";

/**
 * A {@link Transport} with a cache in front. Records (and path arrays) it returns are frozen and
 * shared between readers; a `secretBinary` cannot be frozen, so copy it before handing it out.
 *
 * @example
 * ```ts
 * const transport: CachedTransport = cachedTransport(sdkTransport());
 * const record = transport.peekSecretValue('prod/db') ?? (await transport.getSecretValue({ id: 'prod/db' }));
 * ```
 */
export interface CachedTransport extends Transport {
  /** The transport being cached. */
  readonly inner: Transport;
  /**
   * Entries held now: values, keys backing off and in-flight loads together. At most `maxEntries`,
   * plus the keys evicted while their load is in flight, each held until that load settles (at most
   * `loadTimeoutMs`) so that concurrent readers of it still share one call.
   */
  readonly size: number;
  peekSecretValue(id: string, options?: SecretVersionOptions & Freshness): SecretRecord | undefined;
  peekParameter(request: ParameterRequest): ParameterRecord | undefined;
  /** Forgets every cached value of this secret id, parameter name or path (and the paths above it). */
  invalidate(id: string): void;
  /** Forgets everything. */
  clear(): void;
}

/** A cache's hit lookup for secrets: one class for every cache (see `transport/hits.ts`). */
class SecretHits implements SecretHitLookup {
  readonly #cache: RefreshingCache;
  readonly #space: CacheSpace<SecretRecord, never>;

  constructor(cache: RefreshingCache, space: CacheSpace<SecretRecord, never>) {
    this.#cache = cache;
    this.#space = space;
  }

  peek(id: string, options?: SecretVersionOptions & Freshness): SecretRecord | undefined {
    if (options === undefined) return this.#cache.peek(this.#space, id);
    if (options.forceRefresh) return undefined;
    return this.#cache.peek(this.#space, secretKey(id, options.versionId, options.versionStage), options.maxAgeMs);
  }
}

/**
 * Wraps a transport in a cache: one load in flight per key, least-recently-used eviction past
 * `maxEntries`, background refresh before expiry, the last good value on transient failures.
 * Keys hold everything that changes a value (id, version id, stage; parameter version, label,
 * `decrypt`; path, `recursive`). One cache per wrapped transport.
 *
 * @example
 * ```ts
 * const transport = cachedTransport(vaultTransport(), { ttlMs: 60_000 });
 * const secrets = createSecretsClient({ transport, cache: false }); // already cached
 * ```
 */
export function cachedTransport(inner: Transport, options?: CacheOptions): CachedTransport {
  const name = inner.name;
  // What a miss calls: `inner`, with each backend call published on `secretwrangler:backend`.
  const backend = tracedTransport(inner);
  const { batchGetSecretValue, getParameter, getParameters, getParametersByPath } = backend;
  const normalized = normalizeCacheOptions(options, batchGetSecretValue !== undefined);
  const cache = new RefreshingCache(normalized, name);
  const loadSecrets = (ids: readonly string[]): Promise<SecretRecord>[] =>
    shares((batchGetSecretValue as NonNullable<Transport["batchGetSecretValue"]>).call(backend, ids), ids, (id) =>
      missingResultError(name, "batchGetSecretValue", id),
    );

  const secrets = cache.space<SecretRecord, SecretVersionOptions & { readonly id: string }>(
    "getSecretValue",
    frozenCopy,
    ({ id, versionId, versionStage }) =>
      (force) =>
        backend.getSecretValue({ id, versionId, versionStage, ...(force ? { forceRefresh: true } : {}) }),
    normalized.batchRefresh ? loadSecrets : undefined,
  );
  /** One space per `decrypt` value (true, false, unset), so the common key is the bare name. */
  const parameterSpaces = new Map<boolean | undefined, CacheSpace<ParameterRecord, ParameterRequest>>();
  const parameters = (decrypt: boolean | undefined): CacheSpace<ParameterRecord, ParameterRequest> => {
    let space = parameterSpaces.get(decrypt);
    if (space === undefined) {
      space = cache.space<ParameterRecord, ParameterRequest>(
        "getParameter",
        frozenCopy,
        ({ name: parameter, version, label }) =>
          (force) =>
            getParameter
              ? getParameter.call(backend, {
                  name: parameter,
                  version,
                  label,
                  decrypt,
                  ...(force ? { forceRefresh: true } : {}),
                })
              : (loadParameters([parameter], decrypt)[0] as Promise<ParameterRecord>),
      );
      parameterSpaces.set(decrypt, space);
    }
    return space;
  };
  const paths = cache.space<ParameterRecord[], ParametersByPathOptions & { readonly path: string }>(
    "getParametersByPath",
    frozenCopy,
    ({ path, recursive, decrypt }) =>
      (force) =>
        (getParametersByPath as NonNullable<Transport["getParametersByPath"]>).call(backend, path, {
          recursive,
          decrypt,
          ...(force ? { forceRefresh: true } : {}),
        }),
  );
  const loadParameters = (names: readonly string[], decrypt: boolean | undefined): Promise<ParameterRecord>[] =>
    shares((getParameters as NonNullable<Transport["getParameters"]>).call(backend, names, { decrypt }), names, (id) =>
      missingResultError(name, "getParameters", id),
    );

  const hits = new SecretHits(cache, secrets as CacheSpace<SecretRecord, never>);
  const transport: CachedTransport = {
    name,
    inner,
    get size() {
      return cache.size;
    },
    peekSecretValue(id, readOptions) {
      return hits.peek(id, readOptions);
    },
    peekParameter(request) {
      return request.forceRefresh
        ? undefined
        : cache.peek(parameters(request.decrypt), parameterKey(request), request.maxAgeMs);
    },
    getSecretValue(request) {
      const { id, signal } = request;
      return abortable(
        () => cache.read(secrets, secretKey(id, request.versionId, request.versionStage), id, request, request),
        signal,
        { operation: "getSecretValue", secretId: id, transport: name },
      );
    },
    invalidate(id) {
      // The same secret by another id (name, ARN), also for a load whose record has not arrived.
      cache.delete(
        (operation, entryId, value) =>
          concerns(id, entryId, value) || (operation === "getParametersByPath" && id.startsWith(entryId)),
      );
    },
    clear() {
      cache.clear();
    },
    async close() {
      cache.clear();
      await inner.close?.();
    },
  };

  if (batchGetSecretValue) {
    transport.batchGetSecretValue = (ids: readonly string[], batchOptions: BatchOptions = {}) => {
      const read = () =>
        toBatchResults(
          ids,
          cache.readMany(
            secrets,
            ids.map((id) => ({ id, key: id, request: { id } })),
            loadSecrets,
          ),
        );
      return abortable(read, batchOptions.signal, { operation: "batchGetSecretValue", transport: name });
    };
  }
  if (getParameter) {
    transport.getParameter = (request) => {
      const { name: parameter, signal } = request;
      return abortable(
        () => cache.read(parameters(request.decrypt), parameterKey(request), parameter, request, request),
        signal,
        { operation: "getParameter", secretId: parameter, transport: name },
      );
    };
  }
  if (getParameters) {
    transport.getParameters = (names, batchOptions = {}) => {
      const { decrypt, signal } = batchOptions;
      const read = () =>
        toBatchResults(
          names,
          cache.readMany(
            parameters(decrypt),
            names.map((id) => ({ id, key: id, request: { name: id, decrypt } })),
            (missing) => loadParameters(missing, decrypt),
          ),
        );
      return abortable(read, signal, { operation: "getParameters", transport: name });
    };
  }
  if (getParametersByPath) {
    transport.getParametersByPath = (path, pathOptions = {}) => {
      const { recursive, decrypt, signal } = pathOptions;
      // The same frozen array for every reader, so what callers derive from it can be memoized on it.
      return abortable(
        () => cache.read(paths, pathKey(path, recursive, decrypt), path, { path, recursive, decrypt }, pathOptions),
        signal,
        { operation: "getParametersByPath", secretId: path, transport: name },
      );
    };
  }
  forwardUntouched(backend, transport);
  // Write-through: a successful write forgets every value of what it changed, before it returns.
  forwardWrites(backend, transport, ({ ids }) => {
    for (const id of ids) transport.invalidate(id);
  });
  const byFilter = backend.batchGetSecretValueByFilter;
  if (byFilter) {
    // Always a call (which secrets match is the backend's to say); each secret found is stored under
    // its name, as a read of that name would have stored it.
    transport.batchGetSecretValueByFilter = async (filters, batchOptions) => {
      const startedAt = normalized.clock();
      const results = await byFilter.call(backend, filters, batchOptions);
      for (const result of results) {
        if (result.ok)
          cache.store(
            secrets,
            secretKey(result.id, undefined, undefined),
            result.id,
            { id: result.id },
            result.value,
            startedAt,
          );
      }
      return results;
    };
  }
  registerSecretHits(transport, hits);
  return transport;
}
