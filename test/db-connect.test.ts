/**
 * connectWithDbSecret without a database: `connect` is a stand-in that accepts one password and
 * throws a pg-shaped login error for any other. The real-server version is in db-servers.test.ts.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { createSecretsClient, type SecretsClient } from "../src/client/client.js";
import { resetDefaultClient } from "../src/client/default-client.js";
import { connectWithDbSecret, type DbSecret, type DbSecretRefreshEvent, getDbSecret } from "../src/db.js";
import type { SecretRequest } from "../src/transport/types.js";
import { type MemoryTransport, memoryTransport } from "../src/transports/memory.js";
import { TRANSPORT_ENV } from "../src/transports/spec.js";
import { CANARY, expectNoLeak, rejectionOf } from "./helpers/canary.js";

const ID = "prod/db";
const secretWith = (password: string) => ({ engine: "postgres", host: "db.internal", username: "app", password });

/** A database that accepts one password at a time, and the logins it saw. */
function fakeDatabase(password: string) {
  const database = {
    password,
    logins: [] as string[],
    async connect(db: DbSecret): Promise<{ user: string }> {
      database.logins.push(db.password);
      if (db.password !== database.password) {
        throw Object.assign(new Error(`password authentication failed for user "${db.username}"`), { code: "28P01" });
      }
      return { user: db.username };
    },
  };
  return database;
}

/** A cached client over a memory transport, and every request that reached the transport. */
function cachedClient(memory: MemoryTransport): { secrets: SecretsClient; requests: SecretRequest[] } {
  const requests: SecretRequest[] = [];
  const transport = {
    name: "memory",
    getSecretValue(request: SecretRequest) {
      requests.push(request);
      return memory.getSecretValue(request);
    },
  };
  const secrets = createSecretsClient({ transport, cache: { ttlMs: 300_000 } });
  return { secrets, requests };
}

describe("connectWithDbSecret", () => {
  it("returns what connect returns, after one read, when the login works", async () => {
    const { secrets, requests } = cachedClient(memoryTransport({ [ID]: secretWith("v1") }));
    const database = fakeDatabase("v1");

    const connection = await connectWithDbSecret(ID, database.connect, { client: secrets });

    expect(connection).toEqual({ user: "app" });
    expect(requests).toHaveLength(1);
  });

  it("re-reads past the cache and connects with the rotated password after a login error", async () => {
    const memory = memoryTransport({ [ID]: secretWith("v1") });
    const { secrets, requests } = cachedClient(memory);
    await getDbSecret(ID, { client: secrets });
    const database = fakeDatabase("v2");
    memory.set(ID, secretWith("v2"));
    const events: DbSecretRefreshEvent[] = [];

    const connection = await connectWithDbSecret(ID, database.connect, {
      client: secrets,
      onRefresh: (event) => events.push(event),
    });

    expect(connection).toEqual({ user: "app" });
    expect(database.logins).toEqual(["v1", "v2"]);
    expect(requests.map((request) => request.forceRefresh)).toEqual([undefined, true]);
    expect(events).toMatchObject([{ secretId: ID, reason: "28P01", versionStage: "AWSCURRENT" }]);
  });

  it("leaves the client's cache holding the new password, so the next read needs no refresh", async () => {
    const memory = memoryTransport({ [ID]: secretWith("v1") });
    const { secrets, requests } = cachedClient(memory);
    await getDbSecret(ID, { client: secrets });
    memory.set(ID, secretWith("v2"));
    await connectWithDbSecret(ID, fakeDatabase("v2").connect, { client: secrets });

    const db = await getDbSecret(ID, { client: secrets });

    expect(db.password).toBe("v2");
    expect(requests).toHaveLength(2);
  });

  it("throws other errors as they are, without a refresh", async () => {
    const { secrets, requests } = cachedClient(memoryTransport({ [ID]: secretWith("v1") }));
    const refused = Object.assign(new Error("connect ECONNREFUSED 10.0.0.1:5432"), { code: "ECONNREFUSED" });
    const events: DbSecretRefreshEvent[] = [];

    const error = await rejectionOf(
      connectWithDbSecret(ID, () => Promise.reject(refused), { client: secrets, onRefresh: (e) => events.push(e) }),
    );

    expect(error).toBe(refused);
    expect(requests).toHaveLength(1);
    expect(events).toEqual([]);
  });

  it("rethrows the login error without a second attempt when the re-read secret is unchanged and no time is left", async () => {
    const { secrets, requests } = cachedClient(memoryTransport({ [ID]: secretWith("v1") }));
    const database = fakeDatabase("something-else");
    const events: DbSecretRefreshEvent[] = [];

    const error = await rejectionOf(
      connectWithDbSecret(ID, database.connect, {
        client: secrets,
        authRetryBudgetMs: 0,
        onRefresh: (event) => events.push(event),
      }),
    );

    expect(error).toMatchObject({ code: "28P01" });
    expect(database.logins).toEqual(["v1"]);
    expect(requests).toHaveLength(2);
    expect(events).toMatchObject([{ secretId: ID, reason: "28P01", versionStage: undefined }]);
  });

  it("tries AWSPENDING when asked and the current version did not change", async () => {
    const memory = memoryTransport({ [ID]: secretWith("v1") });
    memory.set(ID, secretWith("v2"), { versionStages: ["AWSPENDING"] });
    const { secrets, requests } = cachedClient(memory);
    const database = fakeDatabase("v2");

    const connection = await connectWithDbSecret(ID, database.connect, { client: secrets, tryPending: true });

    expect(connection).toEqual({ user: "app" });
    expect(database.logins).toEqual(["v1", "v2"]);
    expect(requests.map((request) => request.versionStage)).toEqual([undefined, undefined, "AWSPENDING"]);
  });

  it("rethrows the login error when asked to try AWSPENDING but no rotation is in progress", async () => {
    const { secrets } = cachedClient(memoryTransport({ [ID]: secretWith("v1") }));
    const database = fakeDatabase("something-else");

    const error = await rejectionOf(connectWithDbSecret(ID, database.connect, { client: secrets, tryPending: true }));

    expect(error).toMatchObject({ code: "28P01" });
    expect(database.logins).toEqual(["v1"]);
  });

  it("throws the second attempt's error when that one fails too", async () => {
    const memory = memoryTransport({ [ID]: secretWith("v1") });
    const { secrets } = cachedClient(memory);
    await getDbSecret(ID, { client: secrets });
    memory.set(ID, secretWith("v2"));
    const second = new Error("the database is starting up");
    let calls = 0;

    const error = await rejectionOf(
      connectWithDbSecret(
        ID,
        () => Promise.reject(++calls === 1 ? Object.assign(new Error("denied"), { errno: 1045 }) : second),
        { client: secrets },
      ),
    );

    expect(error).toBe(second);
  });

  it("asks the caller's isAuthError which errors mean wrong credentials", async () => {
    const memory = memoryTransport({ [ID]: secretWith("v1") });
    const { secrets } = cachedClient(memory);
    await getDbSecret(ID, { client: secrets });
    memory.set(ID, secretWith("v2"));
    const events: DbSecretRefreshEvent[] = [];
    let calls = 0;

    const result = await connectWithDbSecret(
      ID,
      async (db) => {
        if (++calls === 1) throw new Error("custom driver: bad login");
        return db.password;
      },
      {
        client: secrets,
        isAuthError: (error) => String((error as Error).message).includes("bad login"),
        onRefresh: (event) => events.push(event),
      },
    );

    expect(result).toBe("v2");
    expect(events).toMatchObject([{ secretId: ID, reason: "isAuthError", versionStage: "AWSCURRENT" }]);
  });

  it("ignores a debug hook that throws", async () => {
    const memory = memoryTransport({ [ID]: secretWith("v1") });
    const { secrets } = cachedClient(memory);
    await getDbSecret(ID, { client: secrets });
    memory.set(ID, secretWith("v2"));

    const connection = await connectWithDbSecret(ID, fakeDatabase("v2").connect, {
      client: secrets,
      onRefresh: () => {
        throw new Error("hook bug");
      },
    });

    expect(connection).toEqual({ user: "app" });
  });

  it("gives the debug hook ids and codes, never a secret value", async () => {
    const memory = memoryTransport({ [ID]: secretWith(`${CANARY}-1`) });
    const { secrets } = cachedClient(memory);
    await getDbSecret(ID, { client: secrets });
    memory.set(ID, secretWith(`${CANARY}-2`));
    const events: DbSecretRefreshEvent[] = [];

    await connectWithDbSecret(ID, fakeDatabase(`${CANARY}-2`).connect, {
      client: secrets,
      onRefresh: (event) => events.push(event),
    });

    expect(events).toHaveLength(1);
    expectNoLeak(events);
  });

  it("passes the secret's own errors through (SCHEMA_MISMATCH), without calling connect", async () => {
    const { secrets } = cachedClient(memoryTransport({ [ID]: { ...secretWith(CANARY), port: CANARY } }));
    let called = false;

    const error = await rejectionOf(
      connectWithDbSecret(ID, async () => (called = true), { client: secrets, engine: "postgres" }),
    );

    expect(error).toMatchObject({ code: "SCHEMA_MISMATCH", secretId: ID });
    expect(called).toBe(false);
    expectNoLeak(error);
  });

  describe("without a client", () => {
    let directory: string | undefined;

    afterEach(async () => {
      delete process.env[TRANSPORT_ENV];
      await resetDefaultClient();
      if (directory) await rm(directory, { recursive: true, force: true });
    });

    it("reads through the default client", async () => {
      directory = await mkdtemp(join(tmpdir(), "sw-db-"));
      const file = join(directory, "secrets.json");
      await writeFile(file, JSON.stringify({ secrets: { [ID]: secretWith("v1") } }));
      process.env[TRANSPORT_ENV] = `file:${file}`;
      await resetDefaultClient();

      const connection = await connectWithDbSecret(ID, fakeDatabase("v1").connect);

      expect(connection).toEqual({ user: "app" });
    });

    it("getDbSecret reads through the default client too", async () => {
      directory = await mkdtemp(join(tmpdir(), "sw-db-"));
      const file = join(directory, "secrets.json");
      await writeFile(file, JSON.stringify({ secrets: { [ID]: secretWith("v1") } }));
      process.env[TRANSPORT_ENV] = `file:${file}`;
      await resetDefaultClient();

      const db = await getDbSecret(ID, { engine: "postgres" });

      expect(db).toMatchObject({ engine: "postgres", host: "db.internal", password: "v1" });
    });
  });
});

describe("importing secretwrangler", () => {
  it("never loads zod from the root entry, even reading a secret; secretwrangler/db loads it", async () => {
    // A child process records every module it resolves (a module.register hook) while it imports
    // the root entry and reads a JSON secret, then imports the db subpath.
    const script = `
      import { register } from "node:module";
      import { MessageChannel, receiveMessageOnPort } from "node:worker_threads";
      const { port1, port2 } = new MessageChannel();
      register("data:text/javascript,let p;export function initialize(d){p=d.port}export async function resolve(s,c,n){const r=await n(s,c);p.postMessage(r.url);return r}", { data: { port: port2 }, transferList: [port2] });
      const zodLoaded = () => { let m; let found = false; while ((m = receiveMessageOnPort(port1))) if (m.message.includes("/node_modules/zod/")) found = true; return found; };
      const { createSecretsClient, memoryTransport } = await import("./src/index.ts");
      const secrets = createSecretsClient({ transport: memoryTransport({ db: { engine: "mysql", host: "h", username: "u", password: "p" } }) });
      await secrets.getSecretJson("db");
      const afterRootRead = zodLoaded();
      await import("./src/db.ts");
      console.log(JSON.stringify({ afterRootRead, afterDbImport: zodLoaded() }));
      port1.close();
    `;

    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "--eval", script],
      { cwd: join(import.meta.dirname, ".."), env: { ...process.env, NODE_OPTIONS: "" } },
    );

    expect(JSON.parse(stdout)).toEqual({ afterRootRead: false, afterDbImport: true });
  });
});
