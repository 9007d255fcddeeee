/**
 * IAM authentication wired into pg against the REAL PostgreSQL on 127.0.0.1 that `.ci/db-setup.sh`
 * starts. RDS cannot be reached from a test, so the database plays RDS's part: a role whose password
 * is set to the token `rdsIamAuth` produced. `new pg.Pool({ password: auth.password })` logs in
 * with it; after 11 minutes (an injected clock) a new token is produced, the role's password is set
 * to it, and new connections use it while the open ones stay open. Without the servers (a developer
 * machine) these tests are skipped with a hint; in CI (`CI=true`) they fail instead.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { AwsSession } from "../src/aws/session/session.js";
import { isSecretsError } from "../src/core/errors.js";
import { isDbAuthError, type RdsIamAuth, rdsIamAuth } from "../src/db.js";
import { expectNoLeak, rejectionOf } from "./helpers/canary.js";
import { type DbTestServer, findDbServers, START_DB_SERVERS } from "./helpers/db-servers.js";

const found = await findDbServers();
const missing = "missing" in found ? `${found.missing}; ${START_DB_SERVERS}` : undefined;
const inCi = Boolean(process.env.CI);
if (missing && !inCi) console.warn(`[db-iam-pg.test] real-server IAM tests skipped: ${missing}`);

const MINUTE = 60_000;
/** Temporary credentials (with a session token, as a role's are): tokens of over 1 KB. */
const KEYS = {
  accessKeyId: "ASIAEXAMPLEEXAMPLE01",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  sessionToken: `IQoJb3JpZ2luX2VjE${"RmFrZVNlc3Npb25Ub2tlbg".repeat(30)}==`,
};

function signatureOf(token: string): string {
  return new URLSearchParams(token.slice(token.indexOf("?") + 1)).get("X-Amz-Signature") ?? "";
}

describe.skipIf(missing !== undefined && !inCi)("IAM tokens as the pg login, on a real PostgreSQL", () => {
  let server: DbTestServer;
  let admin: pg.Client;
  /** A role of this test file's own, so that parallel test files do not share its password. */
  const role = `sw_iam_${randomUUID().slice(0, 8)}`;

  const setPassword = async (password: string): Promise<void> => {
    await admin.query(`ALTER ROLE ${admin.escapeIdentifier(role)} PASSWORD ${admin.escapeLiteral(password)}`);
  };

  beforeAll(async () => {
    if (!("servers" in found)) throw new Error(`the DB test servers are not running: ${missing}`);
    server = found.servers.postgres;
    admin = new pg.Client({
      host: server.host,
      port: server.port,
      database: server.database,
      user: server.app.username,
      password: server.app.password,
    });
    await admin.connect();
    // sw_app has CREATEROLE (.ci/db-setup.sh): it plays the part of the RDS administrator.
    await admin.query(`CREATE ROLE ${admin.escapeIdentifier(role)} LOGIN`);
  });

  afterAll(async () => {
    if (admin === undefined) return;
    await admin.query(`DROP ROLE IF EXISTS ${admin.escapeIdentifier(role)}`).catch(() => {});
    await admin.end();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  /** The clock: the renewal schedule's (injected) and the signer's (system time, faked) move together. */
  function clock() {
    vi.useFakeTimers({ toFake: ["Date"] });
    let now = new Date("2025-06-01T12:00:00.000Z").getTime();
    vi.setSystemTime(now);
    return {
      now: () => now,
      advance(ms: number) {
        now += ms;
        vi.setSystemTime(now);
      },
    };
  }

  function iamAuth(now: () => number, extra: { allowInsecureLoopback?: boolean } = {}): RdsIamAuth {
    return rdsIamAuth({
      host: server.host,
      port: server.port,
      username: role,
      region: "eu-west-1", // 127.0.0.1 names no region
      session: new AwsSession({ region: "eu-west-1", credentials: KEYS }),
      now,
      allowInsecureLoopback: true, // the test server has no TLS
      ...extra,
    });
  }

  it("logs in through new pg.Pool({ password: auth.password }); after 11 minutes new connections use a new token", async () => {
    const time = clock();
    const auth = iamAuth(time.now);
    const first = await auth.token();
    expect(first.length).toBeGreaterThan(1000); // PostgreSQL takes a password of this length
    expect(first.startsWith(`${server.host}:${server.port}/?Action=connect&DBUser=${role}&`)).toBe(true);
    await setPassword(first);

    const pool = new pg.Pool({
      host: server.host,
      port: server.port,
      database: server.database,
      user: role,
      password: auth.password,
      max: 4,
    });
    try {
      const early = await pool.connect();
      expect((await early.query<{ user: string }>("SELECT current_user AS user")).rows[0]?.user).toBe(role);

      // 5 minutes on: a second connection, the same token (no renewal).
      time.advance(5 * MINUTE);
      // (Both stay checked out, so that each pool.connect() below opens a new connection.)
      const second = await pool.connect();
      expect(await auth.token()).toBe(first);

      // 11 minutes on: the next new connection brings a new token, which the role does not have yet.
      time.advance(6 * MINUTE);
      const refused = await rejectionOf(pool.connect());
      expect(isDbAuthError(refused)).toBe(true);
      expect((refused as { code?: unknown }).code).toBe("28P01");
      const renewed = await auth.token();
      expect(renewed).not.toBe(first);
      expect(signatureOf(renewed)).not.toBe(signatureOf(first));
      expect(renewed).toContain("X-Amz-Date=20250601T121100Z");

      // The database now has the new token (as RDS accepts any fresh one): new connections get in.
      await setPassword(renewed);
      const late = await pool.connect();
      try {
        expect((await late.query<{ user: string }>("SELECT current_user AS user")).rows[0]?.user).toBe(role);
        // The connection opened with the first token is still open and working.
        expect((await early.query<{ one: number }>("SELECT 1 AS one")).rows[0]?.one).toBe(1);
        // And the first token no longer logs in.
        const old = new pg.Client({ ...auth.pgOptions({ ssl: false, database: server.database }), password: first });
        expect(isDbAuthError(await rejectionOf(old.connect()))).toBe(true);
        await old.end().catch(() => {});
      } finally {
        late.release();
        second.release();
        early.release();
      }
    } finally {
      await pool.end();
    }
  });

  it("logs in through auth.pgOptions({ ssl: false }) when the loopback opt-out is given", async () => {
    const time = clock();
    const auth = iamAuth(time.now);
    await setPassword(await auth.token());

    const pool = new pg.Pool({ ...auth.pgOptions({ ssl: false, database: server.database }), max: 1 });
    try {
      expect((await pool.query<{ one: number }>("SELECT 1 AS one")).rows[0]?.one).toBe(1);
    } finally {
      await pool.end();
    }
  });

  it("asks pg for TLS by default: the test server has none, so the connection fails before any login", async () => {
    const time = clock();
    const auth = iamAuth(time.now);
    await setPassword(await auth.token());

    const pool = new pg.Pool({ ...auth.pgOptions({ database: server.database }), max: 1 });
    try {
      const error = await rejectionOf(pool.query("SELECT 1"));
      expect(String((error as Error).message)).toMatch(/SSL/i);
    } finally {
      await pool.end();
    }
  });

  it("without the opt-out, refuses to hand the token to a connection without ssl (CONFIG), leaking nothing", async () => {
    const time = clock();
    const auth = iamAuth(time.now, { allowInsecureLoopback: false });
    const token = await auth.token();
    await setPassword(token);

    const pool = new pg.Pool({
      host: server.host,
      port: server.port,
      database: server.database,
      user: role,
      password: auth.password,
      max: 1,
    });
    try {
      const error = await rejectionOf(pool.query("SELECT 1"));
      expect(isSecretsError(error, "CONFIG")).toBe(true);
      expectNoLeak(error, [signatureOf(token), KEYS.sessionToken, KEYS.secretAccessKey]);
    } finally {
      await pool.end();
    }
  });
});
