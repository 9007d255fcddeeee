/**
 * MySQL / MariaDB with `mysql2`: a DB secret spread into a pool, and the same login as a URL. The
 * secret spells its fields `hostname`, `user` and `database`; getDbSecret normalizes them.
 *
 * Run `bash .ci/db-setup.sh` once, then `npx tsx examples/db-mysql2.ts`.
 */
import { fileURLToPath } from "node:url";
import mysql from "mysql2/promise";
import { createSecretsClient } from "secretwrangler";
import { connectionUrl, getDbSecret, mysql2Options } from "secretwrangler/db";

const secrets = createSecretsClient({
  transport: process.env.SECRETWRANGLER_TRANSPORT
    ? undefined
    : `file:${fileURLToPath(new URL("./db.secrets.local.json", import.meta.url))}`,
});

// #region pool
const db = await getDbSecret("local/mariadb", { engine: "mariadb", client: secrets });
const pool = mysql.createPool({ ...mysql2Options(db), connectionLimit: 10 });
// #endregion
const [rows] = await pool.query<mysql.RowDataPacket[]>("SELECT CURRENT_USER() AS user, 1 AS one");
console.log(`mysql2 pool as ${rows[0]?.user}: SELECT 1 -> ${rows[0]?.one}`);
await pool.end();

const connection = await mysql.createConnection(connectionUrl(db));
const [viaUrl] = await connection.query<mysql.RowDataPacket[]>("SELECT 1 AS one");
console.log(`mysql2 via connectionUrl: SELECT 1 -> ${viaUrl[0]?.one}`);
await connection.end();
