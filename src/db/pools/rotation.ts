/**
 * The login a rotation-safe pool connects with, fed by a watch handle, and the recovery from a
 * rejected login: one forced refresh per failure burst (coalesced), `AWSPENDING` during the
 * rotation window, capped jittered backoff, a time budget. Internal: the pool helpers and
 * `connectWithDbSecret` share it. Never holds a login anywhere `util.inspect` looks.
 */
import type { SecretsClient } from "../../client/client.js";
import { jitteredBackoff } from "../../core/backoff.js";
import { ArgumentError, isSecretsError } from "../../core/errors.js";
import { dbAuthErrorCode } from "../auth-errors.js";
import type { DbSecret } from "../engines/index.js";
import { parseDbSecret } from "../parse.js";
import type { ParseDbSecretOptions } from "../schemas.js";

/** The staging label a login came from. */
export type LoginStage = "AWSCURRENT" | "AWSPENDING";

/** What a refresh hook is told. Mirrors the public `DbSecretRefreshEvent`. */
export interface RefreshReport {
  readonly secretId: string;
  readonly reason: string;
  readonly versionStage: LoginStage | undefined;
  readonly versionId: string | undefined;
  readonly previousVersionId: string | undefined;
}

/** A login and where it came from. The login is not enumerable: printing a ticket shows no value. */
export class LoginTicket<S extends DbSecret = DbSecret> {
  declare readonly login: S;
  readonly versionId: string | undefined;
  readonly versionStage: LoginStage;

  constructor(login: S, versionId: string | undefined, versionStage: LoginStage) {
    Object.defineProperty(this, "login", { value: login, enumerable: false });
    this.versionId = versionId;
    this.versionStage = versionStage;
    Object.freeze(this);
  }

  toJSON(): Record<string, unknown> {
    return { versionId: this.versionId, versionStage: this.versionStage, username: this.login.username };
  }

  static {
    Object.defineProperty(LoginTicket.prototype, Symbol.for("nodejs.util.inspect.custom"), {
      value(
        this: LoginTicket,
        _depth: number,
        options: unknown,
        inspect: (value: unknown, options?: unknown) => string,
      ) {
        return `LoginTicket ${inspect(this.toJSON(), options)}`;
      },
    });
  }
}

/** Whether two logins connect the same way. */
export function sameLogin(a: DbSecret, b: DbSecret): boolean {
  return (
    a.username === b.username &&
    a.password === b.password &&
    a.host === b.host &&
    a.port === b.port &&
    a.dbname === b.dbname
  );
}

/** Calls a hook; what it throws is ignored. */
export function callQuietly<E>(hook: ((event: E) => void) | undefined, event: E): void {
  try {
    hook?.(event);
  } catch {
    // a debug hook must not change what the caller gets
  }
}

/** The retry schedule of a login recovery, in milliseconds. */
export const AUTH_RETRY = {
  /** The default time budget of a connect that keeps failing with a login error. */
  budgetMs: 30_000,
  /** The most a caller may ask for. */
  maxBudgetMs: 600_000,
  /** The delay before a recovery that follows another: `jitteredBackoff(streak, baseMs, maxMs)`. */
  baseMs: 250,
  maxMs: 4_000,
} as const;

/** The retry budget option, checked: a finite number from 0 to 600000. */
export function checkBudget(operation: string, value: unknown): number {
  if (value === undefined) return AUTH_RETRY.budgetMs;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > AUTH_RETRY.maxBudgetMs) {
    throw new ArgumentError(`${operation}: "authRetryBudgetMs" must be a number of milliseconds from 0 to 600000`);
  }
  return value;
}

/** Waits `ms` (at most), ref'd: a caller is waiting on it. */
export function sleep(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The `AWSPENDING` version, read past every cache, or `undefined` when no rotation is in progress
 * (`NOT_FOUND`). One `GetSecretValue` call.
 */
export async function readPendingTicket<S extends DbSecret>(
  client: SecretsClient,
  id: string,
  parse: ParseDbSecretOptions,
  signal?: AbortSignal | undefined,
): Promise<LoginTicket<S> | undefined> {
  try {
    const record = await client.getSecretValue(id, { versionStage: "AWSPENDING", forceRefresh: true, signal });
    const login = (await parseDbSecret(record.secretString ?? "", parse)) as S;
    return new LoginTicket(login, record.versionId, "AWSPENDING");
  } catch (error) {
    if (isSecretsError(error, "NOT_FOUND")) return undefined;
    throw error;
  }
}

/**
 * Where a rotation's `AWSCURRENT` login comes from: a watch handle, or (for a one-shot connect)
 * reads through the client. `refresh()` reads past every cache.
 */
export interface LoginSource<S extends DbSecret> {
  readonly current: S;
  readonly versionId: string | undefined;
  refresh(): Promise<void>;
  onChange(listener: (change: { value: unknown; versionId: string | undefined; reason: string }) => void): () => void;
  close(): void;
}

/** How a {@link LoginRotation} behaves; checked by the caller. */
export interface LoginRotationSettings {
  readonly id: string;
  readonly client: SecretsClient;
  readonly parse: ParseDbSecretOptions;
  readonly budgetMs: number;
  readonly tryPending: boolean;
  readonly isAuthError: (error: unknown) => boolean;
  readonly onRefresh: ((event: RefreshReport) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * What a recovery found: another login to try (`moved`), nothing new yet (`unchanged`: try again
 * after the backoff, within the budget), proof that no rotation is in progress (`hopeless`: no
 * `AWSPENDING` version, or one on the `AWSCURRENT` version), or the caller's budget ran out first.
 */
type Outcome = "moved" | "unchanged" | "hopeless" | "timeout";

/**
 * The login new connections use: the source's `AWSCURRENT`, or the `AWSPENDING` one a recovery
 * found, until the source moves on. `run()` recovers from a rejected login and tries again.
 */
export class LoginRotation<S extends DbSecret = DbSecret> {
  readonly #source: LoginSource<S>;
  readonly #settings: LoginRotationSettings;
  readonly #listeners = new Set<(ticket: LoginTicket<S>) => void>();
  readonly #stopWatching: () => void;
  #ticket: LoginTicket<S>;
  #recovery: Promise<Outcome> | undefined;
  /** Recoveries since the last successful attempt; sets the backoff before the next one. */
  #streak = 0;
  #nextRecoveryAt = 0;
  #recovering = false;
  #closed = false;

  constructor(source: LoginSource<S>, settings: LoginRotationSettings) {
    this.#source = source;
    this.#settings = settings;
    this.#ticket = new LoginTicket(source.current, source.versionId, "AWSCURRENT");
    this.#stopWatching = source.onChange((change) => {
      const previous = this.#ticket;
      const next = new LoginTicket(change.value as S, change.versionId, "AWSCURRENT");
      this.#ticket = next;
      // A refresh of our own recovery is reported by the recovery, with the login error as the reason.
      if (!this.#recovering) {
        callQuietly(settings.onRefresh, {
          secretId: settings.id,
          reason: change.reason,
          versionStage: "AWSCURRENT",
          versionId: change.versionId,
          previousVersionId: previous.versionId,
        });
      }
      if (!sameLogin(previous.login, next.login)) this.#notify(next);
    });
  }

  /** The login a new connection should use now. */
  get ticket(): LoginTicket<S> {
    return this.#ticket;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Calls `listener` when the login changes (not when only its version label does). */
  onSwitch(listener: (ticket: LoginTicket<S>) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #notify(ticket: LoginTicket<S>): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(ticket);
      } catch {
        // a pool that cannot swap keeps its old one; the next login error recovers again
      }
    }
  }

  /** Whether the login has moved on from `failed` to another one. */
  #movedFrom(failed: LoginTicket<S>): boolean {
    return this.#ticket !== failed && !sameLogin(this.#ticket.login, failed.login);
  }

  /**
   * Runs `attempt` with the current login. A login error (`isAuthError`) leads to a recovery
   * (shared with every attempt that failed with the same login) and, once the login moved on,
   * another attempt; until one works, the budget is spent, or no rotation is in progress. Then the
   * last login error is thrown. Other errors are thrown as they are. With a budget of 0: one
   * recovery and at most one more attempt.
   *
   * @param failedTicket - which login an error came from, when the attempt may have used another
   */
  async run<T>(
    attempt: (ticket: LoginTicket<S>) => Promise<T>,
    failedTicket?: (error: unknown) => LoginTicket<S> | undefined,
  ): Promise<T> {
    const deadline = Date.now() + this.#settings.budgetMs;
    let recoveries = 0;
    let ticket = this.#ticket;
    for (;;) {
      let error: unknown;
      try {
        const result = await attempt(ticket);
        this.#streak = 0;
        return result;
      } catch (caught) {
        error = caught;
      }
      if (this.#closed || !this.#settings.isAuthError(error)) throw error;
      const failed = failedTicket?.(error) ?? ticket;
      while (!this.#movedFrom(failed)) {
        if (this.#closed || (recoveries > 0 && Date.now() >= deadline)) throw error;
        recoveries++;
        const outcome = await this.#recover(failed, error, deadline);
        if (outcome === "hopeless") throw error;
      }
      ticket = this.#ticket;
    }
  }

  /** Waits for the recovery from `failed` (starting one unless one runs), at most until `deadline`. */
  async #recover(failed: LoginTicket<S>, error: unknown, deadline: number): Promise<Outcome> {
    if (this.#recovery === undefined) {
      this.#recovery = this.#recoverOnce(failed, error).finally(() => {
        this.#recovery = undefined;
      });
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<Outcome>((resolve) => {
      timer = setTimeout(() => resolve("timeout"), Math.max(0, deadline - Date.now()));
    });
    try {
      return await Promise.race([this.#recovery, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async #recoverOnce(failed: LoginTicket<S>, error: unknown): Promise<Outcome> {
    await sleep(this.#nextRecoveryAt - Date.now());
    if (this.#closed) return "hopeless";
    if (this.#movedFrom(failed)) return "moved";
    const { id, client, parse, tryPending, onRefresh, signal } = this.#settings;
    const reason = dbAuthErrorCode(error) ?? "isAuthError";
    let next: LoginTicket<S> | undefined;
    let outcome: Outcome = "unchanged";
    try {
      this.#recovering = true;
      try {
        await this.#source.refresh();
      } finally {
        this.#recovering = false;
      }
      if (this.#movedFrom(failed)) next = this.#ticket;
      else if (!sameLogin(this.#source.current, failed.login)) {
        next = new LoginTicket(this.#source.current, this.#source.versionId, "AWSCURRENT");
      } else if (tryPending) {
        const pending = await readPendingTicket<S>(client, id, parse, signal);
        if (pending === undefined || pending.versionId === this.#source.versionId) outcome = "hopeless";
        else if (!sameLogin(pending.login, failed.login)) next = pending;
      }
    } catch {
      // the re-read failed (a watch's onError hears of it): back off and try again, within the budget
    } finally {
      this.#nextRecoveryAt = Date.now() + jitteredBackoff(this.#streak++, AUTH_RETRY.baseMs, AUTH_RETRY.maxMs);
    }
    callQuietly(onRefresh, {
      secretId: id,
      reason,
      versionStage: next?.versionStage,
      versionId: next?.versionId,
      previousVersionId: failed.versionId,
    });
    if (next === undefined || this.#closed) return outcome;
    const switched = !sameLogin(this.#ticket.login, next.login);
    this.#ticket = next;
    if (switched) this.#notify(next);
    return "moved";
  }

  /** Stops following the secret and closes the source. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopWatching();
    this.#listeners.clear();
    this.#source.close();
  }
}
