/**
 * `secretwrangler/db`: database logins from Secrets Manager. zod schemas for the JSON that Secrets
 * Manager and RDS keep per engine, driver adapters that spread into pg, mysql2, mssql and oracledb,
 * connection URLs for knex / Prisma / MongoDB, a rotation-safe connect and pools that survive
 * rotation (`pgPool`, `mysql2Pool`, `rotatingPool`). A subpath of its own
 * because it loads zod; the root entry does not.
 *
 * Every public export is listed here by name.
 *
 * @module secretwrangler/db
 */

export { isDbAuthError } from "./db/auth-errors.js";
export type { ConnectWithDbSecretOptions, DbSecretRefreshEvent } from "./db/connect.js";
export { connectWithDbSecret } from "./db/connect.js";
export type {
  DbEngine,
  DbEngineFamily,
  DbEngineInfo,
  DbSecret,
  DbSecretByEngine,
  DbSecretFor,
} from "./db/engines/index.js";
export { DB_ENGINES } from "./db/engines/index.js";
export type { MongoSecret } from "./db/engines/mongo.js";
export { mongoSecretSchema } from "./db/engines/mongo.js";
export type { MySqlSecret, Mysql2AdapterOptions, Mysql2ConnectionOptions } from "./db/engines/mysql.js";
export { mysql2Options, mysqlSecretSchema } from "./db/engines/mysql.js";
export type { OracledbAdapterOptions, OracledbConnectionOptions, OracleSecret } from "./db/engines/oracle.js";
export { oracledbOptions, oracleSecretSchema } from "./db/engines/oracle.js";
export type { PgAdapterOptions, PgConnectionOptions, PostgresSecret } from "./db/engines/postgres.js";
export { pgOptions, postgresSecretSchema } from "./db/engines/postgres.js";
export type { RedshiftSecret } from "./db/engines/redshift.js";
export { redshiftSecretSchema } from "./db/engines/redshift.js";
export type { MssqlAdapterOptions, MssqlConnectionOptions, SqlServerSecret } from "./db/engines/sqlserver.js";
export { mssqlOptions, sqlServerSecretSchema } from "./db/engines/sqlserver.js";
export type { DbSecretReadOptions } from "./db/get.js";
export { getDbSecret } from "./db/get.js";
export type {
  RdsIamAuth,
  RdsIamAuthDescription,
  RdsIamAuthOptions,
  RdsIamMysql2AdapterOptions,
  RdsIamMysql2ConnectionOptions,
  RdsIamMysqlAuthPlugin,
  RdsIamPgAdapterOptions,
  RdsIamPgConnectionOptions,
  RdsIamSession,
} from "./db/iam.js";
export { rdsIamAuth } from "./db/iam.js";
export { parseDbSecret } from "./db/parse.js";
export type { RotatingPool, RotatingPoolOptions } from "./db/pools/generic.js";
export { rotatingPool } from "./db/pools/generic.js";
export type { Mysql2Driver, Mysql2PoolConfig, Mysql2PoolOptions } from "./db/pools/mysql2.js";
export { mysql2Pool } from "./db/pools/mysql2.js";
export type { DbPoolOptions, DbPoolWatchOptions } from "./db/pools/options.js";
export type { PgDriver, PgPoolConfig, PgPoolOptions } from "./db/pools/pg.js";
export { pgPool } from "./db/pools/pg.js";
export type { ParseDbSecretOptions } from "./db/schemas.js";
export { createDbSecretSchema, dbSecretSchema } from "./db/schemas.js";
export type { ConnectionUrlOptions, DbSecretBase, DbSecretDefaults, DbTlsOption } from "./db/shared.js";
export { dbPortSchema } from "./db/shared.js";
export type { UrlDbSecret } from "./db/url.js";
export { connectionUrl } from "./db/url.js";
