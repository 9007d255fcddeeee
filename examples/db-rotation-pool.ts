/**
 * A pool that keeps serving through a password rotation: `pgPool` follows the secret with a watch,
 * each new connection logs in with the newest login, and a rejected login finds AWSPENDING in the
 * rotation window. Here the rotation's four steps are played with the memory transport and the
 * local test server (a throwaway role, created and dropped by the example).
 *
 * Run `bash .ci/db-setup.sh` once, then `npx tsx examples/db-rotation-pool.ts`.
 */
import pg from "pg";
import { createSecretsClient, memoryTransport } from "secretwrangler";
import { pgPool } from "secretwrangler/db";

const server = { host: "127.0.0.1", port: 55432, dbname: "swtest" };
const admin = new pg.Client({
  ...server,
  database: server.dbname,
  user: "sw_app",
  password: "p@ss:w/rd %41#frag?x=1&y=+ [é];",
});
await admin.connect();
await admin.query("DROP ROLE IF EXISTS sw_example_pool");
await admin.query("CREATE ROLE sw_example_pool LOGIN PASSWORD 'first-Password-1'");

const login = { engine: "postgres", ...server, username: "sw_example_pool" };
const transport = memoryTransport({ "prod/db": { ...login, password: "first-Password-1" } });
const secrets = createSecretsClient({ transport });

// #region pool
const pool = await pgPool(pg, "prod/db", {
  client: secrets,
  poolOptions: { max: 5, idleTimeoutMillis: 100, maxLifetimeSeconds: 1 },
  onRefresh: ({ secretId, reason, versionStage, previousVersionId, versionId }) =>
    console.log(`refresh ${secretId}: ${reason} -> ${versionStage} (${previousVersionId} -> ${versionId})`),
});
// #endregion

let served = 0;
let failed = 0;
const load = setInterval(() => {
  pool.query("SELECT 1").then(
    () => served++,
    () => failed++,
  );
}, 10);
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

await wait(500);
transport.set("prod/db", { ...login, password: "second-Password-2" }, { versionStages: ["AWSPENDING"] }); // createSecret
await admin.query("ALTER ROLE sw_example_pool PASSWORD 'second-Password-2'"); // setSecret (testSecret omitted)
await wait(2_000); // the rotation window: AWSCURRENT still holds the old password
transport.set("prod/db", { ...login, password: "second-Password-2" }); // finishSecret
await wait(500);

clearInterval(load);
await wait(200);
console.log(`served ${served} queries, ${failed} failed`);
await pool.end();
await admin.query("DROP ROLE IF EXISTS sw_example_pool");
await admin.end();
await secrets.close();
