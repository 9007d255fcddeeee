/**
 * `rotatingPool`: any pool, swapped for a new one when the login changes. The old pool is destroyed
 * once the work that holds it (`use()`) is done, so no open connection is dropped.
 */
import { ArgumentError } from "../../core/errors.js";
import type { DbEngine, DbSecretFor } from "../engines/index.js";
import { checkPoolOptions, checkSecretId, type DbPoolOptions, optionalFunction, startRotation } from "./options.js";
import { type LoginRotation, type LoginTicket, sameLogin } from "./rotation.js";

/**
 * Options of {@link rotatingPool}: how to make and end a pool, and the {@link DbPoolOptions}.
 *
 * @example
 * ```ts
 * const options: RotatingPoolOptions<mssql.ConnectionPool, 'sqlserver'> = {
 *   engine: 'sqlserver',
 *   create: (db) => new mssql.ConnectionPool(mssqlOptions(db)).connect(),
 *   destroy: (pool) => pool.close(),
 * };
 * ```
 */
export interface RotatingPoolOptions<P, E extends DbEngine | undefined = undefined> extends DbPoolOptions<E> {
  /** Makes a pool for a login. May connect (and should release what it opened when it fails). */
  readonly create: (db: DbSecretFor<E>) => P | Promise<P>;
  /** Ends a pool that no `use()` holds any more. What it throws is ignored. */
  readonly destroy: (pool: P) => void | Promise<void>;
}

/**
 * A pool that follows a DB secret: {@link RotatingPool.use} runs work on the newest pool and recovers
 * from a rejected login. `util.inspect` and `JSON.stringify` show the id and version only.
 *
 * @example
 * ```ts
 * const rows = await pools.use((pool) => pool.request().query('SELECT 1 AS one'));
 * ```
 */
export interface RotatingPool<P> {
  /** The secret id, as given. */
  readonly id: string;
  /** The newest pool (the one `use()` hands out). Prefer `use()`: it holds the pool while you work. */
  readonly current: P;
  /** The secret version the newest pool logs in with. */
  readonly versionId: string | undefined;
  /** Whether {@link RotatingPool.close} was called. */
  readonly closed: boolean;
  /**
   * Runs `work` with the newest pool, holding that pool until `work` settles. A login error
   * (`isAuthError`) recovers (one forced re-read per failure burst, `AWSPENDING` in the rotation
   * window) and runs `work` again on the new pool, within `authRetryBudgetMs`: `work` should be
   * safe to repeat after a rejected login (nothing ran).
   */
  use<T>(work: (pool: P) => Promise<T>): Promise<T>;
  /** Stops the watch and destroys every pool once no `use()` holds it. Idempotent. */
  close(): Promise<void>;
  /** The id and version, never a login. */
  toJSON(): { id: string; versionId: string | undefined; closed: boolean };
}

interface Entry<P> {
  readonly ticket: LoginTicket;
  readonly ready: Promise<P>;
  pool: P | undefined;
  leases: number;
  retired: boolean;
  destroyed: Promise<void> | undefined;
}

const OPERATION = "rotatingPool";

/** Which login a failed `work` used. */
const FAILED_WITH = new WeakMap<object, LoginTicket>();

class SwappingPool<P> implements RotatingPool<P> {
  readonly id: string;
  readonly #rotation: LoginRotation;
  readonly #create: (db: never) => P | Promise<P>;
  readonly #destroy: (pool: P) => void | Promise<void>;
  readonly #entries = new Set<Entry<P>>();
  #entry: Entry<P>;
  #closed = false;

  constructor(
    id: string,
    rotation: LoginRotation,
    create: (db: never) => P | Promise<P>,
    destroy: (pool: P) => void | Promise<void>,
    first: P,
  ) {
    this.id = id;
    this.#rotation = rotation;
    this.#create = create;
    this.#destroy = destroy;
    this.#entry = this.#track({
      ticket: rotation.ticket,
      ready: Promise.resolve(first),
      pool: first,
      leases: 0,
      retired: false,
      destroyed: undefined,
    });
    rotation.onSwitch((ticket) => {
      // Made now, so the change needs no caller; a create that fails is retried by the next use().
      this.#entryFor(ticket).ready.catch(() => undefined);
    });
  }

  get current(): P {
    return this.#entry.pool as P;
  }

  get versionId(): string | undefined {
    return this.#entry.ticket.versionId;
  }

  get closed(): boolean {
    return this.#closed;
  }

  #track(entry: Entry<P>): Entry<P> {
    this.#entries.add(entry);
    return entry;
  }

  /** The pool for a login: the newest one if it has that login, else a new one (the old is retired). */
  #entryFor(ticket: LoginTicket): Entry<P> {
    const latest = this.#entry;
    if (latest.ticket === ticket || sameLogin(latest.ticket.login, ticket.login)) return latest;
    const ready = Promise.resolve().then(() => this.#create(ticket.login as never));
    const entry = this.#track({ ticket, ready, pool: undefined, leases: 0, retired: false, destroyed: undefined });
    this.#entry = entry;
    ready.then(
      (pool) => {
        entry.pool = pool;
        if (this.#closed || this.#entry !== entry) entry.retired = true;
        else for (const other of this.#entries) if (other !== entry) other.retired = true;
        for (const other of [...this.#entries]) this.#settle(other);
      },
      () => {
        // a pool that could not be made: forget it; the next use() makes another
        this.#entries.delete(entry);
        if (this.#entry === entry) this.#entry = latest;
      },
    );
    return entry;
  }

  /** Destroys a retired pool that nothing holds. */
  #settle(entry: Entry<P>): void {
    if (!entry.retired || entry.leases > 0 || entry.destroyed !== undefined || entry.pool === undefined) return;
    const pool = entry.pool;
    entry.destroyed = Promise.resolve()
      .then(() => this.#destroy(pool))
      .catch(() => undefined)
      .finally(() => this.#entries.delete(entry));
  }

  use<T>(work: (pool: P) => Promise<T>): Promise<T> {
    if (typeof work !== "function") return Promise.reject(new ArgumentError(`${OPERATION}: use() takes a function`));
    if (this.#closed) return Promise.reject(new ArgumentError(`${OPERATION}: use() after close()`));
    return this.#rotation.run(
      async (ticket) => {
        const entry = this.#entryFor(ticket);
        entry.leases++;
        try {
          return await work(await entry.ready);
        } catch (error) {
          if (typeof error === "object" && error !== null) FAILED_WITH.set(error, entry.ticket);
          throw error;
        } finally {
          entry.leases--;
          this.#settle(entry);
        }
      },
      (error) => (typeof error === "object" && error !== null ? FAILED_WITH.get(error) : undefined),
    );
  }

  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#rotation.close();
    }
    const pending: Promise<unknown>[] = [];
    for (const entry of [...this.#entries]) {
      entry.retired = true;
      pending.push(entry.ready.then(() => this.#settle(entry)).catch(() => undefined));
    }
    await Promise.all(pending);
    await Promise.all([...this.#entries].map((entry) => entry.destroyed));
  }

  toJSON(): { id: string; versionId: string | undefined; closed: boolean } {
    return { id: this.id, versionId: this.versionId, closed: this.#closed };
  }

  static {
    Object.defineProperty(SwappingPool.prototype, Symbol.for("nodejs.util.inspect.custom"), {
      value(
        this: SwappingPool<unknown>,
        _depth: number,
        options: unknown,
        inspect: (v: unknown, o?: unknown) => string,
      ) {
        return `RotatingPool ${inspect(this.toJSON(), options)}`;
      },
    });
  }
}

/**
 * Any pool (or client) that takes fixed credentials, kept on the newest login of the DB secret
 * `id`: a watch follows the secret; when the login changes, `create` makes a new pool and the old
 * one is handed to `destroy` once no {@link RotatingPool.use} holds it (open connections finish
 * their work). A login error in `use()` triggers one forced re-read per failure burst, tries
 * `AWSPENDING` during the rotation window and runs the work again within `authRetryBudgetMs`.
 * Resolves once the first pool is made.
 *
 * @example
 * ```ts
 * const pools = await rotatingPool('prod/db', {
 *   client: secrets,
 *   engine: 'postgres',
 *   create: (db) => new pg.Pool({ ...pgOptions(db), max: 10 }),
 *   destroy: (pool) => pool.end(),
 * });
 * const { rows } = await pools.use((pool) => pool.query('SELECT 1 AS one'));
 * await pools.close();
 * ```
 */
export async function rotatingPool<P, E extends DbEngine | undefined = undefined>(
  id: string,
  options: RotatingPoolOptions<P, E>,
): Promise<RotatingPool<P>> {
  checkSecretId(OPERATION, id);
  const checked = checkPoolOptions(OPERATION, options, ["create", "destroy"]);
  const create = optionalFunction<(db: never) => P | Promise<P>>(OPERATION, "create", options.create);
  const destroy = optionalFunction<(pool: P) => void | Promise<void>>(OPERATION, "destroy", options.destroy);
  if (create === undefined || destroy === undefined) {
    throw new ArgumentError(`${OPERATION}: "create" and "destroy" are required functions`);
  }
  const rotation = await startRotation(id, checked);
  let first: P;
  try {
    first = await rotation.run((ticket) => Promise.resolve(create(ticket.login as never)));
  } catch (error) {
    rotation.close();
    throw error;
  }
  return new SwappingPool<P>(id, rotation, create, destroy, first);
}
