/**
 * The options every rotation-safe pool takes, checked in one place (a programming mistake is an
 * {@link ArgumentError} naming the option, never a value), and the watch that feeds a pool.
 */
import type { SecretsClient } from "../../client/client.js";
import { getDefaultClient } from "../../client/default-client.js";
import { ArgumentError } from "../../core/errors.js";
import type { WatchErrorEvent, WatchRefreshEvent, WatchScheduler } from "../../watch/types.js";
import { isDbAuthError } from "../auth-errors.js";
import type { DbSecretRefreshEvent } from "../connect.js";
import { canonicalEngine, type DbEngine, type DbSecret, ENGINE_TABLE } from "../engines/index.js";
import { createDbSecretSchema, type ParseDbSecretOptions } from "../schemas.js";
import type { DbSecretDefaults } from "../shared.js";
import { checkBudget, LoginRotation, type LoginRotationSettings, type LoginSource } from "./rotation.js";

/**
 * How the watch behind a pool follows the secret: the `secrets.watch()` options a pool passes on.
 *
 * @example
 * ```ts
 * const watch: DbPoolWatchOptions = { intervalMs: 30_000, onError: (event) => log.warn(event) };
 * ```
 */
export interface DbPoolWatchOptions {
  /** How often the secret is read again, from 1000 to 86400000. @default 60000 */
  readonly intervalMs?: number | undefined;
  /** Also read shortly after the secret's next rotation date (`DescribeSecret`). @default true */
  readonly rotation?: boolean | undefined;
  /** Told about each of the watch's re-reads (ids, versions, reason; never a value). */
  readonly onRefresh?: ((event: WatchRefreshEvent) => void) | undefined;
  /** Told about each failed re-read and each refused version (never a value). */
  readonly onError?: ((event: WatchErrorEvent) => void) | undefined;
  /** The clock and timers, for tests. */
  readonly scheduler?: WatchScheduler | undefined;
}

/**
 * The options every rotation-safe pool takes ({@link pgPool}, {@link mysql2Pool},
 * {@link rotatingPool}): where the login comes from, and how a rejected login is recovered from.
 *
 * @example
 * ```ts
 * const options: DbPoolOptions<'postgres'> = {
 *   client: secrets,
 *   engine: 'postgres',
 *   authRetryBudgetMs: 20_000,
 *   onRefresh: ({ secretId, reason, versionStage, versionId }) => log.info({ secretId, reason, versionStage, versionId }),
 * };
 * ```
 */
export interface DbPoolOptions<E extends DbEngine | undefined = undefined> extends ParseDbSecretOptions<E> {
  /** The client to read and watch through. @default the default client */
  readonly client?: SecretsClient | undefined;
  /** How the secret is watched. */
  readonly watch?: DbPoolWatchOptions | undefined;
  /**
   * How long a connect that fails with a login error keeps recovering and retrying before the
   * error is thrown, in milliseconds, 0 to 600000. 0: one recovery, one retry.
   * @default 30000
   */
  readonly authRetryBudgetMs?: number | undefined;
  /**
   * When the re-read `AWSCURRENT` holds the login that failed, try `AWSPENDING`: between the
   * rotation function's `setSecret` and `finishSecret` steps, the database has the new password
   * before Secrets Manager promotes it. Needs `secretsmanager:GetSecretValue` on that stage.
   * @default true
   */
  readonly tryPending?: boolean | undefined;
  /** Decides which errors mean "wrong credentials". @default isDbAuthError */
  readonly isAuthError?: ((error: unknown) => boolean) | undefined;
  /**
   * Told about each login refresh: a recovery after a rejected login (`reason` is the driver's
   * code) and each new version the watch took on (`reason` is the watch's: `interval`,
   * `rotation-due`, `forced`, ...). Ids, versions and reasons, never a login. What it throws is ignored.
   */
  readonly onRefresh?: ((event: DbSecretRefreshEvent) => void) | undefined;
}

const KNOWN_OPTIONS = [
  "client",
  "engine",
  "defaults",
  "watch",
  "authRetryBudgetMs",
  "tryPending",
  "isAuthError",
  "onRefresh",
] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Refuses anything but a plain options object, or a key not in `known`. */
export function checkOptionKeys(operation: string, options: unknown, known: readonly string[]): void {
  if (!isRecord(options)) throw new ArgumentError(`${operation}: options must be an object`);
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new ArgumentError(`${operation}: unknown option "${key}"`);
  }
}

/** A checked function option, or `undefined`. */
export function optionalFunction<F>(operation: string, name: string, value: unknown): F | undefined {
  if (value !== undefined && typeof value !== "function") {
    throw new ArgumentError(`${operation}: "${name}" must be a function`);
  }
  return value as F | undefined;
}

/** A checked secret id. */
export function checkSecretId(operation: string, id: unknown): string {
  if (typeof id !== "string" || id.trim() === "") {
    throw new ArgumentError(`${operation}: the secret id must be a non-empty string`);
  }
  return id;
}

/** The expected engine, checked; `engine: undefined` reads the secret's own `engine` field. */
function checkEngine(operation: string, value: unknown): DbEngine | undefined {
  if (value === undefined) return undefined;
  const engine = typeof value === "string" ? canonicalEngine(value) : undefined;
  if (engine === undefined) throw new ArgumentError(`${operation}: "engine" must be one of ${ENGINE_TABLE.list}`);
  return engine as DbEngine;
}

/** The `defaults` option, checked for shape (its fields are checked by the schema). */
function checkDefaults(operation: string, value: unknown): DbSecretDefaults | undefined {
  if (value !== undefined && !isRecord(value)) throw new ArgumentError(`${operation}: "defaults" must be an object`);
  return value as DbSecretDefaults | undefined;
}

function checkClient(operation: string, value: unknown): SecretsClient {
  if (value === undefined) return getDefaultClient();
  if (!isRecord(value) || typeof value.watch !== "function" || typeof value.getSecretValue !== "function") {
    throw new ArgumentError(`${operation}: "client" must be a SecretsClient (createSecretsClient())`);
  }
  return value as unknown as SecretsClient;
}

const WATCH_OPTIONS = ["intervalMs", "rotation", "onRefresh", "onError", "scheduler"] as const;

/** The options of a pool, checked; `extra` names the options the caller handles itself. */
export function checkPoolOptions(
  operation: string,
  options: unknown,
  extra: readonly string[] = [],
): { readonly settings: Omit<LoginRotationSettings, "id">; readonly watch: DbPoolWatchOptions } {
  checkOptionKeys(operation, options, [...KNOWN_OPTIONS, ...extra]);
  const given = options as DbPoolOptions<DbEngine | undefined>;
  const watch = given.watch ?? {};
  checkOptionKeys(`${operation}: "watch"`, watch, WATCH_OPTIONS);
  if (given.tryPending !== undefined && typeof given.tryPending !== "boolean") {
    throw new ArgumentError(`${operation}: "tryPending" must be a boolean`);
  }
  const parse = { engine: checkEngine(operation, given.engine), defaults: checkDefaults(operation, given.defaults) };
  return {
    settings: {
      client: checkClient(operation, given.client),
      parse,
      budgetMs: checkBudget(operation, given.authRetryBudgetMs),
      tryPending: given.tryPending ?? true,
      isAuthError: optionalFunction(operation, "isAuthError", given.isAuthError) ?? isDbAuthError,
      onRefresh: optionalFunction(operation, "onRefresh", given.onRefresh),
    },
    watch,
  };
}

/** Opens the watch behind a pool and the rotation over it. Rejects as the watch's first read does. */
export async function startRotation<S extends DbSecret>(
  id: string,
  checked: ReturnType<typeof checkPoolOptions>,
): Promise<LoginRotation<S>> {
  const { settings, watch } = checked;
  const handle = await settings.client.watch(id, { ...watch, schema: createDbSecretSchema(settings.parse) });
  return new LoginRotation<S>(handle as unknown as LoginSource<S>, { ...settings, id });
}
