/**
 * Driver adapters: plain option objects, built fresh on each call (drivers mutate their `ssl`
 * options), that spread into the drivers' own options. No driver is imported; the shapes are the
 * drivers' documented option names.
 */
import type { ConnectionOptions as TlsOptions } from "node:tls";
import { SecretsError } from "../core/errors.js";
import { DB_ENGINES, type DbEngineFamily } from "./engines.js";
import type { DbSecret, MySqlSecret, OracleSecret, PostgresSecret, RedshiftSecret, SqlServerSecret } from "./types.js";

/** Fails with `CONFIG` when a plain-JS caller hands an adapter a secret of another engine. */
export function assertFamily(db: DbSecret, families: readonly DbEngineFamily[], operation: string): void {
  const family = DB_ENGINES[db?.engine]?.family;
  if (family !== undefined && families.includes(family)) return;
  throw new SecretsError({
    code: "CONFIG",
    operation,
    detail: `${operation} needs a ${families.join(" or ")} secret${family ? `, not ${family}` : ""}`,
  });
}

/** An IPv6 address in brackets, as URLs and connect strings want it; other hosts as they are. */
export function bracketHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

/** TLS for pg and mysql2: `true` for verified TLS with the system CAs, `false` for none, or the driver's TLS options. */
export type DbTlsOption = boolean | TlsOptions;

/** Options of {@link pgOptions}. */
export interface PgAdapterOptions {
  /** Overrides the secret's `ssl`. `true` is verified TLS; pass `{ ca }` for the RDS CA bundle. */
  readonly ssl?: DbTlsOption | undefined;
}

/** The part of pg's `ClientConfig` / `PoolConfig` a DB secret decides. */
export interface PgConnectionOptions {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  ssl?: DbTlsOption;
}

/**
 * Options for `pg` (`new pg.Pool(...)`, `new pg.Client(...)`, knex's `connection`), from a
 * PostgreSQL, Aurora PostgreSQL or Redshift secret.
 *
 * @example
 * ```ts
 * const db = await getDbSecret('prod/db', { engine: 'postgres', client: secrets });
 * const pool = new pg.Pool({ ...pgOptions(db, { ssl: { ca: rdsCaBundle } }), max: 10 });
 * ```
 */
export function pgOptions(db: PostgresSecret | RedshiftSecret, options: PgAdapterOptions = {}): PgConnectionOptions {
  assertFamily(db, ["postgres", "redshift"], "pgOptions");
  const ssl = options.ssl ?? db.ssl;
  return {
    host: db.host,
    port: db.port,
    user: db.username,
    password: db.password,
    database: db.dbname,
    ...(ssl === undefined ? {} : { ssl: typeof ssl === "object" ? { ...ssl } : ssl }),
  };
}

/** Options of {@link mysql2Options}; `Tls` is the type of the TLS options you pass, kept in the result. */
export interface Mysql2AdapterOptions<Tls extends object = never> {
  /**
   * Overrides the secret's `ssl`. `true` is verified TLS, `false` none; an object is passed to
   * mysql2 (e.g. `{ ca }`); a string names a mysql2 SSL profile.
   */
  readonly ssl?: boolean | string | Tls | undefined;
}

/** The part of mysql2's `ConnectionOptions` / `PoolOptions` a DB secret decides. */
export interface Mysql2ConnectionOptions<Tls extends object = never> {
  host: string;
  port: number;
  user: string;
  password: string;
  database?: string;
  ssl?: string | Tls | { rejectUnauthorized: boolean };
}

/**
 * Options for `mysql2` (`mysql.createPool(...)`, `mysql.createConnection(...)`), from a MySQL,
 * Aurora MySQL or MariaDB secret.
 *
 * @example
 * ```ts
 * const db = await getDbSecret('prod/db', { engine: 'mariadb', client: secrets });
 * const pool = mysql.createPool({ ...mysql2Options(db), connectionLimit: 10 });
 * ```
 */
export function mysql2Options<Tls extends object = never>(
  db: MySqlSecret,
  options: Mysql2AdapterOptions<Tls> = {},
): Mysql2ConnectionOptions<Tls> {
  assertFamily(db, ["mysql"], "mysql2Options");
  const ssl = options.ssl ?? db.ssl;
  return {
    host: db.host,
    port: db.port,
    user: db.username,
    password: db.password,
    ...(db.dbname === undefined ? {} : { database: db.dbname }),
    ...(ssl === undefined || ssl === false
      ? {}
      : { ssl: ssl === true ? { rejectUnauthorized: true } : typeof ssl === "string" ? ssl : { ...ssl } }),
  };
}

/** Options of {@link mssqlOptions}. */
export interface MssqlAdapterOptions {
  /** Encrypt the connection. @default the secret's `ssl`, else `true` (mssql's own default) */
  readonly encrypt?: boolean | undefined;
  /** Accept a certificate that does not verify (local development only). @default false */
  readonly trustServerCertificate?: boolean | undefined;
}

/** The part of mssql's `config` a DB secret decides. */
export interface MssqlConnectionOptions {
  server: string;
  port: number;
  user: string;
  password: string;
  database: string;
  options: { encrypt: boolean; trustServerCertificate: boolean };
}

/**
 * The config for `mssql` (`new mssql.ConnectionPool(...)`, `mssql.connect(...)`), from a SQL Server secret.
 *
 * @example
 * ```ts
 * const db = await getDbSecret('prod/mssql', { engine: 'sqlserver', client: secrets });
 * const pool = await new mssql.ConnectionPool(mssqlOptions(db)).connect();
 * ```
 */
export function mssqlOptions(db: SqlServerSecret, options: MssqlAdapterOptions = {}): MssqlConnectionOptions {
  assertFamily(db, ["sqlserver"], "mssqlOptions");
  return {
    server: db.host,
    port: db.port,
    user: db.username,
    password: db.password,
    database: db.dbname,
    options: {
      encrypt: options.encrypt ?? db.ssl ?? true,
      trustServerCertificate: options.trustServerCertificate ?? false,
    },
  };
}

/** Options of {@link oracledbOptions}. */
export interface OracledbAdapterOptions {
  /** Overrides the secret's `ssl`: `true` connects with `tcps://` (configure the wallet in oracledb). */
  readonly ssl?: boolean | undefined;
}

/** The part of node-oracledb's connection attributes a DB secret decides. */
export interface OracledbConnectionOptions {
  user: string;
  password: string;
  /** Easy Connect: `[tcps://]host:port/service`. */
  connectString: string;
}

/**
 * Connection attributes for `oracledb` (`oracledb.getConnection(...)`, `createPool(...)`), from an
 * Oracle secret: Easy Connect with the secret's `dbname` as the service name.
 *
 * @example
 * ```ts
 * const db = await getDbSecret('prod/oracle', { engine: 'oracle', client: secrets });
 * const connection = await oracledb.getConnection(oracledbOptions(db));
 * ```
 */
export function oracledbOptions(db: OracleSecret, options: OracledbAdapterOptions = {}): OracledbConnectionOptions {
  assertFamily(db, ["oracle"], "oracledbOptions");
  const protocol = (options.ssl ?? db.ssl) ? "tcps://" : "";
  return {
    user: db.username,
    password: db.password,
    connectString: `${protocol}${bracketHost(db.host)}:${db.port}/${db.dbname}`,
  };
}
