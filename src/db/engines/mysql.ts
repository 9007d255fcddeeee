/**
 * The MySQL family: MySQL, Aurora MySQL and MariaDB. Its secret type and schema, the `mysql2`
 * adapter, its `mysql://` URL, its login codes and its engines' defaults.
 */
import type { z } from "zod";
import {
  chooseTls,
  type DbFamilyFacts,
  type DbSecretBase,
  type DbUrlFamily,
  familyGuard,
  familySchema,
  hierarchicalUrl,
} from "../shared.js";

/** MySQL, Aurora MySQL and MariaDB. Without `dbname`, no database is selected. */
export interface MySqlSecret extends DbSecretBase {
  readonly engine: "mysql" | "aurora-mysql" | "mariadb";
  readonly dbname?: string | undefined;
}

const DEFAULTS = { defaultPort: 3306 };

const FACTS: DbFamilyFacts<"mysql", MySqlSecret["engine"]> = {
  family: "mysql",
  engines: { mysql: DEFAULTS, "aurora-mysql": DEFAULTS, mariadb: DEFAULTS },
  aliases: { aurora: "aurora-mysql" },
};

/**
 * MySQL / Aurora MySQL / MariaDB. A secret without `engine` is taken as `mysql`.
 * @example
 * ```ts
 * const db = mysqlSecretSchema.parse(JSON.parse(text));
 * ```
 */
export const mysqlSecretSchema: z.ZodType<MySqlSecret> = familySchema<MySqlSecret>(FACTS);

/** The MySQL family, for the engine table. */
export const mysqlFamily: DbUrlFamily<"mysql", MySqlSecret> = {
  ...FACTS,
  schema: mysqlSecretSchema,
  // mysql://, the scheme mysql2, knex and Prisma accept; TLS in mysql2's form, nothing for "off".
  url: {
    tls: (ssl): Record<string, string> => (ssl ? { ssl: JSON.stringify({ rejectUnauthorized: true }) } : {}),
    build: (db, params) => hierarchicalUrl("mysql", db, params),
  },
  // mysql2 and mariadb: ER_ACCESS_DENIED_ERROR (1045).
  authErrorCode: ({ code, errno }) =>
    errno === 1045 || code === "ER_ACCESS_DENIED_ERROR" ? "ER_ACCESS_DENIED_ERROR" : undefined,
};

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

const assertMysql = familyGuard([mysqlFamily], "mysql2Options");

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
  assertMysql(db);
  const ssl = chooseTls(options.ssl, db.ssl);
  return {
    host: db.host,
    port: db.port,
    user: db.username,
    password: db.password,
    ...(db.dbname === undefined ? {} : { database: db.dbname }),
    ...(ssl === undefined || ssl === false ? {} : { ssl: ssl === true ? { rejectUnauthorized: true } : ssl }),
  };
}
