/**
 * The pool helpers' refused input (ArgumentError for a programming mistake, CONFIG for a mysql2
 * this library does not know), the generic swapping pool's drain, and the recovery's coalescing,
 * without a database: memory transport, stand-in pools.
 */
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { createSecretsClient } from "../src/client/client.js";
import { ArgumentError } from "../src/core/errors.js";
import { type DbSecretRefreshEvent, mysql2Pool, pgPool, rotatingPool } from "../src/db.js";
import { memoryTransport } from "../src/transports/memory.js";
import { CANARY, expectNoLeak, rejectionOf } from "./helpers/canary.js";

const ID = "prod/db";
const login = (password: string, username = "app") => ({
  engine: "postgres",
  host: "127.0.0.1",
  port: 9,
  username,
  password,
  dbname: "d",
});
const fakePg = { Pool: class {}, Client: class {} };
const fakeMysql = { createPool: () => ({}) };

function setup(password = `${CANARY}-1`) {
  const memory = memoryTransport({ [ID]: login(password) });
  return { memory, client: createSecretsClient({ transport: memory }) };
}

const authError = () => Object.assign(new Error('password authentication failed for user "app"'), { code: "28P01" });

describe("pool options", () => {
  const { client } = setup();
  const bad: [string, Record<string, unknown>][] = [
    ["unknown option", { nope: 1 }],
    ["authRetryBudgetMs negative", { authRetryBudgetMs: -1 }],
    ["authRetryBudgetMs too large", { authRetryBudgetMs: 600_001 }],
    ["authRetryBudgetMs not a number", { authRetryBudgetMs: "30" }],
    ["tryPending not boolean", { tryPending: "yes" }],
    ["isAuthError not a function", { isAuthError: 1 }],
    ["onRefresh not a function", { onRefresh: {} }],
    ["engine unknown", { engine: "db2" }],
    ["defaults not an object", { defaults: "x" }],
    ["client not a client", { client: {} }],
    ["watch not an object", { watch: 1 }],
    ["watch unknown option", { watch: { every: 1 } }],
  ];
  it.each(bad)("pgPool, mysql2Pool and rotatingPool refuse %s with an ArgumentError", async (_name, options) => {
    const generic = { create: () => ({}), destroy: () => {} };
    for (const call of [
      () => pgPool(fakePg, ID, { client, ...options } as never),
      () => mysql2Pool(fakeMysql, ID, { client, ...options } as never),
      () => rotatingPool(ID, { client, ...generic, ...options } as never),
    ]) {
      expect(await rejectionOf(call())).toBeInstanceOf(ArgumentError);
    }
  });

  it("refuses a missing driver, an empty id, the login in poolOptions, a bad ssl and the wrong engine family", async () => {
    for (const call of [
      () => pgPool({} as never, ID),
      () => pgPool(fakePg, ""),
      () => pgPool(fakePg, ID, { client, poolOptions: { password: "x" } as never }),
      () => pgPool(fakePg, ID, { client, poolOptions: { Client: 1 } as never }),
      () => pgPool(fakePg, ID, { client, ssl: 1 as never }),
      () => pgPool(fakePg, ID, { client, engine: "mysql" as never }),
      () => mysql2Pool({} as never, ID),
      () => mysql2Pool(fakeMysql, ID, { client, poolOptions: { user: "x" } as never }),
      () => mysql2Pool(fakeMysql, ID, { client, ssl: 1 as never }),
      () => mysql2Pool(fakeMysql, ID, { client, engine: "postgres" as never }),
      () => rotatingPool(ID, { client, create: () => ({}) } as never),
      () => rotatingPool(ID, { client, destroy: () => {}, create: 1 } as never),
    ]) {
      expect(await rejectionOf(call())).toBeInstanceOf(ArgumentError);
    }
  });

  it("a mysql2 whose pool has no config.connectionConfig is a CONFIG error, naming no value", async () => {
    const memory = memoryTransport({ [ID]: { ...login(`${CANARY}-1`), engine: "mariadb" } });
    const error = await rejectionOf(
      mysql2Pool(fakeMysql, ID, { client: createSecretsClient({ transport: memory }), engine: "mariadb" }),
    );
    expect(error).toMatchObject({ name: "SecretsError", code: "CONFIG" });
    expectNoLeak(error);
  });
});

describe("rotatingPool", () => {
  it("swaps to a new pool on a change and destroys the old one once its work is done", async () => {
    const { memory, client } = setup("p1");
    const destroyed: string[] = [];
    const events: DbSecretRefreshEvent[] = [];
    const pools = await rotatingPool(ID, {
      client,
      engine: "postgres",
      create: (db) => ({ password: db.password }),
      destroy: (pool) => void destroyed.push(pool.password),
      onRefresh: (event) => events.push(event),
    });
    let release!: () => void;
    const held = pools.use((pool) => new Promise<string>((resolve) => (release = () => resolve(pool.password))));
    memory.set(ID, login("p2"));
    await (pools as unknown as { use: typeof pools.use }).use(async () => undefined);
    // a forced refresh, as the watch's schedule would do
    const handle = await client.watch(ID);
    await handle.refresh();
    handle.close();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await pools.use(async (pool) => pool.password)).toBe("p2");
    expect(destroyed).toEqual([]);
    release();
    expect(await held).toBe("p1");
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(destroyed).toEqual(["p1"]);
    expect(events.map((event) => [event.reason, event.versionStage])).toEqual([["forced", "AWSCURRENT"]]);
    expect(inspect(pools)).not.toContain("p2");
    await pools.close();
    expect(destroyed).toEqual(["p1", "p2"]);
  });

  it("a burst of rejected logins makes one recovery, which finds AWSPENDING in the rotation window", async () => {
    const { memory, client } = setup(`${CANARY}-old`);
    memory.set(ID, login(`${CANARY}-new`), { versionStages: ["AWSPENDING"] });
    const reads: string[] = [];
    const counting = createSecretsClient({
      transport: {
        name: "memory",
        getSecretValue: (request) => {
          reads.push(request.versionStage ?? "AWSCURRENT");
          return memory.getSecretValue(request);
        },
      },
      cache: false,
    });
    const events: DbSecretRefreshEvent[] = [];
    const pools = await rotatingPool(ID, {
      client: counting,
      engine: "postgres",
      watch: { rotation: false },
      create: (db) => db,
      destroy: () => {},
      onRefresh: (event) => events.push(event),
    });
    reads.length = 0;
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        pools.use(async (db) => {
          if (db.password !== `${CANARY}-new`) throw authError();
          return db.username;
        }),
      ),
    );
    expect(results).toHaveLength(50);
    expect(reads).toEqual(["AWSCURRENT", "AWSPENDING"]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ secretId: ID, reason: "28P01", versionStage: "AWSPENDING" });
    expectNoLeak(events);
    await pools.close();
    void client;
  });

  it("rethrows at once when no rotation is in progress, and within the budget when nothing changes", async () => {
    const { client } = setup(`${CANARY}-1`);
    const pools = await rotatingPool(ID, { client, create: (db) => db, destroy: () => {}, authRetryBudgetMs: 1_000 });
    const started = Date.now();
    expect(await rejectionOf(pools.use(async () => Promise.reject(authError())))).toMatchObject({ code: "28P01" });
    expect(Date.now() - started).toBeLessThan(500);
    const noPending = await rotatingPool(ID, {
      client,
      create: (db) => db,
      destroy: () => {},
      tryPending: false,
      authRetryBudgetMs: 800,
    });
    const error = await rejectionOf(noPending.use(async () => Promise.reject(authError())));
    expect(error).toMatchObject({ code: "28P01" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
    expectNoLeak(error);
    await Promise.all([pools.close(), noPending.close()]);
  });
});
