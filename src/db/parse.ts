/** `parseDbSecret`: a DB secret from JSON text or a parsed object, without any transport. */

import { deepFreeze } from "../core/freeze.js";
import { validateWithSchema } from "../core/schema.js";
import { type DecodeContext, parseJsonText } from "../read/decode.js";
import type { DbEngine, DbSecretFor } from "./engines/index.js";
import { createDbSecretSchema, type ParseDbSecretOptions } from "./schemas.js";

const OPERATION = "parseDbSecret";

/**
 * Parses and validates a DB secret: JSON text (as `SecretString` holds it) or an already parsed
 * object. Throws `NOT_JSON` or `SCHEMA_MISMATCH` naming the fields, never their values. The result
 * is deep-frozen, like the client's.
 *
 * @example
 * ```ts
 * const db = await parseDbSecret(process.env.DB_SECRET ?? '', { engine: 'postgres' });
 * const pool = new pg.Pool(pgOptions(db));
 * ```
 */
export async function parseDbSecret<E extends DbEngine | undefined = undefined>(
  value: unknown,
  options: ParseDbSecretOptions<E> = {},
): Promise<DbSecretFor<E>> {
  // No secret id or transport here: parseJsonText leaves both out of the message when they are undefined.
  const context = { operation: OPERATION } as DecodeContext & { readonly operation: string };
  const json = typeof value === "string" ? parseJsonText(value, context) : value;
  return deepFreeze(await validateWithSchema(createDbSecretSchema(options), json, { operation: OPERATION }));
}
