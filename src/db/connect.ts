/**
 * Rotation-safe connect: connect with the (possibly cached) DB secret; if the database rejects the
 * login, re-read the secret past every cache (and `AWSPENDING` when asked) and try again with what
 * changed, within a time budget. The recovery is the one the pools use (`pools/rotation.ts`).
 */

import type { SecretsClient } from "../client/client.js";
import { getDefaultClient } from "../client/default-client.js";
import { ArgumentError } from "../core/errors.js";
import { isDbAuthError } from "./auth-errors.js";
import type { DbEngine, DbSecret, DbSecretFor } from "./engines/index.js";
import { getDbSecret } from "./get.js";
import { checkBudget, LoginRotation, type LoginSource } from "./pools/rotation.js";
import type { ParseDbSecretOptions } from "./schemas.js";

/**
 * What an `onRefresh` hook is told about one login refresh ({@link connectWithDbSecret} and the
 * pools): the secret id, the versions and why; never a login.
 *
 * @example
 * ```ts
 * const onRefresh = ({ secretId, reason, versionStage, previousVersionId, versionId }: DbSecretRefreshEvent) =>
 *   log.info({ secretId, reason, versionStage, previousVersionId, versionId });
 * ```
 */
export interface DbSecretRefreshEvent {
  readonly secretId: string;
  /**
   * Why: the driver's code for the rejected login (`28P01`, `ER_ACCESS_DENIED_ERROR`, `ELOGIN`,
   * `ORA-01017`, or `isAuthError` for one your `isAuthError` recognized); for a new version a
   * pool's watch took on without a login error, the watch's reason (`interval`, `rotation-due`,
   * `forced`, ...).
   */
  readonly reason: string;
  /**
   * The version the next attempt uses: `AWSCURRENT` when the re-read found new credentials,
   * `AWSPENDING` when only a rotation in progress had them, `undefined` when nothing changed (the
   * login error is rethrown, or retried after a backoff while the budget lasts).
   */
  readonly versionStage: "AWSCURRENT" | "AWSPENDING" | undefined;
  /** The version id of the login the next attempt uses, `undefined` when nothing changed. */
  readonly versionId: string | undefined;
  /** The version id of the login that was rejected (or, for a watch's new version, the one before it). */
  readonly previousVersionId: string | undefined;
}

/** Options of {@link connectWithDbSecret}. */
export interface ConnectWithDbSecretOptions<E extends DbEngine | undefined = undefined>
  extends ParseDbSecretOptions<E> {
  /** The client to read through (its transport and cache). @default the default client */
  readonly client?: SecretsClient | undefined;
  /**
   * When the re-read AWSCURRENT holds the same credentials that failed, try the `AWSPENDING`
   * version: during a rotation, the database may already have the new password before Secrets
   * Manager promotes it to AWSCURRENT. Needs `secretsmanager:GetSecretValue` on that stage. When
   * there is no AWSPENDING version (or it is the AWSCURRENT one), no rotation is in progress and
   * the login error is rethrown at once.
   * @default false
   */
  readonly tryPending?: boolean | undefined;
  /**
   * How long to keep recovering from login errors, in milliseconds, 0 to 600000: re-read (with
   * capped jittered backoff between re-reads) and try again while the budget lasts. 0 is the
   * former behavior: one re-read, at most one more attempt.
   * @default 30000
   */
  readonly authRetryBudgetMs?: number | undefined;
  /** Decides which errors mean "wrong credentials". @default isDbAuthError */
  readonly isAuthError?: ((error: unknown) => boolean) | undefined;
  /** Debug hook, called once per recovery (forced re-read). It is never given a secret value; what it throws is ignored. */
  readonly onRefresh?: ((event: DbSecretRefreshEvent) => void) | undefined;
  /** Cancels the secret reads. */
  readonly signal?: AbortSignal | undefined;
}

/** A login read through the client: `refresh()` reads past every cache. One backend call per read. */
class ReadSource<S extends DbSecret> implements LoginSource<S> {
  readonly #read: (forceRefresh: boolean) => Promise<{ login: S; versionId: string | undefined }>;
  readonly #listeners = new Set<(change: { value: unknown; versionId: string | undefined; reason: string }) => void>();
  current!: S;
  versionId: string | undefined;

  constructor(read: (forceRefresh: boolean) => Promise<{ login: S; versionId: string | undefined }>) {
    this.#read = read;
  }

  async start(): Promise<void> {
    const { login, versionId } = await this.#read(false);
    Object.defineProperty(this, "current", { value: login, writable: true, enumerable: false });
    this.versionId = versionId;
  }

  async refresh(): Promise<void> {
    const { login, versionId } = await this.#read(true);
    const changed = login !== this.current;
    this.current = login;
    this.versionId = versionId;
    if (!changed) return;
    for (const listener of this.#listeners) listener({ value: login, versionId, reason: "forced" });
  }

  onChange(listener: (change: { value: unknown; versionId: string | undefined; reason: string }) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close(): void {
    this.#listeners.clear();
  }
}

/**
 * Runs `connect` with the DB secret `id`. If it fails because the database rejected the login
 * (see {@link isDbAuthError}), the secret is read again with `forceRefresh` (past this client's
 * cache and the agent's) and, if the credentials changed, `connect` runs again with them. With
 * `tryPending`, a re-read that changed nothing is followed by a read of `AWSPENDING` (the rotation
 * window). While nothing changed, it re-reads again after a capped jittered backoff, until
 * `authRetryBudgetMs` (30 s) is spent; then the login error is thrown. This is what keeps a
 * service alive through a password rotation without a restart. Other errors are thrown as they are.
 *
 * `connect` should return something already connected (run a query on a new pool) and release what
 * it opened when it fails. For a long-lived pool, see `pgPool`, `mysql2Pool` and `rotatingPool`.
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
 * }, { engine: 'postgres', client: secrets, tryPending: true });
 * ```
 */
export async function connectWithDbSecret<T, E extends DbEngine | undefined = undefined>(
  id: string,
  connect: (db: DbSecretFor<E>) => Promise<T>,
  options: ConnectWithDbSecretOptions<E> = {},
): Promise<T> {
  if (typeof connect !== "function") throw new ArgumentError("connectWithDbSecret: connect must be a function");
  const budgetMs = checkBudget("connectWithDbSecret", options.authRetryBudgetMs);
  const client = options.client ?? getDefaultClient();
  const parse = { engine: options.engine, defaults: options.defaults };
  const read = { ...parse, signal: options.signal };
  const source = new ReadSource<DbSecretFor<E> & DbSecret>(async (forceRefresh) => {
    const login = (await getDbSecret(id, { ...read, client, forceRefresh })) as DbSecretFor<E> & DbSecret;
    // The record the read above cached: no second backend call.
    const record = await client.getSecretValue(id, { signal: options.signal });
    return { login, versionId: record.versionId };
  });
  await source.start();
  const rotation = new LoginRotation(source, {
    id,
    client,
    parse,
    budgetMs,
    tryPending: options.tryPending ?? false,
    isAuthError: options.isAuthError ?? isDbAuthError,
    onRefresh: options.onRefresh,
    signal: options.signal,
  });
  try {
    return await rotation.run((ticket) => connect(ticket.login));
  } finally {
    rotation.close();
  }
}
