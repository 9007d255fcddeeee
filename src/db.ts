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
} from "./db/adapters.js";
export { mssqlOptions, mysql2Options, oracledbOptions, pgOptions } from "./db/adapters.js";
export { isDbAuthError } from "./db/auth-errors.js";
export type { ConnectWithDbSecretOptions, DbSecretRefreshEvent } from "./db/connect.js";
export { connectWithDbSecret } from "./db/connect.js";
export type { DbEngine, DbEngineFamily, DbEngineInfo } from "./db/engines.js";
export { DB_ENGINES } from "./db/engines.js";
export type { DbSecretReadOptions } from "./db/get.js";
export { getDbSecret } from "./db/get.js";
export { parseDbSecret } from "./db/parse.js";
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
} from "./db/schemas.js";
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
} from "./db/types.js";
export type { ConnectionUrlOptions, UrlDbSecret } from "./db/url.js";
export { connectionUrl } from "./db/url.js";
