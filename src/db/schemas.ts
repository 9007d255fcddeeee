/**
 * The schemas over the whole engine table: `dbSecretSchema` for any engine, and
 * `createDbSecretSchema` for an expected engine and connection defaults. The per-family schemas
 * (`postgresSecretSchema`, ...) live with their family in `engines/`; the shared parsing in
 * `shared.ts`.
 */
import type { z } from "zod";
import { SecretsError } from "../core/errors.js";
import { canonicalEngine, type DbEngine, type DbSecret, type DbSecretFor, ENGINE_TABLE } from "./engines/index.js";
import { type DbSecretDefaults, secretSchemaBuilder } from "./shared.js";

/** How a DB secret is parsed. */
export interface ParseDbSecretOptions<E extends DbEngine | undefined = DbEngine | undefined> {
  /**
   * The engine you expect. Used when the secret has no `engine` field; when it has one, it must be of
   * the same family (`aurora-postgresql` passes for `postgres`), else `SCHEMA_MISMATCH`. Also
   * narrows the result type.
   */
  readonly engine?: E;
  /** Connection details for the fields the secret lacks (RDS-managed secrets). */
  readonly defaults?: DbSecretDefaults | undefined;
}

const buildSchema = secretSchemaBuilder<DbSecret>(ENGINE_TABLE);

/**
 * Any engine's DB secret; the secret must name its engine. Narrow the result on `engine`.
 * @example
 * ```ts
 * const db = await secrets.getSecretJson('prod/db', { schema: dbSecretSchema });
 * if (db.engine === 'mariadb') mysql.createPool(mysql2Options(db));
 * ```
 */
export const dbSecretSchema: z.ZodType<DbSecret> = buildSchema(undefined);

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
      detail: `the engine option must be one of ${ENGINE_TABLE.list}`,
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
