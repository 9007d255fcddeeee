/**
 * The DB adapters, connection URLs and rotation-safe connect against REAL PostgreSQL and MariaDB
 * servers on 127.0.0.1, started by `.ci/db-setup.sh`. Without them (a developer machine) these tests
 * are skipped with a hint; in CI (`CI=true`) they fail instead.
 */
import { randomUUID } from "node:crypto";
import mysql from "mysql2/promise";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createSecretsClient, type SecretsClient } from "../src/client/client.js";
import {
  connectionUrl,
  connectWithDbSecret,
  type DbSecret,
  type DbSecretRefreshEvent,
  getDbSecret,
  isDbAuthError,
  mysql2Options,
  pgOptions,
} from "../src/db.js";
import type { SecretRequest, Transport } from "../src/transport/types.js";
import { type MemoryTransport, memoryTransport } from "../src/transports/memory.js";
import { rejectionOf } from "./helpers/canary.js";
import { type DbTestServer, type DbTestServers, findDbServers, START_DB_SERVERS } from "./helpers/db-servers.js";

const found = await findDbServers();
const missing = "missing" in found ? `${found.missing}; ${START_DB_SERVERS}` : undefined;
const inCi = Boolean(process.env.CI);
if (missing && !inCi) console.warn(`[db-servers.test] real-server DB tests skipped: ${missing}`);

/** An open connection, whatever the driver. */
interface Session {
  selectOne(): Promise<number>;
  /** Sets another user's password, as a rotation function does. */
  setPassword(username: string, password: string): Promise<void>;
  close(): Promise<void>;
}

/** What differs between the two drivers; the tests below are the same for both. */
interface Driver {
  readonly name: string;
  readonly server: keyof DbTestServers;
  /** The secret as Secrets Manager would hold it, in this engine's real-world spelling. */
  secret(server: DbTestServer, username: string, password: string): Record<string, unknown>;
  /** `new pg.Pool({ ...pgOptions(db) })` / `mysql.createPool({ ...mysql2Options(db) })`, SELECT 1, end. */
  poolSelectOne(db: DbSecret): Promise<number>;
  connect(db: DbSecret): Promise<Session>;
  connectUrl(url: string): Promise<Session>;
  /** The login error's code, as the server reports it. */
  readonly authCode: string;
}

async function pgSession(client: pg.Client): Promise<Session> {
  await client.connect();
  return {
    selectOne: async () => (await client.query<{ one: number }>("SELECT 1 AS one")).rows[0]?.one ?? 0,
    setPassword: async (username, password) => {
      await client.query(`ALTER ROLE ${client.escapeIdentifier(username)} PASSWORD ${client.escapeLiteral(password)}`);
    },
    close: () => client.end(),
  };
}

async function mysqlSession(open: Promise<mysql.Connection>): Promise<Session> {
  const connection = await open;
  return {
    selectOne: async () => {
      const [rows] = await connection.query<mysql.RowDataPacket[]>("SELECT 1 AS one");
      return Number(rows[0]?.one);
    },
    setPassword: async (username, password) => {
      await connection.query("ALTER USER ?@'%' IDENTIFIED BY ?", [username, password]);
    },
    close: () => connection.end(),
  };
}

const drivers: readonly Driver[] = [
  {
    name: "pg",
    server: "postgres",
    authCode: "28P01",
    secret: (server, username, password) => ({
      engine: "postgres",
      host: server.host,
      port: String(server.port), // the console writes numbers, hand-written secrets often strings
      username,
      password,
      dbname: server.database,
      dbInstanceIdentifier: "swtest",
    }),
    async poolSelectOne(db) {
      const pool = new pg.Pool({ ...pgOptions(db as Parameters<typeof pgOptions>[0]), max: 2 });
      try {
        return (await pool.query<{ one: number }>("SELECT 1 AS one")).rows[0]?.one ?? 0;
      } finally {
        await pool.end();
      }
    },
    connect: (db) => pgSession(new pg.Client(pgOptions(db as Parameters<typeof pgOptions>[0]))),
    connectUrl: (url) => pgSession(new pg.Client({ connectionString: url })),
  },
  {
    name: "mysql2",
    server: "mariadb",
    authCode: "ER_ACCESS_DENIED_ERROR",
    secret: (server, username, password) => ({
      engine: "mariadb",
      hostname: server.host,
      port: server.port,
      user: username,
      password,
      database: server.database,
    }),
    async poolSelectOne(db) {
      const pool = mysql.createPool({
        ...mysql2Options(db as Parameters<typeof mysql2Options>[0]),
        connectionLimit: 2,
      });
      try {
        const [rows] = await pool.query<mysql.RowDataPacket[]>("SELECT 1 AS one");
        return Number(rows[0]?.one);
      } finally {
        await pool.end();
      }
    },
    connect: (db) => mysqlSession(mysql.createConnection(mysql2Options(db as Parameters<typeof mysql2Options>[0]))),
    connectUrl: (url) => mysqlSession(mysql.createConnection(url)),
  },
];

/** Counts what reaches the backend, below the client's cache. */
function countingTransport(inner: MemoryTransport): { transport: Transport; requests: SecretRequest[] } {
  const requests: SecretRequest[] = [];
  const transport: Transport = {
    name: "counting",
    getSecretValue(request) {
      requests.push(request);
      return inner.getSecretValue(request);
    },
  };
  return { transport, requests };
}

/** A password with every character a URL must encode, and spaces. */
const awkwardPassword = (label: string): string => `${label} ${randomUUID().slice(0, 8)} @:/%#?&=+[]`;

describe.skipIf(missing !== undefined && !inCi).each(drivers)("$name on a real $server server", (driver) => {
  let server: DbTestServer;
  let app: DbSecret;
  let admin: Session;
  const ID = `test/${driver.server}/rotating`;

  beforeAll(async () => {
    if (!("servers" in found)) throw new Error(`the DB test servers are not running: ${missing}`);
    server = found.servers[driver.server];
    const secrets = createSecretsClient({
      transport: memoryTransport({ app: driver.secret(server, server.app.username, server.app.password) }),
    });
    app = await getDbSecret("app", { client: secrets });
    admin = await driver.connect(app);
  });

  afterAll(async () => {
    await admin?.close();
  });

  it("spreads the adapter's options into the driver's pool and runs SELECT 1", async () => {
    const one = await driver.poolSelectOne(app);

    expect(one).toBe(1);
  });

  it("connects with connectionUrl, so every part of the password survives encoding", async () => {
    const url = connectionUrl(app as Parameters<typeof connectionUrl>[0]);

    const session = await driver.connectUrl(url);
    const one = await session.selectOne().finally(() => session.close());

    expect(one).toBe(1);
    expect(url).not.toContain(server.app.password);
    expect(url).toContain(encodeURIComponent("é"));
  });

  it("reports a wrong password with an error isDbAuthError recognizes", async () => {
    const wrong = { ...app, password: "not-the-password" } as DbSecret;

    const error = await rejectionOf(driver.connect(wrong));

    expect(isDbAuthError(error)).toBe(true);
    expect((error as { code?: unknown }).code).toBe(driver.authCode);
  });

  describe("through a password rotation", () => {
    let oldPassword: string;
    let memory: MemoryTransport;
    let requests: SecretRequest[];
    let secrets: SecretsClient;
    const attempts: { password: string; ok: boolean }[] = [];
    const events: DbSecretRefreshEvent[] = [];
    const connect = async (db: DbSecret): Promise<Session> => {
      try {
        const session = await driver.connect(db);
        attempts.push({ password: db.password, ok: true });
        return session;
      } catch (error) {
        attempts.push({ password: db.password, ok: false });
        throw error;
      }
    };

    beforeEach(async () => {
      // Prepare: a known password, the secret holding it, and a warm cache (a first connect).
      oldPassword = awkwardPassword("old");
      await admin.setPassword(server.rotate.username, oldPassword);
      memory = memoryTransport({ [ID]: driver.secret(server, server.rotate.username, oldPassword) });
      const counting = countingTransport(memory);
      requests = counting.requests;
      secrets = createSecretsClient({ transport: counting.transport, cache: { ttlMs: 300_000 } });
      const warm = await connectWithDbSecret(ID, connect, { client: secrets });
      await warm.close();
      attempts.length = 0;
      events.length = 0;
      requests.length = 0;
    });

    it("fails once with the old cached password, refreshes exactly once and connects with the new one", async () => {
      const newPassword = awkwardPassword("new");
      await admin.setPassword(server.rotate.username, newPassword);
      memory.set(ID, driver.secret(server, server.rotate.username, newPassword));

      const session = await connectWithDbSecret(ID, connect, {
        client: secrets,
        onRefresh: (event) => events.push(event),
      });
      const one = await session.selectOne().finally(() => session.close());

      expect(one).toBe(1);
      expect(attempts).toEqual([
        { password: oldPassword, ok: false },
        { password: newPassword, ok: true },
      ]);
      expect(requests).toHaveLength(1);
      expect(requests[0]).toMatchObject({ id: ID, forceRefresh: true });
      expect(events).toMatchObject([{ secretId: ID, reason: driver.authCode, versionStage: "AWSCURRENT" }]);
    });

    it("connects with AWSPENDING while a rotation has set the database but not yet promoted the secret", async () => {
      const pendingPassword = awkwardPassword("pending");
      await admin.setPassword(server.rotate.username, pendingPassword);
      memory.set(ID, driver.secret(server, server.rotate.username, pendingPassword), {
        versionStages: ["AWSPENDING"],
      });

      const session = await connectWithDbSecret(ID, connect, {
        client: secrets,
        tryPending: true,
        onRefresh: (event) => events.push(event),
      });
      await session.close();

      expect(attempts).toEqual([
        { password: oldPassword, ok: false },
        { password: pendingPassword, ok: true },
      ]);
      expect(requests.map((request) => request.versionStage ?? "AWSCURRENT")).toEqual(["AWSCURRENT", "AWSPENDING"]);
      expect(events).toMatchObject([{ secretId: ID, reason: driver.authCode, versionStage: "AWSPENDING" }]);
    });

    it("rethrows the login error after one refresh when the secret did not change and no time is left", async () => {
      await admin.setPassword(server.rotate.username, awkwardPassword("unknown"));

      const error = await rejectionOf(
        connectWithDbSecret(ID, connect, {
          client: secrets,
          authRetryBudgetMs: 0,
          onRefresh: (event) => events.push(event),
        }),
      );

      expect(isDbAuthError(error)).toBe(true);
      expect(attempts).toEqual([{ password: oldPassword, ok: false }]);
      expect(requests).toHaveLength(1);
      expect(events).toMatchObject([{ secretId: ID, reason: driver.authCode, versionStage: undefined }]);
    });
  });
});
