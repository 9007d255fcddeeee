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
import { connectionUrl, pgOptions } from "secretwrangler/db";

const secrets = createSecretsClient({
  transport: process.env.SECRETWRANGLER_TRANSPORT
    ? undefined // sdk, agent or auto from the environment
    : `file:${fileURLToPath(new URL("./db.secrets.local.json", import.meta.url))}`,
});

// Parsed, validated, typed as PostgresSecret: port is a number although the secret has "55432".
const db = await secrets.getDbSecret("local/postgres", { engine: "postgres" });
const pool = new pg.Pool({ ...pgOptions(db), max: 10 });
const { rows } = await pool.query<{ user: string; one: number }>("SELECT current_user AS user, 1 AS one");
console.log(`pg pool as ${rows[0]?.user}: SELECT 1 -> ${rows[0]?.one}`);
await pool.end();

// The same login as a URL (pg's connectionString, knex, Prisma): the password's @:/%#? survive.
const client = new pg.Client({ connectionString: connectionUrl(db) });
await client.connect();
console.log(`pg via connectionUrl: SELECT 1 -> ${(await client.query("SELECT 1 AS one")).rows[0]?.one}`);
await client.end();

// An RDS-managed secret (rds!db-...) holds only username and password; you supply the rest.
const managed = await secrets.getDbSecret("rds!db-0123abcd-local", {
  engine: "postgres",
  defaults: { host: "127.0.0.1", port: 55432, dbname: "swtest" },
});
const managedPool = new pg.Pool(pgOptions(managed));
console.log(`pg with an RDS-managed secret: SELECT 1 -> ${(await managedPool.query("SELECT 1 AS one")).rows[0]?.one}`);
await managedPool.end();
