/**
 * A rotation under load on the real PostgreSQL and MariaDB servers (.ci/db-setup.sh), shared by
 * `test/db-rotation.test.ts` (a short timeline, asserted) and `bench/rotation.bench.ts` (20 s per
 * case, recorded): the four steps of a Secrets Manager rotation (`rotation.ts`) run through the real
 * AWS SDK against the loopback fake Secrets Manager, while apps run 200 queries per second on pools
 * whose connections churn. Our pools (pgPool, mysql2Pool) against the baselines a user has today:
 * (a) options spread once, (b) pg's async `password` over a TTL cache, (c) Powertools'
 * SecretsProvider.get (what getSecret calls) with its default maxAge. Each app reads through its
 * own fake server (sharing the fixtures), so GetSecretValue is counted per app.
 */
import { SecretsProvider } from "@aws-lambda-powertools/parameters/secrets";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import mysql from "mysql2/promise";
import pg from "pg";
import { createSecretsClient, type SecretsClient } from "../../src/client/client.js";
import {
  type DbSecretRefreshEvent,
  getDbSecret,
  type MySqlSecret,
  mysql2Options,
  mysql2Pool,
  type PostgresSecret,
  pgOptions,
  pgPool,
} from "../../src/db.js";
import { sdkTransport } from "../../src/index.js";
import type { AwsJsonServer } from "./aws-json-server.js";
import { CANARY } from "./canary.js";
import type { DbTestServer } from "./db-servers.js";
import { startFakeSecretsManager } from "./fake-secrets-manager.js";
import { addSecretsManagerWrites } from "./fake-secrets-manager-writes.js";
import type { Fixtures, FixtureVersion } from "./fixtures.js";
import { Rotation, type RotationDatabase, type RotationStrategy } from "./rotation.js";

/** Queries each app starts per second. */
export const RATE_PER_SECOND = 200;
/** How often our pools' watch polls here (60 s by default). */
export const WATCH_INTERVAL_MS = 2_000;
/** A query counts as in the window when it starts between setSecret and finishSecret plus this. */
export const WINDOW_TAIL_MS = 500;
const REGION = "us-east-1";

/** When the steps run, in milliseconds from the start of the load, and how long the load runs. */
export interface RotationTimeline {
  readonly createAt: number;
  /** setSecret opens the window (then testSecret); finishSecret closes it `windowMs` later. */
  readonly setAt: number;
  readonly windowMs: number;
  readonly durationMs: number;
}

export type RotationEngine = "postgres" | "mariadb";

/** One app's outcome in one scenario. */
export interface RotationRow {
  readonly db: RotationEngine;
  readonly strategy: RotationStrategy;
  readonly app: string;
  /** Whether this is one of our pools (the first app of a scenario). */
  readonly ours: boolean;
  readonly queries: number;
  readonly failed: number;
  readonly p99WindowMs: number;
  readonly p99AllMs: number;
  /** GetSecretValue calls the app made during the load (its setup's reads not counted). */
  readonly getSecretValue: number;
  /** Recoveries from rejected logins (our pools only): refresh events with a driver's code as reason. */
  readonly forcedRefreshes: number;
  readonly firstError: string;
}

/** A scenario's rows, what our pool reported, and what the secret's versions look like afterwards. */
export interface RotationOutcome {
  readonly rows: RotationRow[];
  readonly events: readonly DbSecretRefreshEvent[];
  /** Every password the scenario used, the canary's included: none may appear in an event. */
  readonly passwords: readonly string[];
  readonly token: string;
  /** Version id and sorted stages of each version, after the run. */
  readonly versions: readonly (readonly [string, readonly string[]])[];
  /** When the window opened and closed, ms from the start of the load. */
  readonly windowStart: number;
  readonly windowEnd: number;
}

interface App {
  readonly name: string;
  readonly server: AwsJsonServer;
  query(): Promise<void>;
  close(): Promise<void>;
  readonly events?: DbSecretRefreshEvent[];
}

interface QueryRecord {
  readonly start: number;
  readonly ms: number;
  readonly ok: boolean;
}

const WATCH_REASONS = new Set(["initial", "interval", "rotation-due", "transport-notified", "forced"]);

function p99(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] as number;
}

const sleepUntil = (t0: number, at: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, at - (performance.now() - t0))));

function sdkClient(server: AwsJsonServer): SecretsClient {
  return createSecretsClient({ transport: sdkTransport({ endpoint: server.endpoint, region: REGION }) });
}

/** The database side of the rotation function, through the app login (which may manage other logins). */
async function rotationDatabase(
  engine: RotationEngine,
  server: DbTestServer,
): Promise<RotationDatabase & { close(): Promise<void>; drop(user: string): Promise<void> }> {
  if (engine === "postgres") {
    const admin = new pg.Client({
      host: server.host,
      port: server.port,
      database: server.database,
      user: server.app.username,
      password: server.app.password,
    });
    await admin.connect();
    return {
      async setPassword(username, password) {
        const exists = await admin.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [username]);
        const verb = exists.rowCount ? "ALTER ROLE" : "CREATE ROLE";
        await admin.query(
          `${verb} ${admin.escapeIdentifier(username)} LOGIN PASSWORD ${admin.escapeLiteral(password)}`,
        );
      },
      async tryLogin(login) {
        const client = new pg.Client({
          host: server.host,
          port: server.port,
          database: server.database,
          user: login.username,
          password: login.password,
        });
        await client.connect();
        try {
          await client.query("SELECT 1");
        } finally {
          await client.end();
        }
      },
      async drop(user) {
        await admin.query(`DROP ROLE IF EXISTS ${admin.escapeIdentifier(user)}`);
      },
      close: () => admin.end(),
    };
  }
  const admin = await mysql.createConnection({
    host: server.host,
    port: server.port,
    user: server.app.username,
    password: server.app.password,
  });
  return {
    async setPassword(username, password) {
      await admin.query("CREATE USER IF NOT EXISTS ?@'%' IDENTIFIED BY ?", [username, password]);
      await admin.query("ALTER USER ?@'%' IDENTIFIED BY ?", [username, password]);
    },
    async tryLogin(login) {
      const connection = await mysql.createConnection({
        host: server.host,
        port: server.port,
        user: login.username,
        password: login.password,
      });
      try {
        await connection.query("SELECT 1");
      } finally {
        await connection.end();
      }
    },
    async drop(user) {
      await admin.query("DROP USER IF EXISTS ?@'%'", [user]);
    },
    close: () => admin.end(),
  };
}

/** A mysql2 query with churn: a connection older than 1 s is destroyed instead of released (a max lifetime). */
function churningMysqlQuery(pool: mysql.Pool): () => Promise<void> {
  const born = new WeakMap<object, number>();
  return async () => {
    const connection = await pool.getConnection();
    try {
      await connection.query("SELECT 1");
    } finally {
      const core = connection.connection as unknown as object;
      const now = performance.now();
      if (!born.has(core)) born.set(core, now);
      if (now - (born.get(core) as number) > 1_000) connection.destroy();
      else connection.release();
    }
  };
}

const PG_POOL = { max: 10, idleTimeoutMillis: 200, maxLifetimeSeconds: 1, connectionTimeoutMillis: 3_000 } as const;
const MYSQL_POOL = { connectionLimit: 10, maxIdle: 2, idleTimeout: 200, connectTimeout: 3_000 } as const;

async function startApps(engine: RotationEngine, id: string, fixtures: Fixtures): Promise<App[]> {
  const servers = await Promise.all(["ours", "a", "b", "c"].map(() => startFakeSecretsManager(fixtures)));
  for (const server of servers) addSecretsManagerWrites(server, fixtures);
  const [oursServer, aServer, bServer, cServer] = servers as [
    AwsJsonServer,
    AwsJsonServer,
    AwsJsonServer,
    AwsJsonServer,
  ];
  const apps: App[] = [];
  const events: DbSecretRefreshEvent[] = [];
  const oursClient = sdkClient(oursServer);
  const aClient = sdkClient(aServer);
  if (engine === "postgres") {
    const ours = await pgPool(pg, id, {
      client: oursClient,
      engine: "postgres",
      poolOptions: PG_POOL,
      watch: { intervalMs: WATCH_INTERVAL_MS },
      onRefresh: (event) => events.push(event),
    });
    apps.push({
      name: "ours: pgPool",
      server: oursServer,
      events,
      query: async () => void (await ours.query("SELECT 1")),
      close: async () => {
        await ours.end();
        await oursClient.close();
      },
    });
    const once = new pg.Pool({
      ...pgOptions(await getDbSecret(id, { client: aClient, engine: "postgres" })),
      ...PG_POOL,
    });
    apps.push({
      name: "(a) options spread once",
      server: aServer,
      query: async () => void (await once.query("SELECT 1")),
      close: async () => {
        await once.end();
        await aClient.close();
      },
    });
    const bClient = sdkClient(bServer); // the default cache: 5 minutes
    const first = await getDbSecret(id, { client: bClient, engine: "postgres" });
    const ttl = new pg.Pool({
      ...pgOptions(first),
      password: async () => (await getDbSecret(id, { client: bClient, engine: "postgres" })).password,
      ...PG_POOL,
    });
    apps.push({
      name: "(b) async password, TTL cache",
      server: bServer,
      query: async () => void (await ttl.query("SELECT 1")),
      close: async () => {
        await ttl.end();
        await bClient.close();
      },
    });
    const provider = new SecretsProvider({
      awsSdkV3Client: new SecretsManagerClient({ endpoint: cServer.endpoint, region: REGION }),
    });
    const initial = JSON.parse(String(await provider.get(id))) as PostgresSecret;
    const powertools = new pg.Pool({
      ...pgOptions({ ...initial, port: Number(initial.port) } as PostgresSecret),
      password: async () => (JSON.parse(String(await provider.get(id))) as PostgresSecret).password,
      ...PG_POOL,
    });
    apps.push({
      name: "(c) Powertools getSecret (maxAge 5 s)",
      server: cServer,
      query: async () => void (await powertools.query("SELECT 1")),
      close: () => powertools.end(),
    });
  } else {
    const ours = await mysql2Pool(mysql, id, {
      client: oursClient,
      engine: "mariadb",
      poolOptions: MYSQL_POOL,
      watch: { intervalMs: WATCH_INTERVAL_MS },
      onRefresh: (event) => events.push(event),
    });
    apps.push({
      name: "ours: mysql2Pool",
      server: oursServer,
      events,
      query: churningMysqlQuery(ours),
      close: async () => {
        await ours.end();
        await oursClient.close();
      },
    });
    const once = mysql.createPool({
      ...mysql2Options((await getDbSecret(id, { client: aClient, engine: "mariadb" })) as MySqlSecret),
      ...MYSQL_POOL,
    });
    apps.push({
      name: "(a) options spread once",
      server: aServer,
      query: churningMysqlQuery(once),
      close: async () => {
        await once.end();
        await aClient.close();
      },
    });
    // (b) and (c) need a password function, which mysql2 does not take: a mysql2 user has (a) only.
    await Promise.all([bServer.close(), cServer.close()]);
  }
  return apps;
}

/**
 * Runs one rotation (`strategy`) on `engine` under load along `timeline`, with our pool and the
 * baselines side by side; every server, pool and login it made is gone when it returns.
 */
export async function runRotationScenario(
  engine: RotationEngine,
  strategy: RotationStrategy,
  server: DbTestServer,
  timeline: RotationTimeline,
): Promise<RotationOutcome> {
  const user = `sw_rot_${strategy}`;
  const id = `rotation/${engine}-${strategy}`;
  const db = await rotationDatabase(engine, server);
  await db.drop(`${user}_clone`);
  await db.setPassword(user, `initial-${CANARY}-Aa1`);
  const login = {
    engine,
    host: server.host,
    port: server.port,
    username: user,
    password: `initial-${CANARY}-Aa1`,
    ...(engine === "postgres" ? { dbname: server.database } : {}),
  };
  const fixtures: Record<string, FixtureVersion[]> = {
    [id]: [{ versionId: "00000000-0000-4000-8000-000000000001", stages: ["AWSCURRENT"], value: JSON.stringify(login) }],
  };
  const rotationServer = await startFakeSecretsManager(fixtures);
  addSecretsManagerWrites(rotationServer, fixtures);
  const sm = new SecretsManagerClient({ endpoint: rotationServer.endpoint, region: REGION });
  const rotation = new Rotation(sm, id, strategy, db);
  const apps = await startApps(engine, id, fixtures);
  const before = apps.map((app) => app.server.calls("GetSecretValue").length);
  const records = apps.map(() => [] as QueryRecord[]);
  const errors = apps.map(() => "");
  const inflight = new Set<Promise<void>>();
  const total = (timeline.durationMs / 1000) * RATE_PER_SECOND;
  const t0 = performance.now();
  let fired = 0;
  const ticker = setInterval(() => {
    const due = Math.min(Math.floor(((performance.now() - t0) / 1000) * RATE_PER_SECOND), total);
    for (; fired < due; fired++) {
      apps.forEach((app, index) => {
        const start = performance.now();
        const done = app
          .query()
          .then(
            () => void records[index]?.push({ start: start - t0, ms: performance.now() - start, ok: true }),
            (error: unknown) => {
              records[index]?.push({ start: start - t0, ms: performance.now() - start, ok: false });
              if (!errors[index])
                errors[index] = String((error as { code?: string }).code ?? (error as Error).message).slice(0, 40);
            },
          )
          .finally(() => inflight.delete(done));
        inflight.add(done);
      });
    }
  }, 5);
  let windowStart = 0;
  let windowEnd = 0;
  try {
    await sleepUntil(t0, timeline.createAt);
    await rotation.createSecret();
    await sleepUntil(t0, timeline.setAt);
    windowStart = performance.now() - t0;
    await rotation.setSecret();
    await rotation.testSecret();
    await sleepUntil(t0, timeline.setAt + timeline.windowMs);
    await rotation.finishSecret();
    windowEnd = performance.now() - t0;
    await sleepUntil(t0, timeline.durationMs);
  } finally {
    clearInterval(ticker);
    await Promise.all([...inflight]);
  }
  const rows = apps.map((app, index): RotationRow => {
    const list = records[index] ?? [];
    const inWindow = list.filter((record) => record.start >= windowStart && record.start <= windowEnd + WINDOW_TAIL_MS);
    return {
      db: engine,
      strategy,
      app: app.name,
      ours: index === 0,
      queries: list.length,
      failed: list.filter((record) => !record.ok).length,
      p99WindowMs: Math.round(p99(inWindow.map((record) => record.ms))),
      p99AllMs: Math.round(p99(list.map((record) => record.ms))),
      getSecretValue: app.server.calls("GetSecretValue").length - (before[index] ?? 0),
      forcedRefreshes: app.events ? app.events.filter((event) => !WATCH_REASONS.has(event.reason)).length : 0,
      firstError: errors[index] ?? "",
    };
  });
  await Promise.all(apps.map((app) => app.close()));
  await Promise.all(apps.map((app) => app.server.close()));
  sm.destroy();
  await rotationServer.close();
  await db.drop(`${user}_clone`);
  await db.drop(user);
  await db.close();
  const versions = fixtures[id] ?? [];
  return {
    rows,
    events: apps[0]?.events ?? [],
    passwords: [CANARY, ...versions.map((version) => JSON.parse(String(version.value)).password as string)],
    token: rotation.token,
    versions: versions.map((version) => [version.versionId, [...version.stages].sort()] as const),
    windowStart,
    windowEnd,
  };
}

/**
 * The most GetSecretValue calls our pool may make in `durationMs`: one per watch poll (and one for
 * the partial interval the load starts in), plus two per recovery (AWSCURRENT past the cache, then
 * AWSPENDING). More would be a refresh storm.
 */
export function maxOurCalls(durationMs: number, forcedRefreshes: number): number {
  return Math.ceil(durationMs / WATCH_INTERVAL_MS) + 1 + 2 * forcedRefreshes;
}

/** The rows as a Markdown table. */
export function rotationTable(rows: readonly RotationRow[]): string {
  const head =
    "| DB | strategy | app | queries | failed | p99 in window (ms) | p99 overall (ms) | GetSecretValue | forced refreshes | first error |";
  const lines = rows.map(
    (row) =>
      `| ${row.db} | ${row.strategy} | ${row.ours ? `**${row.app}**` : row.app} | ${row.queries} | ${row.ours ? `**${row.failed}**` : row.failed} | ${row.p99WindowMs} | ${row.p99AllMs} | ${row.getSecretValue} | ${row.ours ? row.forcedRefreshes : "-"} | ${row.firstError || "-"} |`,
  );
  return [head, "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |", ...lines].join("\n");
}
