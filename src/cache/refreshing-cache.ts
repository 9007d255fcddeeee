/**
 * The cache behind {@link cachedTransport}: bounded (least recently used), one load in flight per
 * key, refresh-ahead and stale-while-revalidate, stale-on-error with jittered backoff. It knows
 * nothing about secrets: keys are strings in "spaces" (one per transport method), values are
 * whatever the loaders return, frozen once on the way in.
 *
 * Two bounds hold whatever the transport does. Time: a load that has not settled within
 * `loadTimeoutMs` stops counting as in flight (its readers get `TIMEOUT`, the key backs off), so one
 * hung call never pins a key. Space: the recency list holds at most `maxEntries` entries; an entry
 * evicted while its load is in flight is "detached" (out of the list, without a value, still in its
 * space's map) so that readers keep joining that one load, and it comes back as the newest entry
 * when the load settles, which evicts the oldest one again.
 *
 * Hand-written rather than lru-cache: a hit here is a `Map.get`, one comparison with a coarse
 * clock and a pointer check, and it is served synchronously (see `bench/results/cache.md`).
 */
import { jitteredBackoff } from "../core/backoff.js";
import {
  activeRead,
  noteRecord,
  noteServed,
  type RefreshEvent,
  refreshChannel,
  type ServedFields,
  traced,
} from "../core/diagnostics.js";
import { isSecretsError, SecretsError } from "../core/errors.js";
import type { Freshness } from "../transport/types.js";
import { loadTimeoutError } from "./keys.js";
import type { NormalizedCacheOptions } from "./options.js";

/** Loads one key's value; `force` asks the backend to bypass its own cache too. */
export type Loader<V> = (force: boolean) => Promise<V>;

/** The entries of one transport method, e.g. `getSecretValue`, read with requests of type `R`. */
export interface CacheSpace<V, R> {
  /** The transport method, for error events. */
  readonly operation: string;
  readonly entries: Map<string, Entry<V>>;
  /** Makes a loaded value safe to share (a frozen copy). */
  readonly freeze: (value: V) => V;
  /**
   * The loader of a new entry, built from the read that created it. Called on misses only, so a hit
   * allocates nothing; it must keep only what identifies the value (not the caller's signal).
   */
  readonly loader: (request: R) => Loader<V>;
  /**
   * Loads the current values of many ids in one call (one promise per id, in order), for batched
   * background refreshes; `undefined`: every key loads on its own. Only keys equal to their id (no
   * version or stage in the key) are refreshed this way.
   */
  readonly loadMany: ((ids: readonly string[]) => Promise<V>[]) | undefined;
}

/** One cached key, linked into the cache-wide recency list. */
interface Entry<V> {
  readonly space: CacheSpace<V, never>;
  readonly key: string;
  /** The secret id, parameter name or path, for events and `invalidate`. */
  readonly id: string;
  readonly load: Loader<V>;
  /** Whether a background refresh of this key may join a batch (see {@link CacheSpace.loadMany}). */
  readonly batchable: boolean;
  value: V | undefined;
  hasValue: boolean;
  /** When the load that produced `value` started. */
  fetchedAt: number;
  /** The newest load in flight; readers who must wait join it. */
  pending: Promise<V> | undefined;
  /** Whether `pending` was started by a `forceRefresh` read: only such a load satisfies another one. */
  forced: boolean;
  /** Loads started, and the sequence number of the one whose value is stored: older loads never overwrite newer. */
  started: number;
  stored: number;
  /** Consecutive transient failures, the last of them, and when the key may be tried again. */
  failures: number;
  lastError: SecretsError | undefined;
  retryAt: number;
  /**
   * Evicted while a load was in flight: out of the recency list and without a value (so `peek`
   * never sees it), but still in the space's map, so readers join that load instead of starting
   * another. Linked again when the load settles.
   */
  detached: boolean;
  newer: Entry<unknown> | undefined;
  older: Entry<unknown> | undefined;
}

function ignore(): void {}

/** BatchGetSecretValue takes at most 20 ids per call. */
const BATCH_REFRESH_SIZE = 20;

/** Whether every outcome of a batch is an `ACCESS_DENIED`: likely a policy without the batch action. */
function allDenied(outcomes: PromiseSettledResult<unknown>[]): boolean {
  return outcomes.every(
    (outcome) =>
      outcome.status === "rejected" && isSecretsError(outcome.reason) && outcome.reason.code === "ACCESS_DENIED",
  );
}

/** Whether a failure may pass: throttling, timeouts, 5xx, connection errors. */
function isTransient(error: unknown): error is SecretsError {
  return isSecretsError(error) && error.retryable;
}

/** What a read of a key that is backing off gets: its last failure, restated, with no new call. */
function backingOff(last: SecretsError, failures: number, retryInMs: number): SecretsError {
  return new SecretsError({
    code: last.code,
    operation: last.operation,
    secretId: last.secretId,
    transport: last.transport,
    retryable: true,
    status: last.status,
    detail: `failed ${failures} time(s) in a row; not asked again for ${Math.ceil(retryInMs)} ms`,
    cause: last,
  });
}

/** A bounded cache whose values refresh themselves. One per transport instance. */
export class RefreshingCache {
  readonly #options: NormalizedCacheOptions;
  /** The transport's name, for the errors the cache makes itself (`TIMEOUT`). */
  readonly #transport: string | undefined;
  readonly #clock: () => number;
  /**
   * Age from which a read triggers a background refresh: jittered once per cache (`refreshJitterMs`),
   * and until the cache's first background refresh up to `firstRefreshSpreadMs` earlier.
   */
  #refreshFrom: number;
  /** What `#refreshFrom` is from the cache's first background refresh on. */
  readonly #steadyRefreshFrom: number;
  /** Whether background refreshes are batched; turned off for good by a batch refused as a whole. */
  #batching: boolean;
  /** Spaces with a key due for a batched refresh, swept at the end of the current task. */
  readonly #due = new Set<CacheSpace<unknown, never>>();
  /** Age from which a read waits for the refresh instead of getting the stale value. */
  readonly #waitFrom: number;
  #newest: Entry<unknown> | undefined;
  #oldest: Entry<unknown> | undefined;
  /** Entries in the maps: those in the recency list and the detached ones. */
  #size = 0;
  /** Entries evicted while their load is in flight; see {@link Entry.detached}. */
  readonly #detached = new Set<Entry<unknown>>();

  constructor(options: NormalizedCacheOptions, transport?: string) {
    this.#options = options;
    this.#transport = transport;
    this.#clock = options.clock;
    this.#steadyRefreshFrom = options.ttlMs - options.refreshAheadMs + Math.random() * options.refreshJitterMs;
    this.#refreshFrom = this.#steadyRefreshFrom - Math.random() * options.firstRefreshSpreadMs;
    this.#batching = options.batchRefresh;
    this.#waitFrom = options.ttlMs + options.maxStaleMs;
  }

  /**
   * Entries held: values, keys backing off and in-flight loads together. At most `maxEntries`, plus
   * the entries evicted while their load is in flight, until it settles.
   */
  get size(): number {
    return this.#size;
  }

  /** A new space of entries, for one transport method. */
  space<V, R>(
    operation: string,
    freeze: (value: V) => V,
    loader: (request: R) => Loader<V>,
    loadMany?: (ids: readonly string[]) => Promise<V>[],
  ): CacheSpace<V, R> {
    return { operation, entries: new Map(), freeze, loader, loadMany };
  }

  /**
   * The value a read can have right now without waiting, or `undefined`. A value in its
   * refresh-ahead or stale window is returned and refreshed in the background. A caller that
   * forces a refresh does not peek. Freshness comes as a number, not the read's options object:
   * every kind of request passes through here, and loads from objects of that many shapes are slow.
   */
  peek<V>(space: CacheSpace<V, never>, key: string, maxAgeMs?: number): V | undefined {
    const entry = space.entries.get(key);
    if (entry === undefined || !entry.hasValue) return undefined;
    const now = this.#clock();
    const age = now - entry.fetchedAt;
    if (maxAgeMs !== undefined && age > maxAgeMs) return undefined;
    if (age >= this.#refreshFrom) {
      // A key that is failing keeps serving its last good value while it backs off.
      if (age >= this.#waitFrom && !(this.#options.staleOnError && entry.failures > 0)) return undefined;
      if (entry.pending === undefined && now >= entry.retryAt) this.#refresh(entry);
    }
    if (entry !== this.#newest) this.#touch(entry as Entry<unknown>);
    // A traced read (someone subscribes to `secretwrangler:read`): where its value came from.
    const read = activeRead.current;
    if (read !== undefined) {
      const outcome = age >= this.#options.ttlMs ? "stale" : age >= this.#refreshFrom ? "refresh-ahead" : "hit";
      noteServed(read, outcome, age, entry.value);
    }
    return entry.value;
  }

  /** Reads one key: from the cache when possible, else through one shared load. */
  read<V, R>(space: CacheSpace<V, R>, key: string, id: string, request: R, demand: Freshness = {}): Promise<V> {
    const force = demand.forceRefresh === true;
    const hit = force ? undefined : this.peek(space, key, demand.maxAgeMs);
    if (hit !== undefined) return Promise.resolve(hit);
    // A traced read is this one's alone: the load below (another cache, the backend) does not see it.
    const read = activeRead.current;
    activeRead.current = undefined;
    const known = space.entries.get(key);
    if (known !== undefined) {
      const joins = known.pending !== undefined && (!force || known.forced);
      if (read !== undefined) noteServed(read, joins ? "coalesced" : "miss", 0, undefined);
      return this.#settle(known, this.#wait(known, force), demand, read);
    }
    if (read !== undefined) noteServed(read, "miss", 0, undefined);
    const entry = this.#create(space, key, id, request);
    const pending = this.#wait(entry, force);
    // Only now that its load is in flight: evicted, the new entry would be detached, not forgotten.
    this.#trim();
    return this.#settle(entry, pending, demand, read);
  }

  /**
   * Reads many keys of one space: hits from the cache, keys already loading join their load, and
   * the rest are fetched together by `loadMany` (one promise per id, in order). One promise per
   * request comes back, in order.
   */
  readMany<V, R>(
    space: CacheSpace<V, R>,
    requests: readonly { readonly id: string; readonly key: string; readonly request: R }[],
    loadMany: (ids: readonly string[]) => Promise<V>[],
  ): Promise<V>[] {
    const plan: ({ readonly value: V } | { readonly entry: Entry<V> })[] = [];
    const missing = new Set<Entry<V>>();
    for (const { id, key, request } of requests) {
      const value = this.peek(space, key);
      if (value !== undefined) {
        plan.push({ value });
        continue;
      }
      const entry = space.entries.get(key) ?? this.#create(space, key, id, request);
      if (entry.pending === undefined && this.#backoffLeft(entry) <= 0) missing.add(entry);
      plan.push({ entry });
    }
    if (missing.size > 0) {
      const batch = [...missing];
      let loads: Promise<V>[];
      try {
        loads = loadMany(batch.map((entry) => entry.id));
      } catch (error) {
        loads = batch.map(() => Promise.reject(error));
      }
      for (const [index, entry] of batch.entries()) this.#load(entry, false, loads[index]);
    }
    // Only once the batch is in flight, so entries this read created are detached, not forgotten.
    this.#trim();
    return plan.map((step) =>
      "entry" in step ? this.#settle(step.entry, this.#wait(step.entry, false), {}) : Promise.resolve(step.value),
    );
  }

  /**
   * Stores a value read by other means (a read by filter) as if `request` had loaded it, fetched at
   * `startedAt`: same key, same age, same refreshes. An older value or a load in flight is overtaken.
   */
  store<V, R>(space: CacheSpace<V, R>, key: string, id: string, request: R, value: V, startedAt: number): void {
    const entry = space.entries.get(key) ?? this.#create(space, key, id, request);
    this.#load(entry, false, Promise.resolve(value), startedAt);
    this.#trim();
  }

  /** Drops every entry for which `matches` is true; in-flight loads for them are not stored. */
  delete(matches: (operation: string, id: string, value: unknown) => boolean): void {
    for (let entry = this.#oldest; entry !== undefined; ) {
      const newer = entry.newer;
      if (matches(entry.space.operation, entry.id, entry.value)) this.#drop(entry);
      entry = newer;
    }
    for (const entry of this.#detached) {
      if (matches(entry.space.operation, entry.id, undefined)) this.#drop(entry);
    }
  }

  /** Drops everything. */
  clear(): void {
    this.delete(() => true);
  }

  #create<V, R>(space: CacheSpace<V, R>, key: string, id: string, request: R): Entry<V> {
    const entry: Entry<V> = {
      space,
      key,
      id,
      load: space.loader(request),
      batchable: space.loadMany !== undefined && key === id,
      value: undefined,
      hasValue: false,
      fetchedAt: 0,
      pending: undefined,
      forced: false,
      started: 0,
      stored: 0,
      failures: 0,
      lastError: undefined,
      retryAt: 0,
      detached: false,
      newer: undefined,
      older: undefined,
    };
    space.entries.set(key, entry);
    this.#link(entry as Entry<unknown>);
    this.#size++;
    return entry;
  }

  /**
   * Evicts least recently used entries until the recency list is within `maxEntries`. One whose
   * load is in flight is detached rather than forgotten, so that load stays the key's only one.
   */
  #trim(): void {
    while (this.#size - this.#detached.size > this.#options.maxEntries) {
      const oldest = this.#oldest;
      if (oldest === undefined) return;
      if (oldest.pending === undefined) this.#remove(oldest);
      else this.#detach(oldest);
    }
  }

  #detach(entry: Entry<unknown>): void {
    this.#unlink(entry);
    entry.detached = true;
    entry.value = undefined;
    entry.hasValue = false;
    this.#detached.add(entry);
  }

  /**
   * After a load of `entry` settled (or timed out): a detached entry that got a value, or has no
   * load in flight any more, rejoins the recency list as its newest entry, and the oldest goes.
   */
  #settled<V>(entry: Entry<V>): void {
    if (!entry.detached || (entry.pending !== undefined && !entry.hasValue)) return;
    this.#detached.delete(entry as Entry<unknown>);
    entry.detached = false;
    this.#link(entry as Entry<unknown>);
    this.#trim();
  }

  /**
   * What a reader the cache cannot serve waits for. A forced read joins only a forced load in flight
   * (one that also bypasses the backend's cache), so concurrent forced reads make one call; other
   * reads join any load in flight. While a failing key backs off, unforced reads get its last error
   * instead of a new call.
   */
  #wait<V>(entry: Entry<V>, force: boolean): Promise<V> {
    const { pending, lastError } = entry;
    if (force) return pending !== undefined && entry.forced ? pending : this.#load(entry, true);
    if (pending !== undefined) return pending;
    const retryInMs = this.#backoffLeft(entry);
    return lastError !== undefined && retryInMs > 0
      ? Promise.reject(backingOff(lastError, entry.failures, retryInMs))
      : this.#load(entry, false);
  }

  /** How long a key that failed transiently is still left alone, in milliseconds (0 or less: not). */
  #backoffLeft<V>(entry: Entry<V>): number {
    return entry.lastError === undefined ? 0 : entry.retryAt - this.#clock();
  }

  /**
   * A background refresh of a due entry: at once, or with batched refresh by the sweep at the end of
   * the current task, so that every key that falls due in it (and the keys due soon) share calls.
   */
  #refresh<V>(entry: Entry<V>): void {
    if (!this.#batching || !entry.batchable) {
      this.#background(entry, () => this.#load(entry, false));
      return;
    }
    const space = entry.space as CacheSpace<unknown, never>;
    if (this.#due.size === 0) queueMicrotask(() => this.#sweep());
    this.#due.add(space);
  }

  /**
   * Refreshes, in calls of up to 20 ids, every key of the spaces with a due key that is due or
   * nearly so (within `refreshAheadMs`), has a value, no load in flight and no backoff left.
   */
  #sweep(): void {
    const spaces = [...this.#due];
    this.#due.clear();
    const now = this.#clock();
    const sweepFrom = Math.max(0, this.#refreshFrom - this.#options.refreshAheadMs);
    for (const space of spaces) {
      const due: Entry<unknown>[] = [];
      for (const entry of space.entries.values() as IterableIterator<Entry<unknown>>) {
        if (
          entry.batchable &&
          entry.hasValue &&
          entry.pending === undefined &&
          now >= entry.retryAt &&
          now - entry.fetchedAt >= sweepFrom
        ) {
          due.push(entry);
        }
      }
      // As few calls as the limit allows, of even sizes (21 keys: 11 and 10, not 20 and a lone 1).
      const size = Math.ceil(due.length / Math.ceil(due.length / BATCH_REFRESH_SIZE));
      for (let start = 0; start < due.length; start += size) this.#refreshBatch(space, due.slice(start, start + size));
    }
  }

  /**
   * One batch call for `entries` (a lone key: its own load, the same one call without needing the
   * batch permission); each entry takes its own share as a load. A batch refused as a
   * whole with `ACCESS_DENIED` is read again key by key, and batching stops for this cache.
   */
  #refreshBatch(space: CacheSpace<unknown, never>, entries: readonly Entry<unknown>[]): void {
    if (entries.length === 1) {
      const entry = entries[0] as Entry<unknown>;
      this.#background(entry, () => this.#load(entry, false));
      return;
    }
    let loads: Promise<unknown>[];
    try {
      loads = (space.loadMany as NonNullable<CacheSpace<unknown, never>["loadMany"]>)(entries.map(({ id }) => id));
    } catch (error) {
      loads = entries.map(() => Promise.reject(error));
    }
    const denied = Promise.allSettled(loads).then(allDenied);
    for (const [index, entry] of entries.entries()) {
      const own = loads[index] ?? Promise.reject(new TypeError("loadMany returned too few promises"));
      own.catch(ignore);
      const source = denied.then((refused) => {
        if (!refused) return own;
        this.#batching = false;
        return entry.load(false);
      });
      this.#background(entry, () => this.#load(entry, false, source));
    }
  }

  /** Starts a background refresh of `entry` with `load`, published on `secretwrangler:refresh` when someone listens. */
  #background<V>(entry: Entry<V>, load: () => Promise<V>): void {
    this.#refreshFrom = this.#steadyRefreshFrom;
    if (!refreshChannel.hasSubscribers) {
      load();
      return;
    }
    const event: RefreshEvent = {
      source: "cache",
      operation: entry.space.operation,
      id: entry.id,
      transport: this.#transport ?? "",
    };
    traced(refreshChannel, event, load, { settled: noteRecord }).catch(ignore);
  }

  /**
   * Starts a load (or adopts `source`, a batch's share) and stores its value if it is the newest.
   * Past `loadTimeoutMs` the load is given up: its readers get `TIMEOUT` and the key backs off. An
   * answer that comes after that is still stored if no newer load has stored one (it is as good as
   * any); a failure that comes after that is ignored (the timeout was reported already).
   */
  #load<V>(entry: Entry<V>, force: boolean, source?: Promise<V>, startedAt: number = this.#clock()): Promise<V> {
    const sequence = ++entry.started;
    let loaded: Promise<V>;
    try {
      loaded = source ?? entry.load(force);
    } catch (error) {
      loaded = Promise.reject(error);
    }
    /** Whether this load's readers have their outcome: it settled, or it timed out. */
    let over = false;
    const promise = new Promise<V>((resolve, reject) => {
      const fail = (error: unknown): void => {
        over = true;
        if (entry.pending === promise) entry.pending = undefined;
        // A load overtaken by a newer stored value says nothing about the key any more: only its
        // own readers hear of its failure.
        if (sequence > entry.stored) this.#failed(entry, error);
        this.#settled(entry);
        reject(error);
      };
      const { loadTimeoutMs } = this.#options;
      const timer = setTimeout(
        () => fail(loadTimeoutError(entry.space.operation, entry.id, this.#transport, loadTimeoutMs)),
        loadTimeoutMs,
      );
      timer.unref();
      loaded.then(
        (raw) => {
          clearTimeout(timer);
          let value: V;
          try {
            value = entry.space.freeze(raw);
          } catch (error) {
            if (!over) fail(error);
            return;
          }
          if (!over && entry.pending === promise) entry.pending = undefined;
          if (sequence > entry.stored && entry.space.entries.get(entry.key) === entry) {
            entry.value = value;
            entry.hasValue = true;
            entry.fetchedAt = startedAt;
            entry.stored = sequence;
            entry.failures = 0;
            entry.lastError = undefined;
            entry.retryAt = 0;
          }
          this.#settled(entry);
          if (over) return;
          over = true;
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          if (!over) fail(error);
        },
      );
    });
    entry.pending = promise;
    entry.forced = force;
    // A background refresh has no reader; its failure is reported through onError instead.
    promise.catch(ignore);
    return promise;
  }

  /**
   * A reader's outcome of a load: its value, or on a transient failure the last good value. A
   * traced `read` is told which (and the version served).
   */
  #settle<V>(entry: Entry<V>, pending: Promise<V>, demand: Freshness, read?: ServedFields): Promise<V> {
    let settled = pending;
    if (this.#options.staleOnError && !demand.forceRefresh && demand.maxAgeMs === undefined) {
      settled = pending.catch((error: unknown) => {
        if (!isTransient(error) || !entry.hasValue) throw error;
        if (read !== undefined) noteServed(read, "stale", this.#clock() - entry.fetchedAt, entry.value);
        return entry.value as V;
      });
    }
    if (read === undefined) return settled;
    return settled.then((value) => {
      noteRecord(read, value);
      return value;
    });
  }

  #failed<V>(entry: Entry<V>, error: unknown): void {
    const transient = isTransient(error);
    entry.failures++;
    let retryInMs: number | undefined;
    if (transient) {
      retryInMs = jitteredBackoff(entry.failures - 1, this.#options.backoffMs, this.#options.maxBackoffMs);
      entry.retryAt = this.#clock() + retryInMs;
      entry.lastError = error;
    } else if (entry.space.entries.get(entry.key) === entry) {
      // Not found, access denied, ...: the value is gone for good; the next read asks again.
      this.#drop(entry as Entry<unknown>);
    }
    const { onError, staleOnError } = this.#options;
    if (onError === undefined) return;
    try {
      onError({
        operation: entry.space.operation,
        id: entry.id,
        error,
        servingStale: transient && staleOnError && entry.hasValue,
        failures: entry.failures,
        retryInMs,
      });
    } catch {
      // A broken logging hook must not break reads.
    }
  }

  /** Removes an entry and forgets its value, so no reader falls back to it. */
  #drop(entry: Entry<unknown>): void {
    this.#remove(entry);
    entry.value = undefined;
    entry.hasValue = false;
  }

  #remove(entry: Entry<unknown>): void {
    if (entry.space.entries.get(entry.key) !== entry) return;
    entry.space.entries.delete(entry.key);
    if (entry.detached) {
      this.#detached.delete(entry);
      entry.detached = false;
    } else {
      this.#unlink(entry);
    }
    this.#size--;
  }

  #touch(entry: Entry<unknown>): void {
    this.#unlink(entry);
    this.#link(entry);
  }

  #link(entry: Entry<unknown>): void {
    entry.older = this.#newest;
    entry.newer = undefined;
    if (this.#newest) this.#newest.newer = entry;
    this.#newest = entry;
    this.#oldest ??= entry;
  }

  #unlink(entry: Entry<unknown>): void {
    if (entry.newer) entry.newer.older = entry.older;
    else this.#newest = entry.older;
    if (entry.older) entry.older.newer = entry.newer;
    else this.#oldest = entry.newer;
    entry.newer = undefined;
    entry.older = undefined;
  }
}
