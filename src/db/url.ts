/**
 * Connection URLs from DB secrets, for clients that take a URL (knex, Prisma, the MongoDB driver,
 * pg's `connectionString`, mysql2's `uri`). Each family builds its own (`url` in its module in
 * `engines/`); this module picks the secret's family. Every part a secret controls is encoded, so a
 * password such as `p@ss:w/rd%#?` survives the round trip.
 */
import { DB_FAMILIES, type DbFamilyModule, ENGINE_TABLE, type SecretOfFamily } from "./engines/index.js";
import { assertFamily, type ConnectionUrlOptions, type DbUrlScheme } from "./shared.js";

/** The families that have a connection URL. */
type UrlFamily = Extract<DbFamilyModule, { readonly url: object }>;

/** The secrets that have a connection URL. Oracle has none: use {@link oracledbOptions}. */
export type UrlDbSecret = SecretOfFamily<UrlFamily>;

const URL_FAMILIES: readonly string[] = DB_FAMILIES.filter((family) => family.url !== undefined).map(
  (family) => family.family,
);

/**
 * The connection URL for a secret, every part percent-encoded: `postgresql://` for PostgreSQL,
 * Aurora PostgreSQL and Redshift; `mysql://` for MySQL, Aurora MySQL and MariaDB (the scheme
 * mysql2, knex and Prisma accept); `mongodb://` or `mongodb+srv://`; and for SQL Server the
 * `sqlserver://host:port;database={...};user={...};password={...}` form Prisma reads.
 *
 * @example
 * ```ts
 * connectionUrl({ engine: 'postgres', host: 'db', port: 5432, username: 'app', password: 'p@ss', dbname: 'app', extra: {} });
 * // 'postgresql://app:p%40ss@db:5432/app'
 * ```
 */
export function connectionUrl(db: UrlDbSecret, options: ConnectionUrlOptions = {}): string {
  assertFamily(db, URL_FAMILIES, ENGINE_TABLE, "connectionUrl");
  const url = ENGINE_TABLE.familyOf(db.engine)?.url as DbUrlScheme<UrlDbSecret>;
  const ssl = options.ssl ?? db.ssl;
  const params = { ...(ssl === undefined ? {} : url.tls(ssl)), ...options.params };
  return url.build(db, params, options);
}
