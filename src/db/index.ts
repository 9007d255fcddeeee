/**
 * `secretwrangler/db`: database logins from Secrets Manager. zod schemas for the JSON that Secrets
 * Manager and RDS keep per engine, driver adapters that spread into pg, mysql2, mssql and oracledb,
 * connection URLs for knex / Prisma / MongoDB, and a rotation-safe connect. A subpath of its own
 * because it loads zod; the root entry does not.
 *
 * Every public export is listed here by name.
 *
 * @module secretwrangler/db
 */

export type {
  DbTlsOption,
  MssqlAdapterOptions,
  MssqlConnectionOptions,
  Mysql2AdapterOptions,
  Mysql2ConnectionOptions,
  OracledbAdapterOptions,
  OracledbConnectionOptions,
  PgAdapterOptions,
  PgConnectionOptions,
} from "./adapters.js";
export { mssqlOptions, mysql2Options, oracledbOptions, pgOptions } from "./adapters.js";
export { isDbAuthError } from "./auth-errors.js";
export type { ConnectWithDbSecretOptions, DbSecretRefreshEvent } from "./connect.js";
export { connectWithDbSecret } from "./connect.js";
export type { DbEngine, DbEngineFamily, DbEngineInfo } from "./engines.js";
export { DB_ENGINES } from "./engines.js";
export type { DbSecretReadOptions } from "./get.js";
export { getDbSecret } from "./get.js";
export { parseDbSecret } from "./parse.js";
export {
  createDbSecretSchema,
  dbPortSchema,
  dbSecretSchema,
  mongoSecretSchema,
  mysqlSecretSchema,
  oracleSecretSchema,
  postgresSecretSchema,
  redshiftSecretSchema,
  sqlServerSecretSchema,
} from "./schemas.js";
export type {
  DbSecret,
  DbSecretBase,
  DbSecretByEngine,
  DbSecretDefaults,
  DbSecretFor,
  MongoSecret,
  MySqlSecret,
  OracleSecret,
  ParseDbSecretOptions,
  PostgresSecret,
  RedshiftSecret,
  SqlServerSecret,
} from "./types.js";
export type { ConnectionUrlOptions, UrlDbSecret } from "./url.js";
export { connectionUrl } from "./url.js";
