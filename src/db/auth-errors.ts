/**
 * Recognizes "the database rejected these credentials" in the errors of the common Node drivers,
 * without importing any of them: only the fields they set are read. Each family's codes are in its
 * module in `engines/` (`authErrorCode`); this module asks them in the engine table's order.
 */
import { DB_FAMILIES } from "./engines/index.js";
import type { DbAuthErrorCode, DriverErrorFields } from "./shared.js";

/** Prisma, whatever the engine: P1000 "Authentication failed against database server". */
const prismaAuthErrorCode: DbAuthErrorCode = (error) => (error.errorCode === "P1000" ? "P1000" : undefined);

/** Each recognizer once (postgres and redshift share one), the families' first, then Prisma's. */
const RECOGNIZERS: readonly DbAuthErrorCode[] = [
  ...new Set(DB_FAMILIES.flatMap((family) => (family.authErrorCode ? [family.authErrorCode] : []))),
  prismaAuthErrorCode,
];

/** The driver's code for a rejected login in this one error object, without looking at causes. */
function ownAuthCode(error: DriverErrorFields): string | undefined {
  for (const recognize of RECOGNIZERS) {
    const code = recognize(error);
    if (code !== undefined) return code;
  }
  return undefined;
}

/**
 * The driver's code for a rejected login (`28P01`, `ER_ACCESS_DENIED_ERROR`, `ELOGIN`, `ORA-01017`,
 * ...), looking through `cause` and mssql's `originalError`, or `undefined` for any other error.
 */
export function dbAuthErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const fields = current as DriverErrorFields;
    const code = ownAuthCode(fields);
    if (code !== undefined) return code;
    current = fields.originalError ?? fields.cause;
  }
  return undefined;
}

/**
 * Whether a driver error means the database rejected the credentials: PostgreSQL `28P01` / `28000`,
 * MySQL and MariaDB `1045`, SQL Server `18456` (tedious `ELOGIN`), Oracle `ORA-01017`, MongoDB
 * `AuthenticationFailed`, Prisma `P1000`. Reads `cause` and mssql's `originalError` too.
 *
 * @example
 * ```ts
 * try {
 *   await client.connect();
 * } catch (error) {
 *   if (isDbAuthError(error)) await getDbSecret('prod/db', { forceRefresh: true, client: secrets });
 *   throw error;
 * }
 * ```
 */
export function isDbAuthError(error: unknown): boolean {
  return dbAuthErrorCode(error) !== undefined;
}
