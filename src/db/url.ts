/**
 * Connection URLs from DB secrets, for clients that take a URL (knex, Prisma, the MongoDB driver,
 * pg's `connectionString`, mysql2's `uri`). Every part a secret controls is encoded, so a password
 * such as `p@ss:w/rd%#?` survives the round trip.
 */
import { assertFamily, bracketHost } from "./adapters.js";
import { DB_ENGINES } from "./engines.js";
import type { MongoSecret, MySqlSecret, PostgresSecret, RedshiftSecret, SqlServerSecret } from "./types.js";

/** The secrets that have a connection URL. Oracle has none: use {@link oracledbOptions}. */
export type UrlDbSecret = PostgresSecret | RedshiftSecret | MySqlSecret | SqlServerSecret | MongoSecret;

/** Options of {@link connectionUrl}. */
export interface ConnectionUrlOptions {
  /**
   * Overrides the secret's `ssl`. Adds the scheme's TLS parameter: `sslmode=verify-full` /
   * `sslmode=disable` (postgresql), `ssl={"rejectUnauthorized":true}` (mysql, mysql2's form),
   * `tls=true|false` (mongodb), `encrypt=true|false` (sqlserver). Omitted when neither says.
   */
  readonly ssl?: boolean | undefined;
  /** More query parameters, e.g. `{ replicaSet: 'rs0' }` for DocumentDB or `{ sslaccept: 'strict' }` for Prisma. */
  readonly params?: Readonly<Record<string, string | number | boolean>> | undefined;
  /** MongoDB only: a `mongodb+srv://` URL (no port; the driver looks up SRV records). */
  readonly srv?: boolean | undefined;
}

/**
 * Percent-encodes everything but RFC 3986's unreserved characters. `encodeURIComponent` leaves
 * `!'()*` alone, which some URL parsers split on.
 */
function encode(part: string | number | boolean): string {
  return encodeURIComponent(String(part)).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** A value in a `key=value;` connection string, braced with `}` doubled (the ODBC / JDBC rule Prisma follows). */
function braced(value: string): string {
  return `{${value.replaceAll("}", "}}")}}`;
}

function tlsParams(db: UrlDbSecret, ssl: boolean | undefined): Record<string, string> {
  if (ssl === undefined) return {};
  switch (DB_ENGINES[db.engine].family) {
    case "mysql":
      return ssl ? { ssl: JSON.stringify({ rejectUnauthorized: true }) } : {};
    case "mongo":
      return { tls: String(ssl) };
    case "sqlserver":
      return { encrypt: String(ssl) };
    default:
      return { sslmode: ssl ? "verify-full" : "disable" };
  }
}

/** Host and port, IPv6 in brackets with a zone id's `%` encoded (RFC 6874). */
function authority(db: UrlDbSecret, withPort: boolean): string {
  const host = bracketHost(db.host).replaceAll("%", "%25");
  return withPort ? `${host}:${db.port}` : host;
}

/** `sqlserver://host:port;key={value};...`: secret fields always braced, parameters when they hold a delimiter. */
function sqlServerUrl(db: SqlServerSecret, params: Readonly<Record<string, string | number | boolean>>): string {
  const fields = [
    ["database", db.dbname],
    ["user", db.username],
    ["password", db.password],
  ].map(([key, value]) => `;${key}=${braced(value as string)}`);
  const extra = Object.entries(params).map(([key, value]) => {
    const text = String(value);
    return `;${key}=${/[;={}\s]/.test(text) ? braced(text) : text}`;
  });
  return `sqlserver://${authority(db, true)}${fields.join("")}${extra.join("")}`;
}

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
  assertFamily(db, ["postgres", "redshift", "mysql", "sqlserver", "mongo"], "connectionUrl");
  const params = { ...tlsParams(db, options.ssl ?? db.ssl), ...options.params };
  if (db.engine === "sqlserver") return sqlServerUrl(db, params);
  const family = DB_ENGINES[db.engine].family;
  const srv = family === "mongo" && options.srv === true;
  const scheme = family === "mongo" ? (srv ? "mongodb+srv" : "mongodb") : family === "mysql" ? "mysql" : "postgresql";
  const query = Object.entries(params)
    .map(([key, value]) => `${encode(key)}=${encode(value)}`)
    .join("&");
  const path = db.dbname === undefined ? (query && family === "mongo" ? "/" : "") : `/${encode(db.dbname)}`;
  return `${scheme}://${encode(db.username)}:${encode(db.password)}@${authority(db, !srv)}${path}${query ? `?${query}` : ""}`;
}
