/**
 * What observability costs on the hot path (issue 15): the cached `getSecretJson(id, { schema })` hit
 * with no subscriber (the check alone), with a no-op subscriber on every diagnostics channel, and
 * with `secretwrangler/otel` on (the real OpenTelemetry SDK: spans dropped, metrics aggregated), and
 * what a backend call (a cache miss) costs with and without a subscriber. It imports the built
 * `dist/`, as `cache.bench.ts` does, for the same reason (tsx's `keepNames` would charge closures).
 *
 * Reproduce: `npm run bench -- observability` (builds first), or `npm run build && npx tsx bench/run.ts observability`.
 * About 30 seconds.
 */
import { tracingChannel } from "node:diagnostics_channel";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { do_not_optimize, measure } from "mitata";
import { z } from "zod";
import { fmt, percentile, table } from "./report.js";

const { CHANNELS, createSecretsClient } = await import("../dist/index.js");
const { instrument } = await import("../dist/otel.js");

/** A database login, as the cache suite reads it, and its zod schema (a string or number per field). */
const LOGIN = { engine: "postgres", host: "db.internal", port: 5432, username: "app", password: "pw" };
const SECRET = JSON.stringify(LOGIN);
const Schema = z.object(
  Object.fromEntries(
    Object.entries(LOGIN).map(([key, value]) => [key, typeof value === "number" ? z.number() : z.string()]),
  ),
);
const HOT = "bench/hot";

/** A custom transport (cached by default, as sdk is): the hit path is the cache's, whatever the backend. */
const client = createSecretsClient({
  transport: { name: "stub", getSecretValue: async ({ id }) => ({ name: id, versionId: "v1", secretString: SECRET }) },
});
/** No cache: every read is a backend call (through the coalescer), for the cost per call. */
const uncached = createSecretsClient({
  transport: { name: "stub", getSecretValue: async ({ id }) => ({ name: id, versionId: "v1", secretString: SECRET }) },
  cache: false,
});
await client.getSecretJson(HOT, { schema: Schema });
const parsed = new Map<string, unknown>([[HOT, JSON.parse(SECRET)]]);
const asyncGet = async (key: string): Promise<unknown> => parsed.get(key);

type Mode = "none" | "subscriber" | "otel" | "otel + traceCacheHits";
const noop = { start() {}, end() {}, asyncStart() {}, asyncEnd() {}, error() {} };
class Reader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** Turns a mode on; returns what turns it off. */
function enable(mode: Mode): () => void {
  if (mode === "none") return () => {};
  if (mode === "subscriber") {
    for (const name of Object.values(CHANNELS)) tracingChannel(name).subscribe(noop);
    return () => {
      for (const name of Object.values(CHANNELS)) tracingChannel(name).unsubscribe(noop);
    };
  }
  const instrumentation = instrument({
    tracerProvider: new BasicTracerProvider(),
    meterProvider: new MeterProvider({ readers: [new Reader()] }),
    traceCacheHits: mode === "otel + traceCacheHits",
  });
  return () => instrumentation.unsubscribe();
}

interface Row {
  readonly name: string;
  readonly mode: Mode;
  readonly run: () => Promise<unknown>;
}
const hit = async () => do_not_optimize(await client.getSecretJson(HOT, { schema: Schema }));
const miss = async () => do_not_optimize(await uncached.getSecretJson(HOT, { schema: Schema }));
const rows: Row[] = [
  { name: "floor: `await` an async `Map.get`", mode: "none", run: async () => do_not_optimize(await asyncGet(HOT)) },
  { name: "hot hit, no subscriber", mode: "none", run: hit },
  { name: "hot hit, a no-op subscriber on every channel", mode: "subscriber", run: hit },
  { name: "hot hit, `secretwrangler/otel` (metrics; no span for hits)", mode: "otel", run: hit },
  { name: "hot hit, `secretwrangler/otel` with `traceCacheHits`", mode: "otel + traceCacheHits", run: hit },
  { name: "backend call (no cache), no subscriber", mode: "none", run: miss },
  { name: "backend call (no cache), a no-op subscriber on every channel", mode: "subscriber", run: miss },
  { name: "backend call (no cache), `secretwrangler/otel` (a span per call)", mode: "otel", run: miss },
];

const ROUNDS = 5;
const samples = new Map<string, number[]>(rows.map((row) => [row.name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const row of rows) {
    // What the previous row allocated (spans, metric points) is not this row's to collect.
    globalThis.gc?.();
    const disable = enable(row.mode);
    const stats = await measure(row.run, { min_cpu_time: 150 * 1e6 });
    disable();
    samples.get(row.name)?.push(stats.avg);
  }
}
const ns = (name: string): number =>
  percentile(
    [...(samples.get(name) ?? [])].sort((a, b) => a - b),
    0.5,
  );
const floor = ns(rows[0]?.name ?? "");
const bare = ns(rows[1]?.name ?? "");
const bareMiss = ns(rows[5]?.name ?? "");

const body = [
  table(
    ["read", "ns/op", "vs awaited `Map.get`", "vs no subscriber"],
    rows.map((row) => {
      const base = row.name.startsWith("backend") ? bareMiss : bare;
      return [
        row.name,
        fmt(ns(row.name), 1),
        `${fmt(ns(row.name) / floor, 2)}x`,
        row.name.startsWith("floor") ? "" : `${fmt(ns(row.name) / base, 2)}x`,
      ];
    }),
  ),
  "",
  `Median of ${ROUNDS} interleaved rounds of mitata's mean per row; \`getSecretJson(id, { schema })\` with a zod schema, built \`dist/\`.`,
  "",
  `- no subscriber: the hot hit is **${fmt(bare / floor, 2)}x** the awaited \`Map.get\` floor (1.28x in the run before the channels existed): the only addition is one \`hasSubscribers\` check per read`,
  `- with a subscriber, each read allocates its context object and publishes five events; with the otel metrics, each read also adds to a counter and a histogram`,
].join("\n");
console.log(`\n## Observability: the cost of the diagnostics channels\n\n${body}`);
const resultsDir = join(dirname(fileURLToPath(import.meta.url)), "results");
mkdirSync(resultsDir, { recursive: true });
writeFileSync(
  join(resultsDir, "observability.md"),
  `## Observability: the cost of the diagnostics channels\n\n${body}\n`,
);
console.log("\nwrote bench/results/observability.md");
await client.close();
await uncached.close();
