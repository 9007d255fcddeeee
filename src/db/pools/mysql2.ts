/**
 * `mysql2Pool`: a real mysql2 pool whose new connections always log in with the newest login.
 * mysql2 copies the pool's `config.connectionConfig` for each new connection, so the login (user
 * and password together) is written there before each connection is made; the pool's
 * `getConnection()` (which `query()`, `execute()` and the promise wrapper go through) recovers from
 * a rejected login. mysql2 is never imported here: the caller passes its module.
 */
import { ArgumentError, SecretsError } from "../../core/errors.js";
import type { DbSecret } from "../engines/index.js";
import { type MySqlSecret, type Mysql2AdapterOptions, mysql2Options } from "../engines/mysql.js";
import { checkPoolOptions, checkSecretId, type DbPoolOptions, startRotation } from "./options.js";
import type { LoginTicket } from "./rotation.js";

/**
 * What `mysql2Pool` needs of the `mysql2` module: `createPool` (`import mysql from 'mysql2'` or
 * `'mysql2/promise'`).
 *
 * @example
 * ```ts
 * import mysql from 'mysql2/promise';
 * const driver: Mysql2Driver = mysql;
 * ```
 */
export interface Mysql2Driver {
  readonly createPool: (config: never) => object;
}

/** The connection options the secret decides: refused in `poolOptions`. */
const LOGIN_KEYS = ["user", "password", "password1", "passwordSha1", "host", "port", "database", "uri"] as const;

/**
 * The pool options of the `mysql2` you pass, without the ones the secret decides.
 *
 * @example
 * ```ts
 * const poolOptions: Mysql2PoolConfig<typeof mysql> = { connectionLimit: 10, maxIdle: 2, idleTimeout: 10_000 };
 * ```
 */
export type Mysql2PoolConfig<M extends Mysql2Driver> = Omit<
  M["createPool"] extends (config: infer C) => unknown ? Exclude<C, string> : never,
  (typeof LOGIN_KEYS)[number]
>;

/**
 * Options of {@link mysql2Pool}: the {@link DbPoolOptions}, mysql2's pool options and TLS.
 *
 * @example
 * ```ts
 * const options: Mysql2PoolOptions<typeof mysql> = { client: secrets, engine: 'mariadb', poolOptions: { connectionLimit: 10 } };
 * ```
 */
export interface Mysql2PoolOptions<
  M extends Mysql2Driver,
  E extends "mysql" | "aurora-mysql" | "mariadb" | undefined = undefined,
> extends DbPoolOptions<E> {
  /** What `mysql.createPool()` takes, except the login (`user`, `password`, `host`, `port`, `database`, `uri`). */
  readonly poolOptions?: Mysql2PoolConfig<M> | undefined;
  /** Overrides the secret's `ssl`, as in `mysql2Options(db, { ssl })`. */
  readonly ssl?: Mysql2AdapterOptions<object>["ssl"];
}

const OPERATION = "mysql2Pool";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

type Callback = (error: unknown, connection?: unknown) => void;

interface CorePool {
  config: { connectionConfig: Record<string, unknown> };
  getConnection(callback: Callback): void;
  end(callback?: unknown): unknown;
}

/** The callback pool: the promise wrapper's `pool`, or the pool itself. */
function corePoolOf(pool: unknown): CorePool | undefined {
  const candidates = [isRecord(pool) ? pool.pool : undefined, pool];
  for (const candidate of candidates) {
    if (
      isRecord(candidate) &&
      typeof candidate.getConnection === "function" &&
      typeof candidate.end === "function" &&
      isRecord(candidate.config) &&
      isRecord(candidate.config.connectionConfig)
    ) {
      return candidate as unknown as CorePool;
    }
  }
  return undefined;
}

/** Sets a field not enumerable: `util.inspect(pool)` and `JSON.stringify` do not show it. */
function setHidden(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: false, writable: true, configurable: true });
}

/**
 * A mysql2 pool (what the `createPool` you pass returns: the callback pool of `mysql2`, the promise
 * pool of `mysql2/promise`) that follows the DB secret `id` with a watch: each new connection logs
 * in with the newest login, username and password together, so both rotation strategies work. A
 * connect the database rejects (`ER_ACCESS_DENIED_ERROR`) triggers one forced re-read per failure
 * burst, tries `AWSPENDING` during the rotation window and retries within `authRetryBudgetMs`.
 * Open connections are kept. `pool.end()` also stops the watch. The password is kept out of
 * `util.inspect(pool)`.
 *
 * The `mysql2` module is a parameter, so `secretwrangler/db` loads without it. Throws `CONFIG` when
 * the pool it makes lacks `config.connectionConfig` (a mysql2 this library does not know).
 *
 * @example
 * ```ts
 * import mysql from 'mysql2/promise';
 * const pool = await mysql2Pool(mysql, 'prod/mariadb', {
 *   client: secrets,
 *   engine: 'mariadb',
 *   poolOptions: { connectionLimit: 10 },
 * });
 * const [rows] = await pool.query('SELECT 1 AS one');
 * await pool.end();
 * ```
 */
export async function mysql2Pool<
  M extends Mysql2Driver,
  E extends "mysql" | "aurora-mysql" | "mariadb" | undefined = undefined,
>(mysql: M, id: string, options: Mysql2PoolOptions<NoInfer<M>, E> = {}): Promise<ReturnType<M["createPool"]>> {
  if (!isRecord(mysql) || typeof mysql.createPool !== "function") {
    throw new ArgumentError(`${OPERATION}: pass the mysql2 module (import mysql from "mysql2") as the first argument`);
  }
  checkSecretId(OPERATION, id);
  const checked = checkPoolOptions(OPERATION, options, ["poolOptions", "ssl"]);
  const given = options as Mysql2PoolOptions<Mysql2Driver, "mysql">;
  const poolOptions: Record<string, unknown> = (given.poolOptions as Record<string, unknown> | undefined) ?? {};
  if (!isRecord(poolOptions)) throw new ArgumentError(`${OPERATION}: "poolOptions" must be an object`);
  for (const key of LOGIN_KEYS) {
    if (key in poolOptions) {
      throw new ArgumentError(`${OPERATION}: "poolOptions.${key}" is not allowed: the login comes from the secret`);
    }
  }
  const ssl = given.ssl;
  if (ssl !== undefined && typeof ssl !== "boolean" && typeof ssl !== "string" && !isRecord(ssl)) {
    throw new ArgumentError(`${OPERATION}: "ssl" must be a boolean, a string or an object`);
  }
  const engine = checked.settings.parse.engine ?? "mysql";
  if (!["mysql", "aurora-mysql", "mariadb"].includes(engine)) {
    throw new ArgumentError(`${OPERATION}: "engine" must be mysql, aurora-mysql or mariadb`);
  }
  const adapter: Mysql2AdapterOptions<object> = ssl === undefined ? {} : { ssl };
  const rotation = await startRotation<DbSecret>(id, {
    ...checked,
    settings: { ...checked.settings, parse: { ...checked.settings.parse, engine } },
  });
  const first = mysql2Options(rotation.ticket.login as MySqlSecret, adapter);
  let pool: object;
  try {
    pool = mysql.createPool({ ...poolOptions, ...first } as never);
  } catch (error) {
    rotation.close();
    throw error;
  }
  const core = corePoolOf(pool);
  if (core === undefined) {
    rotation.close();
    throw new SecretsError({
      code: "CONFIG",
      operation: OPERATION,
      secretId: id,
      detail: "the pool that mysql2's createPool returned has no config.connectionConfig",
      hint: "use mysql2 3.x, or rotatingPool() with your own create and destroy",
    });
  }
  const base = core.config.connectionConfig;
  const apply = (ticket: LoginTicket): void => {
    const login = mysql2Options(ticket.login as MySqlSecret, adapter);
    base.user = login.user;
    base.host = login.host;
    base.port = login.port;
    if (login.database !== undefined) base.database = login.database;
    setHidden(base, "password", login.password);
  };
  apply(rotation.ticket);

  const getConnection = core.getConnection;
  const end = core.end;
  // Instance properties over the prototype's: query(), execute(), the promise pool and the queue
  // of waiting callers all call this.getConnection().
  setHidden(core as unknown as Record<string, unknown>, "getConnection", function getRotating(callback: Callback) {
    rotation
      .run(
        (ticket) =>
          new Promise<unknown>((resolve, reject) => {
            // The new connection copies this config synchronously, so it logs in with this ticket.
            apply(ticket);
            getConnection.call(core, (error, connection) => (error ? reject(error) : resolve(connection)));
          }),
      )
      .then(
        (connection) => callback(null, connection),
        (error: unknown) => callback(error),
      );
  });
  setHidden(core as unknown as Record<string, unknown>, "end", function endRotating(callback?: unknown) {
    rotation.close();
    return end.call(core, callback);
  });
  return pool as ReturnType<M["createPool"]>;
}
