/**
 * The SQL Server family (any RDS edition). Its secret type and schema, the `mssql` adapter, its
 * `sqlserver://` connection string (Prisma's key=value form), its login codes and its defaults.
 */
import type { z } from "zod";
import {
  braced,
  type DbFamilyFacts,
  type DbSecretBase,
  type DbUrlFamily,
  familyGuard,
  familySchema,
  type UrlParams,
  urlAuthority,
} from "../shared.js";

/** SQL Server. `dbname` defaults to `master`. */
export interface SqlServerSecret extends DbSecretBase {
  readonly engine: "sqlserver";
  readonly dbname: string;
}

const FACTS: DbFamilyFacts<"sqlserver", SqlServerSecret["engine"]> = {
  family: "sqlserver",
  engines: { sqlserver: { defaultPort: 1433, defaultDbname: "master" } },
  aliases: {
    "sqlserver-ee": "sqlserver",
    "sqlserver-se": "sqlserver",
    "sqlserver-ex": "sqlserver",
    "sqlserver-web": "sqlserver",
    mssql: "sqlserver",
  },
};

/**
 * SQL Server (any RDS edition). A secret without `engine` is taken as `sqlserver`.
 * @example
 * ```ts
 * const db = await secrets.getSecretJson('prod/mssql', { schema: sqlServerSecretSchema });
 * ```
 */
export const sqlServerSecretSchema: z.ZodType<SqlServerSecret> = familySchema<SqlServerSecret>(FACTS);

/** `sqlserver://host:port;key={value};...`: secret fields always braced, parameters when they hold a delimiter. */
function sqlServerUrl(db: SqlServerSecret, params: UrlParams): string {
  const fields = [
    ["database", db.dbname],
    ["user", db.username],
    ["password", db.password],
  ].map(([key, value]) => `;${key}=${braced(value as string)}`);
  const extra = Object.entries(params).map(([key, value]) => {
    const text = String(value);
    return `;${key}=${/[;={}\s]/.test(text) ? braced(text) : text}`;
  });
  return `sqlserver://${urlAuthority(db, true)}${fields.join("")}${extra.join("")}`;
}

/** The SQL Server family, for the engine table. */
export const sqlServerFamily: DbUrlFamily<"sqlserver", SqlServerSecret> = {
  ...FACTS,
  schema: sqlServerSecretSchema,
  url: { tls: (ssl) => ({ encrypt: String(ssl) }), build: sqlServerUrl },
  // Error 18456 "Login failed for user"; tedious reports it as ELOGIN without the number.
  authErrorCode: (error) => {
    if (error.number === 18456 || error.code === 18456) return "18456";
    if (error.code === "ELOGIN" && typeof error.message === "string" && error.message.startsWith("Login failed"))
      return "ELOGIN";
    return undefined;
  },
};

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

const assertSqlServer = familyGuard([sqlServerFamily], "mssqlOptions");

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
  assertSqlServer(db);
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
