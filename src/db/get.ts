/**
 * `getDbSecret`: a DB secret read through a client. Here, not on the client, so that zod is bundled
 * only into apps that import `secretwrangler/db`.
 */
import type { SecretsClient } from "../client/client.js";
import { getDefaultClient } from "../client/default-client.js";
import type { ReadOptions } from "../read/options.js";
import type { DbEngine, DbSecretFor } from "./engines/index.js";
import { createDbSecretSchema, type ParseDbSecretOptions } from "./schemas.js";

/** Options of {@link getDbSecret}: a read, the expected engine and connection defaults, and the client. */
export interface DbSecretReadOptions<E extends DbEngine | undefined = DbEngine | undefined>
  extends ReadOptions,
    ParseDbSecretOptions<E> {
  /** The client to read through (its transport and cache). @default the default client */
  readonly client?: SecretsClient | undefined;
}

/**
 * Reads a database login (the JSON Secrets Manager and RDS keep) and returns it parsed, validated,
 * normalized and deep-frozen, typed by engine: port as a number, `dbname` / `host` / `username`
 * whatever the secret spelled, engine defaults applied. Spread it into a driver with the adapters
 * (`pgOptions`, `mysql2Options`, `mssqlOptions`, `oracledbOptions`, `connectionUrl`). A cached
 * repeat read with the same options returns the same object. Throws `SCHEMA_MISMATCH` naming the
 * fields, never their values.
 *
 * @example
 * ```ts
 * import { getDbSecret, pgOptions } from 'secretwrangler/db';
 * const db = await getDbSecret('prod/db', { engine: 'postgres', client: secrets });
 * const pool = new pg.Pool({ ...pgOptions(db), max: 10 });
 * ```
 */
export function getDbSecret<E extends DbEngine | undefined = undefined>(
  id: string,
  options: DbSecretReadOptions<E> = {},
): Promise<DbSecretFor<E>> {
  const { engine, defaults, client = getDefaultClient(), ...read } = options;
  // createDbSecretSchema returns the same schema for the same options, so the client's per-schema
  // validation memo applies.
  // DbSecretFor is read-only all the way down already.
  return client.getSecretJson(id, { ...read, schema: createDbSecretSchema<E>({ engine, defaults }) }) as Promise<
    DbSecretFor<E>
  >;
}
