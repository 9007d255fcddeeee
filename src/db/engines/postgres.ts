/**
 * The PostgreSQL family: PostgreSQL and Aurora PostgreSQL. Its secret type and schema, the `pg`
 * adapter (which the Redshift family uses too), its URL and login codes, and its engines' defaults.
 */
import type { z } from "zod";
import {
  chooseTls,
  type DbFamilyFacts,
  type DbSecretBase,
  type DbTlsOption,
  type DbUrlFamily,
  familyGuard,
  familySchema,
  postgresqlUrl,
  sqlStateAuthErrorCode,
} from "../shared.js";
import { type RedshiftSecret, redshiftFamily } from "./redshift.js";

/** PostgreSQL and Aurora PostgreSQL. `dbname` defaults to `postgres`. */
export interface PostgresSecret extends DbSecretBase {
  readonly engine: "postgres" | "aurora-postgresql";
  readonly dbname: string;
}

const DEFAULTS = { defaultPort: 5432, defaultDbname: "postgres" };

const FACTS: DbFamilyFacts<"postgres", PostgresSecret["engine"]> = {
  family: "postgres",
  engines: { postgres: DEFAULTS, "aurora-postgresql": DEFAULTS },
  aliases: { postgresql: "postgres" },
};

/**
 * PostgreSQL / Aurora PostgreSQL. A secret without `engine` is taken as `postgres`.
 * @example
 * ```ts
 * const Config = z.object({ primary: postgresSecretSchema, replica: postgresSecretSchema.optional() });
 * ```
 */
export const postgresSecretSchema: z.ZodType<PostgresSecret> = familySchema<PostgresSecret>(FACTS);

/** The PostgreSQL family, for the engine table. */
export const postgresFamily: DbUrlFamily<"postgres", PostgresSecret> = {
  ...FACTS,
  schema: postgresSecretSchema,
  url: postgresqlUrl,
  authErrorCode: sqlStateAuthErrorCode,
};

/** Options of {@link pgOptions}. */
export interface PgAdapterOptions {
  /** Overrides the secret's `ssl`. `true` is verified TLS; pass `{ ca }` for the RDS CA bundle. */
  readonly ssl?: DbTlsOption | undefined;
}

/** The part of pg's `ClientConfig` / `PoolConfig` a DB secret decides. */
export interface PgConnectionOptions {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  ssl?: DbTlsOption;
}

const assertPg = familyGuard([postgresFamily, redshiftFamily], "pgOptions");

/**
 * Options for `pg` (`new pg.Pool(...)`, `new pg.Client(...)`, knex's `connection`), from a
 * PostgreSQL, Aurora PostgreSQL or Redshift secret.
 *
 * @example
 * ```ts
 * const db = await getDbSecret('prod/db', { engine: 'postgres', client: secrets });
 * const pool = new pg.Pool({ ...pgOptions(db, { ssl: { ca: rdsCaBundle } }), max: 10 });
 * ```
 */
export function pgOptions(db: PostgresSecret | RedshiftSecret, options: PgAdapterOptions = {}): PgConnectionOptions {
  assertPg(db);
  const ssl = chooseTls(options.ssl, db.ssl);
  return {
    host: db.host,
    port: db.port,
    user: db.username,
    password: db.password,
    database: db.dbname,
    ...(ssl === undefined ? {} : { ssl }),
  };
}
