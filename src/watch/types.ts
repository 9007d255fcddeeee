/**
 * The public types of watch handles: the options of `watchSecret` / `watchParameter`, the handle,
 * its change events, the hooks' events and the scheduler tests inject. See `docs/watch.md`.
 */
import type { SecretsErrorCode } from "../core/errors.js";
import type { StandardSchemaV1 } from "../core/schema.js";
import type { DeepReadonly } from "../read/options.js";
import type { ParameterType } from "../transport/types.js";

/**
 * Why a watch read again:
 *
 * - `initial`: the first read, before the handle is returned.
 * - `interval`: the jittered schedule (`intervalMs`).
 * - `rotation-due`: shortly after the secret's next rotation date (a transport with `describeSecret`).
 * - `transport-notified`: the transport said its values changed (`watchChanges`: a file edited).
 * - `forced`: a caller asked, with `handle.refresh()`.
 * - `written`: the client wrote the secret or parameter (`putSecretValue`, `putParameter`, ...).
 *
 * @example
 * ```ts
 * const reason: WatchReason = 'rotation-due';
 * ```
 */
export type WatchReason = "initial" | "interval" | "rotation-due" | "transport-notified" | "forced" | "written";

/**
 * What a watch follows: a secret or an SSM parameter.
 *
 * @example
 * ```ts
 * const kind: WatchKind = 'parameter';
 * ```
 */
export type WatchKind = "secret" | "parameter";

/**
 * One finished re-read, as the `onRefresh` hook sees it: ids, versions and why, never a value.
 *
 * @example
 * ```ts
 * const onRefresh = ({ id, reason, previousVersionId, versionId, changed }: WatchRefreshEvent) =>
 *   log.info({ id, reason, previousVersionId, versionId, changed });
 * ```
 */
export interface WatchRefreshEvent {
  /** The secret id or parameter name, as given to the watch. */
  readonly id: string;
  readonly kind: WatchKind;
  readonly reason: WatchReason;
  /** The version the watch held before this read (`undefined` for the first read). */
  readonly previousVersionId: string | undefined;
  /** The version this read returned (a parameter's version number as text). */
  readonly versionId: string | undefined;
  /** Whether the backend returned a new version (or, without version ids, different content). */
  readonly changed: boolean;
}

/**
 * A failure a handle lived through: a re-read that failed (it is retried with backoff), a new
 * version that does not parse or validate (it is not delivered), or a rotation-date lookup that
 * failed. The handle keeps serving its last good value. Never holds a value.
 *
 * @example
 * ```ts
 * const onError = ({ id, phase, code, versionId, rejectedVersionId }: WatchErrorEvent) =>
 *   log.warn({ id, phase, code, versionId, rejectedVersionId });
 * ```
 */
export interface WatchErrorEvent {
  /** The secret id or parameter name, as given to the watch. */
  readonly id: string;
  readonly kind: WatchKind;
  /** What failed: the read, the decoding of a new version (`NOT_JSON`, `SCHEMA_MISMATCH`, `WRONG_TYPE`), or `describeSecret`. */
  readonly phase: "read" | "decode" | "describe";
  readonly reason: WatchReason;
  /** The error's code: a `SecretsError`'s `code`, or `TRANSPORT` for anything else a transport threw. */
  readonly code: SecretsErrorCode;
  /** The error (a value-free `SecretsError` from the library and the built-in transports). */
  readonly error: unknown;
  /** The version the handle still serves. */
  readonly versionId: string | undefined;
  /** For `phase: "decode"`: the version that was refused. */
  readonly rejectedVersionId: string | undefined;
  /** For a failed read: how long until the next try, in milliseconds. */
  readonly retryInMs: number | undefined;
}

/**
 * A new value a handle took on. `value` is deep-frozen and shared; it is not enumerable, and
 * `util.inspect` / `JSON.stringify` of a change show its ids and versions only.
 *
 * @example
 * ```ts
 * handle.onChange(({ value, previousVersionId, versionId, reason }) => pool.reconfigure(value));
 * ```
 */
export interface WatchChange<T> {
  readonly id: string;
  readonly kind: WatchKind;
  /** The new value, as `current` now holds it. */
  readonly value: DeepReadonly<T>;
  readonly versionId: string | undefined;
  readonly previousVersionId: string | undefined;
  readonly reason: WatchReason;
}

/**
 * A value that follows a secret or parameter: `current` always holds the last good value,
 * synchronously, and never throws. Close it (or `using` it) when done: the last handle on an id
 * stops its schedule. `util.inspect` and `JSON.stringify` show the id and version only.
 *
 * Iterating it (`for await (const change of handle)`) yields the changes that happen after the
 * iteration starts, each iterator with its own buffer of at most `bufferSize` changes not yet
 * taken: past it the oldest is dropped (the newest value always arrives). The iteration ends when
 * the handle is closed.
 *
 * @example
 * ```ts
 * using db = await secrets.watch('prod/db', { schema: DbSecret });
 * connect(db.current.password);
 * const stop = db.onChange(({ value }) => pool.rotatePassword(value.password));
 * ```
 */
export interface WatchHandle<T> extends AsyncIterable<WatchChange<T>> {
  /** The secret id or parameter name, as given. */
  readonly id: string;
  readonly kind: WatchKind;
  /** The last good value: deep-frozen, shared, never older than the last successful re-read. */
  readonly current: DeepReadonly<T>;
  /** The version of `current` (a parameter's version number as text), when the backend reports one. */
  readonly versionId: string | undefined;
  /** Whether {@link WatchHandle.close} was called. */
  readonly closed: boolean;
  /**
   * Calls `listener` after each change, once `current` holds the new value. Returns a function that
   * stops it. A listener that throws is ignored.
   */
  onChange(listener: (change: WatchChange<T>) => void): () => void;
  /**
   * Reads again now, past every cache (`forceRefresh`), shared with the other handles on this id.
   * Resolves once the handles hold what was read; rejects with the read's error (which `onError`
   * hears of too). On a closed handle, resolves at once.
   */
  refresh(): Promise<void>;
  /** Stops this handle: no more changes, iterations end. The last handle on an id stops its schedule. Idempotent. */
  close(): void;
  /** {@link WatchHandle.close}, for `using`. */
  [Symbol.dispose](): void;
  /** Ends with `close()`; see the interface. */
  [Symbol.asyncIterator](): AsyncIterator<WatchChange<T>, undefined>;
  /** The id and version, never the value. */
  toJSON(): { id: string; kind: WatchKind; versionId: string | undefined; closed: boolean };
}

/**
 * The timers and clock a watch runs on; inject one in tests. A handle sets at most three timers at
 * once and clears each when it fires or the watch stops. The default uses Node's timers, unref'd,
 * and `Date.now`.
 *
 * @example
 * ```ts
 * const scheduler: WatchScheduler = {
 *   now: () => fakeNow,
 *   setTimeout: (callback, ms) => fakeTimers.add(callback, ms),
 *   clearTimeout: (timer) => fakeTimers.delete(timer),
 * };
 * ```
 */
export interface WatchScheduler {
  /** Wall-clock milliseconds (rotation dates are wall-clock dates). */
  now(): number;
  /** Calls `callback` once after `ms` milliseconds; returns what `clearTimeout` takes. */
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
  /** A number in [0, 1) for the jitter. @default Math.random */
  random?: (() => number) | undefined;
}

/**
 * The options every watch takes.
 *
 * @example
 * ```ts
 * const options: WatchOptions = { intervalMs: 300_000, onError: (event) => log.warn(event) };
 * ```
 */
export interface WatchOptions {
  /**
   * The least time between two scheduled re-reads, from 1000 (1 s) to 86400000 (1 day). Each gap
   * is drawn between `intervalMs` and `intervalMs × 1.1`, so many processes do not read in step. Each
   * re-read asks for a value at most `intervalMs × 0.9` old (`maxAgeMs`): a cache in front answers
   * when another reader fetched one that recently. Handles on one id share the smallest interval
   * among them.
   * @default 60000 (1 minute)
   */
  readonly intervalMs?: number | undefined;
  /**
   * Also read shortly after the secret's next rotation date, when the transport can tell it
   * (`describeSecret`): 5 to 30 s after it, then up to 3 follow-ups within 4 minutes until the new
   * version shows. Secrets only.
   * @default true
   */
  readonly rotation?: boolean | undefined;
  /** How many changes each `for await` iteration holds that were not taken yet, 1 to 1000; past it the oldest is dropped. @default 16 */
  readonly bufferSize?: number | undefined;
  /** Told about each finished re-read (ids, versions, reason; never a value). Must not throw. */
  readonly onRefresh?: ((event: WatchRefreshEvent) => void) | undefined;
  /** Told about each failed re-read and each refused version (never a value). Must not throw. */
  readonly onError?: ((event: WatchErrorEvent) => void) | undefined;
  /** Cancels waiting for the first value (`ABORTED`); once the handle is returned, firing it closes the handle. */
  readonly signal?: AbortSignal | undefined;
  /** The clock and timers, for tests. Handles share a schedule only if they share this. */
  readonly scheduler?: WatchScheduler | undefined;
}

/**
 * Options of a secret watch: which stage to follow, the schema the value must match, and the
 * {@link WatchOptions}.
 *
 * @example
 * ```ts
 * await watchSecret(transport, 'prod/db', { schema: DbSecret, versionStage: 'AWSCURRENT', intervalMs: 120_000 });
 * ```
 */
export interface WatchSecretOptions extends WatchOptions {
  /** Any Standard Schema (zod 4, valibot, arktype, ...) each new value must match; a value that does not is not delivered. */
  readonly schema?: StandardSchemaV1 | undefined;
  /** The staging label to follow. @default "AWSCURRENT" */
  readonly versionStage?: string | undefined;
  /** Refused: a version id never changes, so there is nothing to watch. Follow a `versionStage`. */
  readonly versionId?: undefined;
}

/**
 * Options of a parameter watch: which label to follow, `decrypt`, the expected `type`, and the
 * {@link WatchOptions}.
 *
 * @example
 * ```ts
 * await watchParameter(transport, '/my-app/prod/hosts', { type: 'StringList', label: 'live' });
 * ```
 */
export interface WatchParameterOptions extends WatchOptions {
  /** Follow the version this label is on. */
  readonly label?: string | undefined;
  /** Decrypt a `SecureString`. @default true */
  readonly decrypt?: boolean | undefined;
  /** The type the parameter must have: narrows `current`; a new version of another type is not delivered. */
  readonly type?: ParameterType | undefined;
  /** Refused: a version number never changes, so there is nothing to watch. Follow a `label`. */
  readonly version?: undefined;
}
