/**
 * A watch handle: the last good value of one secret or parameter, synchronously, and its changes
 * as listeners and as an async iteration with a bounded buffer. Internal: `watch.ts` makes them.
 */
import { abortable } from "../core/abort.js";
import { ArgumentError } from "../core/errors.js";
import type { DeepReadonly } from "../read/options.js";
import type { NormalizedWatchOptions } from "./options.js";
import { callHook, errorCode, type SharedWatch, type WatchClient } from "./shared.js";
import type { WatchChange, WatchHandle, WatchKind, WatchReason } from "./types.js";

/** `Symbol.dispose`, or Node's own name for it where it is missing (Node before 20.4). */
const DISPOSE: symbol = Symbol.dispose ?? Symbol.for("nodejs.dispose");
const INSPECT = Symbol.for("nodejs.util.inspect.custom");

type Inspect = (value: unknown, options?: unknown) => string;

function ignore(): void {}

/** What a handle needs to know of its records, besides its schedule. */
export interface HandleSetup<R> {
  readonly id: string;
  readonly kind: WatchKind;
  /** The transport's name, for errors. */
  readonly transport: string;
  readonly options: NormalizedWatchOptions;
  /** The record's value for this handle: parsed, validated, frozen (or a promise of it). Throws a value-free error. */
  decode(record: R): unknown;
  versionOf(record: R): string | undefined;
}

/** A change as listeners get it: the value is there but not enumerable, and never printed. */
class Change<T> implements WatchChange<T> {
  readonly id: string;
  readonly kind: WatchKind;
  declare readonly value: DeepReadonly<T>;
  readonly versionId: string | undefined;
  readonly previousVersionId: string | undefined;
  readonly reason: WatchReason;

  constructor(
    handle: { readonly id: string; readonly kind: WatchKind },
    value: unknown,
    versionId: string | undefined,
    previousVersionId: string | undefined,
    reason: WatchReason,
  ) {
    this.id = handle.id;
    this.kind = handle.kind;
    Object.defineProperty(this, "value", { value, enumerable: false });
    this.versionId = versionId;
    this.previousVersionId = previousVersionId;
    this.reason = reason;
    Object.freeze(this);
  }

  toJSON(): Record<string, unknown> {
    const { id, kind, versionId, previousVersionId, reason } = this;
    return { id, kind, versionId, previousVersionId, reason };
  }

  static {
    Object.defineProperty(Change.prototype, INSPECT, {
      value(this: Change<unknown>, _depth: number, options: unknown, inspect: Inspect): string {
        return `WatchChange ${inspect(this.toJSON(), options)}`;
      },
    });
  }
}

/** One `for await` iteration: a bounded queue of changes not yet taken, and the `next()` calls waiting. */
class Iteration<T> implements AsyncIterator<WatchChange<T>, undefined> {
  readonly #queue: WatchChange<T>[] = [];
  readonly #waiting: ((result: IteratorResult<WatchChange<T>, undefined>) => void)[] = [];
  readonly #bufferSize: number;
  readonly #onEnd: (iteration: Iteration<T>) => void;
  #done = false;

  constructor(bufferSize: number, onEnd: (iteration: Iteration<T>) => void) {
    this.#bufferSize = bufferSize;
    this.#onEnd = onEnd;
  }

  push(change: WatchChange<T>): void {
    if (this.#done) return;
    const waiter = this.#waiting.shift();
    if (waiter !== undefined) {
      waiter({ value: change, done: false });
      return;
    }
    this.#queue.push(change);
    // Full: the oldest change goes, so the newest value always arrives.
    if (this.#queue.length > this.#bufferSize) this.#queue.shift();
  }

  /** Ends the iteration: changes still queued are delivered first, then `done`. */
  end(): void {
    if (this.#done) return;
    this.#done = true;
    this.#onEnd(this);
    for (const waiter of this.#waiting.splice(0)) waiter({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<WatchChange<T>, undefined>> {
    const change = this.#queue.shift();
    if (change !== undefined) return Promise.resolve({ value: change, done: false });
    if (this.#done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** `break` out of the loop: the iteration ends and drops what it holds. */
  return(): Promise<IteratorResult<WatchChange<T>, undefined>> {
    this.#queue.length = 0;
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }
}

/** The handle. Its fields are private: `util.inspect` and `JSON.stringify` show {@link Handle.toJSON}. */
export class Handle<T, R> implements WatchHandle<T>, WatchClient<R> {
  readonly #setup: HandleSetup<R>;
  readonly #core: SharedWatch<R>;
  readonly #listeners = new Set<(change: WatchChange<T>) => void>();
  readonly #iterations = new Set<Iteration<T>>();
  #record: R | undefined;
  #value: unknown;
  #versionId: string | undefined;
  #started = false;
  #closed = false;
  #chain: Promise<void> = Promise.resolve();
  #stopSignal: (() => void) | undefined;
  readonly #onClose: () => void;

  /** @param onClose - called once, when the handle closes (the registry forgets it). */
  constructor(setup: HandleSetup<R>, core: SharedWatch<R>, onClose: () => void) {
    this.#setup = setup;
    this.#core = core;
    this.#onClose = onClose;
  }

  get id(): string {
    return this.#setup.id;
  }

  get kind(): WatchKind {
    return this.#setup.kind;
  }

  get current(): DeepReadonly<T> {
    return this.#value as DeepReadonly<T>;
  }

  get versionId(): string | undefined {
    return this.#versionId;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Joins the schedule and takes its first value; rejects (and closes) if that fails or the signal fires. */
  async start(): Promise<void> {
    const { signal } = this.#setup.options;
    this.#core.attach(this, this.#setup.options);
    try {
      await abortable(
        async () => {
          await this.#core.ready();
          if (this.#closed) return;
          const record = this.#core.latest as R;
          this.#started = true;
          this.#chain = this.#apply(record, "initial", true);
          await this.#chain;
        },
        signal,
        { operation: "watch", secretId: this.#setup.id, transport: this.#setup.transport },
      );
    } catch (error) {
      this.close();
      throw error;
    }
    if (signal !== undefined) {
      const onAbort = (): void => this.close();
      signal.addEventListener("abort", onAbort, { once: true });
      this.#stopSignal = () => signal.removeEventListener("abort", onAbort);
    }
  }

  deliver(record: R, reason: WatchReason): Promise<void> {
    if (!this.#started || this.#closed) return Promise.resolve();
    this.#chain = this.#chain.catch(ignore).then(() => this.#apply(record, reason, false));
    return this.#chain;
  }

  /** Decodes a record and takes it on; a refused one is reported (or, for the first, thrown). */
  async #apply(record: R, reason: WatchReason, initial: boolean): Promise<void> {
    if (this.#closed || (!initial && record === this.#record)) return;
    const { decode, versionOf, options, id, kind } = this.#setup;
    let value: unknown;
    try {
      value = decode(record);
      if (value instanceof Promise) value = await value;
    } catch (error) {
      if (initial) throw error;
      callHook(options.onError, {
        id,
        kind,
        phase: "decode",
        reason,
        code: errorCode(error),
        error,
        versionId: this.#versionId,
        rejectedVersionId: versionOf(record),
        retryInMs: undefined,
      });
      return;
    }
    if (this.#closed) return;
    const previousVersionId = this.#versionId;
    this.#record = record;
    this.#value = value;
    this.#versionId = versionOf(record);
    if (initial) return;
    const change = new Change<T>(this, value, this.#versionId, previousVersionId, reason);
    for (const listener of [...this.#listeners]) {
      try {
        listener(change);
      } catch {
        // ignored, as documented
      }
    }
    for (const iteration of this.#iterations) iteration.push(change);
  }

  onChange(listener: (change: WatchChange<T>) => void): () => void {
    if (typeof listener !== "function") {
      throw new ArgumentError("watch: onChange takes a function");
    }
    if (this.#closed) return ignore;
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  async refresh(): Promise<void> {
    if (this.#closed) return;
    await this.#core.refresh("forced");
    await this.#chain.catch(ignore);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#listeners.clear();
    this.#stopSignal?.();
    for (const iteration of [...this.#iterations]) iteration.end();
    this.#core.detach(this);
    this.#onClose();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchChange<T>, undefined> {
    const iteration = new Iteration<T>(this.#setup.options.bufferSize, (ended) => this.#iterations.delete(ended));
    if (this.#closed) iteration.end();
    else this.#iterations.add(iteration);
    return iteration;
  }

  toJSON(): { id: string; kind: WatchKind; versionId: string | undefined; closed: boolean } {
    return { id: this.id, kind: this.kind, versionId: this.#versionId, closed: this.#closed };
  }

  static {
    // Where the runtime has no Symbol.dispose (Node before 20.4), `using` looks for Node's own name of it.
    if (DISPOSE !== Symbol.dispose) {
      Object.defineProperty(Handle.prototype, DISPOSE, {
        value: Handle.prototype.close,
        writable: true,
        configurable: true,
      });
    }
    Object.defineProperty(Handle.prototype, INSPECT, {
      value(this: Handle<unknown, unknown>, _depth: number, options: unknown, inspect: Inspect): string {
        return `WatchHandle ${inspect(this.toJSON(), options)}`;
      },
    });
  }
}
