/**
 * One schedule per watched id: the re-reads every handle on that id shares. It reads on a jittered
 * interval, shortly after a rotation date the transport reports, and at once when the transport
 * says its values changed or a handle asks; it backs off after failures, tells its handles of each
 * new version, and stops when the last handle leaves. Internal: see `watch.ts` and `docs/watch.md`.
 */
import { jitteredBackoff } from "../core/backoff.js";
import { noteRecord, refreshChannel, traced } from "../core/diagnostics.js";
import { isSecretsError, type SecretsErrorCode } from "../core/errors.js";
import type { DescribeSecretRequest, SecretDescription } from "../transport/types.js";
import { type NormalizedWatchOptions, SCHEDULE } from "./options.js";
import type { WatchErrorEvent, WatchKind, WatchReason, WatchRefreshEvent, WatchScheduler } from "./types.js";

/** What a watch reads from: one secret (a stage) or one parameter (a label), as records. */
export interface WatchSource<R> {
  readonly kind: WatchKind;
  readonly id: string;
  /** The transport's name, for the refresh events. */
  readonly transport: string;
  /** One read; the freshness is `{ maxAgeMs }` for a scheduled read, `{ forceRefresh: true }` otherwise. */
  read(freshness: {
    readonly forceRefresh?: boolean;
    readonly maxAgeMs?: number;
    readonly signal: AbortSignal;
  }): Promise<R>;
  versionOf(record: R): string | undefined;
  /** Whether two records hold the same value (for backends that report no version ids). */
  sameContent(a: R, b: R): boolean;
  /** The rotation schedule, when the transport can tell it (secrets only). */
  readonly describe: ((request: DescribeSecretRequest) => Promise<SecretDescription>) | undefined;
}

/** A handle, as its schedule sees it. */
export interface WatchClient<R> {
  /** The version the handle serves, for its error events. */
  readonly versionId: string | undefined;
  /** A new record: the handle decodes it and, if it is good, takes it on. Never rejects. */
  deliver(record: R, reason: WatchReason): Promise<void>;
}

/** The largest delay a Node timer takes (about 24.8 days). */
const MAX_TIMER_MS = 2_147_483_647;

/** Errors after which the rotation date is not asked for again: asking cannot start working by itself. */
const DESCRIBE_GIVE_UP: ReadonlySet<SecretsErrorCode> = new Set(["ACCESS_DENIED", "CONFIG", "CREDENTIALS"]);

type TimerName = "interval" | "rotation" | "describe";

function ignore(): void {}

/** Calls a hook; what it throws is ignored (a hook must not break the schedule). */
export function callHook<E>(hook: ((event: E) => void) | undefined, event: E): void {
  if (hook === undefined) return;
  try {
    hook(event);
  } catch {
    // ignored, as documented
  }
}

/** The code an error event reports: the `SecretsError`'s, else `TRANSPORT`. */
export function errorCode(error: unknown): SecretsErrorCode {
  return isSecretsError(error) ? error.code : "TRANSPORT";
}

/** One id's schedule, shared by its handles. */
export class SharedWatch<R> {
  readonly #source: WatchSource<R>;
  readonly #scheduler: WatchScheduler;
  readonly #onStop: () => void;
  readonly #clients = new Map<WatchClient<R>, NormalizedWatchOptions>();
  readonly #abort = new AbortController();
  readonly #timers = new Map<TimerName, unknown>();
  #latest: R | undefined;
  #first: Promise<void> | undefined;
  #reading: Promise<void> | undefined;
  #queued: { readonly reason: WatchReason; readonly promise: Promise<void> } | undefined;
  #failures = 0;
  #stopped = false;
  /** When the interval timer fires, on the scheduler's clock. */
  #intervalDue = Number.POSITIVE_INFINITY;
  /** The rotation date a timer is set for, the one whose window is open, and the last one handled. */
  #rotationPlanned: number | undefined;
  #window: { readonly at: number; readonly start: R | undefined } | undefined;
  #rotationHandled: number | undefined;
  #describeStarted = false;
  #describeOff = false;

  constructor(source: WatchSource<R>, scheduler: WatchScheduler, onStop: () => void) {
    this.#source = source;
    this.#scheduler = scheduler;
    this.#onStop = onStop;
  }

  /** The last record read, once the first read succeeded. */
  get latest(): R | undefined {
    return this.#latest;
  }

  /** Whether the schedule has stopped (its last handle left). */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** Adds a handle; the first one starts the schedule. */
  attach(client: WatchClient<R>, options: NormalizedWatchOptions): void {
    this.#clients.set(client, options);
    if (this.#first === undefined) {
      this.#first = this.#read("initial", false);
      this.#first.catch(ignore);
      return;
    }
    // A handle that wants reads more often than the schedule makes them brings the next one forward.
    const gap = options.intervalMs * (1 + SCHEDULE.jitter);
    if (this.#timers.has("interval") && this.#intervalDue > this.#scheduler.now() + gap) {
      this.#setTimer("interval", () => this.#tick(), this.#gap());
    }
    if (this.#latest !== undefined) this.#startDescribing();
  }

  /** Removes a handle; the last one stops the schedule. */
  detach(client: WatchClient<R>): void {
    this.#clients.delete(client);
    if (this.#clients.size === 0) this.stop();
  }

  /** Settles when the first read has: the handles then take {@link SharedWatch.latest}. */
  ready(): Promise<void> {
    return this.#first ?? Promise.resolve();
  }

  /** A forced read, shared with any in flight (`handle.refresh()`, a transport's notification). */
  refresh(reason: WatchReason): Promise<void> {
    return this.#read(reason, true);
  }

  /** Stops every timer and read, and leaves the registry. Idempotent. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const name of [...this.#timers.keys()]) this.#clearTimer(name);
    this.#abort.abort();
    this.#onStop();
  }

  #setTimer(name: TimerName, callback: () => void, ms: number): void {
    this.#clearTimer(name);
    if (this.#stopped) return;
    const timer = this.#scheduler.setTimeout(() => {
      if (this.#timers.get(name) !== timer) return;
      this.#timers.delete(name);
      callback();
    }, ms);
    this.#timers.set(name, timer);
    if (name === "interval") this.#intervalDue = this.#scheduler.now() + ms;
  }

  #clearTimer(name: TimerName): void {
    if (!this.#timers.has(name)) return;
    this.#scheduler.clearTimeout(this.#timers.get(name));
    this.#timers.delete(name);
    if (name === "interval") this.#intervalDue = Number.POSITIVE_INFINITY;
  }

  /** A number in [0, 1) for the jitter: the scheduler's, else `Math.random`. */
  readonly #random = (): number => (this.#scheduler.random ?? Math.random)();

  /** The smallest interval the handles ask for. */
  #intervalMs(): number {
    let smallest: number = SCHEDULE.intervalMs;
    let first = true;
    for (const options of this.#clients.values()) {
      if (first || options.intervalMs < smallest) smallest = options.intervalMs;
      first = false;
    }
    return smallest;
  }

  /** The next gap: `intervalMs` to `intervalMs × 1.1`. */
  #gap(): number {
    return this.#intervalMs() * (1 + SCHEDULE.jitter * this.#random());
  }

  #tick(): void {
    this.#read("interval", false).catch(ignore);
  }

  /** Starts a read, or shares one: a forced read that arrives during a read runs once more after it. */
  #read(reason: WatchReason, force: boolean): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    if (this.#reading !== undefined) {
      if (!force) return this.#reading;
      this.#queued ??= {
        reason,
        promise: this.#reading.catch(ignore).then(() => {
          const queued = this.#queued;
          this.#queued = undefined;
          return this.#read(queued?.reason ?? reason, true);
        }),
      };
      return this.#queued.promise;
    }
    const reading = this.#fetch(reason, force).finally(() => {
      if (this.#reading === reading) this.#reading = undefined;
    });
    this.#reading = reading;
    return reading;
  }

  async #fetch(reason: WatchReason, force: boolean): Promise<void> {
    this.#clearTimer("interval");
    const previous = this.#latest;
    const source = this.#source;
    const { signal } = this.#abort;
    let record: R;
    const read = (): Promise<R> =>
      source.read(
        force
          ? { forceRefresh: true, signal }
          : { maxAgeMs: Math.floor(this.#intervalMs() * SCHEDULE.maxAgeShare), signal },
      );
    try {
      // Published on `secretwrangler:refresh` when someone listens; a cache on the way notes its outcome.
      record = await (refreshChannel.hasSubscribers
        ? traced(
            refreshChannel,
            { source: "watch", operation: source.kind, id: source.id, transport: source.transport, reason },
            read,
            { asRead: true, settled: noteRecord },
          )
        : read());
    } catch (error) {
      if (this.#stopped) return;
      if (reason !== "initial") this.#failed(reason, error);
      throw error;
    }
    if (this.#stopped) return;
    this.#failures = 0;
    const changed = previous === undefined || !this.#same(previous, record);
    if (changed) this.#latest = record;
    const event: WatchRefreshEvent = {
      id: source.id,
      kind: source.kind,
      reason,
      previousVersionId: previous === undefined ? undefined : source.versionOf(previous),
      versionId: source.versionOf(record),
      changed,
    };
    for (const options of [...this.#clients.values()]) callHook(options.onRefresh, event);
    if (changed && previous !== undefined) {
      await Promise.all([...this.#clients.keys()].map((client) => client.deliver(record, reason)));
    }
    if (this.#stopped) return;
    this.#setTimer("interval", () => this.#tick(), this.#gap());
    if (reason === "initial") this.#startDescribing();
  }

  #same(a: R, b: R): boolean {
    const source = this.#source;
    const versionA = source.versionOf(a);
    const versionB = source.versionOf(b);
    if (versionA !== undefined || versionB !== undefined) return versionA === versionB;
    return source.sameContent(a, b);
  }

  /** A failed re-read: told to every handle, retried with backoff (never sooner than the schedule would after a while). */
  #failed(reason: WatchReason, error: unknown): void {
    this.#failures++;
    const intervalMs = this.#intervalMs();
    const retryInMs = jitteredBackoff(
      this.#failures - 1,
      Math.min(SCHEDULE.retryBaseMs, intervalMs),
      2 * intervalMs,
      this.#random,
    );
    this.#setTimer("interval", () => this.#tick(), retryInMs);
    this.#report("read", reason, error, retryInMs);
  }

  #report(phase: WatchErrorEvent["phase"], reason: WatchReason, error: unknown, retryInMs: number | undefined): void {
    const { id, kind } = this.#source;
    for (const [client, options] of [...this.#clients]) {
      callHook(options.onError, {
        id,
        kind,
        phase,
        reason,
        code: errorCode(error),
        error,
        versionId: client.versionId,
        rejectedVersionId: undefined,
        retryInMs,
      });
    }
  }

  #wantsRotation(): boolean {
    for (const options of this.#clients.values()) if (options.rotation) return true;
    return false;
  }

  #startDescribing(): void {
    if (this.#describeStarted || !this.#wantsRotation()) return;
    this.#describeStarted = true;
    this.#describe();
  }

  /** Asks when the next rotation is due, and plans a check shortly after it. */
  #describe(): void {
    const describe = this.#source.describe;
    if (describe === undefined || this.#stopped || this.#describeOff) return;
    this.#clearTimer("describe");
    const { signal } = this.#abort;
    let described: Promise<SecretDescription>;
    try {
      described = describe({ id: this.#source.id, signal });
    } catch (error) {
      described = Promise.reject(error);
    }
    described.then(
      (description) => {
        if (this.#stopped) return;
        this.#planRotation(description?.nextRotationDate);
        this.#setTimer("describe", () => this.#describe(), SCHEDULE.describeIntervalMs);
      },
      (error: unknown) => {
        if (this.#stopped) return;
        this.#report("describe", "rotation-due", error, undefined);
        if (DESCRIBE_GIVE_UP.has(errorCode(error))) this.#describeOff = true;
        else this.#setTimer("describe", () => this.#describe(), SCHEDULE.describeIntervalMs);
      },
    );
  }

  #planRotation(date: Date | undefined): void {
    if (this.#window !== undefined) return;
    const at = date instanceof Date ? date.getTime() : Number.NaN;
    if (!Number.isFinite(at) || at === this.#rotationHandled) {
      this.#clearTimer("rotation");
      this.#rotationPlanned = undefined;
      return;
    }
    if (at === this.#rotationPlanned) return;
    const { rotationDelayMinMs: min, rotationDelayMaxMs: max } = SCHEDULE;
    const delay = Math.max(0, at - this.#scheduler.now()) + min + (max - min) * this.#random();
    this.#clearTimer("rotation");
    this.#rotationPlanned = undefined;
    // A date further out than a timer reaches is planned by a later lookup (one per hour).
    if (delay > MAX_TIMER_MS) return;
    this.#rotationPlanned = at;
    this.#setTimer("rotation", () => this.#rotationCheck(at, 0), delay);
  }

  /** Check `check` of the rotation window of `at`: a forced read, then a follow-up until the new version shows. */
  #rotationCheck(at: number, check: number): void {
    if (check === 0) this.#window = { at, start: this.#latest };
    this.#read("rotation-due", true)
      .catch(ignore)
      .then(() => {
        if (this.#stopped || this.#window?.at !== at) return;
        if (this.#latest !== this.#window.start || check >= SCHEDULE.rotationFollowUps) {
          this.#window = undefined;
          this.#rotationPlanned = undefined;
          this.#rotationHandled = at;
          this.#describe();
          return;
        }
        const delay = jitteredBackoff(
          check,
          SCHEDULE.rotationFollowUpBaseMs,
          SCHEDULE.rotationFollowUpMaxMs,
          this.#random,
        );
        this.#setTimer("rotation", () => this.#rotationCheck(at, check + 1), delay);
      });
  }
}
