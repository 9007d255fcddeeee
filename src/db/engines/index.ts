/**
 * The database engines a DB secret can name, the spellings accepted for each, and what each implies
 * (driver family, default port and database). Plain data: no zod, so the client can use the types
 * without loading a validator.
 */
import { deepFreeze } from "../core/freeze.js";

/**
 * The canonical engine names, as Secrets Manager and RDS write them in a secret's `engine` field.
 * Other spellings (`postgresql`, `aurora`, `docdb`, `sqlserver-ee`, ...) are accepted on input and
 * normalized to one of these.
 */
export type DbEngine =
  | "postgres"
  | "aurora-postgresql"
  | "mysql"
  | "aurora-mysql"
  | "mariadb"
  | "sqlserver"
  | "oracle"
  | "redshift"
  | "mongo";

/** Engines that speak one wire protocol and share one driver, e.g. `mysql2` for MySQL, Aurora MySQL and MariaDB. */
export type DbEngineFamily = "postgres" | "mysql" | "sqlserver" | "oracle" | "redshift" | "mongo";

/** What an engine implies for a connection. */
export interface DbEngineInfo {
  readonly family: DbEngineFamily;
  /** The port used when the secret has none. */
  readonly defaultPort: number;
  /** The database used when the secret has none, as the AWS rotation functions do; none for MySQL and Mongo. */
  readonly defaultDbname?: string | undefined;
  /** Whether the secret must name the database (Oracle: the service name). */
  readonly requiresDbname?: boolean | undefined;
}

const POSTGRES: DbEngineInfo = { family: "postgres", defaultPort: 5432, defaultDbname: "postgres" };
const MYSQL: DbEngineInfo = { family: "mysql", defaultPort: 3306 };

/**
 * Per engine: family, default port, default database (AWS "JSON structure of Secrets Manager secrets").
 * @example
 * ```ts
 * DB_ENGINES['aurora-postgresql']; // { family: 'postgres', defaultPort: 5432, defaultDbname: 'postgres' }
 * ```
 */
export const DB_ENGINES: Readonly<Record<DbEngine, DbEngineInfo>> = deepFreeze({
  postgres: POSTGRES,
  "aurora-postgresql": POSTGRES,
  mysql: MYSQL,
  "aurora-mysql": MYSQL,
  mariadb: MYSQL,
  sqlserver: { family: "sqlserver", defaultPort: 1433, defaultDbname: "master" },
  oracle: { family: "oracle", defaultPort: 1521, requiresDbname: true },
  redshift: { family: "redshift", defaultPort: 5439, defaultDbname: "dev" },
  mongo: { family: "mongo", defaultPort: 27017 },
});

/** Other spellings seen in real secrets: RDS `Engine` values, driver names, DocumentDB. */
const ENGINE_ALIASES: Readonly<Record<string, DbEngine>> = {
  postgresql: "postgres",
  aurora: "aurora-mysql",
  "sqlserver-ee": "sqlserver",
  "sqlserver-se": "sqlserver",
  "sqlserver-ex": "sqlserver",
  "sqlserver-web": "sqlserver",
  mssql: "sqlserver",
  "oracle-ee": "oracle",
  "oracle-se2": "oracle",
  "oracle-ee-cdb": "oracle",
  "oracle-se2-cdb": "oracle",
  "custom-oracle-ee": "oracle",
  "redshift-serverless": "redshift",
  mongodb: "mongo",
  docdb: "mongo",
  documentdb: "mongo",
};

/** The canonical engine for a spelling (case-insensitive), or `undefined` when it is not a supported engine. */
export function canonicalEngine(name: string): DbEngine | undefined {
  const lower = name.trim().toLowerCase();
  if (Object.hasOwn(DB_ENGINES, lower)) return lower as DbEngine;
  return Object.hasOwn(ENGINE_ALIASES, lower) ? ENGINE_ALIASES[lower] : undefined;
}
