/**
 * zod schemas for the JSON that Secrets Manager and RDS keep for a database login, one per engine
 * family plus one for any engine. Each accepts the real-world variations (port as a number or a
 * numeric string, `dbname` / `database`, `host` / `hostname`, `username` / `user`, a missing
 * `engine`, extra fields) and outputs one normalized shape. Messages name what is wrong, never the
 * value: they end up in `SCHEMA_MISMATCH` errors.
 */
import { isIPv6 } from "node:net";
import { z } from "zod";
import { SecretsError } from "../core/errors.js";
import { canonicalEngine, DB_ENGINES, type DbEngine } from "./engines.js";
import type {
  DbSecret,
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

/** Other spellings of the normalized field names. */
const FIELD_ALIASES: Readonly<Record<string, string>> = { hostname: "host", database: "dbname", user: "username" };
const FIELDS: ReadonlySet<string> = new Set(["engine", "host", "port", "username", "password", "dbname", "ssl"]);
const ENGINE_LIST = Object.keys(DB_ENGINES).join(", ");

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

const engineSchema = z.string({ error: expected("a string") }).transform((name, ctx): DbEngine => {
  const engine = canonicalEngine(name);
  if (engine === undefined) ctx.addIssue({ code: "custom", message: `is not a supported engine (${ENGINE_LIST})` });
  return engine as DbEngine;
});

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

const fieldsSchema = z.object(
  {
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

type Fields = z.output<typeof fieldsSchema>;

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
function complete(fallback: DbEngine | undefined) {
  return (fields: Fields, ctx: z.RefinementCtx): DbSecret => {
    const engine = fields.engine ?? fallback;
    if (engine === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["engine"],
        message: "is required: name the engine in the secret or pass { engine }",
      });
      return z.NEVER;
    }
    const info = DB_ENGINES[engine];
    const family = fallback && DB_ENGINES[fallback].family;
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
    } as DbSecret;
  };
}

function buildSchema(fallback: DbEngine | undefined, defaults?: DbSecretDefaults): z.ZodType<DbSecret> {
  return z.preprocess((input, ctx) => normalize(input, ctx, defaults), fieldsSchema).transform(complete(fallback));
}

/**
 * Any engine's DB secret; the secret must name its engine. Narrow the result on `engine`.
 * @example
 * ```ts
 * const db = await secrets.getSecretJson('prod/db', { schema: dbSecretSchema });
 * if (db.engine === 'mariadb') mysql.createPool(mysql2Options(db));
 * ```
 */
export const dbSecretSchema: z.ZodType<DbSecret> = buildSchema(undefined);

/**
 * PostgreSQL / Aurora PostgreSQL. A secret without `engine` is taken as `postgres`.
 * @example
 * ```ts
 * const Config = z.object({ primary: postgresSecretSchema, replica: postgresSecretSchema.optional() });
 * ```
 */
export const postgresSecretSchema: z.ZodType<PostgresSecret> = buildSchema("postgres") as z.ZodType<PostgresSecret>;

/**
 * MySQL / Aurora MySQL / MariaDB. A secret without `engine` is taken as `mysql`.
 * @example
 * ```ts
 * const db = mysqlSecretSchema.parse(JSON.parse(text));
 * ```
 */
export const mysqlSecretSchema: z.ZodType<MySqlSecret> = buildSchema("mysql") as z.ZodType<MySqlSecret>;

/**
 * SQL Server (any RDS edition). A secret without `engine` is taken as `sqlserver`.
 * @example
 * ```ts
 * const db = await secrets.getSecretJson('prod/mssql', { schema: sqlServerSecretSchema });
 * ```
 */
export const sqlServerSecretSchema: z.ZodType<SqlServerSecret> = buildSchema("sqlserver") as z.ZodType<SqlServerSecret>;

/**
 * Oracle (any RDS edition). `dbname` (the service name) is required.
 * @example
 * ```ts
 * const db = await secrets.getSecretJson('prod/oracle', { schema: oracleSecretSchema });
 * ```
 */
export const oracleSecretSchema: z.ZodType<OracleSecret> = buildSchema("oracle") as z.ZodType<OracleSecret>;

/**
 * Amazon Redshift, provisioned or Serverless. A secret without `engine` is taken as `redshift`.
 * @example
 * ```ts
 * const db = await secrets.getSecretJson('prod/warehouse', { schema: redshiftSecretSchema });
 * ```
 */
export const redshiftSecretSchema: z.ZodType<RedshiftSecret> = buildSchema("redshift") as z.ZodType<RedshiftSecret>;

/**
 * MongoDB / Amazon DocumentDB (`engine: "mongo"`, also `docdb`, `mongodb`).
 * @example
 * ```ts
 * const db = await secrets.getSecretJson('prod/docdb', { schema: mongoSecretSchema });
 * ```
 */
export const mongoSecretSchema: z.ZodType<MongoSecret> = buildSchema("mongo") as z.ZodType<MongoSecret>;

const MAX_CACHED_SCHEMAS = 64;
const schemas = new Map<string, z.ZodType<DbSecret>>();

/**
 * A DB secret schema for an expected engine and connection defaults. The same options give the same
 * schema object, so the client validates each fetched version once per call site.
 * @example
 * ```ts
 * const schema = createDbSecretSchema({ engine: 'aurora-postgresql', defaults: { host: 'db.internal', port: 5432 } });
 * const db = await secrets.getSecretJson('rds!cluster-3c1a2b', { schema });
 * ```
 */
export function createDbSecretSchema<E extends DbEngine | undefined = undefined>(
  options: ParseDbSecretOptions<E> = {},
): z.ZodType<DbSecretFor<E>> {
  const engine = options.engine === undefined ? undefined : canonicalEngine(String(options.engine));
  if (options.engine !== undefined && engine === undefined) {
    throw new SecretsError({
      code: "CONFIG",
      operation: "getDbSecret",
      detail: `the engine option must be one of ${ENGINE_LIST}`,
    });
  }
  if (engine === undefined && options.defaults === undefined) return dbSecretSchema as z.ZodType<DbSecretFor<E>>;
  const key = JSON.stringify([engine ?? null, options.defaults ?? null]);
  let schema = schemas.get(key);
  if (!schema) {
    if (schemas.size >= MAX_CACHED_SCHEMAS) schemas.clear();
    schema = buildSchema(engine, options.defaults);
    schemas.set(key, schema);
  }
  return schema as z.ZodType<DbSecretFor<E>>;
}
