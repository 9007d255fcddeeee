/**
 * What the library tells observers: `node:diagnostics_channel` channels, one home for their names
 * and payloads (docs/observability.md is the contract). Each is a tracing channel, so a subscriber
 * sees `start`, `end`, `asyncStart`, `asyncEnd` and `error` of every operation, with one context
 * object that the library fills in as the operation proceeds (outcome, duration, version, code).
 *
 * A payload names the secret id or parameter name, the operation, the transport and the outcome,
 * never a value, a token or a key: the library never puts a record or a result on it (which is why
 * it publishes by hand rather than with `tracePromise`, which would set `result`). With no
 * subscriber, each instrumented call costs one `hasSubscribers` check and allocates nothing.
 */
import { type TracingChannel, type TracingChannelSubscribers, tracingChannel } from "node:diagnostics_channel";
import { isSecretsError, type SecretsErrorCode } from "./errors.js";

/**
 * The names of the library's tracing channels; subscribe with `tracingChannel(name).subscribe()`
 * from `node:diagnostics_channel` (or to `tracing:<name>:start` and the others one by one).
 *
 * - `read`: each read of the client and the agent reader ({@link ReadEvent});
 * - `backend`: each call of a transport method below the cache, reads and writes ({@link BackendEvent});
 * - `refresh`: each background refresh of the cache and each re-read of a watch ({@link RefreshEvent});
 * - `credentials`: each credential load of an `AwsSession` ({@link CredentialsEvent}).
 *
 * @example
 * ```ts
 * import { tracingChannel } from 'node:diagnostics_channel';
 *
 * tracingChannel<unknown, BackendEvent>(CHANNELS.backend).subscribe({
 *   start() {},
 *   end() {},
 *   asyncStart() {},
 *   asyncEnd(event) { console.log(event.operation, event.id, event.durationMs, event.code ?? 'ok'); },
 *   error() {},
 * });
 * ```
 */
export const CHANNELS: {
  readonly read: "secretwrangler:read";
  readonly backend: "secretwrangler:backend";
  readonly refresh: "secretwrangler:refresh";
  readonly credentials: "secretwrangler:credentials";
} = {
  read: "secretwrangler:read",
  backend: "secretwrangler:backend",
  refresh: "secretwrangler:refresh",
  credentials: "secretwrangler:credentials",
};

/**
 * Where a read's value came from:
 * - `hit`: the cache, fresh;
 * - `refresh-ahead`: the cache, in the refresh-ahead window (a background refresh was started);
 * - `stale`: the cache, past its TTL: while the refresh runs, or because the backend failed;
 * - `miss`: a backend call made for this read;
 * - `coalesced`: a backend call already in flight for the same key, shared.
 *
 * @example
 * ```ts
 * const served: CacheOutcome = 'stale';
 * ```
 */
export type CacheOutcome = "hit" | "refresh-ahead" | "stale" | "miss" | "coalesced";

/**
 * The fields every payload gets once its operation has settled.
 *
 * @example
 * ```ts
 * const settled: TraceResult = { durationMs: 12.5, code: 'THROTTLED' };
 * ```
 */
export interface TraceResult {
  /** Milliseconds from `start` to the settling; set before `error` and `asyncStart`. */
  readonly durationMs?: number | undefined;
  /** The `SecretsError` code of a failure (set with `error`). */
  readonly code?: SecretsErrorCode | undefined;
  /** What the operation threw: a value-free `SecretsError` (or a programming error). */
  readonly error?: unknown;
}

/**
 * What is known about the value an operation served or loaded: its version and region, and, for
 * a read, where it came from and how old it was.
 *
 * @example
 * ```ts
 * const served: ServedFields = { outcome: 'hit', ageMs: 1_200, versionId: 'a1b2c3' };
 * ```
 */
export interface ServedFields {
  /**
   * Where the value came from; absent when no cache or coalescer of this library was on the way
   * (the agent reader), and for batch reads.
   */
  readonly outcome?: CacheOutcome | undefined;
  /** How old the value served was, in milliseconds since its backend call started (0 for a miss). */
  readonly ageMs?: number | undefined;
  /** The version id of a secret, the version number of a parameter, when the backend reports it. */
  readonly versionId?: string | undefined;
  /** The AWS region that served the value, when the transport tells (the sdk transport). */
  readonly region?: string | undefined;
}

/**
 * The payload of `secretwrangler:read`: one read of the client or the agent reader.
 *
 * @example
 * ```ts
 * const event: ReadEvent = { operation: 'getSecretJson', id: 'prod/db', transport: 'sdk', outcome: 'hit', ageMs: 950, durationMs: 0.01 };
 * ```
 */
export interface ReadEvent extends ServedFields, TraceResult {
  /** The client method: `getSecret`, `getSecretJson`, `getSecretBinary`, `getSecretValue`, `getSecretsJson`, `getParameter`, `getParameterValue`, `getParameters`, `getParametersByPath`. */
  readonly operation: string;
  /** The secret id, parameter name or path; absent for a batch read. */
  readonly id?: string | undefined;
  /** The ids or names of a batch read. */
  readonly ids?: readonly string[] | undefined;
  /** The transport's name: `sdk`, `agent`, `memory`, ... */
  readonly transport: string;
}

/**
 * The payload of `secretwrangler:backend`: one call of a transport method under the cache (the
 * calls a cache hit saves), built-in or custom transport alike.
 *
 * @example
 * ```ts
 * const event: BackendEvent = {
 *   method: 'getSecretValue', operation: 'GetSecretValue', service: 'SecretsManager', kind: 'read',
 *   transport: 'sdk', id: 'prod/db', region: 'eu-west-1', versionId: 'a1b2c3', durationMs: 38,
 * };
 * ```
 */
export interface BackendEvent extends TraceResult {
  /** The transport method, e.g. `getSecretValue`, `getParametersByPath`, `putSecretValue`. */
  readonly method: string;
  /** The AWS API action it stands for, e.g. `GetSecretValue`, `GetParametersByPath`, `PutSecretValue`. */
  readonly operation: string;
  /** The AWS service of that action. */
  readonly service: "SecretsManager" | "SSM";
  /** Whether the call reads or changes the backend. */
  readonly kind: "read" | "write";
  /** The transport's name. */
  readonly transport: string;
  /** The secret id, parameter name or path the call is about, if one. */
  readonly id?: string | undefined;
  /** The ids or names of a batch call. */
  readonly ids?: readonly string[] | undefined;
  /** The version id (secret) or version number (parameter) the call returned. */
  readonly versionId?: string | undefined;
  /** The ARN the call returned. */
  readonly arn?: string | undefined;
  /** The AWS region that answered, when the transport tells (the sdk transport). */
  readonly region?: string | undefined;
  /** How many results a batch or path call returned. */
  readonly count?: number | undefined;
}

/**
 * The payload of `secretwrangler:refresh`: a background refresh of a cached key (`source: 'cache'`)
 * or a re-read of a watch (`source: 'watch'`, which may be served by the cache: see `outcome`).
 *
 * @example
 * ```ts
 * const event: RefreshEvent = { source: 'cache', operation: 'getSecretValue', id: 'prod/db', transport: 'sdk', durationMs: 41 };
 * ```
 */
export interface RefreshEvent extends ServedFields, TraceResult {
  /** Who refreshes: the cache (refresh-ahead, stale-while-revalidate) or a watch. */
  readonly source: "cache" | "watch";
  /** The cache's transport method (`getSecretValue`, `getParameter`, `getParametersByPath`), or the watch kind (`secret`, `parameter`). */
  readonly operation: string;
  /** The secret id, parameter name or path. */
  readonly id: string;
  /** The transport's name. */
  readonly transport: string;
  /** Why a watch reads: `initial`, `interval`, `rotation`, `change` or `manual`. */
  readonly reason?: string | undefined;
}

/**
 * The payload of `secretwrangler:credentials`: one credential load of an `AwsSession` (the first,
 * and each refresh before expiry). Never the keys or the token.
 *
 * @example
 * ```ts
 * const event: CredentialsEvent = { source: 'assumed role', expiresAt: new Date('2030-01-01'), durationMs: 210 };
 * ```
 */
export interface CredentialsEvent extends TraceResult {
  /** Where the credentials come from: `default chain`, `profile dev`, `static credentials`, ... */
  readonly source: string;
  /** When the credentials loaded expire; absent for long-term keys. */
  readonly expiresAt?: Date | undefined;
}

/** A payload as the library fills it in. */
type Writable<T> = { -readonly [K in keyof T]: T[K] };

export const readChannel: TracingChannel<unknown, ReadEvent> = tracingChannel(CHANNELS.read);
export const backendChannel: TracingChannel<unknown, BackendEvent> = tracingChannel(CHANNELS.backend);
export const refreshChannel: TracingChannel<unknown, RefreshEvent> = tracingChannel(CHANNELS.refresh);
export const credentialsChannel: TracingChannel<unknown, CredentialsEvent> = tracingChannel(CHANNELS.credentials);

/**
 * The read (or watch re-read) whose synchronous start is running: a cache or coalescer that serves
 * it notes its outcome there. Set only while someone subscribes, so the hot path reads `undefined`.
 */
export const activeRead: { current: ServedFields | undefined } = { current: undefined };

/** Whether a read should be traced: someone subscribes, and it is not the inner run of a traced read. */
export function tracesReads(): boolean {
  return readChannel.hasSubscribers && activeRead.current === undefined;
}

/**
 * Copies the version, region and (with `arn`) the ARN of a record, or the count of an array, onto
 * a payload; nothing else of it.
 */
export function noteRecord(event: object, value: unknown, arn = false): void {
  const target = event as Writable<BackendEvent>;
  if (Array.isArray(value)) {
    target.count = value.length;
    return;
  }
  if (typeof value !== "object" || value === null) return;
  const record = value as Record<string, unknown>;
  const { versionId, version, region } = record;
  if (typeof versionId === "string") target.versionId = versionId;
  else if (typeof version === "number") target.versionId = String(version);
  if (arn && typeof record.arn === "string") target.arn = record.arn;
  if (typeof region === "string") target.region = region;
}

/** Notes on a read where its value came from, how old it was, and which version it is. */
export function noteServed(read: ServedFields, outcome: CacheOutcome, ageMs: number, value: unknown): void {
  const target = read as Writable<ServedFields>;
  target.outcome = outcome;
  target.ageMs = ageMs;
  noteRecord(target, value);
}

/**
 * Runs `run` as one traced operation on `channel`: `start` (with its stores bound), `end` after
 * the synchronous part, then `error` on failure and `asyncStart` / `asyncEnd` once settled, each
 * with `context` (at once after `end` when `run` answers without a promise). `settled` may note what
 * the value says (never the value itself). With
 * `asRead`, the synchronous part of `run` sees `context` as the {@link activeRead}.
 */
export function traced<C extends object, T>(
  channel: TracingChannel<unknown, C>,
  context: C,
  run: () => Promise<T>,
  options: { readonly asRead?: boolean; readonly settled?: (context: C, value: T) => void } = {},
): Promise<T> {
  const event = context as C & Writable<TraceResult>;
  const startedAt = performance.now();
  const done = (): void => {
    event.durationMs = performance.now() - startedAt;
  };
  const report = (error: unknown): void => {
    done();
    event.error = error;
    if (isSecretsError(error)) event.code = error.code;
    channel.error.publish(event);
  };
  const failed = (error: unknown): never => {
    report(error);
    channel.asyncStart.publish(event);
    channel.asyncEnd.publish(event);
    throw error;
  };
  return channel.start.runStores(event, () => {
    let promise: Promise<T>;
    const previous = activeRead.current;
    if (options.asRead) activeRead.current = event as ServedFields;
    try {
      promise = run();
    } catch (error) {
      // A synchronous throw (a bad argument): reported, then rethrown as it was.
      report(error);
      throw error;
    } finally {
      activeRead.current = previous;
      channel.end.publish(event);
    }
    const succeeded = (value: T): T => {
      done();
      options.settled?.(context, value);
      channel.asyncStart.publish(event);
      channel.asyncEnd.publish(event);
      return value;
    };
    // A method that answers synchronously (a custom transport's) settles at once, as it was.
    if (!(promise instanceof Promise)) return succeeded(promise as T) as unknown as Promise<T>;
    return promise.then(succeeded, failed);
  });
}

/**
 * Traces one read of the client on `secretwrangler:read`. `run` is the read itself; for one id it
 * runs as the {@link activeRead} (so a read method may call itself as `run`: {@link tracesReads}
 * is false inside), for a batch it does not (a batch notes no outcome).
 */
export function traceRead<T>(
  operation: string,
  subject: string | readonly string[],
  transport: string,
  run: () => Promise<T>,
): Promise<T> {
  // The subject as given: the read itself refuses a wrong one (ArgumentError), traced as a failure.
  const single = !Array.isArray(subject);
  const event: ReadEvent = single
    ? { operation, id: typeof subject === "string" ? subject : undefined, transport }
    : { operation, ids: subject.filter((id: unknown) => typeof id === "string"), transport };
  return traced(readChannel, event, run, { asRead: single });
}

/**
 * Subscriber handlers that call `settled` once per operation: at `asyncEnd`, or at `end` after a
 * synchronous throw (its `error` comes before `end`, and no `asyncEnd` follows); `started` at `start`,
 * `ended` at `end` (when the operation's synchronous part is over).
 * For the library's own subscribers (the otel entry, the CLI's `--verbose`).
 */
export function settledHandlers<E extends TraceResult>(
  settled: (event: E) => void,
  started?: (event: E) => void,
  ended?: (event: E) => void,
): TracingChannelSubscribers<E> {
  const ignore = (): void => {};
  return {
    start: started ?? ignore,
    end: (event) => {
      ended?.(event);
      if (event.error !== undefined) settled(event);
    },
    asyncStart: ignore,
    asyncEnd: settled,
    error: ignore,
  };
}
