/**
 * The cache, side by side with Powertools for AWS Lambda (`@aws-lambda-powertools/parameters`) in
 * one run, both reading through the real AWS SDK from one loopback fake backend
 * (`cache-backend.ts`). It imports the built `dist/`, the code users run: tsx compiles `src/` with
 * esbuild's `keepNames`, which wraps every closure created at run time in a `__name()` call and
 * would charge our code (and not Powertools' prebuilt code) for it.
 *
 * 1. hot hit: ns per awaited read (and per `handle.current` of a watch), against two floors, in a
 *    fresh process and again after a polymorphic warm-up (clients of every transport, several cache
 *    settings, read through each);
 * 2. stampede: backend calls and wall time of 1000 concurrent reads, cold and at expiry;
 * 3. expiry: latency of a steady stream of reads across TTL boundaries, backend at 20 ms;
 * 4. refresh under failure: what readers get once the backend fails after a value was cached.
 *
 * Reproduce: `npm run bench -- cache` (builds first), or `npm run build && npx tsx bench/run.ts cache`.
 * About 40 seconds.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { getSecret as powertoolsGetSecret } from "@aws-lambda-powertools/parameters/secrets";
import { getParameter as powertoolsGetParameter } from "@aws-lambda-powertools/parameters/ssm";
import { LRUCache } from "lru-cache";
import { do_not_optimize, measure } from "mitata";
import { z } from "zod";
import type { SecretsClient } from "../dist/index.js";
import { AGENT_TOKEN_CANARY, startFakeAgent } from "../test/helpers/fake-agent.js";
import { startBenchBackend } from "./cache-backend.js";
import { fmt, percentile, table, verdict } from "./report.js";

if (!existsSync(new URL("../dist/index.js", import.meta.url))) {
  throw new Error("bench/cache.bench.ts reads dist/: run `npm run build` first (npm run bench does)");
}
const { agentTransport, cachedTransport, createSecretsClient, fileTransport, memoryTransport, sdkTransport } =
  await import("../dist/index.js");

const SECRET = JSON.stringify({ engine: "postgres", host: "db.internal", port: 5432, username: "app", password: "pw" });
const Schema = z.object({
  engine: z.string(),
  host: z.string(),
  port: z.number(),
  username: z.string(),
  password: z.string(),
});
const PARAMETER = "https://api.example.com";

const backend = await startBenchBackend(
  (id) => (id.startsWith("bench/") ? SECRET : undefined),
  (name) => (name.startsWith("/bench/") ? PARAMETER : undefined),
);
// Powertools' default providers build their SDK clients from the environment: point them (and
// nothing else) at the loopback backend, with dummy credentials and no shared config files.
for (const name of ["AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"]) {
  delete process.env[name];
}
Object.assign(process.env, {
  AWS_ENDPOINT_URL: backend.server.endpoint,
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "AKIDBENCHBENCHBENCH",
  AWS_SECRET_ACCESS_KEY: "bench-secret-access-key",
  AWS_EC2_METADATA_DISABLED: "true",
  AWS_CONFIG_FILE: "/nonexistent/secretwrangler-bench/config",
  AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/secretwrangler-bench/credentials",
  POWERTOOLS_PARAMETERS_MAX_AGE: "300",
});

/** A client of ours over the SDK transport, pointed at the same backend. */
function ourClient(cache?: { ttlMs: number }): SecretsClient {
  return createSecretsClient({
    transport: sdkTransport({ endpoint: backend.server.endpoint, region: "us-east-1" }),
    ...(cache ? { cache } : {}),
  });
}

const ms = (value: number): string => (value < 1 ? `${fmt(value * 1000)} µs` : `${fmt(value, 1)} ms`);
const markdown: string[] = [];
function section(title: string, body: string): void {
  console.log(`\n## ${title}\n\n${body}`);
  markdown.push(`### ${title}\n\n${body}`);
}

// ---------------------------------------------------------------------------------------------
// 1. Hot hit
// ---------------------------------------------------------------------------------------------

const HOT = "bench/hot";
const HOT_PARAMETER = "/bench/hot";
const client = ourClient();
await client.getSecretJson(HOT, { schema: Schema });
await client.getParameter(HOT_PARAMETER);
await powertoolsGetSecret(HOT, { transform: "json" });
await powertoolsGetSecret(HOT, { transform: "json", maxAge: 300 });
await powertoolsGetParameter(HOT_PARAMETER);
const handle = await client.watch(HOT, { schema: Schema });

const parsed = new Map<string, unknown>([[HOT, JSON.parse(SECRET)]]);
const asyncGet = async (key: string): Promise<unknown> => parsed.get(key);
const lruGet = new LRUCache<string, object>({ max: 1000, ttl: 300_000 });
lruGet.set(HOT, parsed.get(HOT) as object);
const lruFetch = new LRUCache<string, object>({
  max: 1000,
  ttl: 300_000,
  allowStale: true,
  allowStaleOnFetchRejection: true,
  fetchMethod: async () => JSON.parse(SECRET),
});
await lruFetch.fetch(HOT);
const bare = cachedTransport({ name: "stub", getSecretValue: async ({ id }) => ({ name: id, secretString: SECRET }) });
await bare.getSecretValue({ id: HOT });

interface HotRow {
  readonly name: string;
  readonly run: () => unknown;
}
const ROW = {
  syncFloor: { name: "floor: `Map.get` of a parsed object", run: () => do_not_optimize(parsed.get(HOT)) },
  asyncFloor: { name: "floor: `await` an async `Map.get`", run: async () => do_not_optimize(await asyncGet(HOT)) },
  ours: {
    name: "secretwrangler `await getSecretJson(id, { schema })`",
    run: async () => do_not_optimize(await client.getSecretJson(HOT, { schema: Schema })),
  },
  handle: {
    name: "secretwrangler watch `handle.current` (sync)",
    run: () => do_not_optimize(handle.current),
  },
  powertools: {
    name: "Powertools `await getSecret(id, { transform: 'json' })`",
    run: async () => do_not_optimize(await powertoolsGetSecret(HOT, { transform: "json" })),
  },
  powertoolsMaxAge: {
    name: "Powertools `await getSecret(id, { transform: 'json', maxAge: 300 })`",
    run: async () => do_not_optimize(await powertoolsGetSecret(HOT, { transform: "json", maxAge: 300 })),
  },
  parameter: {
    name: "secretwrangler `await getParameter(name)`",
    run: async () => do_not_optimize(await client.getParameter(HOT_PARAMETER)),
  },
  powertoolsParameter: {
    name: "Powertools `await getParameter(name)`",
    run: async () => do_not_optimize(await powertoolsGetParameter(HOT_PARAMETER)),
  },
  peek: {
    name: "cache core: hand-written `peekSecretValue(id)` (sync)",
    run: () => do_not_optimize(bare.peekSecretValue(HOT)),
  },
  coreAsync: {
    name: "cache core: hand-written `await getSecretValue({ id })` (async path)",
    run: async () => do_not_optimize(await bare.getSecretValue({ id: HOT })),
  },
  lruGet: { name: "cache core: lru-cache `get(id)` (ttl, max 1000)", run: () => do_not_optimize(lruGet.get(HOT)) },
  lruFetch: {
    name: "cache core: lru-cache `await fetch(id)` (single flight, stale on rejection)",
    run: async () => do_not_optimize(await lruFetch.fetch(HOT)),
  },
} satisfies Record<string, HotRow>;

/** Rows measured round-robin, several rounds; a row's figure (ns/op) is the median of its rounds' means. */
const ROUNDS = 5;
async function measureRows(rows: readonly HotRow[]): Promise<Map<HotRow, number>> {
  const samples = new Map<HotRow, number[]>(rows.map((row) => [row, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const row of rows) {
      const stats = await measure(row.run, { min_cpu_time: 150 * 1e6 });
      samples.get(row)?.push(stats.avg);
    }
  }
  return new Map(rows.map((row) => [row, percentile(samples.get(row) ?? [], 0.5)]));
}

/** The ratios the targets are about, from one set of measurements. */
function hitTargets(hot: Map<HotRow, number>): string[] {
  const ns = (row: HotRow): number => hot.get(row) ?? Number.NaN;
  const floorRatio = ns(ROW.ours) / ns(ROW.asyncFloor);
  const handleRatio = ns(ROW.handle) / ns(ROW.syncFloor);
  const powertoolsRatio = ns(ROW.powertools) / ns(ROW.ours);
  return [
    `- \`getSecretJson\` hit vs the awaited \`Map.get\` floor: **${fmt(floorRatio, 2)}x** (target <= 1.2x): ${verdict(floorRatio <= 1.2)}`,
    `- \`handle.current\` vs a synchronous \`Map.get\`: **${fmt(handleRatio, 2)}x** (target <= 2x): ${verdict(handleRatio <= 2)}`,
    `- Powertools \`getSecret(id, { transform: 'json' })\` vs secretwrangler \`getSecretJson\`: **${fmt(powertoolsRatio, 1)}x** slower (target >= 5x): ${verdict(powertoolsRatio >= 5)}`,
  ];
}

const hotTable = (hot: Map<HotRow, number>): string =>
  table(
    ["read", "ns/op", "vs awaited `Map.get`"],
    [...hot].map(([row, value]) => [
      row.name,
      fmt(value, 1),
      `${fmt(value / (hot.get(ROW.asyncFloor) ?? Number.NaN), 2)}x`,
    ]),
  );

const hot = await measureRows(Object.values(ROW));
const ns = (row: HotRow): number => hot.get(row) ?? Number.NaN;
section(
  "1. Hot hit (cached value, ns per read), fresh process",
  [
    hotTable(hot),
    "",
    `Median of ${ROUNDS} interleaved rounds of mitata's mean per row.`,
    "",
    ...hitTargets(hot),
    `- with an explicit \`maxAge\` (which skips Powertools' per-call read of \`POWERTOOLS_PARAMETERS_MAX_AGE\`), Powertools is ${fmt(ns(ROW.powertoolsMaxAge) / ns(ROW.ours), 1)}x slower than secretwrangler; that variant costs ${fmt(ns(ROW.powertoolsMaxAge) / ns(ROW.asyncFloor), 1)}x the awaited floor itself`,
    `- parameters: secretwrangler \`getParameter\` ${fmt(ns(ROW.parameter), 0)} ns vs Powertools ${fmt(ns(ROW.powertoolsParameter), 0)} ns`,
    `- cache core, hand-written vs lru-cache: a synchronous hit lookup costs ${fmt(ns(ROW.peek), 1)} ns vs lru-cache \`get()\` ${fmt(ns(ROW.lruGet), 1)} ns (a wash); lru-cache's single-flight API, \`await fetch()\`, costs ${fmt(ns(ROW.lruFetch), 0)} ns on a hit, ${fmt(ns(ROW.lruFetch) / ns(ROW.asyncFloor), 2)}x the floor before the client does any work. Speed does not decide; features do (see \`docs/caching.md\`).`,
  ].join("\n"),
);

/**
 * Makes the read path polymorphic, as in an app that uses several transports and cache settings:
 * a client on each of memory, file, sdk (the loopback backend) and agent (a fake agent) with the
 * transport's default cache, none, and two other settings, read through each read method with
 * several option shapes, and a watch on each. Returns the number of reads.
 */
async function polymorphicWarmUp(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "secretwrangler-bench-"));
  const file = join(dir, "secrets.json");
  writeFileSync(file, JSON.stringify({ secrets: { [HOT]: SECRET } }));
  const agent = await startFakeAgent({
    record: false,
    fixtures: { [HOT]: [{ versionId: "11111111-1111-4111-8111-111111111111", stages: ["AWSCURRENT"], value: SECRET }] },
  });
  const transports = [
    () => memoryTransport({ [HOT]: SECRET }),
    () => fileTransport(file),
    () => sdkTransport({ endpoint: backend.server.endpoint, region: "us-east-1" }),
    () => agentTransport({ port: agent.port, token: AGENT_TOKEN_CANARY }),
  ];
  const caches = [undefined, false, { ttlMs: 1_000 }, { ttlMs: 60_000, maxStaleMs: 0, staleOnError: false }] as const;
  let reads = 0;
  try {
    for (const transport of transports) {
      for (const cache of caches) {
        const reader = createSecretsClient({ transport: transport(), ...(cache === undefined ? {} : { cache }) });
        for (let i = 0; i < 50; i++) {
          do_not_optimize(await reader.getSecretJson(HOT, { schema: Schema }));
          do_not_optimize(await reader.getSecretJson(HOT));
          do_not_optimize(await reader.getSecret(HOT, { versionStage: "AWSCURRENT" }));
          do_not_optimize(await reader.getSecretValue(HOT, { maxAgeMs: 60_000 }));
          reads += 4;
        }
        do_not_optimize((await reader.watch(HOT, { schema: Schema })).current);
        await reader.close();
      }
    }
  } finally {
    await agent.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return reads;
}
const warmUpReads = await polymorphicWarmUp();
const polymorphic = await measureRows([ROW.syncFloor, ROW.asyncFloor, ROW.ours, ROW.handle, ROW.powertools]);
section(
  "1b. Hot hit after a polymorphic warm-up",
  [
    `The same process, after ${fmt(warmUpReads)} reads through 16 clients: memory, file, sdk (loopback) and agent (fake agent) transports, each with its default cache, \`cache: false\`, \`{ ttlMs: 1000 }\` and \`{ ttlMs: 60000, maxStaleMs: 0, staleOnError: false }\`, read with \`getSecretJson\` (with and without schema), \`getSecret\`, \`getSecretValue\` and a watch each. Then the rows again, measured as above.`,
    "",
    hotTable(polymorphic),
    "",
    ...hitTargets(polymorphic),
  ].join("\n"),
);

// ---------------------------------------------------------------------------------------------
// 2. Stampede
// ---------------------------------------------------------------------------------------------
const READERS = 1000;
async function stampede(read: () => Promise<unknown>): Promise<{ calls: number; wallMs: number; failed: number }> {
  backend.reset();
  const start = performance.now();
  const outcomes = await Promise.allSettled(Array.from({ length: READERS }, read));
  const wallMs = performance.now() - start;
  await sleep(50); // let background refreshes reach the backend before counting
  return {
    calls: backend.count("GetSecretValue"),
    wallMs,
    failed: outcomes.filter((outcome) => outcome.status === "rejected").length,
  };
}
const stampedeClient = ourClient({ ttlMs: 1000 });
const ourRead = (id: string) => () => stampedeClient.getSecretJson(id, { schema: Schema });
const powertoolsRead = (id: string) => () => powertoolsGetSecret(id, { transform: "json", maxAge: 1 });
const stampedes = {
  oursCold: await stampede(ourRead("bench/stampede-ours")),
  powertoolsCold: await stampede(powertoolsRead("bench/stampede-powertools")),
  oursExpired: { calls: 0, wallMs: 0, failed: 0 },
  oursLate: { calls: 0, wallMs: 0, failed: 0 },
  powertoolsExpired: { calls: 0, wallMs: 0, failed: 0 },
};
await sleep(1050); // both TTLs are 1 s: just expired (ours: within maxStaleMs, 100 ms)
stampedes.oursExpired = await stampede(ourRead("bench/stampede-ours"));
stampedes.powertoolsExpired = await stampede(powertoolsRead("bench/stampede-powertools"));
await sleep(1300); // ours: past ttlMs + maxStaleMs, so readers must wait for the refresh
stampedes.oursLate = await stampede(ourRead("bench/stampede-ours"));
const stampedeRow = (name: string, result: { calls: number; wallMs: number; failed: number }): string[] => [
  name,
  fmt(result.calls),
  ms(result.wallMs),
  fmt(result.failed),
];
section(
  `2. Stampede: ${READERS} concurrent reads of one secret`,
  [
    table(
      ["case", "backend calls", "wall time", "failed reads"],
      [
        stampedeRow("secretwrangler, cold cache", stampedes.oursCold),
        stampedeRow("Powertools, cold cache", stampedes.powertoolsCold),
        stampedeRow("secretwrangler, just expired (within `maxStaleMs`)", stampedes.oursExpired),
        stampedeRow("secretwrangler, long expired (past `maxStaleMs`: readers wait)", stampedes.oursLate),
        stampedeRow("Powertools, just expired", stampedes.powertoolsExpired),
      ],
    ),
    "",
    `- target: 1 backend call per stampede: ${verdict(
      stampedes.oursCold.calls === 1 && stampedes.oursExpired.calls === 1 && stampedes.oursLate.calls === 1,
    )} (Powertools: ${fmt(stampedes.powertoolsCold.calls)} cold, ${fmt(stampedes.powertoolsExpired.calls)} at expiry)`,
  ].join("\n"),
);
await stampedeClient.close();

// ---------------------------------------------------------------------------------------------
// 3. Expiry: a steady stream of reads across TTL boundaries, 20 ms backend
// ---------------------------------------------------------------------------------------------
interface StreamResult {
  readonly reads: number;
  readonly failed: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly waited: number;
  readonly calls: number;
  readonly versions: number;
}
/** Starts a read every `everyMs` for `durationMs` without waiting for earlier ones; times each. */
async function stream(
  read: () => Promise<unknown>,
  durationMs: number,
  everyMs: number,
  version: (value: unknown) => unknown = () => undefined,
): Promise<StreamResult> {
  (globalThis as { gc?: () => void }).gc?.();
  backend.reset();
  const latencies: number[] = [];
  const versions = new Set<unknown>();
  const pending: Promise<void>[] = [];
  let failed = 0;
  const end = performance.now() + durationMs;
  while (performance.now() < end) {
    const start = performance.now();
    pending.push(
      read().then(
        (value) => {
          latencies.push(performance.now() - start);
          versions.add(version(value));
        },
        () => {
          latencies.push(performance.now() - start);
          failed++;
        },
      ),
    );
    await sleep(everyMs);
  }
  await Promise.all(pending);
  const sorted = latencies.sort((a, b) => a - b);
  return {
    reads: sorted.length,
    failed,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted.at(-1) ?? Number.NaN,
    waited: sorted.filter((latency) => latency >= 10).length,
    calls: backend.count("GetSecretValue"),
    versions: versions.size,
  };
}
backend.latencyMs = 20;
const streamRow = (name: string, result: StreamResult): string[] => [
  name,
  fmt(result.reads),
  ms(result.p50),
  ms(result.p99),
  ms(result.max),
  fmt(result.waited),
  fmt(result.calls),
];
const streamHead = ["stream", "reads", "p50", "p99", "max", "reads >= 10 ms", "backend calls"];
// Powertools keys its cache by name and transform only (not maxAge), so each case reads its own id.
const readOurs = (reader: SecretsClient, id: string) => () => reader.getSecretJson(id, { schema: Schema });
const readPowertools = (id: string, maxAge: number) => () => powertoolsGetSecret(id, { transform: "json", maxAge });
const streamClient = ourClient({ ttlMs: 1000 });
await readOurs(client, "bench/stream-hit")();
await readPowertools("bench/stream-hit", 300)();
await stream(readOurs(client, "bench/stream-hit"), 300, 1); // warm-up, discarded
await stream(readPowertools("bench/stream-hit", 300), 300, 1);
const hitStreams = {
  ours: await stream(readOurs(client, "bench/stream-hit"), 1000, 1),
  powertools: await stream(readPowertools("bench/stream-hit", 300), 1000, 1),
};
// Each expiry stream starts right after its first read, so it crosses 3 TTL boundaries from fresh.
await readOurs(streamClient, "bench/stream-expiry")();
const oursExpiry = await stream(readOurs(streamClient, "bench/stream-expiry"), 3500, 1);
await readPowertools("bench/stream-expiry", 1)();
const expiryStreams = {
  ours: oursExpiry,
  powertools: await stream(readPowertools("bench/stream-expiry", 1), 3500, 1),
};
const expiryRatio = expiryStreams.ours.p99 / hitStreams.ours.p99;
section(
  "3. Expiry: a read every ~1 ms for 3.5 s, TTL 1 s, backend answering in 20 ms",
  [
    table(streamHead, [
      streamRow("secretwrangler, hits only (baseline)", hitStreams.ours),
      streamRow("Powertools, hits only (baseline)", hitStreams.powertools),
      streamRow("secretwrangler, across 3 TTL boundaries", expiryStreams.ours),
      streamRow("Powertools, across 3 TTL boundaries", expiryStreams.powertools),
    ]),
    "",
    "Latency is from the call to the resolved promise, for reads started by a 1 ms timer and not awaited by the loop.",
    "",
    `- secretwrangler p99 across expiry vs its own hit p99: **${fmt(expiryRatio, 2)}x** (target <= 2x): ${verdict(
      expiryRatio <= 2,
    )}; Powertools: ${fmt(expiryStreams.powertools.waited)} reads waited >= 10 ms (every reader at expiry waits a round trip)`,
  ].join("\n"),
);
await streamClient.close();

// ---------------------------------------------------------------------------------------------
// 4. Refresh under failure
// ---------------------------------------------------------------------------------------------
const failClient = ourClient({ ttlMs: 1000 });
const failId = "bench/failing";
/** Caches a value through `warm`, then streams reads while every backend answer is a 500. */
async function underFailure(warm: () => Promise<unknown>, read: () => Promise<unknown>): Promise<StreamResult> {
  await warm();
  backend.failing = true;
  try {
    return await stream(read, 3000, 5, (value) => (value as { versionId?: string }).versionId);
  } finally {
    backend.failing = false;
  }
}
const failure = {
  ours: await underFailure(
    () => failClient.getSecretJson(failId, { schema: Schema }),
    () => failClient.getSecretValue(failId),
  ),
  powertools: await underFailure(readPowertools(failId, 1), readPowertools(failId, 1)),
};
backend.latencyMs = 0;
section(
  "4. Refresh under failure: the backend answers 500 from t = 0, a read every ~5 ms for 3 s, TTL 1 s",
  [
    table(
      ["library", "reads", "got a value", "got an error", "p50", "p99", "backend requests"],
      [
        ["secretwrangler (staleOnError, backoff 1 s doubling)", failure.ours],
        ["Powertools", failure.powertools],
      ].map(([name, result]) => {
        const r = result as StreamResult;
        return [
          name as string,
          fmt(r.reads),
          fmt(r.reads - r.failed),
          fmt(r.failed),
          ms(r.p50),
          ms(r.p99),
          fmt(r.calls),
        ];
      }),
    ),
    "",
    "Both go through the AWS SDK's standard retries (3 attempts), so one failed refresh is up to 3 requests.",
    `secretwrangler readers all got the last good value (${fmt(failure.ours.versions)} version seen) and never waited;`,
    "Powertools readers get the cached value until it expires, then `GetParameterError`, each after its own round trips.",
  ].join("\n"),
);
await failClient.close();
handle.close();
await client.close();
await backend.server.close();

const machine = `${cpus().length} cores (${cpus()[0]?.model ?? "unknown CPU"}), Node ${process.version}`;
const results = join(dirname(fileURLToPath(import.meta.url)), "results");
mkdirSync(results, { recursive: true });
writeFileSync(
  join(results, "cache.md"),
  [
    "## Cache: secretwrangler vs Powertools for AWS Lambda",
    "",
    `Measured ${new Date().toISOString().slice(0, 10)} on ${machine}, one process, both libraries reading through`,
    "the AWS SDK v3 from the same loopback fake Secrets Manager / SSM (`bench/cache-backend.ts`).",
    "Reproduce: `npm run bench -- cache` (builds `dist/` first), or `npm run build && npx tsx bench/run.ts cache`.",
    "",
    ...markdown.flatMap((part) => [part, ""]),
  ].join("\n"),
);
console.log("\nwrote bench/results/cache.md");
