/**
 * Watch handles: a secret or parameter whose `current` value follows the backend without waiting
 * for a reader. One implementation for both: a source (how to read one secret stage or one
 * parameter label) under one shared schedule per id ({@link SharedWatch}), and one handle per
 * caller ({@link Handle}). The handles of one transport live in its {@link WatchRegistry}, so
 * several handles on one id share one schedule. See `docs/watch.md`.
 */
import { concerns } from "../cache/keys.js";
import { deepFreeze } from "../core/freeze.js";
import type { InferSchemaOutput, StandardSchemaV1 } from "../core/schema.js";
import type { ParameterValueOf } from "../read/options.js";
import { assertParameterType, parameterValue } from "../read/parameter-value.js";
import { readParameterValue } from "../read/parameters.js";
import { recordJson } from "../read/secret.js";
import type { ParameterRecord, ParameterType, SecretRecord, Transport } from "../transport/types.js";
import { Handle, type HandleSetup } from "./handle.js";
import {
  type NormalizedParameterWatch,
  type NormalizedSecretWatch,
  parameterWatchOptions,
  secretWatchOptions,
} from "./options.js";
import { SharedWatch, type WatchSource } from "./shared.js";
import type { WatchHandle, WatchKind, WatchParameterOptions, WatchScheduler, WatchSecretOptions } from "./types.js";

/**
 * The watches on one transport: several handles on one id (and the same stage or label, decrypt
 * and scheduler) share one schedule, and the last one closed stops it. Get a transport's registry
 * with {@link watchRegistry}; the client holds its transport's.
 *
 * @example
 * ```ts
 * const watches = watchRegistry(transport);
 * const a = await watches.watchSecret('prod/db');
 * const b = await watches.watchSecret('prod/db', { schema: DbSecret }); // same schedule as a
 * watches.schedules; // 1
 * watches.close(); // closes a and b
 * ```
 */
export interface WatchRegistry {
  /** The transport the watches read through. */
  readonly transport: Transport;
  /** Schedules running now: one per watched id (and stage or label) with at least one open handle. */
  readonly schedules: number;
  /** Handles open now. */
  readonly handles: number;
  /** {@link watchSecret} on this registry's transport: the client's `watch`. */
  readonly watchSecret: WatchMethods["watch"];
  /** {@link watchParameter} on this registry's transport. */
  readonly watchParameter: WatchMethods["watchParameter"];
  /**
   * Reads again at once, past every cache, each watched secret (or parameter) that one of `ids`
   * names (by name, ARN or the record read), and settles when their handles have taken the new
   * values; a failed read goes to `onError` as usual and does not reject. The client calls it after
   * each write, so that `handle.current` shows the value written when the write returns.
   * @example
   * ```ts
   * await watches.refreshWritten('secret', ['prod/db']);
   * ```
   */
  refreshWritten(kind: WatchKind, ids: readonly string[]): Promise<void>;
  /** Closes every handle this registry gave out (their schedules stop). The registry stays usable. */
  close(): void;
}

/**
 * The watch methods of the secrets client: `secrets.watch(id, options)` is {@link watchSecret} and
 * `secrets.watchParameter(name, options)` is {@link watchParameter}, on the client's transport
 * (its cache, when it has one). `secrets.close()` closes them.
 *
 * @example
 * ```ts
 * using db = await secrets.watch('prod/db', { schema: DbSecret });
 * using flag = await secrets.watchParameter('/my-app/prod/flag', { type: 'String' });
 * ```
 */
export interface WatchMethods {
  /**
   * Watches a secret: resolves once its first value is read, with a handle whose synchronous
   * `current` follows the secret. See `docs/watch.md`.
   * @example
   * ```ts
   * using db = await secrets.watch('prod/db', { schema: DbSecret });
   * db.onChange(({ value }) => pool.setPassword(value.password));
   * ```
   */
  watch<S extends StandardSchemaV1>(
    id: string,
    options: WatchSecretOptions & { readonly schema: S },
  ): Promise<WatchHandle<InferSchemaOutput<S>>>;
  watch<T = unknown>(
    id: string,
    options?: WatchSecretOptions & { readonly schema?: undefined },
  ): Promise<WatchHandle<T>>;
  /**
   * Watches an SSM parameter: its latest version, or the one a `label` is on.
   * @example
   * ```ts
   * using hosts = await secrets.watchParameter('/my-app/prod/hosts', { type: 'StringList' });
   * ```
   */
  watchParameter<P extends ParameterType>(
    name: string,
    options: WatchParameterOptions & { readonly type: P },
  ): Promise<WatchHandle<ParameterValueOf<P>>>;
  watchParameter(name: string, options?: WatchParameterOptions): Promise<WatchHandle<string | string[]>>;
}

/** An optional method of the transport, bound (the cache and the coalescer pass these two on). */
function capability<K extends "describeSecret" | "watchChanges">(
  transport: Transport,
  name: K,
): NonNullable<Transport[K]> | undefined {
  const method = transport[name];
  return typeof method === "function" ? (method.bind(transport) as NonNullable<Transport[K]>) : undefined;
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((byte, index) => byte === b[index]);
}

function secretSource(transport: Transport, options: NormalizedSecretWatch): WatchSource<SecretRecord> {
  const { id, versionStage } = options;
  const describe = capability(transport, "describeSecret");
  return {
    kind: "secret",
    id,
    transport: transport.name,
    async read({ forceRefresh, maxAgeMs, signal }) {
      const hit = forceRefresh ? undefined : transport.peekSecretValue?.(id, { versionStage, maxAgeMs });
      return hit ?? (await transport.getSecretValue({ id, versionStage, forceRefresh, maxAgeMs, signal }));
    },
    versionOf: (record) => record.versionId,
    sameContent: (a, b) => a.secretString === b.secretString && sameBytes(a.secretBinary, b.secretBinary),
    describe,
  };
}

function parameterSource(transport: Transport, options: NormalizedParameterWatch): WatchSource<ParameterRecord> {
  const { name, label, decrypt } = options;
  return {
    kind: "parameter",
    id: name,
    transport: transport.name,
    read: ({ forceRefresh, maxAgeMs, signal }) =>
      readParameterValue(transport, name, { label, decrypt, forceRefresh, maxAgeMs, signal }),
    versionOf: (record) => (record.version === undefined ? undefined : String(record.version)),
    sameContent: (a, b) => a.type === b.type && a.value === b.value,
    describe: undefined,
  };
}

const SEPARATOR = "\u0000";

class Registry implements WatchRegistry {
  readonly transport: Transport;
  /** Per scheduler, the schedules by key: handles share a schedule only if they share a scheduler. */
  readonly #schedules = new Map<WatchScheduler, Map<string, SharedWatch<unknown>>>();
  readonly #handles = new Set<Handle<unknown, unknown>>();
  #stopNotifications: (() => void) | undefined;

  constructor(transport: Transport) {
    this.transport = transport;
  }

  get schedules(): number {
    let count = 0;
    for (const byKey of this.#schedules.values()) count += byKey.size;
    return count;
  }

  get handles(): number {
    return this.#handles.size;
  }

  watchSecret(id: string, options?: WatchSecretOptions): Promise<never> {
    return this.#watchSecret(id, options) as Promise<never>;
  }

  async #watchSecret(id: unknown, given: unknown): Promise<WatchHandle<unknown>> {
    const options = secretWatchOptions(id, given);
    const context = { secretId: options.id, transport: this.transport.name };
    const key = ["secret", options.id, options.versionStage ?? ""].join(SEPARATOR);
    return this.#open<SecretRecord>(key, options.scheduler, () => secretSource(this.transport, options), {
      id: options.id,
      kind: "secret",
      transport: this.transport.name,
      options,
      decode: (record) => recordJson(record, context, options.schema),
      versionOf: (record) => record.versionId,
    });
  }

  watchParameter(name: string, options?: WatchParameterOptions): Promise<never> {
    return this.#watchParameter(name, options) as Promise<never>;
  }

  async #watchParameter(name: unknown, given: unknown): Promise<WatchHandle<unknown>> {
    const options = parameterWatchOptions(name, given);
    const context = { operation: "watchParameter", name: options.name, transport: this.transport.name };
    const key = ["parameter", options.name, options.label ?? "", String(options.decrypt)].join(SEPARATOR);
    const { type } = options;
    return this.#open<ParameterRecord>(key, options.scheduler, () => parameterSource(this.transport, options), {
      id: options.name,
      kind: "parameter",
      transport: this.transport.name,
      options,
      decode: (record) =>
        deepFreeze(parameterValue(type === undefined ? record : assertParameterType(record, type, context))),
      versionOf: (record) => (record.version === undefined ? undefined : String(record.version)),
    });
  }

  async #open<R>(
    key: string,
    scheduler: WatchScheduler,
    source: () => WatchSource<R>,
    setup: HandleSetup<R>,
  ): Promise<WatchHandle<unknown>> {
    let byKey = this.#schedules.get(scheduler);
    if (byKey === undefined) {
      byKey = new Map();
      this.#schedules.set(scheduler, byKey);
    }
    let schedule = byKey.get(key) as SharedWatch<R> | undefined;
    if (schedule === undefined || schedule.stopped) {
      const created: SharedWatch<R> = new SharedWatch(source(), scheduler, () => this.#forget(scheduler, key, created));
      schedule = created;
      byKey.set(key, created as SharedWatch<unknown>);
      this.#listen();
    }
    const handle: Handle<unknown, R> = new Handle<unknown, R>(setup, schedule, () =>
      this.#handles.delete(handle as Handle<unknown, unknown>),
    );
    this.#handles.add(handle as Handle<unknown, unknown>);
    await handle.start();
    return handle;
  }

  #forget(scheduler: WatchScheduler, key: string, schedule: SharedWatch<unknown>): void {
    const byKey = this.#schedules.get(scheduler);
    if (byKey?.get(key) === schedule) byKey.delete(key);
    if (byKey?.size === 0) this.#schedules.delete(scheduler);
    if (this.#schedules.size === 0) {
      this.#stopNotifications?.();
      this.#stopNotifications = undefined;
    }
  }

  /** Subscribes once to the transport's change notifications, while any schedule runs. */
  #listen(): void {
    if (this.#stopNotifications !== undefined) return;
    const watchChanges = capability(this.transport, "watchChanges");
    if (watchChanges === undefined) return;
    this.#stopNotifications = watchChanges(() => {
      for (const byKey of [...this.#schedules.values()]) {
        for (const schedule of [...byKey.values()]) schedule.refresh("transport-notified").catch(() => {});
      }
    });
  }

  async refreshWritten(kind: WatchKind, ids: readonly string[]): Promise<void> {
    const reads: Promise<void>[] = [];
    for (const byKey of this.#schedules.values()) {
      for (const [key, schedule] of byKey) {
        const [watchedKind, watched = ""] = key.split(SEPARATOR);
        if (watchedKind !== kind || !ids.some((id) => concerns(id, watched, schedule.latest))) continue;
        reads.push(schedule.refresh("written").catch(() => {}));
      }
    }
    await Promise.all(reads);
  }

  close(): void {
    for (const handle of [...this.#handles]) handle.close();
  }
}

const registries = new WeakMap<Transport, WatchRegistry>();

/**
 * The watch registry of a transport, made on first use: every watch on one transport object goes
 * through it, so handles on one id share one schedule. The client calls it with its transport.
 *
 * @example
 * ```ts
 * const watches = watchRegistry(transport);
 * const db = await watches.watchSecret('prod/db', { schema: DbSecret });
 * process.on('SIGTERM', () => watches.close());
 * ```
 */
export function watchRegistry(transport: Transport): WatchRegistry {
  let registry = registries.get(transport);
  if (registry === undefined) {
    registry = new Registry(transport);
    registries.set(transport, registry);
  }
  return registry;
}

/**
 * Watches a secret: resolves once its value is read (parsed as JSON, validated with `schema`,
 * deep-frozen) and returns a handle whose `current` follows the secret. It reads again every
 * `intervalMs` (jittered; through any cache in front, with `maxAgeMs`), shortly after the next
 * rotation date when the transport reports it (`describeSecret`), and at once when the transport
 * notifies a change (`watchChanges`). A new version that does not parse or validate is not
 * delivered: `current` keeps the last good value and `onError` is told. Handles on one id share
 * one schedule; close each (or `using` it).
 *
 * @example
 * ```ts
 * using db = await watchSecret(transport, 'prod/db', { schema: DbSecret, onError: (event) => log.warn(event) });
 * db.onChange(({ value }) => pool.setPassword(value.password));
 * const password = db.current.password; // synchronous, always the last good value
 * ```
 */
export function watchSecret<S extends StandardSchemaV1>(
  transport: Transport,
  id: string,
  options: WatchSecretOptions & { readonly schema: S },
): Promise<WatchHandle<InferSchemaOutput<S>>>;
export function watchSecret<T = unknown>(
  transport: Transport,
  id: string,
  options?: WatchSecretOptions & { readonly schema?: undefined },
): Promise<WatchHandle<T>>;
export function watchSecret(transport: Transport, id: string, options?: WatchSecretOptions): Promise<never> {
  return watchRegistry(transport).watchSecret(id, options as WatchSecretOptions & { schema?: undefined }) as never;
}

/**
 * Watches an SSM parameter: like {@link watchSecret}, for a parameter's value (`string`, or
 * `string[]` for a `StringList`), following its latest version or a `label`. A change is a new
 * version number. Pass `type` to narrow `current`; a new version of another type is not delivered.
 *
 * @example
 * ```ts
 * using hosts = await watchParameter(transport, '/my-app/prod/hosts', { type: 'StringList' });
 * balancer.setHosts(hosts.current); // readonly string[]
 * for await (const { value } of hosts) balancer.setHosts(value);
 * ```
 */
export function watchParameter<P extends ParameterType>(
  transport: Transport,
  name: string,
  options: WatchParameterOptions & { readonly type: P },
): Promise<WatchHandle<ParameterValueOf<P>>>;
export function watchParameter(
  transport: Transport,
  name: string,
  options?: WatchParameterOptions,
): Promise<WatchHandle<string | string[]>>;
export function watchParameter(transport: Transport, name: string, options?: WatchParameterOptions): Promise<never> {
  return watchRegistry(transport).watchParameter(name, options) as never;
}
