/**
 * Observability (issue 15): the diagnostics channels (`secretwrangler:read`, `:backend`, `:refresh`,
 * `:credentials`), their payloads and cache outcomes, and `secretwrangler/otel` on the real
 * OpenTelemetry SDK with in-memory exporters. The canary test reads, fails and writes canary values
 * through sdk (a loopback fake), memory and file transports and finds no canary in any payload, span
 * or metric.
 */
import { tracingChannel } from "node:diagnostics_channel";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { AggregationTemporality, MeterProvider, MetricReader, type ResourceMetrics } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  AwsSession,
  type BackendEvent,
  CHANNELS,
  type CredentialsEvent,
  createSecretsClient,
  fileTransport,
  memoryTransport,
  type ReadEvent,
  type RefreshEvent,
  sdkTransport,
  type Transport,
} from "../src/index.js";
import { instrument } from "../src/otel.js";
import { tracedTransport } from "../src/transport/traced.js";
import { WRITE_METHODS } from "../src/transport/writes.js";
import { FakeClock, flush, scriptedBackend } from "./helpers/cache-backend.js";
import { CANARY, rejectionOf } from "./helpers/canary.js";
import { startFakeSecretsManager } from "./helpers/fake-secrets-manager.js";
import { FIXTURES } from "./helpers/fixtures.js";
import { credentialsSchema } from "./helpers/schemas.js";

type Phase = "start" | "end" | "asyncStart" | "asyncEnd" | "error";
interface Published {
  readonly channel: string;
  readonly phase: Phase;
  /** A snapshot at publish time (the context object is filled in as the operation proceeds). */
  readonly snapshot: Record<string, unknown>;
  readonly event: object;
}

/** Subscribes to every channel of the library and records what each phase published. */
function record(): { readonly published: Published[]; stop(): void } {
  const published: Published[] = [];
  const subscriptions = Object.values(CHANNELS).map((name) => {
    const phase = (which: Phase) => (event: object) =>
      published.push({ channel: name, phase: which, snapshot: { ...event }, event });
    const handlers = {
      start: phase("start"),
      end: phase("end"),
      asyncStart: phase("asyncStart"),
      asyncEnd: phase("asyncEnd"),
      error: phase("error"),
    };
    tracingChannel(name).subscribe(handlers);
    return () => tracingChannel(name).unsubscribe(handlers);
  });
  return {
    published,
    stop: () => {
      for (const stop of subscriptions) stop();
    },
  };
}

/** The settled payloads (at `asyncEnd`) of one channel. */
function settledOn<E>(published: readonly Published[], channel: string): E[] {
  return published
    .filter((item) => item.channel === channel && item.phase === "asyncEnd")
    .map((item) => item.event as E);
}

let recorder: ReturnType<typeof record>;
afterEach(() => recorder?.stop());

const TTL = 10_000;
const AHEAD = 1_000;
const STALE = 2_000;

function cachedClient() {
  const backend = scriptedBackend({ "prod/db": JSON.stringify({ user: "app", password: CANARY }) });
  const clock = new FakeClock();
  const client = createSecretsClient({
    transport: backend.transport,
    cache: { ttlMs: TTL, refreshAheadMs: AHEAD, maxStaleMs: STALE, refreshJitterMs: 0, clock: clock.read },
  });
  return { backend, clock, client };
}

describe("diagnostics channels", () => {
  it("publishes a miss with its backend call, then a hit without one", async () => {
    const { client } = cachedClient();
    recorder = record();

    await client.getSecretJson("prod/db");
    await client.getSecretJson("prod/db");

    const phases = recorder.published.filter((item) => item.channel === CHANNELS.read).map((item) => item.phase);
    expect(phases).toEqual(["start", "end", "asyncStart", "asyncEnd", "start", "end", "asyncStart", "asyncEnd"]);
    const reads = settledOn<ReadEvent>(recorder.published, CHANNELS.read);
    expect(
      reads.map(({ operation, id, transport, outcome, ageMs }) => ({ operation, id, transport, outcome, ageMs })),
    ).toEqual([
      { operation: "getSecretJson", id: "prod/db", transport: "scripted", outcome: "miss", ageMs: 0 },
      { operation: "getSecretJson", id: "prod/db", transport: "scripted", outcome: "hit", ageMs: 0 },
    ]);
    expect(reads.every((read) => typeof read.durationMs === "number")).toBe(true);
    const backend = settledOn<BackendEvent>(recorder.published, CHANNELS.backend);
    expect(backend).toHaveLength(1);
    expect(backend[0]).toMatchObject({
      method: "getSecretValue",
      operation: "GetSecretValue",
      service: "SecretsManager",
      kind: "read",
      transport: "scripted",
      id: "prod/db",
    });
  });

  it("tells a coalesced read from the miss it joined", async () => {
    const { backend, client } = cachedClient();
    recorder = record();
    backend.hold();

    const reads = [client.getSecret("prod/db"), client.getSecret("prod/db")];
    backend.release();
    await Promise.all(reads);

    expect(settledOn<ReadEvent>(recorder.published, CHANNELS.read).map((read) => read.outcome)).toEqual([
      "miss",
      "coalesced",
    ]);
    expect(settledOn<BackendEvent>(recorder.published, CHANNELS.backend)).toHaveLength(1);
  });

  it("notes refresh-ahead and stale outcomes with the age served, and traces the background refresh", async () => {
    const { backend, clock, client } = cachedClient();
    await client.getSecret("prod/db");
    recorder = record();

    clock.advance(TTL - AHEAD);
    await client.getSecret("prod/db");
    await flush();
    clock.advance(TTL + STALE + 1);
    backend.fail("THROTTLED");
    await client.getSecret("prod/db");

    const reads = settledOn<ReadEvent>(recorder.published, CHANNELS.read);
    expect(reads.map(({ outcome }) => outcome)).toEqual(["refresh-ahead", "stale"]);
    expect(reads[0]?.ageMs).toBe(TTL - AHEAD);
    expect(reads[1]?.ageMs).toBe(TTL + STALE + 1);
    const refreshes = settledOn<RefreshEvent>(recorder.published, CHANNELS.refresh);
    expect(refreshes[0]).toMatchObject({
      source: "cache",
      operation: "getSecretValue",
      id: "prod/db",
      transport: "scripted",
    });
    const failed = settledOn<BackendEvent>(recorder.published, CHANNELS.backend).filter((event) => event.code);
    expect(failed.map((event) => event.code)).toEqual(["THROTTLED"]);
  });

  it("publishes a failed read on error with its code", async () => {
    const { client } = cachedClient();
    recorder = record();

    await rejectionOf(client.getSecret("prod/missing"));

    const errors = recorder.published.filter((item) => item.channel === CHANNELS.read && item.phase === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]?.snapshot).toMatchObject({ id: "prod/missing", outcome: "miss", code: "NOT_FOUND" });
  });

  it("notes the outcome of the coalescer on a client without a cache", async () => {
    const client = createSecretsClient({ transport: memoryTransport({ a: "1" }) });
    recorder = record();

    await Promise.all([client.getSecret("a"), client.getSecret("a")]);

    expect(settledOn<ReadEvent>(recorder.published, CHANNELS.read).map((read) => read.outcome)).toEqual([
      "miss",
      "coalesced",
    ]);
    expect(settledOn<BackendEvent>(recorder.published, CHANNELS.backend)).toHaveLength(1);
  });

  it("traces the write methods a transport has, by name, with the id and never the value", async () => {
    const transport = tracedTransport({
      name: "custom",
      getSecretValue: async ({ id }) => ({ name: id, secretString: CANARY }),
      putSecretValue: async (request: { id: string; secretString: string }) => ({ name: request.id, versionId: "v2" }),
    } as Transport);
    recorder = record();

    await (transport as unknown as { putSecretValue(request: object): Promise<unknown> }).putSecretValue({
      id: "prod/db",
      secretString: CANARY,
    });

    expect(settledOn<BackendEvent>(recorder.published, CHANNELS.backend)).toEqual([
      expect.objectContaining({
        method: "putSecretValue",
        operation: "PutSecretValue",
        kind: "write",
        id: "prod/db",
        versionId: "v2",
      }),
    ]);
    expect(inspect(recorder.published, { depth: null })).not.toContain(CANARY);
  });

  it("has an AWS action for every write method of the contract", async () => {
    const transport = Object.fromEntries(WRITE_METHODS.map((method) => [method, async () => ({})]));
    const traced = tracedTransport({ name: "all", getSecretValue: async () => ({ name: "x" }), ...transport });
    recorder = record();

    await Promise.all(WRITE_METHODS.map((method) => (traced as unknown as Record<string, () => unknown>)[method]?.()));

    expect(settledOn<BackendEvent>(recorder.published, CHANNELS.backend).map((event) => event.method)).toEqual([
      ...WRITE_METHODS,
    ]);
  });

  it("passes every other property of the transport on, and wraps a transport once", () => {
    const inner = memoryTransport({ a: "1" });
    const traced = tracedTransport(inner);

    expect(traced.name).toBe("memory");
    expect(typeof (traced as typeof inner).set).toBe("function");
    expect(tracedTransport(inner)).toBe(traced);
    expect(tracedTransport(traced)).toBe(traced);
  });

  it("publishes credential loads with their source and expiry, never the keys", async () => {
    const expiration = new Date(Date.now() + 3_600_000);
    const session = new AwsSession({
      region: "us-east-1",
      credentials: async () => ({ accessKeyId: CANARY, secretAccessKey: CANARY, sessionToken: CANARY, expiration }),
    });
    recorder = record();

    await session.getCredentials();

    expect(settledOn<CredentialsEvent>(recorder.published, CHANNELS.credentials)).toEqual([
      expect.objectContaining({ source: "credential provider", expiresAt: expiration }),
    ]);
    expect(inspect(recorder.published, { depth: null })).not.toContain(CANARY);
  });

  it("publishes a watch's reads on the refresh channel, with the cache's outcome", async () => {
    const client = createSecretsClient({ transport: memoryTransport({ a: "1" }), cache: {} });
    await client.getSecret("a");
    recorder = record();

    const handle = await client.watch("a");
    handle.close();

    expect(settledOn<RefreshEvent>(recorder.published, CHANNELS.refresh)).toEqual([
      expect.objectContaining({ source: "watch", operation: "secret", id: "a", reason: "initial", outcome: "hit" }),
    ]);
  });
});

/** A metric reader to collect on demand. */
class CollectingReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

function metricPoints(resourceMetrics: ResourceMetrics) {
  return resourceMetrics.scopeMetrics.flatMap((scope) =>
    scope.metrics.flatMap((metric) =>
      metric.dataPoints.map((point) => ({
        name: metric.descriptor.name,
        attributes: point.attributes,
        value: point.value,
      })),
    ),
  );
}

describe("secretwrangler/otel and the canary", () => {
  let server: Awaited<ReturnType<typeof startFakeSecretsManager>>;
  const dir = mkdtempSync(join(tmpdir(), "secretwrangler-otel-"));
  beforeAll(async () => {
    server = await startFakeSecretsManager(FIXTURES);
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function otel(traceCacheHits: boolean) {
    const spans = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
    const reader = new CollectingReader();
    const meterProvider = new MeterProvider({ readers: [reader] });
    const instrumentation = instrument({ tracerProvider, meterProvider, traceCacheHits });
    return { spans, reader, instrumentation };
  }

  it("makes client spans for backend calls with the semantic conventions, and metrics by outcome", async () => {
    const { spans, reader, instrumentation } = otel(false);
    const client = createSecretsClient({ transport: sdkTransport({ endpoint: server.endpoint, region: "us-east-1" }) });

    await client.getSecretJson("app/json");
    await client.getSecretJson("app/json");
    await rejectionOf(client.getSecret("app/missing"));
    instrumentation.unsubscribe();
    await client.close();

    const finished = spans.getFinishedSpans();
    expect(finished.map((span) => span.name)).toEqual([
      "SecretsManager.GetSecretValue",
      "SecretsManager.GetSecretValue",
    ]);
    expect(finished[0]?.attributes).toMatchObject({
      "rpc.system": "aws-api",
      "rpc.service": "SecretsManager",
      "rpc.method": "GetSecretValue",
      "secretwrangler.transport": "sdk",
      "secretwrangler.id": "app/json",
      "aws.secretsmanager.secret.arn": expect.stringContaining("app/json"),
    });
    expect(finished[1]?.attributes["error.type"]).toBe("NOT_FOUND");
    const { resourceMetrics } = await reader.collect();
    const points = metricPoints(resourceMetrics);
    const readsBy = (outcome: string) =>
      points.find(
        (point) =>
          point.name === "secretwrangler.reads" &&
          point.attributes["secretwrangler.cache.outcome"] === outcome &&
          point.attributes["error.type"] === undefined,
      );
    expect(readsBy("miss")?.value).toBe(1);
    expect(readsBy("hit")?.value).toBe(1);
    expect(points.some((point) => point.name === "secretwrangler.value.age")).toBe(true);
    expect(
      points.find(
        (point) => point.name === "secretwrangler.backend.calls" && point.attributes["error.type"] === "NOT_FOUND",
      )?.value,
    ).toBe(1);
  });

  it("with traceCacheHits, makes a read's backend call a child of its read span", async () => {
    const { spans, instrumentation } = otel(true);
    const client = createSecretsClient({ transport: sdkTransport({ endpoint: server.endpoint, region: "us-east-1" }) });
    const uncached = createSecretsClient({
      transport: sdkTransport({ endpoint: server.endpoint, region: "us-east-1" }),
      cache: false,
    });

    await client.getSecretJson("app/json");
    await client.getSecretJson("app/json");
    await uncached.getSecret("app/json");
    instrumentation.unsubscribe();
    await Promise.all([client.close(), uncached.close()]);

    const finished = spans.getFinishedSpans();
    expect(finished.map((span) => span.name).sort()).toEqual([
      "SecretsManager.GetSecretValue",
      "SecretsManager.GetSecretValue",
      "secretwrangler.getSecret",
      "secretwrangler.getSecretJson",
      "secretwrangler.getSecretJson",
    ]);
    const reads = finished.filter((span) => span.name.startsWith("secretwrangler."));
    const calls = finished.filter((span) => span.name.startsWith("SecretsManager."));
    for (const call of calls) {
      const parent = reads.find((span) => span.spanContext().spanId === call.parentSpanContext?.spanId);
      expect(parent?.spanContext().traceId).toBe(call.spanContext().traceId);
      expect(parent?.attributes["secretwrangler.cache.outcome"]).toBe("miss");
    }
    expect(new Set(calls.map((call) => call.parentSpanContext?.spanId)).size).toBe(2);
    // The hit's span is a root of its own, with no backend call below it.
    const hit = reads.find((span) => span.attributes["secretwrangler.cache.outcome"] === "hit");
    expect(hit?.parentSpanContext).toBeUndefined();
    expect(calls.some((call) => call.parentSpanContext?.spanId === hit?.spanContext().spanId)).toBe(false);
  });

  it("without traceCacheHits, gives a backend span the active context as its parent", async () => {
    const { spans, instrumentation } = otel(false);
    const client = createSecretsClient({ transport: sdkTransport({ endpoint: server.endpoint, region: "us-east-1" }) });
    await client.getSecretJson("app/json");
    instrumentation.unsubscribe();
    await client.close();
    const [call] = spans.getFinishedSpans();
    expect(call?.name).toBe("SecretsManager.GetSecretValue");
    expect(call?.parentSpanContext).toBeUndefined();
  });

  it("leaks no canary into a payload, span or metric, through sdk, memory and file, failing and succeeding", async () => {
    const { spans, reader, instrumentation } = otel(true);
    recorder = record();
    const file = join(dir, "secrets.json");
    writeFileSync(
      file,
      JSON.stringify({
        secrets: { "app/json": { password: CANARY }, "app/text": `text-${CANARY}`, "app/not-json": `${CANARY}{` },
        parameters: { "/app/key": CANARY },
      }),
    );
    const session = new AwsSession({
      region: "us-east-1",
      credentials: async () => ({ accessKeyId: CANARY, secretAccessKey: CANARY, sessionToken: CANARY }),
    });
    const clients = [
      createSecretsClient({ transport: sdkTransport({ session, endpoint: server.endpoint }) }),
      createSecretsClient({
        transport: memoryTransport(
          { "app/json": { password: CANARY }, "app/text": `text-${CANARY}`, "app/not-json": `${CANARY}{` },
          { parameters: { "/app/key": CANARY } },
        ),
        cache: {},
      }),
      createSecretsClient({ transport: fileTransport(file) }),
    ];

    for (const client of clients) {
      await client.getSecretJson("app/json");
      await client.getSecretJson("app/json", { schema: credentialsSchema }).catch(() => undefined);
      await client.getSecret("app/text");
      await client.getSecretValue("app/text");
      await rejectionOf(client.getSecretJson("app/not-json"));
      await rejectionOf(client.getSecret("app/missing"));
      await client.getSecretsJson(["app/json", "app/not-json", "app/missing"]);
      if (client.transport.name !== "sdk") {
        await client.getParameter("/app/key");
        await client.getParameterValue("/app/key");
      }
    }
    const writer = tracedTransport({
      name: "custom",
      getSecretValue: async ({ id }) => ({ name: id, secretString: CANARY }),
      putSecretValue: async () => {
        throw new Error(`refused ${CANARY.length}`);
      },
    } as Transport) as unknown as { putSecretValue(request: object): Promise<unknown> };
    await rejectionOf(writer.putSecretValue({ id: "app/json", secretString: CANARY }));
    for (const client of clients) await client.close();
    instrumentation.unsubscribe();

    expect(recorder.published.length).toBeGreaterThan(100);
    const payloads = recorder.published.map((item) => item.event);
    expect(JSON.stringify(payloads)).not.toContain(CANARY);
    expect(inspect(payloads, { depth: null, showHidden: true })).not.toContain(CANARY);
    const finished = spans.getFinishedSpans();
    expect(finished.length).toBeGreaterThan(10);
    expect(
      JSON.stringify(
        finished.map((span) => ({
          name: span.name,
          attributes: span.attributes,
          events: span.events,
          status: span.status,
        })),
      ),
    ).not.toContain(CANARY);
    const { resourceMetrics } = await reader.collect();
    expect(JSON.stringify(metricPoints(resourceMetrics))).not.toContain(CANARY);
    expect(inspect(resourceMetrics, { depth: null })).not.toContain(CANARY);
  });

  it("stops with unsubscribe or using: nothing is published afterwards", async () => {
    const { spans, instrumentation } = otel(true);
    instrumentation[Symbol.dispose]();
    const client = createSecretsClient({ transport: memoryTransport({ a: "1" }) });

    await client.getSecret("a");

    expect(spans.getFinishedSpans()).toEqual([]);
    expect(tracingChannel(CHANNELS.read).hasSubscribers).toBe(false);
  });
});
