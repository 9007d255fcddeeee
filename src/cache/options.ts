/**
 * The cache's options, their defaults (in one place) and the one function that checks and fills
 * them.
 */
import { ArgumentError } from "../core/errors.js";
import { coarseClock } from "./clock.js";

/**
 * A failed refresh, as the `onError` hook sees it. It never holds a secret value.
 *
 * @example
 * ```ts
 * const onError = ({ operation, id, error, servingStale }: CacheErrorEvent) =>
 *   log.warn({ operation, id, code: isSecretsError(error) ? error.code : 'UNKNOWN', servingStale });
 * ```
 */
export interface CacheErrorEvent {
  /** The transport method that failed: `getSecretValue`, `getParameter`, `batchGetSecretValue`, ... */
  readonly operation: string;
  /** The secret id, parameter name or path that was being read. */
  readonly id: string;
  /** The failure, as the transport threw it (a value-free `SecretsError` for the built-in transports). */
  readonly error: unknown;
  /** Whether the last good value is kept and served (a transient failure with `staleOnError`). */
  readonly servingStale: boolean;
  /** Consecutive failures of this key, this one included. */
  readonly failures: number;
  /** After a transient failure: how long until the key is tried again, in milliseconds. */
  readonly retryInMs: number | undefined;
}

/**
 * How the client caches what it reads. Every read method of the transport is cached: secrets,
 * batches, parameters and parameter paths.
 *
 * @example
 * ```ts
 * const secrets = createSecretsClient({
 *   cache: { ttlMs: 60_000, maxEntries: 200, onError: (event) => log.warn(event.error) },
 * });
 * ```
 */
export interface CacheOptions {
  /** How long a fetched value is fresh, in milliseconds. @default 300_000 (5 minutes) */
  readonly ttlMs?: number | undefined;
  /**
   * How many entries are kept; past it, the least recently used one is evicted. A key whose load is
   * in flight is not forgotten, so concurrent readers still share that load: evicted, it loses its
   * value and leaves the recency list, and it is held (beyond the bound) until the load settles,
   * at most `loadTimeoutMs`. @default 1000
   */
  readonly maxEntries?: number | undefined;
  /**
   * A read this close to a value's expiry (in milliseconds) still gets the value at once and starts
   * one background refresh, so steady readers never wait. @default ttlMs / 10
   */
  readonly refreshAheadMs?: number | undefined;
  /**
   * How long past its expiry (in milliseconds) a value may still be served at once while it is
   * refreshed in the background; after that, readers wait for the refresh. @default ttlMs / 10
   */
  readonly maxStaleMs?: number | undefined;
  /**
   * When a refresh fails with a transient error (`SecretsError.retryable`: throttling, timeout, 5xx,
   * connection), keep serving the last good value and retry with backoff. Errors such as
   * `NOT_FOUND` or `ACCESS_DENIED` are always thrown and drop the value. @default true
   */
  readonly staleOnError?: boolean | undefined;
  /**
   * Delay before a key that failed transiently is tried again; doubles per failure, jittered. Reads
   * in between make no call: they get the last good value if allowed, else the last error.
   * @default 1000
   */
  readonly backoffMs?: number | undefined;
  /** Upper bound of that delay, in milliseconds. @default 60_000 */
  readonly maxBackoffMs?: number | undefined;
  /**
   * The longest a load (one call of the transport) may take, in milliseconds. Past it the load no
   * longer counts as in flight: its waiting readers get a retryable `TIMEOUT` (or, with
   * `staleOnError`, the last good value), the key backs off like after any transient failure, and a
   * later read starts a new load, so one hung call can never pin a key. An answer that still comes
   * is stored if nothing newer was. Above the built-in transports' own deadlines with their
   * retries (the SDK: 3 attempts of 10 s plus retry delays, about 31 s; the agent: 4 attempts of
   * 5 s plus backoff, about 21 s), so it fires only for a call that is really stuck; raise it if you
   * raise those. @default 45_000
   */
  readonly loadTimeoutMs?: number | undefined;
  /**
   * Refresh the current versions of secrets that fall due together in one BatchGetSecretValue call
   * per 20 ids (the transport's `batchGetSecretValue`) instead of one GetSecretValue each: when a read
   * starts a background refresh, every other cached secret of this cache that is due, or due within
   * `refreshAheadMs`, joins it (collected until the current task ends). A key whose result failed is
   * handled as after its own failed refresh (stale-on-error, backoff). Reads of a version or stage,
   * `forceRefresh` reads, cold reads and reads that wait past `maxStaleMs` are never batched. If a
   * whole batch is refused with `ACCESS_DENIED` (no `secretsmanager:BatchGetSecretValue` permission),
   * its keys are read one by one at once and this cache stops batching.
   * @default true when the transport has `batchGetSecretValue`; without one, batching is off whatever this says
   */
  readonly batchRefresh?: boolean | undefined;
  /**
   * How far into the refresh-ahead window this cache's refresh point may move, in milliseconds:
   * drawn once per cache, uniformly between 0 and this, so that a fleet of processes started
   * together does not refresh in lockstep. At most `refreshAheadMs`.
   * @default refreshAheadMs / 2 with `batchRefresh`, else 0
   */
  readonly refreshJitterMs?: number | undefined;
  /**
   * How much earlier than its usual point (`ttlMs - refreshAheadMs`, plus the jitter) this cache's
   * first background refresh may come, in milliseconds: drawn once per cache, uniformly between 0
   * and this. The values loaded together when a process starts (a prefetch, its first reads) are
   * then first refreshed at a random point of their lifetime, so a fleet started together (a
   * rolling deploy) spreads its refreshes over the whole cycle instead of repeating the deploy's
   * burst every cycle; from the first refresh on, the usual point holds. Costs one early refresh
   * per cache, once. At most `ttlMs - refreshAheadMs`.
   * @default ttlMs - 2 * refreshAheadMs with `batchRefresh` (the first refresh comes between
   * `refreshAheadMs` and the usual point), else 0
   */
  readonly firstRefreshSpreadMs?: number | undefined;
  /** Told about every failed refresh. Gets ids and errors, never values. Must not throw. */
  readonly onError?: ((event: CacheErrorEvent) => void) | undefined;
  /**
   * The clock, in milliseconds, for tests. @default a monotonic clock read at most once per
   * millisecond
   */
  readonly clock?: (() => number) | undefined;
}

/** {@link CacheOptions} with every gap filled. */
export interface NormalizedCacheOptions {
  readonly ttlMs: number;
  readonly maxEntries: number;
  readonly refreshAheadMs: number;
  readonly maxStaleMs: number;
  readonly staleOnError: boolean;
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
  readonly loadTimeoutMs: number;
  /** Whether background refreshes of current versions are batched (see {@link CacheOptions.batchRefresh}). */
  readonly batchRefresh: boolean;
  /** The bound of this cache's refresh-point jitter, in milliseconds. */
  readonly refreshJitterMs: number;
  /** How much earlier the cache's first background refresh may come, in milliseconds. */
  readonly firstRefreshSpreadMs: number;
  readonly onError: ((event: CacheErrorEvent) => void) | undefined;
  readonly clock: () => number;
}

const DEFAULTS = {
  ttlMs: 300_000,
  maxEntries: 1000,
  /** Fractions of `ttlMs`. */
  refreshAheadShare: 0.1,
  maxStaleShare: 0.1,
  staleOnError: true,
  backoffMs: 1000,
  maxBackoffMs: 60_000,
  loadTimeoutMs: 45_000,
} as const;

/** The longest delay a Node timer takes (about 24.8 days); a longer one fires after 1 ms. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * A `loadTimeoutMs` option, checked (a finite number of milliseconds above 0, at most what a timer
 * takes) or defaulted; `label` names it in the `ArgumentError`.
 */
export function checkLoadTimeout(value: unknown, label: string): number {
  const ms = value ?? DEFAULTS.loadTimeoutMs;
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms <= 0 || ms > MAX_TIMER_MS) {
    throw new ArgumentError(
      `${label} must be a finite number of milliseconds above 0 and at most ${MAX_TIMER_MS}, got ${String(ms)}`,
    );
  }
  return ms;
}

function milliseconds(options: CacheOptions, name: keyof CacheOptions, fallback: number, positive = false): number {
  const value = options[name] ?? fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || (positive && value === 0)) {
    throw new ArgumentError(
      `cache.${name} must be a finite number of milliseconds${positive ? " above 0" : ", 0 or more"}, got ${String(value)}`,
    );
  }
  return value;
}

/**
 * Checks the options (an `ArgumentError` names the bad one) and fills the defaults; `canBatch` says
 * whether the transport has `batchGetSecretValue` (the default of `batchRefresh`).
 */
export function normalizeCacheOptions(options: CacheOptions = {}, canBatch = false): NormalizedCacheOptions {
  if (typeof options !== "object" || options === null) {
    throw new ArgumentError("cache must be an options object or false");
  }
  const ttlMs = milliseconds(options, "ttlMs", DEFAULTS.ttlMs, true);
  const maxEntries = options.maxEntries ?? DEFAULTS.maxEntries;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    throw new ArgumentError(`cache.maxEntries must be a whole number above 0, got ${String(maxEntries)}`);
  }
  const refreshAheadMs = milliseconds(options, "refreshAheadMs", ttlMs * DEFAULTS.refreshAheadShare);
  if (refreshAheadMs > ttlMs) throw new ArgumentError("cache.refreshAheadMs must not exceed cache.ttlMs");
  const backoffMs = milliseconds(options, "backoffMs", DEFAULTS.backoffMs, true);
  const loadTimeoutMs = checkLoadTimeout(options.loadTimeoutMs, "cache.loadTimeoutMs");
  const staleOnError = options.staleOnError ?? DEFAULTS.staleOnError;
  if (typeof staleOnError !== "boolean") {
    throw new ArgumentError(`cache.staleOnError must be a boolean, got ${typeof staleOnError}`);
  }
  const batchOption = options.batchRefresh ?? canBatch;
  if (typeof batchOption !== "boolean") {
    throw new ArgumentError(`cache.batchRefresh must be a boolean, got ${typeof batchOption}`);
  }
  // On a transport without a batch call there is nothing to batch with: `true` changes nothing, so
  // one configuration serves every transport a deployment may pick (SECRETWRANGLER_TRANSPORT).
  const batchRefresh = batchOption && canBatch;
  const refreshJitterMs = milliseconds(options, "refreshJitterMs", batchRefresh ? refreshAheadMs / 2 : 0);
  if (refreshJitterMs > refreshAheadMs) {
    throw new ArgumentError("cache.refreshJitterMs must not exceed cache.refreshAheadMs");
  }
  const firstRefreshSpreadMs = milliseconds(
    options,
    "firstRefreshSpreadMs",
    batchRefresh ? Math.max(0, ttlMs - 2 * refreshAheadMs) : 0,
  );
  if (firstRefreshSpreadMs > ttlMs - refreshAheadMs) {
    throw new ArgumentError("cache.firstRefreshSpreadMs must not exceed cache.ttlMs - cache.refreshAheadMs");
  }
  for (const name of ["onError", "clock"] as const) {
    if (options[name] !== undefined && typeof options[name] !== "function") {
      throw new ArgumentError(`cache.${name} must be a function`);
    }
  }
  return {
    ttlMs,
    maxEntries,
    refreshAheadMs,
    maxStaleMs: milliseconds(options, "maxStaleMs", ttlMs * DEFAULTS.maxStaleShare),
    staleOnError,
    backoffMs,
    maxBackoffMs: Math.max(backoffMs, milliseconds(options, "maxBackoffMs", DEFAULTS.maxBackoffMs)),
    loadTimeoutMs,
    batchRefresh,
    refreshJitterMs,
    firstRefreshSpreadMs,
    onError: options.onError,
    clock: options.clock ?? coarseClock,
  };
}
