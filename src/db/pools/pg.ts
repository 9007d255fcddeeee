/**
 * `pgPool`: a real `pg.Pool` whose new connections always log in with the newest login. The pool's
 * `Client` is a subclass that takes the login (user and password together) when pg-pool creates
 * it; the pool's `connect()` (which `pool.query()` goes through) recovers from a rejected login.
 * pg is never imported here: the caller passes its module.
 */
import { ArgumentError } from "../../core/errors.js";
import type { DbEngine, DbSecret } from "../engines/index.js";
import type { PostgresSecret } from "../engines/postgres.js";
import { type PgAdapterOptions, pgOptions } from "../engines/postgres.js";
import type { RedshiftSecret } from "../engines/redshift.js";
import { checkPoolOptions, checkSecretId, type DbPoolOptions, startRotation } from "./options.js";
import type { LoginTicket } from "./rotation.js";

/**
 * What `pgPool` needs of the `pg` module: its `Pool` and `Client` classes (`import pg from 'pg'`).
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * const driver: PgDriver = pg;
 * ```
 */
export interface PgDriver {
  readonly Pool: new (config?: never) => object;
  readonly Client: new (config?: never) => object;
}

/** The engines a pg pool serves. */
type PgEngine = "postgres" | "aurora-postgresql" | "redshift";

/** The connection options the secret decides: refused in `poolOptions`. */
const LOGIN_KEYS = ["user", "password", "host", "port", "database", "connectionString"] as const;

/**
 * The pool options of the `pg` you pass, without the ones the secret decides.
 *
 * @example
 * ```ts
 * const poolOptions: PgPoolConfig<typeof pg> = { max: 10, idleTimeoutMillis: 10_000, maxLifetimeSeconds: 900 };
 * ```
 */
export type PgPoolConfig<M extends PgDriver> = Omit<
  M["Pool"] extends new (config?: infer C) => unknown ? NonNullable<C> : never,
  (typeof LOGIN_KEYS)[number]
>;

/**
 * Options of {@link pgPool}: the {@link DbPoolOptions}, pg's pool options and TLS.
 *
 * @example
 * ```ts
 * const options: PgPoolOptions<typeof pg> = { client: secrets, poolOptions: { max: 10 }, ssl: { ca: rdsCaBundle } };
 * ```
 */
export interface PgPoolOptions<M extends PgDriver, E extends PgEngine | undefined = undefined>
  extends DbPoolOptions<E> {
  /** What `new pg.Pool()` takes, except the login (`user`, `password`, `host`, `port`, `database`, `connectionString`). */
  readonly poolOptions?: PgPoolConfig<M> | undefined;
  /** Overrides the secret's `ssl`, as in `pgOptions(db, { ssl })`. */
  readonly ssl?: PgAdapterOptions["ssl"];
}

const OPERATION = "pgPool";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Which login a failed connect used: set on the error by the pool's client. */
const FAILED_WITH = new WeakMap<object, LoginTicket>();

/**
 * A `pg.Pool` (an instance of the `pg.Pool` you pass, so `instanceof pg.Pool` holds) that follows the
 * DB secret `id` with a watch: each new connection logs in with the newest login, username and
 * password together, so both rotation strategies (single user, alternating users) work. A connect
 * the database rejects (`28P01`) triggers one forced re-read per failure burst, tries `AWSPENDING`
 * during the rotation window and retries within `authRetryBudgetMs`; `pool.query()` and
 * `pool.connect()` do not fail during a rotation. Open connections are kept. `pool.end()` also
 * stops the watch.
 *
 * The `pg` module is a parameter, so `secretwrangler/db` loads without it.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * const pool = await pgPool(pg, 'prod/db', {
 *   client: secrets,
 *   poolOptions: { max: 10, idleTimeoutMillis: 30_000 },
 *   onRefresh: (event) => log.info(event),
 * });
 * const { rows } = await pool.query('SELECT now()');
 * await pool.end();
 * ```
 */
export async function pgPool<M extends PgDriver, E extends PgEngine | undefined = undefined>(
  pg: M,
  id: string,
  options: PgPoolOptions<NoInfer<M>, E> = {},
): Promise<InstanceType<M["Pool"]>> {
  if (!isRecord(pg) || typeof pg.Pool !== "function" || typeof pg.Client !== "function") {
    throw new ArgumentError(`${OPERATION}: pass the pg module (import pg from "pg") as the first argument`);
  }
  checkSecretId(OPERATION, id);
  const checked = checkPoolOptions(OPERATION, options, ["poolOptions", "ssl"]);
  const given = options as PgPoolOptions<PgDriver, PgEngine>;
  const poolOptions: Record<string, unknown> = (given.poolOptions as Record<string, unknown> | undefined) ?? {};
  if (!isRecord(poolOptions)) throw new ArgumentError(`${OPERATION}: "poolOptions" must be an object`);
  for (const key of LOGIN_KEYS) {
    if (key in poolOptions) {
      throw new ArgumentError(`${OPERATION}: "poolOptions.${key}" is not allowed: the login comes from the secret`);
    }
  }
  if (poolOptions.Client !== undefined && typeof poolOptions.Client !== "function") {
    throw new ArgumentError(`${OPERATION}: "poolOptions.Client" must be a pg Client class`);
  }
  if (given.ssl !== undefined && typeof given.ssl !== "boolean" && !isRecord(given.ssl)) {
    throw new ArgumentError(`${OPERATION}: "ssl" must be a boolean or an object`);
  }
  const settings = {
    ...checked,
    settings: {
      ...checked.settings,
      parse: { ...checked.settings.parse, engine: checked.settings.parse.engine ?? "postgres" },
    },
  };
  const engine = settings.settings.parse.engine as DbEngine;
  if (!["postgres", "aurora-postgresql", "redshift"].includes(engine)) {
    throw new ArgumentError(`${OPERATION}: "engine" must be postgres, aurora-postgresql or redshift`);
  }
  const adapter: PgAdapterOptions = given.ssl === undefined ? {} : { ssl: given.ssl };
  const rotation = await startRotation<DbSecret>(id, settings);
  const login = (ticket: LoginTicket): Record<string, unknown> => {
    const connection = pgOptions(ticket.login as PostgresSecret | RedshiftSecret, adapter) as unknown as Record<
      string,
      unknown
    >;
    return connection;
  };

  // biome-ignore lint/suspicious/noExplicitAny: subclassing the caller's pg classes
  const BaseClient = (poolOptions.Client ?? pg.Client) as new (config?: any) => any;
  class RotatingClient extends BaseClient {
    readonly #ticket: LoginTicket;
    constructor(config?: Record<string, unknown>) {
      const ticket = rotation.ticket;
      super({ ...config, ...login(ticket) });
      this.#ticket = ticket;
    }

    connect(callback?: (error?: unknown) => void): unknown {
      const tag = (error: unknown): void => {
        if (typeof error === "object" && error !== null) FAILED_WITH.set(error, this.#ticket);
      };
      if (typeof callback === "function") {
        return super.connect((error?: unknown) => {
          if (error) tag(error);
          callback(error);
        });
      }
      return (super.connect() as Promise<unknown>).catch((error: unknown) => {
        tag(error);
        throw error;
      });
    }
  }

  // biome-ignore lint/suspicious/noExplicitAny: as above
  const BasePool = pg.Pool as new (config?: any) => any;
  class RotatingPgPool extends BasePool {
    connect(callback?: (error: unknown, client?: unknown, done?: (release?: unknown) => void) => void): unknown {
      const connected = rotation.run(
        () => super.connect() as Promise<{ release: (release?: unknown) => void }>,
        (error) => (typeof error === "object" && error !== null ? FAILED_WITH.get(error) : undefined),
      );
      if (typeof callback !== "function") return connected;
      connected.then(
        (client) => callback(undefined, client, client.release),
        (error: unknown) => callback(error, undefined, () => {}),
      );
      return undefined;
    }

    end(callback?: () => void): unknown {
      rotation.close();
      return super.end(callback);
    }
  }

  return new RotatingPgPool({ ...poolOptions, Client: RotatingClient }) as InstanceType<M["Pool"]>;
}
