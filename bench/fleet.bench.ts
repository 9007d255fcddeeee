/**
 * A fleet against one Secrets Manager quota: 1,000 simulated application processes, each reading
 * the same 50 secrets, against a counting Secrets Manager that allows 50 requests per second (a
 * token bucket) and answers `ThrottlingException` past it. One simulated hour per variant, in
 * virtual time (`fleet-sim.ts`), so the whole suite takes seconds of wall time:
 *
 * - secretwrangler with the default cache (5 minutes), with and without batched refresh and prefetch;
 * - the same fleet behind one Secrets Manager Agent per host (10 processes per host);
 * - Powertools for AWS Lambda (`@aws-lambda-powertools/parameters`) with its defaults (maxAge 5 s).
 *
 * Everything runs in this one process. The 1,000 "processes" are 1,000 clients (1,000 caches), all
 * on one in-process transport that models the AWS SDK's round trip (20 ms) and its default retries
 * (3 attempts, jittered backoff from 500 ms on throttling): 1,000 real SDK clients over loopback
 * HTTP could not run an hour of this fleet in virtual time, since sockets and the SDK's own timers
 * run on the real clock. Powertools runs its own code (`SecretsProvider.get`, its cache and expiry)
 * with an SDK client whose `send` is that same model, and reads the virtual clock through
 * `Date.now`, which is replaced while it runs.
 *
 * Reproduce: `npm run bench -- fleet`, or alone: `npx tsx bench/fleet.bench.ts`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SecretsProvider } from "@aws-lambda-powertools/parameters/secrets";
import { cachedTransport } from "../src/cache/cached-transport.js";
import { createSecretsClient } from "../src/client/client.js";
import { SecretsError } from "../src/core/errors.js";
import type { BatchResult, SecretRecord, Transport } from "../src/transport/types.js";
import { drain, QuotaBackend, SDK_MAX_ATTEMPTS, sdkCall, VirtualClock } from "./fleet-sim.js";
import { fmt, table, verdict } from "./report.js";

const PROCESSES = 1_000;
const SECRETS = 50;
const PER_HOST = 10;
const QUOTA = 50;
const HOUR = 3_600_000;
const TTL = 300_000;
/** Each process reads each of its secrets once every 30 s, at a phase of its own. */
const READ_EVERY = 30_000;
/** The processes start one after another over the first 2 minutes (a rolling deploy). */
const START_SPREAD = 120_000;
const LATENCY = 20;
/** The simulation's time step: reads and timers are resolved to 10 ms. */
const TICK = 10;
/** Powertools makes a call per read; its run covers 10 simulated minutes, scaled to the hour. */
const POWERTOOLS_MINUTES = Number(process.env.FLEET_POWERTOOLS_MINUTES ?? 10);
const STEADY_FROM = 10 * 60_000;

// Millions of throttled attempts make millions of errors: without stack traces they cost a fraction
// (no reader looks at a stack here).
Error.stackTraceLimit = 0;
/** `FLEET_ONLY=0,3` runs only those rows (for a quick look; the results file is written anyway). */
const only = process.env.FLEET_ONLY?.split(",").map(Number);
const ids = Array.from({ length: SECRETS }, (_, index) => `fleet/app/secret-${index}`);

interface Outcome {
  readonly name: string;
  readonly calls: number;
  readonly getCalls: number;
  readonly batchCalls: number;
  readonly throttled: number;
  readonly reads: number;
  readonly failed: number;
  readonly stale: number;
  readonly maxWaitMs: number;
  readonly peak: number;
  readonly steadyPeak: number;
  readonly simulatedMs: number;
  readonly wallMs: number;
}

/** What one read did: got a value answered at `answeredAt`, or failed; `waitedMs` if it waited. */
interface Reader {
  read(process: number, id: string): void;
}

class Tally {
  reads = 0;
  failed = 0;
  stale = 0;
  maxWaitMs = 0;
  constructor(
    readonly clock: VirtualClock,
    readonly staleAfterMs: number,
  ) {}
  got(answeredAt: number, startedAt: number): void {
    this.reads++;
    if (this.clock.now - answeredAt > this.staleAfterMs) this.stale++;
    this.maxWaitMs = Math.max(this.maxWaitMs, this.clock.now - startedAt);
  }
  lost(startedAt: number): void {
    this.reads++;
    this.failed++;
    this.maxWaitMs = Math.max(this.maxWaitMs, this.clock.now - startedAt);
  }
}

/**
 * Readers that read through a cache the way the client does: a hit synchronously, else one awaited
 * read, each tallied.
 */
function cacheReader(cacheOf: (process: number) => Transport, clock: { readonly now: number }, tally: Tally): Reader {
  return {
    read(process, id) {
      const cached = cacheOf(process);
      const hit = cached.peekSecretValue?.(id);
      if (hit !== undefined) {
        tally.got(Number(hit.secretString), clock.now);
        return;
      }
      const startedAt = clock.now;
      cached.getSecretValue({ id }).then(
        (record) => tally.got(Number(record.secretString), startedAt),
        () => tally.lost(startedAt),
      );
    },
  };
}

/**
 * Drives one variant for `durationMs` of virtual time: processes start over {@link START_SPREAD}
 * (each `start(process)` may return a promise the process waits for before serving, a prefetch),
 * then every process reads each secret every {@link READ_EVERY}.
 */
async function drive(
  clock: VirtualClock,
  durationMs: number,
  start: (process: number) => Promise<unknown> | undefined,
  reader: Reader,
): Promise<void> {
  const buckets: number[][] = Array.from({ length: READ_EVERY / TICK }, () => []);
  for (let stream = 0; stream < PROCESSES * SECRETS; stream++) {
    (buckets[Math.floor((Math.random() * READ_EVERY) / TICK)] as number[]).push(stream);
  }
  const startAt = Array.from({ length: PROCESSES }, (_, process) => Math.floor((process / PROCESSES) * START_SPREAD));
  const ready = new Uint8Array(PROCESSES);
  let started = 0;
  for (let time = 0, step = 0; time < durationMs; time += TICK, step++) {
    clock.fireUntil(time);
    while (started < PROCESSES && (startAt[started] as number) <= time) {
      const process = started++;
      const warming = start(process);
      if (warming === undefined) ready[process] = 1;
      else
        warming.then(
          () => {
            ready[process] = 1;
          },
          () => {
            ready[process] = 1;
          },
        );
    }
    for (const stream of buckets[step % buckets.length] as number[]) {
      const process = Math.floor(stream / SECRETS);
      if (ready[process] === 1) reader.read(process, ids[stream % SECRETS] as string);
    }
    await drain();
  }
}

/** The transport every secretwrangler process reads through: the SDK model against the backend. */
function sdkModel(clock: VirtualClock, backend: QuotaBackend): Transport {
  const throttled = (operation: string, id?: string) =>
    new SecretsError({
      code: "THROTTLED",
      operation,
      secretId: id,
      transport: "sdk",
      retryable: true,
      detail: `ThrottlingException after ${SDK_MAX_ATTEMPTS} attempts`,
    });
  const record = (id: string): SecretRecord => ({ name: id, secretString: String(clock.now) });
  return {
    name: "sdk",
    async getSecretValue({ id }) {
      if (!(await sdkCall(clock, backend, "GetSecretValue"))) throw throttled("getSecretValue", id);
      return record(id);
    },
    async batchGetSecretValue(batchIds) {
      const chunks: string[][] = [];
      for (let index = 0; index < batchIds.length; index += 20) chunks.push(batchIds.slice(index, index + 20));
      const results = await Promise.all(
        chunks.map(async (chunk) => {
          const served = await sdkCall(clock, backend, "BatchGetSecretValue");
          return chunk.map(
            (id): BatchResult<SecretRecord> =>
              served
                ? { id, ok: true, value: record(id) }
                : { id, ok: false, error: throttled("batchGetSecretValue", id) },
          );
        }),
      );
      return results.flat();
    },
  };
}

function outcome(
  name: string,
  backend: QuotaBackend,
  tally: Tally,
  simulatedMs: number,
  wallMs: number,
  scale = 1,
): Outcome {
  const calls = backend.counts.calls;
  return {
    name,
    calls: backend.total() * scale,
    getCalls: (calls.get("GetSecretValue") ?? 0) * scale,
    batchCalls: (calls.get("BatchGetSecretValue") ?? 0) * scale,
    throttled: backend.counts.throttled * scale,
    reads: tally.reads * scale,
    failed: tally.failed * scale,
    stale: tally.stale * scale,
    maxWaitMs: tally.maxWaitMs,
    peak: backend.peakPerSecond(),
    steadyPeak: backend.peakPerSecond(STEADY_FROM),
    simulatedMs,
    wallMs,
  };
}

/** secretwrangler with the default cache, straight to Secrets Manager. */
async function ours(name: string, batchRefresh: boolean, prefetch: boolean): Promise<Outcome> {
  const began = performance.now();
  const clock = new VirtualClock();
  const backend = new QuotaBackend(clock, QUOTA, QUOTA, LATENCY);
  const transport = sdkModel(clock, backend);
  const tally = new Tally(clock, TTL);
  const clients = Array.from({ length: PROCESSES }, () =>
    createSecretsClient({ transport, cache: { clock: () => clock.now, batchRefresh } }),
  );
  const reader = cacheReader((process) => (clients[process] as (typeof clients)[number]).transport, clock, tally);
  await drive(clock, HOUR, (process) => (prefetch ? clients[process]?.prefetch({ ids }) : undefined), reader);
  for (const client of clients) await client.close();
  if (process.env.FLEET_DEBUG) {
    const top = [...backend.counts.perSecond].sort((a, b) => b[1] - a[1]).slice(0, 8);
    console.log(name, "busiest seconds", top);
  }
  return outcome(name, backend, tally, HOUR, performance.now() - began);
}

/**
 * One Secrets Manager Agent per host (10 processes each), modelled in process: its own cache of
 * 5 minutes; a request for a value older than that fetches it with GetSecretValue (one fetch per
 * secret at a time) through the same SDK model, and a failed fetch is returned as an error (no
 * stale value). The processes read through secretwrangler's agent default: a 5 s client cache.
 * The loopback round trip to the agent is taken as zero time.
 */
async function agentFleet(): Promise<Outcome> {
  const began = performance.now();
  const clock = new VirtualClock();
  const backend = new QuotaBackend(clock, QUOTA, QUOTA, LATENCY);
  const sdk = sdkModel(clock, backend);
  const tally = new Tally(clock, TTL + 5_000);
  const agents = Array.from({ length: PROCESSES / PER_HOST }, () => {
    const cache = new Map<string, { record: SecretRecord; fetchedAt: number }>();
    const pending = new Map<string, Promise<SecretRecord>>();
    const agent: Transport = {
      name: "agent",
      cacheByDefault: { ttlMs: 5_000 },
      getSecretValue({ id }) {
        const held = cache.get(id);
        if (held !== undefined && clock.now - held.fetchedAt < TTL) return Promise.resolve(held.record);
        let load = pending.get(id);
        if (load === undefined) {
          const fetchedAt = clock.now;
          load = sdk.getSecretValue({ id }).then(
            (record) => {
              pending.delete(id);
              cache.set(id, { record, fetchedAt });
              return record;
            },
            (error: unknown) => {
              pending.delete(id);
              throw error;
            },
          );
          pending.set(id, load);
        }
        return load;
      },
    };
    return agent;
  });
  const clients = Array.from({ length: PROCESSES }, (_, process) =>
    cachedTransport(agents[Math.floor(process / PER_HOST)] as Transport, { ttlMs: 5_000, clock: () => clock.now }),
  );
  const reader = cacheReader((process) => clients[process] as Transport, clock, tally);
  await drive(clock, HOUR, () => undefined, reader);
  return outcome(
    "secretwrangler behind one agent per host (10 processes/host)",
    backend,
    tally,
    HOUR,
    performance.now() - began,
  );
}

/** Powertools' `SecretsProvider` with its defaults, one per process, over the same SDK model. */
async function powertools(): Promise<Outcome> {
  const began = performance.now();
  const clock = new VirtualClock();
  const backend = new QuotaBackend(clock, QUOTA, QUOTA, LATENCY);
  const tally = new Tally(clock, 5_000);
  const epoch = Date.now();
  const realNow = Date.now;
  Date.now = () => epoch + clock.now;
  try {
    const client = {
      config: {},
      middlewareStack: { identify: () => [], addRelativeTo: () => {} },
      async send(command: { input: { SecretId?: string } }) {
        if (await sdkCall(clock, backend, "GetSecretValue")) {
          return { Name: command.input.SecretId, SecretString: String(clock.now) };
        }
        throw Object.assign(new Error("Rate exceeded"), {
          name: "ThrottlingException",
          $retryable: { throttling: true },
        });
      },
    };
    const providers = Array.from(
      { length: PROCESSES },
      () => new SecretsProvider({ awsSdkV3Client: client as unknown as never }),
    );
    const reader: Reader = {
      read(process, id) {
        const startedAt = clock.now;
        (providers[process] as SecretsProvider).get(id).then(
          (value) => tally.got(Number(value), startedAt),
          () => tally.lost(startedAt),
        );
      },
    };
    const duration = POWERTOOLS_MINUTES * 60_000;
    await drive(clock, duration, () => undefined, reader);
    return outcome(
      `Powertools \`SecretsProvider.get\`, defaults (maxAge 5 s); ${POWERTOOLS_MINUTES} simulated min x ${HOUR / duration}`,
      backend,
      tally,
      duration,
      performance.now() - began,
      HOUR / duration,
    );
  } finally {
    Date.now = realNow;
  }
}

async function skipped(name: string): Promise<Outcome> {
  return {
    name: `${name} (skipped)`,
    calls: 0,
    getCalls: 0,
    batchCalls: 0,
    throttled: 0,
    reads: 0,
    failed: 0,
    stale: 0,
    maxWaitMs: 0,
    peak: 0,
    steadyPeak: 0,
    simulatedMs: 0,
    wallMs: 0,
  };
}

const MINIMUM = (PROCESSES * SECRETS * HOUR) / TTL;
const BATCHED_MINIMUM = MINIMUM / 20;

const outcomes: Outcome[] = [];
for (const [name, batch, warm] of [
  ["secretwrangler, no batched refresh, no prefetch", false, false],
  ["secretwrangler, prefetch, no batched refresh", false, true],
  ["secretwrangler, batched refresh (default), no prefetch", true, false],
  ["secretwrangler, batched refresh (default) + prefetch", true, true],
] as const) {
  if (only && !only.includes(outcomes.length)) {
    outcomes.push({ ...(await skipped(name)) });
    continue;
  }
  outcomes.push(await ours(name, batch, warm));
  console.log(`${name}: ${fmt((outcomes.at(-1) as Outcome).wallMs)} ms wall`);
}
outcomes.push(only && !only.includes(4) ? await skipped("agent") : await agentFleet());
console.log(`agent: ${fmt((outcomes.at(-1) as Outcome).wallMs)} ms wall`);
outcomes.push(only && !only.includes(5) ? await skipped("powertools") : await powertools());
console.log(`powertools: ${fmt((outcomes.at(-1) as Outcome).wallMs)} ms wall`);

const rows = outcomes.map((row) => [
  row.name,
  fmt(row.calls),
  `${fmt(row.getCalls)} / ${fmt(row.batchCalls)}`,
  fmt(row.throttled),
  fmt(row.reads),
  fmt(row.failed),
  fmt(row.stale),
  `${fmt(row.maxWaitMs)} ms`,
  `${fmt(row.peak)} / ${fmt(row.steadyPeak)}`,
  fmt(row.wallMs / 1000, 1),
]);
const head = [
  "variant",
  "backend calls / hour",
  "GetSecretValue / BatchGetSecretValue",
  "throttled",
  "reads",
  "failed reads",
  "stale reads",
  "max wait",
  "peak req/s (all / after 10 min)",
  "wall s",
];
const best = outcomes[3] as Outcome;
const batchRatio = best.calls / BATCHED_MINIMUM;
const floorRatio = best.calls / ((PROCESSES * Math.ceil(SECRETS / 20) * HOUR) / TTL);
const singleRatio = (outcomes[0] as Outcome).calls / MINIMUM;
const body = [
  `${fmt(PROCESSES)} processes x ${SECRETS} secrets, each read every ${READ_EVERY / 1000} s; processes start over the first ${START_SPREAD / 60_000} min; quota ${QUOTA} req/s (token bucket, burst ${QUOTA}); ${LATENCY} ms per call; SDK model: ${SDK_MAX_ATTEMPTS} attempts with jittered backoff. One simulated hour per row (Powertools: scaled, see its row). "Stale" is a value older than the reader's TTL (5 min; 5 min + 5 s behind the agent; 5 s for Powertools).`,
  "",
  table(head, rows),
  "",
  `- minimum without batching: processes x secrets / TTL = ${fmt(MINIMUM)} calls per hour; the unbatched row makes ${fmt(singleRatio, 2)}x that`,
  `- minimum with batching (/ 20): ${fmt(BATCHED_MINIMUM)}; batched refresh + prefetch makes ${fmt(batchRatio, 2)}x that (target <= 1.2x): ${verdict(batchRatio <= 1.2)}. 50 secrets take ceil(50/20) = 3 calls, not 2.5, so 1.2x is the floor of any per-process batching; against that floor (${fmt((PROCESSES * 3 * HOUR) / TTL)} calls) it is ${fmt(floorRatio, 2)}x (the refresh-ahead cycle is 4.5 to 4.75 min, not 5, and each process's first refresh comes early once, at a random point from 30 s on: \`firstRefreshSpreadMs\`)`,
  `- 0 failed reads with batched refresh + prefetch: ${verdict(best.failed === 0)}; no second after the first 10 minutes above the quota: ${verdict(best.steadyPeak <= QUOTA)}`,
];
const markdown = `## Fleet: 1,000 processes against one quota\n\n${body.join("\n")}\n`;
console.log(`\n${markdown}`);
const resultsDir = join(dirname(fileURLToPath(import.meta.url)), "results");
mkdirSync(resultsDir, { recursive: true });
writeFileSync(join(resultsDir, "fleet.md"), markdown);
