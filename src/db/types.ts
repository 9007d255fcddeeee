/**
 * The shapes of a parsed DB secret: one interface per engine family, discriminated by `engine`.
 * Plain types, no zod: a signature can name them without loading a validator.
 */
import type { DbEngine } from "./engines.js";

/** The fields every parsed DB secret has. */
export interface DbSecretBase {
  /** Host name or IP address (an IPv6 address without brackets). */
  readonly host: string;
  /** TCP port: from the secret, else the caller's `defaults`, else the engine's default. */
  readonly port: number;
  readonly username: string;
  readonly password: string;
  /**
   * The secret's `ssl` field (`true`, `false`, `"true"` or `"false"`), when it has one. The adapters
   * turn `true` into the driver's verified-TLS option; an `ssl` passed to an adapter wins.
   */
  readonly ssl?: boolean | undefined;
  /**
   * Every field of the secret that is not one of the normalized ones, unchanged: `masterarn`,
   * `dbInstanceIdentifier`, `dbClusterIdentifier`, `namespaceName`, your own. Never used by the adapters.
   */
  readonly extra: Readonly<Record<string, unknown>>;
}

/** PostgreSQL and Aurora PostgreSQL. `dbname` defaults to `postgres`. */
export interface PostgresSecret extends DbSecretBase {
  readonly engine: "postgres" | "aurora-postgresql";
  readonly dbname: string;
}

/** MySQL, Aurora MySQL and MariaDB. Without `dbname`, no database is selected. */
export interface MySqlSecret extends DbSecretBase {
  readonly engine: "mysql" | "aurora-mysql" | "mariadb";
  readonly dbname?: string | undefined;
}

/** SQL Server. `dbname` defaults to `master`. */
export interface SqlServerSecret extends DbSecretBase {
  readonly engine: "sqlserver";
  readonly dbname: string;
}

/** Oracle. `dbname` (the service name) is required. */
export interface OracleSecret extends DbSecretBase {
  readonly engine: "oracle";
  readonly dbname: string;
}

/**
 * Amazon Redshift, provisioned (`dbClusterIdentifier` in `extra`) or Serverless (`namespaceName` in
 * `extra`). `dbname` defaults to `dev`.
 */
export interface RedshiftSecret extends DbSecretBase {
  readonly engine: "redshift";
  readonly dbname: string;
}

/** MongoDB and Amazon DocumentDB. `dbname`, when present, is the default (and authentication) database. */
export interface MongoSecret extends DbSecretBase {
  readonly engine: "mongo";
  readonly dbname?: string | undefined;
}

/** A parsed, validated DB secret of any engine. Narrow it on `engine`. */
export type DbSecret = PostgresSecret | MySqlSecret | SqlServerSecret | OracleSecret | RedshiftSecret | MongoSecret;

/** The parsed secret type for each engine a caller can name. */
export interface DbSecretByEngine {
  postgres: PostgresSecret;
  "aurora-postgresql": PostgresSecret;
  mysql: MySqlSecret;
  "aurora-mysql": MySqlSecret;
  mariadb: MySqlSecret;
  sqlserver: SqlServerSecret;
  oracle: OracleSecret;
  redshift: RedshiftSecret;
  mongo: MongoSecret;
}

/** The parsed secret type when the caller names engine `E`; any {@link DbSecret} when it names none. */
export type DbSecretFor<E extends DbEngine | undefined> = E extends DbEngine ? DbSecretByEngine[E] : DbSecret;

/**
 * Connection details that fill the gaps of a secret. RDS-managed secrets (`rds!db-...`,
 * `rds!cluster-...`) hold only `username` and `password`; the rest comes from here. A field the
 * secret has always wins.
 */
export interface DbSecretDefaults {
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  readonly dbname?: string | undefined;
  readonly ssl?: boolean | undefined;
}

/** How a DB secret is parsed. */
export interface ParseDbSecretOptions<E extends DbEngine | undefined = DbEngine | undefined> {
  /**
   * The engine you expect. Used when the secret has no `engine` field; when it has one, it must be of
   * the same family (`aurora-postgresql` passes for `postgres`), else `SCHEMA_MISMATCH`. Also
   * narrows the result type.
   */
  readonly engine?: E;
  /** Connection details for the fields the secret lacks (RDS-managed secrets). */
  readonly defaults?: DbSecretDefaults | undefined;
}
