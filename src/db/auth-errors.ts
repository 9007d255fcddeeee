/**
 * Recognizes "the database rejected these credentials" in the errors of the common Node drivers,
 * without importing any of them: only the fields they set are read.
 */

interface DriverErrorFields {
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

/** The driver's code for a rejected login in this one error object, without looking at causes. */
function ownAuthCode(error: DriverErrorFields): string | undefined {
  const { code, errno } = error;
  // PostgreSQL / Redshift SQLSTATE (pg): invalid_password, invalid_authorization_specification.
  if (code === "28P01") return code;
  // 28000 also covers "no pg_hba.conf entry" and "SSL required", which new credentials do not fix.
  if (code === "28000" && !/pg_hba|SSL|encryption/i.test(String(error.message ?? ""))) return code;
  // MySQL / MariaDB (mysql2, mariadb): ER_ACCESS_DENIED_ERROR.
  if (errno === 1045 || code === "ER_ACCESS_DENIED_ERROR") return "ER_ACCESS_DENIED_ERROR";
  // SQL Server: error 18456 "Login failed for user"; tedious reports it as ELOGIN without the number.
  if (error.number === 18456 || code === 18456) return "18456";
  if (code === "ELOGIN" && typeof error.message === "string" && error.message.startsWith("Login failed"))
    return "ELOGIN";
  // Oracle (node-oracledb): ORA-01017 invalid username/password.
  if (error.errorNum === 1017 || code === "ORA-01017") return "ORA-01017";
  // MongoDB / DocumentDB: AuthenticationFailed.
  if (code === 18 && error.codeName === "AuthenticationFailed") return "AuthenticationFailed";
  // Prisma: P1000 "Authentication failed against database server".
  if (error.errorCode === "P1000") return "P1000";
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
