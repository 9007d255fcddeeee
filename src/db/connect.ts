/**
 * Rotation-safe connect: connect with the (possibly cached) DB secret; if the database rejects the
 * login, re-read the secret past every cache and try once more with what changed.
 */

import type { SecretsClient } from "../client/client.js";
import { getDefaultClient } from "../client/default-client.js";
import { isSecretsError } from "../core/errors.js";
import { dbAuthErrorCode, isDbAuthError } from "./auth-errors.js";
import type { DbEngine, DbSecret, DbSecretFor } from "./engines/index.js";
import { getDbSecret } from "./get.js";
import type { ParseDbSecretOptions } from "./schemas.js";

/** What {@link ConnectWithDbSecretOptions.onRefresh} is told: ids and codes, never a value. */
export interface DbSecretRefreshEvent {
  readonly secretId: string;
  /** The driver's code for the rejected login, e.g. `28P01`, `ER_ACCESS_DENIED_ERROR`, `ELOGIN`, `ORA-01017`. */
  readonly reason: string;
  /**
   * The version the second attempt uses: `AWSCURRENT` when the re-read found new credentials,
   * `AWSPENDING` when only a rotation in progress had them, `undefined` when nothing changed and
   * the login error is rethrown without a second attempt.
   */
  readonly versionStage: "AWSCURRENT" | "AWSPENDING" | undefined;
}

/** Options of {@link connectWithDbSecret}. */
export interface ConnectWithDbSecretOptions<E extends DbEngine | undefined = undefined>
  extends ParseDbSecretOptions<E> {
  /** The client to read through (its transport and cache). @default the default client */
  readonly client?: SecretsClient | undefined;
  /**
   * When the re-read AWSCURRENT holds the same credentials that failed, try the `AWSPENDING`
   * version: during a rotation, the database may already have the new password before Secrets
   * Manager promotes it to AWSCURRENT. Needs `secretsmanager:GetSecretValue` on that stage.
   * @default false
   */
  readonly tryPending?: boolean | undefined;
  /** Decides which errors mean "wrong credentials". @default isDbAuthError */
  readonly isAuthError?: ((error: unknown) => boolean) | undefined;
  /** Debug hook, called once per forced re-read. It is never given a secret value; what it throws is ignored. */
  readonly onRefresh?: ((event: DbSecretRefreshEvent) => void) | undefined;
  /** Cancels the secret reads. */
  readonly signal?: AbortSignal | undefined;
}

function sameLogin(a: DbSecret, b: DbSecret): boolean {
  return (
    a.username === b.username &&
    a.password === b.password &&
    a.host === b.host &&
    a.port === b.port &&
    a.dbname === b.dbname
  );
}

function report(options: ConnectWithDbSecretOptions<DbEngine | undefined>, event: DbSecretRefreshEvent): void {
  try {
    options.onRefresh?.(event);
  } catch {
    // a debug hook must not change what the caller gets
  }
}

/**
 * Runs `connect` with the DB secret `id`. If it fails because the database rejected the login
 * (see {@link isDbAuthError}), the secret is read again with `forceRefresh` (past this client's
 * cache and the agent's) and, if the credentials changed, `connect` runs once more with them. This
 * is what keeps a service alive through a password rotation without a restart. Other errors, and
 * a second failure, are thrown as they are.
 *
 * `connect` should return something already connected (run a query on a new pool) and release what
 * it opened when it fails.
 *
 * @example
 * ```ts
 * const pool = await connectWithDbSecret('prod/db', async (db) => {
 *   const pool = new pg.Pool({ ...pgOptions(db), max: 10 });
 *   try {
 *     await pool.query('SELECT 1');
 *     return pool;
 *   } catch (error) {
 *     await pool.end();
 *     throw error;
 *   }
 * }, { engine: 'postgres', client: secrets });
 * ```
 */
export async function connectWithDbSecret<T, E extends DbEngine | undefined = undefined>(
  id: string,
  connect: (db: DbSecretFor<E>) => Promise<T>,
  options: ConnectWithDbSecretOptions<E> = {},
): Promise<T> {
  const client = options.client ?? getDefaultClient();
  const read = { engine: options.engine, defaults: options.defaults, signal: options.signal };
  const first: DbSecretFor<E> = await getDbSecret(id, { ...read, client });
  try {
    return await connect(first);
  } catch (error) {
    if (!(options.isAuthError ?? isDbAuthError)(error)) throw error;
    const reason = dbAuthErrorCode(error) ?? "isAuthError";
    let next: DbSecretFor<E> = await getDbSecret(id, { ...read, client, forceRefresh: true });
    let versionStage: DbSecretRefreshEvent["versionStage"] = "AWSCURRENT";
    if (sameLogin(first, next)) {
      const pending = options.tryPending ? await readPending(client, id, read) : undefined;
      next = pending as DbSecretFor<E>;
      versionStage = pending && !sameLogin(first, pending) ? "AWSPENDING" : undefined;
    }
    report(options, { secretId: id, reason, versionStage });
    if (versionStage === undefined) throw error;
    return connect(next);
  }
}

/** The AWSPENDING version, or `undefined` when no rotation is in progress. */
async function readPending(
  client: SecretsClient,
  id: string,
  read: ParseDbSecretOptions & { readonly signal?: AbortSignal | undefined },
): Promise<DbSecret | undefined> {
  try {
    return await getDbSecret(id, { ...read, client, versionStage: "AWSPENDING", forceRefresh: true });
  } catch (error) {
    if (isSecretsError(error, "NOT_FOUND")) return undefined;
    throw error;
  }
}
