/**
 * The real PostgreSQL and MariaDB servers that `.ci/db-setup.sh` starts on 127.0.0.1, as the DB
 * tests see them: the connection details it writes to `servers.json`, checked to answer.
 */
import { readFile } from "node:fs/promises";
import { connect } from "node:net";

/** A login the setup script created. */
export interface DbTestLogin {
  readonly username: string;
  readonly password: string;
}

/** One server: `app` owns the database (and may set `rotate`'s password); `rotate` is for rotation tests. */
export interface DbTestServer {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly app: DbTestLogin;
  readonly rotate: DbTestLogin;
}

export interface DbTestServers {
  readonly postgres: DbTestServer;
  readonly mariadb: DbTestServer;
}

/** Where `.ci/db-setup.sh` writes the connection details (`SW_DB_DIR` there, `SW_TEST_DB_FILE` here). */
export const DB_SERVERS_FILE: string = process.env.SW_TEST_DB_FILE ?? "/tmp/secretwrangler-db/servers.json";

/** What to tell someone whose machine has no test servers. */
export const START_DB_SERVERS = "start them with `bash .ci/db-setup.sh` (Debian/Ubuntu, as root)";

function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
    socket.once("timeout", () => done(false));
  });
}

/** The servers when both answer on loopback, else why not. */
export async function findDbServers(): Promise<{ servers: DbTestServers } | { missing: string }> {
  let servers: DbTestServers;
  try {
    servers = JSON.parse(await readFile(DB_SERVERS_FILE, "utf8")) as DbTestServers;
  } catch {
    return { missing: `no ${DB_SERVERS_FILE}` };
  }
  for (const [name, server] of Object.entries(servers)) {
    if (server.host !== "127.0.0.1") return { missing: `${name} is not on 127.0.0.1` };
    if (!(await answers(server.host, server.port)))
      return { missing: `${name} does not answer on port ${server.port}` };
  }
  return { servers };
}
