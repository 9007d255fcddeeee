/**
 * The watch options, checked in one place: a bad argument or option is an {@link ArgumentError}
 * naming it, never a value. Also the schedule's constants, which `docs/watch.md` works from.
 */
import { ArgumentError } from "../core/errors.js";
import { splitSelector } from "../transport/parameter-name.js";
import { PARAMETER_TYPES } from "../transport/types.js";
import type {
  WatchErrorEvent,
  WatchOptions,
  WatchParameterOptions,
  WatchRefreshEvent,
  WatchScheduler,
  WatchSecretOptions,
} from "./types.js";

/** The schedule, in milliseconds unless named otherwise. */
export const SCHEDULE = {
  intervalMs: 60_000,
  minIntervalMs: 1_000,
  maxIntervalMs: 86_400_000,
  /** A gap is `intervalMs × (1 + jitter × random)`. */
  jitter: 0.1,
  /**
   * A scheduled read takes a cached value up to `intervalMs × maxAgeShare` old: one another reader
   * fetched meanwhile, never the watch's own last read (at least `intervalMs` old), whatever the
   * cache's clock resolution.
   */
  maxAgeShare: 0.9,
  /** A failed read is retried after `jitteredBackoff(failures - 1, retryBaseMs, 2 × intervalMs)`. */
  retryBaseMs: 1_000,
  /** The first rotation check: this long after the rotation date, drawn uniformly. */
  rotationDelayMinMs: 5_000,
  rotationDelayMaxMs: 30_000,
  /** Follow-ups after the first check, while no new version shows: `jitteredBackoff(k, 30 s, 120 s)`. */
  rotationFollowUps: 3,
  rotationFollowUpBaseMs: 30_000,
  rotationFollowUpMaxMs: 120_000,
  /** How often the rotation date is looked up again (also once at start and after each rotation window). */
  describeIntervalMs: 3_600_000,
  bufferSize: 16,
  maxBufferSize: 1_000,
} as const;

/** The default scheduler: Node's timers, unref'd so a watch never keeps a process alive, and the wall clock. */
export const NODE_SCHEDULER: WatchScheduler = {
  now: () => Date.now(),
  setTimeout(callback, ms) {
    const timer = setTimeout(callback, ms);
    timer.unref();
    return timer;
  },
  clearTimeout: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
  random: Math.random,
};

/** The common options, checked and filled. */
export interface NormalizedWatchOptions {
  readonly intervalMs: number;
  readonly rotation: boolean;
  readonly bufferSize: number;
  readonly onRefresh: ((event: WatchRefreshEvent) => void) | undefined;
  readonly onError: ((event: WatchErrorEvent) => void) | undefined;
  readonly signal: AbortSignal | undefined;
  readonly scheduler: WatchScheduler;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function optionalFunction<F>(name: string, value: unknown): F | undefined {
  if (value !== undefined && typeof value !== "function")
    throw new ArgumentError(`watch: "${name}" must be a function`);
  return value as F | undefined;
}

function optionalBoolean(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") throw new ArgumentError(`watch: "${name}" must be a boolean`);
  return value;
}

function optionalLabel(name: string, value: unknown): string | undefined {
  if (value !== undefined && (typeof value !== "string" || value === "")) {
    throw new ArgumentError(`watch: "${name}" must be a non-empty string`);
  }
  return value;
}

function checkScheduler(value: unknown): WatchScheduler {
  if (value === undefined) return NODE_SCHEDULER;
  if (
    !isObject(value) ||
    typeof value.now !== "function" ||
    typeof value.setTimeout !== "function" ||
    typeof value.clearTimeout !== "function" ||
    (value.random !== undefined && typeof value.random !== "function")
  ) {
    throw new ArgumentError(
      'watch: "scheduler" must be an object with now(), setTimeout() and clearTimeout() functions (and optionally random())',
    );
  }
  return value as unknown as WatchScheduler;
}

/** Checks the options every watch takes. */
function commonOptions(options: WatchOptions): NormalizedWatchOptions {
  const intervalMs = options.intervalMs ?? SCHEDULE.intervalMs;
  if (
    typeof intervalMs !== "number" ||
    !Number.isFinite(intervalMs) ||
    intervalMs < SCHEDULE.minIntervalMs ||
    intervalMs > SCHEDULE.maxIntervalMs
  ) {
    throw new ArgumentError(
      `watch: "intervalMs" must be a number of milliseconds from ${SCHEDULE.minIntervalMs} to ${SCHEDULE.maxIntervalMs}, got ${String(intervalMs)}`,
    );
  }
  const bufferSize = options.bufferSize ?? SCHEDULE.bufferSize;
  if (!Number.isSafeInteger(bufferSize) || bufferSize < 1 || bufferSize > SCHEDULE.maxBufferSize) {
    throw new ArgumentError(
      `watch: "bufferSize" must be a whole number from 1 to ${SCHEDULE.maxBufferSize}, got ${String(bufferSize)}`,
    );
  }
  const { signal } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new ArgumentError('watch: "signal" must be an AbortSignal');
  }
  return {
    intervalMs,
    rotation: optionalBoolean("rotation", options.rotation, true),
    bufferSize,
    onRefresh: optionalFunction("onRefresh", options.onRefresh),
    onError: optionalFunction("onError", options.onError),
    signal,
    scheduler: checkScheduler(options.scheduler),
  };
}

function checkOptionsObject(options: unknown): asserts options is Record<string, unknown> | undefined {
  if (options !== undefined && !isObject(options)) throw new ArgumentError("watch: the options must be an object");
}

/** A secret watch's options, checked and filled. */
export interface NormalizedSecretWatch extends NormalizedWatchOptions {
  readonly id: string;
  readonly versionStage: string | undefined;
  readonly schema: WatchSecretOptions["schema"];
}

/** Checks a secret watch's id and options. */
export function secretWatchOptions(id: unknown, options: unknown): NormalizedSecretWatch {
  if (typeof id !== "string" || id === "") throw new ArgumentError("watch: secret id must be a non-empty string");
  checkOptionsObject(options);
  const given = (options ?? {}) as WatchSecretOptions;
  if ((given as { versionId?: unknown }).versionId !== undefined) {
    throw new ArgumentError('watch: a version id never changes; follow a "versionStage" instead of "versionId"');
  }
  const { schema } = given;
  if (schema !== undefined) {
    const standard =
      (typeof schema === "object" || typeof schema === "function") && schema !== null && schema["~standard"];
    if (!standard || typeof standard.validate !== "function") {
      throw new ArgumentError('watch: "schema" must be a Standard Schema (zod 4, valibot, arktype, ...)');
    }
  }
  return {
    id,
    versionStage: optionalLabel("versionStage", given.versionStage),
    schema,
    ...commonOptions(given),
  };
}

/** A parameter watch's options, checked and filled. */
export interface NormalizedParameterWatch extends NormalizedWatchOptions {
  readonly name: string;
  readonly label: string | undefined;
  readonly decrypt: boolean;
  readonly type: WatchParameterOptions["type"];
}

/** Checks a parameter watch's name and options. A `:label` in the name is moved into `label`. */
export function parameterWatchOptions(requested: unknown, options: unknown): NormalizedParameterWatch {
  if (typeof requested !== "string" || requested === "") {
    throw new ArgumentError("watch: parameter name must be a non-empty string");
  }
  checkOptionsObject(options);
  const given = (options ?? {}) as WatchParameterOptions;
  const { name, version: nameVersion, label: nameLabel } = splitSelector(requested);
  if ((given as { version?: unknown }).version !== undefined || nameVersion !== undefined) {
    throw new ArgumentError('watch: a parameter version never changes; follow a "label" instead of a version');
  }
  const label = optionalLabel("label", given.label);
  if (label !== undefined && nameLabel !== undefined) {
    throw new ArgumentError('watch: give at most one of "label" and a ":label" in the name');
  }
  if (given.type !== undefined && !PARAMETER_TYPES.includes(given.type)) {
    throw new ArgumentError(`watch: "type" must be ${PARAMETER_TYPES.map((type) => `"${type}"`).join(" or ")}`);
  }
  return {
    name,
    label: label ?? nameLabel,
    decrypt: optionalBoolean("decrypt", given.decrypt, true),
    type: given.type,
    ...commonOptions(given),
  };
}
