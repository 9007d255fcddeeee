/**
 * A cached transport is still a transport: {@link cachedTransport} wraps any transport, built-in or
 * custom, and caches every read method it has. The client builds one unless `cache: false`.
 */
import { SecretsError } from "../core/errors.js";
import { deepFreeze } from "../core/freeze.js";
import { missingResultError, settle } from "../transport/batch.js";
import { secretNameCandidates } from "../transport/secret-id.js";
import type {
  BatchOptions,
  BatchResult,
  ParameterRecord,
  ParameterRequest,
  ParametersByPathOptions,
  SecretRecord,
  SecretRequest,
  SecretVersionOptions,
  Transport,
} from "../transport/types.js";
import { type CacheOptions, normalizeCacheOptions } from "./options.js";
import { type CacheReadOptions, type CacheSpace, RefreshingCache } from "./refreshing-cache.js";

export type { CacheReadOptions } from "./refreshing-cache.js";

/**
 * What a read may ask of the cache: an age limit, or bypassing it (and the backend's own cache).
 *
 * @example
 * ```ts
 * await secrets.getSecret('api-key', { maxAgeMs: 10_000 });
 * ```
 */
export interface CachedReadOptions extends CacheReadOptions {
  /** Skip the cached value, fetch a fresh one (passed on to the transport) and store it. */
  readonly forceRefresh?: boolean | undefined;
}

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
  /** Entries held now, values and in-flight loads together. Never above `maxEntries`. */
  readonly size: number;
  getSecretValue(request: SecretRequest & CacheReadOptions): Promise<SecretRecord>;
  getParameter?(request: ParameterRequest & CacheReadOptions): Promise<ParameterRecord>;
  getParametersByPath?(path: string, options?: ParametersByPathOptions & CachedReadOptions): Promise<ParameterRecord[]>;
  /**
   * The secret record a read can have right now, without waiting, or `undefined` (then call
   * {@link CachedTransport.getSecretValue}). Lets a caller serve a hit synchronously.
   */
  peekSecretValue(id: string, options?: SecretVersionOptions & CachedReadOptions): SecretRecord | undefined;
  /** Like {@link CachedTransport.peekSecretValue}, for parameters. */
  peekParameter(request: ParameterRequest & CacheReadOptions): ParameterRecord | undefined;
  /** Forgets every cached value of this secret id, parameter name or path (and the paths above it). */
  invalidate(id: string): void;
  /** Forgets everything. */
  clear(): void;
}

const SEPARATOR = "\u0000";

/** The key of a secret read: the id alone for the current version, which is the common case. */
function secretKey(id: string, versionId: string | undefined, versionStage: string | undefined): string {
  return versionId === undefined && versionStage === undefined
    ? id
    : `${id}${SEPARATOR}${versionId ?? ""}${SEPARATOR}${versionStage ?? ""}`;
}

function parameterKey(request: ParameterRequest): string {
  return request.version === undefined && request.label === undefined
    ? request.name
    : `${request.name}${SEPARATOR}${request.version ?? ""}${SEPARATOR}${request.label ?? ""}`;
}

/** A frozen copy: the transport's own objects stay its own, and no reader can change another's value. */
function frozenCopy<T>(value: T): T {
  return deepFreeze(structuredClone(value));
}

function abortError(operation: string, id: string | undefined, transport: string, signal: AbortSignal): SecretsError {
  return new SecretsError({
    code: "ABORTED",
    operation,
    secretId: id,
    transport,
    detail: "the signal fired",
    cause: signal.reason,
  });
}

/** A shared load, given up on by one reader when its signal fires (the load goes on for the others). */
function untilAborted<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  operation: string,
  id: string | undefined,
  transport: string,
): Promise<T> {
  if (signal === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError(operation, id, transport, signal));
    signal.addEventListener("abort", onAbort, { once: true });
    promise
      .then(resolve, reject)
      .finally(() => signal.removeEventListener("abort", onAbort))
      .catch(() => {});
  });
}

/** One promise per id, each settling with that id's record or error from one batch call. */
function shares<V>(
  batch: Promise<BatchResult<V>[]>,
  ids: readonly string[],
  missing: (id: string) => unknown,
): Promise<V>[] {
  const byId = batch.then((results) => new Map(results.map((result) => [result.id, result])));
  return ids.map((id) =>
    byId.then((results) => {
      const result = results.get(id);
      if (result?.ok) return result.value;
      throw result ? result.error : missing(id);
    }),
  );
}

/** A batch outcome per id: a value or a `SecretsError`; anything else fails the batch. */
function toBatchResults<V>(ids: readonly string[], outcomes: Promise<V>[]): Promise<BatchResult<V>[]> {
  return Promise.all(outcomes.map((outcome, index) => settle(ids[index] as string, outcome)));
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
  const cache = new RefreshingCache(normalizeCacheOptions(options));
  const name = inner.name;
  const { batchGetSecretValue, getParameter, getParameters, getParametersByPath } = inner;

  const secrets = cache.space<SecretRecord, SecretVersionOptions & { readonly id: string }>(
    "getSecretValue",
    frozenCopy,
    ({ id, versionId, versionStage }) =>
      (force) =>
        inner.getSecretValue({ id, versionId, versionStage, ...(force ? { forceRefresh: true } : {}) }),
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
              ? getParameter.call(inner, {
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
        (getParametersByPath as NonNullable<Transport["getParametersByPath"]>).call(inner, path, {
          recursive,
          decrypt,
          ...(force ? { forceRefresh: true } : {}),
        }),
  );
  const loadParameters = (names: readonly string[], decrypt: boolean | undefined): Promise<ParameterRecord>[] =>
    shares((getParameters as NonNullable<Transport["getParameters"]>).call(inner, names, { decrypt }), names, (id) =>
      missingResultError(name, "getParameters", id),
    );

  const transport: CachedTransport = {
    name,
    inner,
    get size() {
      return cache.size;
    },
    peekSecretValue(id, readOptions) {
      return cache.peek(secrets, secretKey(id, readOptions?.versionId, readOptions?.versionStage), readOptions);
    },
    peekParameter(request) {
      return cache.peek(parameters(request.decrypt), parameterKey(request), request);
    },
    getSecretValue(request) {
      const { id, signal } = request;
      if (signal?.aborted) return Promise.reject(abortError("getSecretValue", id, name, signal));
      const read = cache.read(secrets, secretKey(id, request.versionId, request.versionStage), id, request, request);
      return signal === undefined ? read : untilAborted(read, signal, "getSecretValue", id, name);
    },
    invalidate(id) {
      const names = secretNameCandidates(id);
      cache.delete((operation, entryId, value) => {
        // The same secret by another id (name, ARN), also for a load whose record has not arrived.
        if (entryId === id || secretNameCandidates(entryId).some((name) => names.includes(name))) return true;
        if (operation === "getParametersByPath") return id.startsWith(entryId);
        const record = value as Partial<SecretRecord> | undefined;
        return (
          record !== undefined && (record.arn === id || (record.name !== undefined && names.includes(record.name)))
        );
      });
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
      const { signal } = batchOptions;
      if (signal?.aborted) return Promise.reject(abortError("batchGetSecretValue", undefined, name, signal));
      const outcomes = cache.readMany(
        secrets,
        ids.map((id) => ({ id, key: id, request: { id } })),
        (missing) =>
          shares(batchGetSecretValue.call(inner, missing), missing, (id) =>
            missingResultError(name, "batchGetSecretValue", id),
          ),
      );
      return untilAborted(toBatchResults(ids, outcomes), signal, "batchGetSecretValue", undefined, name);
    };
  }
  if (getParameter) {
    transport.getParameter = (request) => {
      const { name: parameter, signal } = request;
      if (signal?.aborted) return Promise.reject(abortError("getParameter", parameter, name, signal));
      const read = cache.read(parameters(request.decrypt), parameterKey(request), parameter, request, request);
      return signal === undefined ? read : untilAborted(read, signal, "getParameter", parameter, name);
    };
  }
  if (getParameters) {
    transport.getParameters = (names, batchOptions = {}) => {
      const { decrypt, signal } = batchOptions;
      if (signal?.aborted) return Promise.reject(abortError("getParameters", undefined, name, signal));
      const outcomes = cache.readMany(
        parameters(decrypt),
        names.map((id) => ({ id, key: id, request: { name: id, decrypt } })),
        (missing) => loadParameters(missing, decrypt),
      );
      return untilAborted(toBatchResults(names, outcomes), signal, "getParameters", undefined, name);
    };
  }
  if (getParametersByPath) {
    transport.getParametersByPath = (path, pathOptions = {}) => {
      const { recursive, decrypt, signal } = pathOptions;
      if (signal?.aborted) return Promise.reject(abortError("getParametersByPath", path, name, signal));
      const key = `${path}${SEPARATOR}${String(recursive)}${SEPARATOR}${String(decrypt)}`;
      // The same frozen array for every reader, so what callers derive from it can be memoized on it.
      const read = cache.read(paths, key, path, { path, recursive, decrypt }, pathOptions);
      return untilAborted(read, signal, "getParametersByPath", path, name);
    };
  }
  return transport;
}
