/**
 * What the engine families share, in one place: the normalized secret's base shape, the field
 * schemas (host, port, ssl, ...), the secret schema built over an engine table, the engine table
 * builder, TLS option handling, the URL helpers, and the descriptor a family module in `engines/`
 * exports. The family modules import this module; it imports none of them.
 *
 * Schema messages name what is wrong, never the value: they end up in `SCHEMA_MISMATCH` errors.
 */
import { isIPv6 } from "node:net";
import type { ConnectionOptions as TlsOptions } from "node:tls";
import { z } from "zod";
import { SecretsError } from "../core/errors.js";
import { deepFreeze } from "../core/freeze.js";

// ---------------------------------------------------------------------------------------------
// The parsed secret

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

/** The shape of every family's secret type: the base fields, an engine name and maybe a database. */
export interface DbSecretShape extends DbSecretBase {
  readonly engine: string;
  readonly dbname?: string | undefined;
}

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

// ---------------------------------------------------------------------------------------------
// What a family module declares

/** What an engine implies for a connection, apart from its family. */
export interface DbEngineFacts {
  /** The port used when the secret has none. */
  readonly defaultPort: number;
  /** The database used when the secret has none, as the AWS rotation functions do; none for MySQL and Mongo. */
  readonly defaultDbname?: string | undefined;
  /** Whether the secret must name the database (Oracle: the service name). */
  readonly requiresDbname?: boolean | undefined;
}

/** A family's engine-table facts: its name, its canonical engines and the other spellings of them. */
export interface DbFamilyFacts<F extends string = string, E extends string = string> {
  /** The family's name, as `DbEngineInfo.family` reports it. */
  readonly family: F;
  /** Each canonical engine name (as Secrets Manager and RDS write it) with its defaults. The first is the family's default engine. */
  readonly engines: { readonly [K in E]: DbEngineFacts };
  /** Other spellings seen in real secrets (RDS `Engine` values, driver names), lower case, to a canonical engine. */
  readonly aliases: Readonly<Record<string, E>>;
}

/** The fields a driver error may carry; each family's recognizer reads the ones its drivers set. */
export interface DriverErrorFields {
  readonly code?: unknown;
  readonly errno?: unknown;
  readonly number?: unknown;
  readonly errorNum?: unknown;
  readonly errorCode?: unknown;
  readonly codeName?: unknown;
  readonly message?: unknown;
  readonly cause?: unknown;
  readonly originalError?: unknown;
}

/** The driver's code for a rejected login in this one error object (causes are not followed), or `undefined`. */
export type DbAuthErrorCode = (error: DriverErrorFields) => string | undefined;

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

/** Query parameters of a connection URL. */
export type UrlParams = Readonly<Record<string, string | number | boolean>>;

/** How a family builds its connection URL. */
export interface DbUrlScheme<S extends DbSecretShape> {
  /** The query parameters for TLS on (`true`) or off (`false`). */
  tls(ssl: boolean): Record<string, string>;
  /** The URL, from the secret and the final query parameters (TLS first, then the caller's). */
  build(db: S, params: UrlParams, options: ConnectionUrlOptions): string;
}

/**
 * What a family module exports: its engine-table facts, its schema, and, where it has them, its
 * connection URL and its recognizer of rejected logins. `S` is the family's secret type; the engine
 * table derives `DbEngine`, `DbSecret` and `DbSecretByEngine` from it.
 */
export interface DbFamily<F extends string = string, S extends DbSecretShape = DbSecretShape>
  extends DbFamilyFacts<F, S["engine"]> {
  /** The family's schema: a secret without `engine` is the family's default engine. */
  readonly schema: z.ZodType<S>;
  /** How `connectionUrl` builds the family's URL; a family without one is refused by `connectionUrl`. */
  readonly url?: DbUrlScheme<S> | undefined;
  /** What `isDbAuthError` recognizes for the family's drivers. */
  readonly authErrorCode?: DbAuthErrorCode | undefined;
}

/** A family that has a connection URL. */
export interface DbUrlFamily<F extends string = string, S extends DbSecretShape = DbSecretShape>
  extends DbFamily<F, S> {
  readonly url: DbUrlScheme<S>;
}

// ---------------------------------------------------------------------------------------------
// The engine table builder

/** The engines of some families, looked up by any spelling. */
export interface DbEngineTable<D extends DbFamilyFacts = DbFamilyFacts, E extends string = string> {
  /** The families, in order. */
  readonly families: readonly D[];
  /** Each canonical engine with its family and defaults, deep-frozen, in the families' order. */
  readonly engines: Readonly<Record<E, DbEngineFacts & { readonly family: D["family"] }>>;
  /** The canonical engine names, comma-separated, for messages. */
  readonly list: string;
  /** How messages say "one of these engines": "a supported engine", or "of the postgres family" for one family. */
  readonly noun: string;
  /** The canonical engine for a spelling (case-insensitive), or `undefined` when it is none of this table's. */
  canonical(name: string): E | undefined;
  /** The family of a canonical engine name, or `undefined` for anything else. */
  familyOf(engine: unknown): D | undefined;
}

/** An engine table over `families`: their engines in order, their spellings, their defaults. */
export function engineTable<D extends DbFamilyFacts, E extends string = string>(
  families: readonly D[],
): DbEngineTable<D, E> {
  const engines: Record<string, DbEngineFacts & { readonly family: string }> = {};
  const familyOfEngine = new Map<string, D>();
  const aliases = new Map<string, string>();
  for (const facts of families) {
    for (const [engine, info] of Object.entries<DbEngineFacts>(facts.engines)) {
      engines[engine] = { family: facts.family, ...info };
      familyOfEngine.set(engine, facts);
    }
    for (const [alias, engine] of Object.entries(facts.aliases)) aliases.set(alias, engine);
  }
  deepFreeze(engines);
  return {
    families,
    engines: engines as DbEngineTable<D, E>["engines"],
    list: Object.keys(engines).join(", "),
    noun: families.length === 1 ? `of the ${families[0]?.family} family` : "a supported engine",
    canonical(name) {
      const lower = name.trim().toLowerCase();
      if (familyOfEngine.has(lower)) return lower as E;
      return aliases.get(lower) as E | undefined;
    },
    familyOf(engine) {
      return typeof engine === "string" ? familyOfEngine.get(engine) : undefined;
    },
  };
}

/** Fails with `CONFIG` when a plain-JS caller hands an adapter a secret of a family it does not take. */
export function assertFamily(
  db: { readonly engine: string },
  families: readonly string[],
  table: DbEngineTable,
  operation: string,
): void {
  const family = table.familyOf(db?.engine)?.family;
  if (family !== undefined && families.includes(family)) return;
  throw new SecretsError({
    code: "CONFIG",
    operation,
    detail: `${operation} needs a ${families.join(" or ")} secret${family ? `, not ${family}` : ""}`,
  });
}

/** The check an adapter runs first: the secret must be of one of `families` (see {@link assertFamily}). */
export function familyGuard(
  families: readonly DbFamilyFacts[],
  operation: string,
): (db: { readonly engine: string }) => void {
  const table = engineTable(families);
  const names = families.map((facts) => facts.family);
  return (db) => assertFamily(db, names, table, operation);
}

// ---------------------------------------------------------------------------------------------
// The schema

/** Other spellings of the normalized field names. */
const FIELD_ALIASES: Readonly<Record<string, string>> = { hostname: "host", database: "dbname", user: "username" };
const FIELDS: ReadonlySet<string> = new Set(["engine", "host", "port", "username", "password", "dbname", "ssl"]);

/** A message for a wrong or missing field, decided from the input's presence only. */
const expected =
  (what: string) =>
  (issue: { readonly input?: unknown }): string =>
    issue.input === undefined ? "is required" : `must be ${what}`;

/** A non-empty string; lone UTF-16 surrogates are refused, as no driver or URL can carry them. */
const text = (): z.ZodString =>
  z
    .string({ error: expected("a string") })
    .min(1, { error: "must not be empty" })
    .regex(/^\P{Cs}*$/u, { error: "must be valid Unicode text" });

/** A DNS name or IPv4 address: no port, no colon. */
const HOST_NAME = /^[A-Za-z0-9._-]+$/;

/** A host name, an IPv4 address, or an IPv6 address (bare or in brackets, with an optional zone). */
function isHost(host: string): boolean {
  if (!host.includes(":")) return HOST_NAME.test(host);
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  return isIPv6(bare.replace(/%[A-Za-z0-9._-]+$/, ""));
}

const hostSchema = z
  .string({ error: expected("a host name or IP address") })
  .trim()
  .refine(isHost, { error: "must be a host name or IP address (without a port)" })
  .transform((host) => (host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host));

const PORT_MESSAGE = "must be a port number from 1 to 65535 (a number or a numeric string)";

/**
 * A TCP port as a number or a numeric string: secrets from the console and from code differ.
 * @example
 * ```ts
 * const Config = z.object({ host: z.string(), port: dbPortSchema }); // port: "5432" -> 5432
 * ```
 */
export const dbPortSchema: z.ZodType<number> = z
  .union([z.number(), z.string()], { error: PORT_MESSAGE })
  .transform((value, ctx) => {
    const port = typeof value === "number" ? value : /^\s*\d{1,5}\s*$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isInteger(port) || port < 1 || port > 65535) ctx.addIssue({ code: "custom", message: PORT_MESSAGE });
    return port;
  });

const sslSchema = z.union([z.boolean(), z.string()], { error: "must be true or false" }).transform((value, ctx) => {
  if (typeof value === "boolean") return value;
  const lower = value.trim().toLowerCase();
  if (lower !== "true" && lower !== "false") ctx.addIssue({ code: "custom", message: "must be true or false" });
  return lower === "true";
});

function fieldsSchema(table: DbEngineTable) {
  const engineSchema = z.string({ error: expected("a string") }).transform((name, ctx): string => {
    const engine = table.canonical(name);
    if (engine === undefined) ctx.addIssue({ code: "custom", message: `is not ${table.noun} (${table.list})` });
    return engine as string;
  });
  return z.object(
    {
      // The other spellings (FIELD_ALIASES), declared so that an issue may name one (a conflict's path
      // is the spelling, e.g. `hostname`); normalize() has renamed them before this object sees them.
      hostname: z.undefined().optional(),
      database: z.undefined().optional(),
      user: z.undefined().optional(),
      engine: engineSchema.optional(),
      host: hostSchema,
      port: dbPortSchema.optional(),
      username: text(),
      password: text(),
      dbname: text().optional(),
      ssl: sslSchema.optional(),
      extra: z.record(z.string(), z.unknown()),
    },
    { error: "must be a JSON object with the connection fields" },
  );
}

type Fields = z.output<ReturnType<typeof fieldsSchema>>;

/**
 * Renames aliases, drops `null`s (Python's `None`), moves unknown fields to `extra` and fills the
 * gaps from the caller's defaults. Two spellings of one field with different values are an issue.
 */
function normalize(input: unknown, ctx: z.RefinementCtx, defaults: DbSecretDefaults | undefined): unknown {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return input;
  const fields: Record<string, unknown> = {};
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    const name = Object.hasOwn(FIELD_ALIASES, key) ? (FIELD_ALIASES[key] as string) : key;
    if (!FIELDS.has(name)) {
      extra[key] = value;
    } else if (value === null || value === undefined) {
      // absent, as AWS's rotation functions treat a missing key
    } else if (name in fields && String(fields[name]) !== String(value)) {
      ctx.addIssue({ code: "custom", path: [key], message: `disagrees with another spelling of "${name}"` });
    } else {
      fields[name] = value;
    }
  }
  for (const [name, value] of Object.entries(defaults ?? {})) {
    if (fields[name] === undefined && value !== undefined) fields[name] = value;
  }
  return { ...fields, extra };
}

/** Resolves the engine, applies the engine's defaults and builds the normalized secret. */
function complete(table: DbEngineTable, fallback: string | undefined) {
  return (fields: Fields, ctx: z.RefinementCtx): DbSecretShape => {
    const engine = fields.engine ?? fallback;
    if (engine === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["engine"],
        message: "is required: name the engine in the secret or pass { engine }",
      });
      return z.NEVER;
    }
    const info = table.engines[engine] as DbEngineTable["engines"][string];
    const family = fallback && table.engines[fallback]?.family;
    if (family !== undefined && info.family !== family) {
      ctx.addIssue({ code: "custom", path: ["engine"], message: `is a ${info.family} engine, expected ${family}` });
      return z.NEVER;
    }
    const dbname = fields.dbname ?? info.defaultDbname;
    if (dbname === undefined && info.requiresDbname) {
      ctx.addIssue({ code: "custom", path: ["dbname"], message: `is required for ${engine} (the service name)` });
      return z.NEVER;
    }
    const { host, username, password, ssl, extra } = fields;
    return {
      engine,
      host,
      port: fields.port ?? info.defaultPort,
      username,
      password,
      ...(dbname === undefined ? {} : { dbname }),
      ...(ssl === undefined ? {} : { ssl }),
      extra,
    };
  };
}

/**
 * The DB secret schemas over one engine table: `build(fallback, defaults)` accepts the table's
 * engines, takes a secret without `engine` as `fallback`, requires `fallback`'s family when given,
 * and fills the gaps from `defaults`.
 */
export function secretSchemaBuilder<S extends DbSecretShape>(
  table: DbEngineTable,
): (fallback: string | undefined, defaults?: DbSecretDefaults) => z.ZodType<S> {
  const fields = fieldsSchema(table);
  return (fallback, defaults) =>
    z
      .preprocess((input, ctx) => normalize(input, ctx, defaults), fields)
      .transform(complete(table, fallback)) as unknown as z.ZodType<S>;
}

/** A family's own schema: its engines only, a secret without `engine` taken as its first engine. */
export function familySchema<S extends DbSecretShape>(facts: DbFamilyFacts<string, S["engine"]>): z.ZodType<S> {
  return secretSchemaBuilder<S>(engineTable([facts]))(Object.keys(facts.engines)[0]);
}

// ---------------------------------------------------------------------------------------------
// TLS

/** TLS for pg and mysql2: `true` for verified TLS with the system CAs, `false` for none, or the driver's TLS options. */
export type DbTlsOption = boolean | TlsOptions;

/**
 * The TLS an adapter passes on: the caller's option, else the secret's `ssl`. An options object is
 * copied, since drivers write into it.
 */
export function chooseTls<T>(option: T | undefined, secret: boolean | undefined): T | boolean | undefined {
  const ssl = option ?? secret;
  return typeof ssl === "object" && ssl !== null ? ({ ...ssl } as T) : ssl;
}

// ---------------------------------------------------------------------------------------------
// URLs and connect strings

/** An IPv6 address in brackets, as URLs and connect strings want it; other hosts as they are. */
export function bracketHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

/**
 * Percent-encodes everything but RFC 3986's unreserved characters. `encodeURIComponent` leaves
 * `!'()*` alone, which some URL parsers split on.
 */
function encodeUrlPart(part: string | number | boolean): string {
  return encodeURIComponent(String(part)).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** A value in a `key=value;` connection string, braced with `}` doubled (the ODBC / JDBC rule Prisma follows). */
export function braced(value: string): string {
  return `{${value.replaceAll("}", "}}")}}`;
}

/** Host and port, IPv6 in brackets with a zone id's `%` encoded (RFC 6874). */
export function urlAuthority(db: DbSecretShape, withPort: boolean): string {
  const host = bracketHost(db.host).replaceAll("%", "%25");
  return withPort ? `${host}:${db.port}` : host;
}

/**
 * `scheme://user:password@host:port/dbname?params`, every part percent-encoded. Without a database
 * there is no path, or just `/` before a query when `slashBeforeQuery` (MongoDB's form).
 */
export function hierarchicalUrl(
  scheme: string,
  db: DbSecretShape,
  params: UrlParams,
  {
    withPort = true,
    slashBeforeQuery = false,
  }: { readonly withPort?: boolean; readonly slashBeforeQuery?: boolean } = {},
): string {
  const query = Object.entries(params)
    .map(([key, value]) => `${encodeUrlPart(key)}=${encodeUrlPart(value)}`)
    .join("&");
  const path = db.dbname === undefined ? (query && slashBeforeQuery ? "/" : "") : `/${encodeUrlPart(db.dbname)}`;
  const login = `${encodeUrlPart(db.username)}:${encodeUrlPart(db.password)}`;
  return `${scheme}://${login}@${urlAuthority(db, withPort)}${path}${query ? `?${query}` : ""}`;
}

// ---------------------------------------------------------------------------------------------
// The PostgreSQL wire protocol, which the postgres and redshift families both speak

/** `postgresql://` with libpq's `sslmode`: PostgreSQL, Aurora PostgreSQL and Redshift. */
export const postgresqlUrl: DbUrlScheme<DbSecretShape> = {
  tls: (ssl) => ({ sslmode: ssl ? "verify-full" : "disable" }),
  build: (db, params) => hierarchicalUrl("postgresql", db, params),
};

/** PostgreSQL / Redshift SQLSTATE (pg): invalid_password, invalid_authorization_specification. */
export const sqlStateAuthErrorCode: DbAuthErrorCode = (error) => {
  const { code } = error;
  if (code === "28P01") return code;
  // 28000 also covers "no pg_hba.conf entry" and "SSL required", which new credentials do not fix.
  if (code === "28000" && !/pg_hba|SSL|encryption/i.test(String(error.message ?? ""))) return code;
  return undefined;
};
