/**
 * PostgreSQL with node-postgres (`pg`): a DB secret spread into a pool, the same login as a URL,
 * and an RDS-managed secret that holds only the username and password.
 *
 * Reads `examples/db.secrets.local.json` (the file transport) and connects to the local test
 * server: run `bash .ci/db-setup.sh` once, then `npx tsx examples/db-pg.ts`.
 */
import { fileURLToPath } from "node:url";
import pg from "pg";
import { createSecretsClient } from "secretwrangler";
import { connectionUrl, getDbSecret, pgOptions } from "secretwrangler/db";

const secrets = createSecretsClient({
  transport: process.env.SECRETWRANGLER_TRANSPORT
    ? undefined // sdk, agent or auto from the environment
    : `file:${fileURLToPath(new URL("./db.secrets.local.json", import.meta.url))}`,
});

// #region pool
// Parsed, validated, typed as PostgresSecret: port is a number although the secret has "55432".
const db = await getDbSecret("local/postgres", { engine: "postgres", client: secrets });
const pool = new pg.Pool({ ...pgOptions(db), max: 10 });
// #endregion
const { rows } = await pool.query<{ user: string; one: number }>("SELECT current_user AS user, 1 AS one");
console.log(`pg pool as ${rows[0]?.user}: SELECT 1 -> ${rows[0]?.one}`);
await pool.end();

// The same login as a URL (pg's connectionString, knex, Prisma): the password's @:/%#? survive.
const client = new pg.Client({ connectionString: connectionUrl(db) });
await client.connect();
console.log(`pg via connectionUrl: SELECT 1 -> ${(await client.query("SELECT 1 AS one")).rows[0]?.one}`);
await client.end();

// #region rds-managed
// An RDS-managed secret (rds!db-...) holds only username and password; you supply the rest.
const managed = await getDbSecret("rds!db-0123abcd-local", {
  engine: "postgres",
  defaults: { host: "127.0.0.1", port: 55432, dbname: "swtest" },
  client: secrets,
});
// #endregion
const managedPool = new pg.Pool(pgOptions(managed));
console.log(`pg with an RDS-managed secret: SELECT 1 -> ${(await managedPool.query("SELECT 1 AS one")).rows[0]?.one}`);
await managedPool.end();

// #region pool-password
// A long-lived pool: each new connection reads the password through the client's cache, so a
// rotation reaches new connections once the cache has the new value.
const rotating = new pg.Pool({
  ...pgOptions(db),
  password: async () => (await getDbSecret("local/postgres", { engine: "postgres", client: secrets })).password,
});
// #endregion
console.log(`pg with a password function: SELECT 1 -> ${(await rotating.query("SELECT 1 AS one")).rows[0]?.one}`);
await rotating.end();
