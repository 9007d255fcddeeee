/**
 * Surviving a password rotation: connectWithDbSecret opens a pg pool with the cached secret; if the
 * database rejects the login (28P01), it re-reads the secret past the cache and tries once more.
 * Here the "rotation" is simulated with the memory transport and the local test server.
 *
 * Run `bash .ci/db-setup.sh` once, then `npx tsx examples/db-rotation.ts`.
 */
import pg from "pg";
import { createSecretsClient, memoryTransport } from "secretwrangler";
import { connectWithDbSecret, getDbSecret, type PostgresSecret, pgOptions } from "secretwrangler/db";

const login = { engine: "postgres", host: "127.0.0.1", port: 55432, username: "sw_app", dbname: "swtest" };
const current = "p@ss:w/rd %41#frag?x=1&y=+ [é];";
// #region memory
const transport = memoryTransport({ "prod/db": { ...login, password: "an-old-password" } });
const secrets = createSecretsClient({ transport, cache: { ttlMs: 300_000 } });
// #endregion

// #region connect
/** Opens a pool and proves it works; releases it if not, so a failed attempt leaks nothing. */
async function openPool(db: PostgresSecret): Promise<pg.Pool> {
  const pool = new pg.Pool({ ...pgOptions(db), max: 10 });
  try {
    await pool.query("SELECT 1");
    return pool;
  } catch (error) {
    await pool.end();
    throw error;
  }
}

await getDbSecret("prod/db", { client: secrets }); // the cache now holds the old password
transport.set("prod/db", { ...login, password: current }); // the rotation: AWSCURRENT moves on

const pool = await connectWithDbSecret("prod/db", openPool, {
  client: secrets,
  engine: "postgres",
  onRefresh: (event) =>
    console.log(`refreshed ${event.secretId} after ${event.reason}, retry with ${event.versionStage}`),
});
// #endregion
console.log(`connected: SELECT 1 -> ${(await pool.query("SELECT 1 AS one")).rows[0]?.one}`);
await pool.end();
