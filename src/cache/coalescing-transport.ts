/**
 * Single flight without a cache: {@link coalescingTransport} makes concurrent identical reads share
 * one call of the transport it wraps, and keeps nothing once that call has settled. The client puts
 * it in front of a transport it does not cache, so 1000 concurrent cold reads of one secret are one
 * call with the cache off too.
 */
import { abortable } from "../core/abort.js";
import { activeRead, noteRecord, noteServed } from "../core/diagnostics.js";
import { missingResultError } from "../transport/batch.js";
import { tracedTransport } from "../transport/traced.js";
import type {
  BatchOptions,
  BatchResult,
  ParameterRecord,
  ParametersByPathOptions,
  SecretRecord,
  Transport,
} from "../transport/types.js";
import { forwardWrites } from "../transport/write-forwarding.js";
import {
  concerns,
  forwardUntouched,
  frozenCopy,
  loadTimeoutError,
  parameterKey,
  pathKey,
  secretKey,
  shares,
  toBatchResults,
} from "./keys.js";
import { checkLoadTimeout } from "./options.js";

/**
 * Options of {@link coalescingTransport}.
 *
 * @example
 * ```ts
 * const options: CoalescingOptions = { loadTimeoutMs: 10_000 };
 * ```
 */
export interface CoalescingOptions {
  /**
   * How long a shared call may take, in milliseconds, before its readers get a retryable `TIMEOUT`
   * and the next identical read makes a new call: one hung call never pins a key. As the cache's
   * `loadTimeoutMs`. @default 45_000
   */
  readonly loadTimeoutMs?: number | undefined;
}

/** One shared call and how many readers it has: with more than one, they share a frozen copy. */
interface Flight {
  readonly promise: Promise<unknown>;
  readers: number;
  /** The id (secret id, parameter name, path) the call reads. */
  readonly id: string;
}

/** The calls in flight of one transport method (forced ones apart), by key. */
class Flights {
  readonly #calls = new Map<string, Flight>();
  readonly #forced = new Map<string, Flight>();
  readonly #operation: string;
  readonly #transport: string;
  readonly #loadTimeoutMs: number;

  constructor(operation: string, transport: string, loadTimeoutMs: number) {
    this.#operation = operation;
    this.#transport = transport;
    this.#loadTimeoutMs = loadTimeoutMs;
  }

  /**
   * The call in flight a read can join: a forced read joins only a forced call (one that also
   * bypassed the backend's cache); any other read joins either kind, as in the cache.
   */
  find(key: string, force: boolean): Flight | undefined {
    return force ? this.#forced.get(key) : (this.#calls.get(key) ?? this.#forced.get(key));
  }

  /** Joins the call in flight for `key`, or starts one with `start`. */
  join<V>(key: string, id: string, force: boolean, start: () => Promise<V>): Promise<V> {
    // A traced read: where its value comes from is noted on it (and hidden from the call below).
    const read = activeRead.current;
    activeRead.current = undefined;
    const flight = this.find(key, force);
    let promise: Promise<V>;
    if (flight !== undefined) {
      flight.readers++;
      promise = flight.promise as Promise<V>;
    } else {
      let call: Promise<V>;
      try {
        call = start();
      } catch (error) {
        call = Promise.reject(error);
      }
      promise = this.adopt(key, id, force, call);
    }
    if (read === undefined) return promise;
    noteServed(read, flight === undefined ? "miss" : "coalesced", 0, undefined);
    return promise.then((value) => {
      noteRecord(read, value);
      return value;
    });
  }

  /** Makes `call`, started already, the one call in flight for `key` until it settles or times out. */
  adopt<V>(key: string, id: string, force: boolean, call: Promise<V>): Promise<V> {
    const calls = force ? this.#forced : this.#calls;
    const flight: { promise: Promise<unknown>; readers: number; id: string } = { promise: call, readers: 1, id };
    const promise = new Promise<V>((resolve, reject) => {
      const over = (): void => {
        clearTimeout(timer);
        if (calls.get(key) === flight) calls.delete(key);
      };
      const timer = setTimeout(() => {
        over();
        reject(loadTimeoutError(this.#operation, id, this.#transport, this.#loadTimeoutMs));
      }, this.#loadTimeoutMs);
      timer.unref();
      call.then(
        (value) => {
          over();
          // Readers who joined share one value; a frozen copy, so none of them can change another's.
          try {
            resolve(flight.readers > 1 ? frozenCopy(value) : value);
          } catch (error) {
            reject(error);
          }
        },
        (error: unknown) => {
          over();
          reject(error);
        },
      );
    });
    flight.promise = promise;
    calls.set(key, flight);
    return promise;
  }

  /** Stops sharing the calls of the ids `matches` picks: a read that starts now makes a new call. */
  forget(matches: (id: string) => boolean): void {
    for (const calls of [this.#calls, this.#forced]) {
      for (const [key, flight] of calls) if (matches(flight.id)) calls.delete(key);
    }
  }
}

/** The record of a path read: the path, `recursive` and `decrypt`. */
function pathRequest(options: ParametersByPathOptions, force: boolean): ParametersByPathOptions {
  return { recursive: options.recursive, decrypt: options.decrypt, ...(force ? { forceRefresh: true } : {}) };
}

/**
 * Wraps a transport so that concurrent identical reads share one call, and stores nothing: once the
 * call has settled, the next read makes a new one. Identical means what the cache's keys say: the
 * secret id, `versionId` and `versionStage`; the parameter name, `version`, `label` and `decrypt`;
 * the path, `recursive` and `decrypt`; batches share per id (with single reads and other batches).
 * A `forceRefresh` read joins only a forced call. Each reader's `signal` ends its own wait
 * (`ABORTED`), never the shared call, which runs without a signal, bounded by the transport's own
 * deadlines and by `loadTimeoutMs`. Readers who shared a call get one frozen copy of its record; a
 * lone reader gets the transport's record as it is. The wrapper has the same methods as `inner`.
 *
 * @example
 * ```ts
 * const transport = coalescingTransport(vaultTransport());
 * await Promise.all([transport.getSecretValue({ id: 'prod/db' }), transport.getSecretValue({ id: 'prod/db' })]); // one call
 * ```
 */
export function coalescingTransport(backend: Transport, options: CoalescingOptions = {}): Transport {
  const loadTimeoutMs = checkLoadTimeout(options.loadTimeoutMs, "loadTimeoutMs");
  // What a call goes to: the transport, with each backend call published on `secretwrangler:backend`.
  const inner = tracedTransport(backend);
  const name = inner.name;
  const { batchGetSecretValue, getParameter, getParameters, getParametersByPath } = inner;
  const secrets = new Flights("getSecretValue", name, loadTimeoutMs);
  const parameters = new Flights("getParameter", name, loadTimeoutMs);
  const paths = new Flights("getParametersByPath", name, loadTimeoutMs);
  const decryptKey = (decrypt: boolean | undefined, key: string): string => `${String(decrypt)}\u0000${key}`;

  /**
   * One promise per id of a batch: ids in flight already join their call, the rest are fetched by
   * one call of `fetchMissing` (each once, however often it is asked for) and joinable until it settles.
   */
  function batch<V>(
    flights: Flights,
    ids: readonly string[],
    keyOf: (id: string) => string,
    fetchMissing: (missing: readonly string[]) => Promise<V>[],
  ): Promise<V>[] {
    const joined = new Map<string, Promise<V>>();
    const missing = new Set<string>();
    for (const id of ids) {
      if (joined.has(id) || missing.has(id)) continue;
      const flight = flights.find(keyOf(id), false);
      if (flight === undefined) {
        missing.add(id);
      } else {
        flight.readers++;
        joined.set(id, flight.promise as Promise<V>);
      }
    }
    if (missing.size > 0) {
      const fetched = [...missing];
      const calls = fetchMissing(fetched);
      for (const [index, id] of fetched.entries()) {
        joined.set(id, flights.adopt(keyOf(id), id, false, calls[index] as Promise<V>));
      }
    }
    return ids.map((id) => joined.get(id) as Promise<V>);
  }

  const transport: Transport = {
    name,
    ...(inner.cacheByDefault === undefined ? {} : { cacheByDefault: inner.cacheByDefault }),
    getSecretValue(request) {
      const { id, versionId, versionStage, signal } = request;
      const force = request.forceRefresh === true;
      return abortable(
        () =>
          secrets.join(secretKey(id, versionId, versionStage), id, force, () =>
            inner.getSecretValue({ id, versionId, versionStage, ...(force ? { forceRefresh: true } : {}) }),
          ),
        signal,
        { operation: "getSecretValue", secretId: id, transport: name },
      );
    },
  };
  if (inner.peekSecretValue) transport.peekSecretValue = inner.peekSecretValue.bind(inner);
  if (inner.peekParameter) transport.peekParameter = inner.peekParameter.bind(inner);
  if (inner.close) transport.close = inner.close.bind(inner);
  forwardUntouched(inner, transport);
  // After a write, a read that started before it is not handed to a read that starts after it.
  forwardWrites(inner, transport, ({ ids }) => {
    for (const id of ids) {
      secrets.forget((entryId) => concerns(id, entryId));
      parameters.forget((entryId) => concerns(id, entryId));
      paths.forget((path) => id.startsWith(path));
    }
  });
  if (batchGetSecretValue) {
    transport.batchGetSecretValue = (ids: readonly string[], batchOptions: BatchOptions = {}) =>
      abortable(
        () =>
          toBatchResults(
            ids,
            batch<SecretRecord>(
              secrets,
              ids,
              (id) => id,
              (missing) =>
                shares(batchGetSecretValue.call(inner, missing), missing, (id) =>
                  missingResultError(name, "batchGetSecretValue", id),
                ),
            ),
          ),
        batchOptions.signal,
        { operation: "batchGetSecretValue", transport: name },
      );
  }
  if (getParameter) {
    transport.getParameter = (request) => {
      const { name: parameter, version, label, decrypt, signal } = request;
      const force = request.forceRefresh === true;
      return abortable(
        () =>
          parameters.join(decryptKey(decrypt, parameterKey(request)), parameter, force, () =>
            getParameter.call(inner, {
              name: parameter,
              version,
              label,
              decrypt,
              ...(force ? { forceRefresh: true } : {}),
            }),
          ),
        signal,
        { operation: "getParameter", secretId: parameter, transport: name },
      );
    };
  }
  if (getParameters) {
    transport.getParameters = (names, batchOptions = {}): Promise<BatchResult<ParameterRecord>[]> => {
      const { decrypt, signal } = batchOptions;
      return abortable(
        () =>
          toBatchResults(
            names,
            batch<ParameterRecord>(
              parameters,
              names,
              (parameter) => decryptKey(decrypt, parameterKey({ name: parameter })),
              (missing) =>
                shares(getParameters.call(inner, missing, { decrypt }), missing, (parameter) =>
                  missingResultError(name, "getParameters", parameter),
                ),
            ),
          ),
        signal,
        { operation: "getParameters", transport: name },
      );
    };
  }
  if (getParametersByPath) {
    transport.getParametersByPath = (path, pathOptions = {}) => {
      const force = pathOptions.forceRefresh === true;
      return abortable(
        () =>
          paths.join(pathKey(path, pathOptions.recursive, pathOptions.decrypt), path, force, () =>
            getParametersByPath.call(inner, path, pathRequest(pathOptions, force)),
          ),
        pathOptions.signal,
        { operation: "getParametersByPath", secretId: path, transport: name },
      );
    };
  }
  return transport;
}
