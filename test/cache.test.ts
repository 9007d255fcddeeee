import { describe, expect, it, vi } from "vitest";
import {
  type CacheErrorEvent,
  type CacheOptions,
  createSecretsClient,
  getDefaultClient,
  getSecret,
  isSecretsError,
  memoryTransport,
  resetDefaultClient,
  type SecretsClient,
  type StandardSchemaV1,
  sdkTransport,
} from "../src/index.js";
import type { CachedTransport, MemoryTransport } from "../src/transports.js";
import { FakeClock, flush, type ScriptedBackend, scriptedBackend, settled } from "./helpers/cache-backend.js";
import { CANARY, expectNoLeak, rejectionOf } from "./helpers/canary.js";
import { startFakeSecretsManager } from "./helpers/fake-secrets-manager.js";
import { FIXTURES } from "./helpers/fixtures.js";
import { credentialsSchema } from "./helpers/schemas.js";

const TTL = 10_000;
const AHEAD = 1_000;
const STALE = 2_000;
const DB = JSON.stringify({ user: "app", password: CANARY });

interface Setup {
  readonly backend: ScriptedBackend;
  readonly clock: FakeClock;
  readonly client: SecretsClient;
  readonly errors: CacheErrorEvent[];
}

/** A client over a scripted backend, with a 10 s TTL, refresh 1 s ahead, 2 s of staleness and a fake clock. */
function setup(cache: CacheOptions = {}, values: Record<string, string> = { "prod/db": DB }): Setup {
  const backend = scriptedBackend(values);
  const clock = new FakeClock();
  const errors: CacheErrorEvent[] = [];
  const client = createSecretsClient({
    transport: backend.transport,
    cache: {
      ttlMs: TTL,
      refreshAheadMs: AHEAD,
      maxStaleMs: STALE,
      // The exact window edges; the fleet jitter of batched refresh is tested in cache-batch.test.ts.
      refreshJitterMs: 0,
      firstRefreshSpreadMs: 0,
      clock: clock.read,
      onError: (event) => errors.push(event),
      ...cache,
    },
  });
  return { backend, clock, client, errors };
}

/** A schema that counts its validations. */
function countingSchema(): StandardSchemaV1<unknown, { user: string; password: string }> & { runs: number } {
  const schema = {
    runs: 0,
    "~standard": {
      ...credentialsSchema["~standard"],
      validate(value: unknown) {
        schema.runs++;
        return credentialsSchema["~standard"].validate(value);
      },
    },
  };
  return schema;
}

describe("cache: single flight", () => {
  it("makes exactly one transport call for 1000 concurrent cold getSecretJson reads", async () => {
    const { backend, client } = setup();
    backend.hold();

    const reads = Array.from({ length: 1000 }, () => client.getSecretJson("prod/db", { schema: credentialsSchema }));
    backend.release();
    const values = await Promise.all(reads);

    expect(backend.calls).toHaveLength(1);
    expect(new Set(values).size).toBe(1);
    expect(values[0]).toEqual({ user: "app", password: CANARY });
  });

  it("makes one request to Secrets Manager for 1000 concurrent cold reads through the SDK", async () => {
    const server = await startFakeSecretsManager(FIXTURES);
    const client = createSecretsClient({
      transport: sdkTransport({ endpoint: server.endpoint, region: "us-east-1" }),
    });
    try {
      const values = await Promise.all(Array.from({ length: 1000 }, () => client.getSecretJson("app/json")));

      expect(server.calls("GetSecretValue")).toHaveLength(1);
      expect(values.every((value) => value === values[0])).toBe(true);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it("refreshes an expired entry with one call when 1000 readers must wait for it", async () => {
    const { backend, clock, client } = setup();
    await client.getSecret("prod/db");
    clock.advance(TTL + STALE);
    backend.hold();

    const reads = Array.from({ length: 1000 }, () => client.getSecret("prod/db"));
    backend.release();
    await Promise.all(reads);

    expect(backend.calls).toHaveLength(2);
  });

  it("refreshes an expired entry with one background call when 1000 readers arrive within maxStaleMs", async () => {
    const { backend, clock, client } = setup();
    await client.getSecret("prod/db");
    clock.advance(TTL);
    backend.hold();

    const reads = Array.from({ length: 1000 }, () => client.getSecret("prod/db"));

    expect(await settled(Promise.all(reads))).toBe(true);
    expect(backend.calls).toHaveLength(2);
    backend.release();
  });
});

describe("cache: bounds and keys", () => {
  it("evicts the least recently used entry past maxEntries", async () => {
    const { backend, client } = setup({ maxEntries: 2 }, { a: "1", b: "2", c: "3" });
    await client.getSecret("a");
    await client.getSecret("b");
    await client.getSecret("a");

    await client.getSecret("c");
    await client.getSecret("a");
    await client.getSecret("b");

    expect(backend.calls.map((call) => call.id)).toEqual(["a", "b", "c", "b"]);
  });

  it("keeps the entry count bounded when reading 100,000 distinct ids", async () => {
    const ids = Array.from({ length: 100_000 }, (_, index) => `id-${index}`);
    const { backend, client } = setup({ maxEntries: 1000 }, Object.fromEntries(ids.map((id) => [id, id])));
    const cache = client.transport as CachedTransport;
    let largest = 0;

    for (let start = 0; start < ids.length; start += 5000) {
      await Promise.all(ids.slice(start, start + 5000).map((id) => client.getSecret(id)));
      largest = Math.max(largest, cache.size);
    }

    expect(backend.calls).toHaveLength(100_000);
    expect(largest).toBe(1000);
    expect(cache.size).toBe(1000);
  });

  it("keeps version ids and stages apart", async () => {
    const transport = memoryTransport({ "prod/db": "one" });
    transport.set("prod/db", "two");
    const client = createSecretsClient({ transport });

    const current = await client.getSecret("prod/db");
    const previous = await client.getSecret("prod/db", { versionStage: "AWSPREVIOUS" });
    const { versionId } = await client.getSecretValue("prod/db", { versionStage: "AWSPREVIOUS" });
    const byId = await client.getSecret("prod/db", { versionId });

    expect([current, previous, byId]).toEqual(["two", "one", "one"]);
  });

  it("keeps the caches of two clients apart", async () => {
    const first = createSecretsClient({ transport: memoryTransport({ key: "first" }) });
    const second = createSecretsClient({ transport: memoryTransport({ key: "second" }) });

    expect([await first.getSecret("key"), await second.getSecret("key")]).toEqual(["first", "second"]);
  });

  it("reads through to the transport every time with cache: false", async () => {
    const backend = scriptedBackend({ key: "k" });
    const client = createSecretsClient({ transport: backend.transport, cache: false });

    await client.getSecret("key");
    await client.getSecret("key");

    expect(backend.calls).toHaveLength(2);
    expect(client.transport.name).toBe(backend.transport.name);
    expect(client.transport.peekSecretValue).toBeUndefined();
  });

  it("caches a custom transport and keeps its name for errors", async () => {
    const { backend, client } = setup({}, {});

    const error = await rejectionOf(client.getSecret("missing"));

    expect(client.transport.name).toBe(backend.transport.name);
    expect(isSecretsError(error, "NOT_FOUND") && error.transport).toBe("scripted");
  });
});

describe("cache: refresh-ahead and stale-while-revalidate", () => {
  it("returns a value about to expire at once and refreshes it once in the background", async () => {
    const { backend, clock, client } = setup();
    await client.getSecret("prod/db");
    clock.advance(TTL - AHEAD);
    backend.hold();

    const reads = Array.from({ length: 10 }, () => client.getSecretValue("prod/db"));

    expect(await settled(Promise.all(reads))).toBe(true);
    expect((await reads[0])?.versionId).toBe("v1");
    expect(backend.calls).toHaveLength(2);
    backend.release();
    await flush();
    expect((await client.getSecretValue("prod/db")).versionId).toBe("v2");
    expect(backend.calls).toHaveLength(2);
  });

  it("does not refresh a value younger than ttlMs - refreshAheadMs", async () => {
    const { backend, clock, client } = setup();
    await client.getSecret("prod/db");
    clock.advance(TTL - AHEAD - 1);

    await client.getSecret("prod/db");

    expect(backend.calls).toHaveLength(1);
  });

  it("makes readers wait for the refresh once a value is maxStaleMs past its expiry", async () => {
    const { backend, clock, client } = setup();
    await client.getSecret("prod/db");
    clock.advance(TTL + STALE);
    backend.hold();

    const read = client.getSecretValue("prod/db");

    expect(await settled(read)).toBe(false);
    backend.release();
    expect((await read).versionId).toBe("v2");
  });
});

describe("cache: failures", () => {
  it("serves the last good value when a refresh fails with a transient error, and reports it without the value", async () => {
    const { backend, clock, client, errors } = setup();
    await client.getSecretJson("prod/db");
    backend.fail("THROTTLED");
    clock.advance(TTL + STALE);

    const value = await client.getSecretJson("prod/db");

    expect(value).toEqual({ user: "app", password: CANARY });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ operation: "getSecretValue", id: "prod/db", servingStale: true, failures: 1 });
    expect(isSecretsError(errors[0]?.error, "THROTTLED")).toBe(true);
    expectNoLeak(errors[0]);
  });

  it("keeps serving the stale value at once while the backend keeps failing", async () => {
    const { backend, clock, client } = setup();
    await client.getSecret("prod/db");
    backend.fail("TRANSPORT");
    clock.advance(TTL + STALE);
    await client.getSecret("prod/db");
    clock.advance(60_000);
    backend.hold();

    const read = client.getSecret("prod/db");

    expect(await settled(read)).toBe(true);
    backend.release();
  });

  it("throws a non-transient error and drops the value", async () => {
    const { backend, clock, client, errors } = setup();
    await client.getSecret("prod/db");
    backend.fail("ACCESS_DENIED");
    clock.advance(TTL + STALE);

    const first = await rejectionOf(client.getSecret("prod/db"));
    backend.fail(undefined);
    backend.values.delete("prod/db");
    const second = await rejectionOf(client.getSecret("prod/db"));

    expect(isSecretsError(first, "ACCESS_DENIED")).toBe(true);
    expect(isSecretsError(second, "NOT_FOUND")).toBe(true);
    expect(errors.map((event) => event.servingStale)).toEqual([false, false]);
  });

  it("drops the value when a background refresh finds the secret deleted", async () => {
    const { backend, clock, client } = setup();
    await client.getSecret("prod/db");
    backend.values.delete("prod/db");
    clock.advance(TTL);

    await client.getSecret("prod/db");
    await flush();

    expect(isSecretsError(await rejectionOf(client.getSecret("prod/db")), "NOT_FOUND")).toBe(true);
  });

  it("throws transient errors past maxStaleMs when staleOnError is false", async () => {
    const { backend, clock, client, errors } = setup({ staleOnError: false });
    await client.getSecret("prod/db");
    backend.fail("TIMEOUT");
    clock.advance(TTL + STALE);

    const error = await rejectionOf(client.getSecret("prod/db"));

    expect(isSecretsError(error, "TIMEOUT")).toBe(true);
    expect(errors[0]?.servingStale).toBe(false);
  });

  it("never caches an error: the first read of a failed cold key after its backoff asks again", async () => {
    const { backend, clock, client, errors } = setup();
    backend.fail("TRANSPORT");
    await rejectionOf(client.getSecret("prod/db"));
    backend.fail(undefined);
    clock.advance(errors[0]?.retryInMs ?? 0);

    const value = await client.getSecret("prod/db");

    expect(value).toBe(DB);
    expect(backend.calls).toHaveLength(2);
  });

  it("asks again at once after a non-transient failure of a cold key", async () => {
    const { backend, client } = setup({}, {});
    const missing = await rejectionOf(client.getSecret("new/key"));
    backend.values.set("new/key", "created");

    const value = await client.getSecret("new/key");

    expect(isSecretsError(missing, "NOT_FOUND")).toBe(true);
    expect(value).toBe("created");
    expect(backend.calls).toHaveLength(2);
  });

  it("backs off a cold key that fails transiently: reads in the window get its error without a call", async () => {
    const { backend, clock, client, errors } = setup({ backoffMs: 1000, maxBackoffMs: 4000 });
    backend.fail("THROTTLED");
    await rejectionOf(client.getSecret("prod/db"));
    const firstDelay = errors[0]?.retryInMs ?? 0;

    const inWindow = await Promise.all(Array.from({ length: 5 }, () => rejectionOf(client.getSecret("prod/db"))));
    const callsInWindow = backend.calls.length;
    clock.advance(firstDelay - 1);
    const lastInWindow = await rejectionOf(client.getSecret("prod/db"));
    clock.advance(1);
    const retried = await rejectionOf(client.getSecret("prod/db"));

    expect(callsInWindow).toBe(1);
    expect(inWindow.every((error) => isSecretsError(error, "THROTTLED") && error.retryable)).toBe(true);
    expect(isSecretsError(lastInWindow, "THROTTLED")).toBe(true);
    expect(isSecretsError(retried, "THROTTLED")).toBe(true);
    expect(backend.calls).toHaveLength(2);
    expect(firstDelay).toBeGreaterThanOrEqual(500);
    expect(firstDelay).toBeLessThanOrEqual(1000);
    expect(errors[1]?.retryInMs).toBeGreaterThanOrEqual(1000);
    expect(errors[1]?.retryInMs).toBeLessThanOrEqual(2000);
    expect(errors.map((event) => event.servingStale)).toEqual([false, false]);
  });

  it("backs off past maxStaleMs with staleOnError false: reads get the last error, never a value, without a call", async () => {
    const { backend, clock, client } = setup({ staleOnError: false });
    await client.getSecret("prod/db");
    backend.fail("THROTTLED");
    clock.advance(TTL + STALE);
    await rejectionOf(client.getSecret("prod/db"));

    const outcomes = await Promise.all(Array.from({ length: 5 }, () => rejectionOf(client.getSecret("prod/db"))));

    expect(backend.calls).toHaveLength(2);
    expect(outcomes.every((error) => isSecretsError(error, "THROTTLED"))).toBe(true);
    expectNoLeak(outcomes[0]);
  });

  it("lets a forceRefresh read try a backing-off key at once", async () => {
    const { backend, client } = setup();
    backend.fail("THROTTLED");
    await rejectionOf(client.getSecret("prod/db"));
    backend.fail(undefined);

    const forced = await client.getSecret("prod/db", { forceRefresh: true });

    expect(forced).toBe(DB);
    expect(backend.calls).toHaveLength(2);
  });

  it("keeps a newer forced value when an older background refresh then fails with NOT_FOUND", async () => {
    const { backend, clock, client } = setup();
    await client.getSecret("prod/db");
    clock.advance(TTL);
    const releaseBackground = backend.hold();
    await client.getSecret("prod/db");
    const releaseForced = backend.hold();
    const forced = client.getSecret("prod/db", { forceRefresh: true });
    backend.values.set("prod/db", "rotated");
    releaseForced();
    await forced;

    backend.values.delete("prod/db");
    releaseBackground();
    await flush();

    expect(await client.getSecret("prod/db")).toBe("rotated");
    expect(backend.calls).toHaveLength(3);
  });

  it("does not back off after a success because an older load failed transiently later", async () => {
    const { backend, clock, client, errors } = setup();
    await client.getSecret("prod/db");
    clock.advance(TTL);
    const releaseBackground = backend.hold();
    await client.getSecret("prod/db");
    const releaseForced = backend.hold();
    const forced = client.getSecret("prod/db", { forceRefresh: true });
    releaseForced();
    await forced;
    backend.fail("THROTTLED");
    releaseBackground();
    await flush();
    backend.fail(undefined);
    clock.advance(1);

    const read = await client.getSecret("prod/db", { maxAgeMs: 0 });

    expect(read).toBe(DB);
    expect(backend.calls).toHaveLength(4);
    expect(errors).toEqual([]);
  });

  it("backs off a failing key with jittered, doubling, bounded delays instead of a request storm", async () => {
    const { backend, clock, client, errors } = setup({ backoffMs: 1000, maxBackoffMs: 4000 });
    await client.getSecret("prod/db");
    backend.fail("THROTTLED");
    clock.advance(TTL);
    const readMany = async (): Promise<void> => {
      await Promise.all(Array.from({ length: 100 }, () => client.getSecret("prod/db")));
      await flush();
    };

    await readMany();
    const delays: number[] = [];
    for (let failure = 1; failure <= 4; failure++) {
      const delay = errors.at(-1)?.retryInMs ?? 0;
      delays.push(delay);
      clock.advance(delay - 1);
      await readMany();
      expect(backend.calls).toHaveLength(1 + failure);
      clock.advance(1);
      await readMany();
      expect(backend.calls).toHaveLength(2 + failure);
    }

    expect(delays[0]).toBeGreaterThanOrEqual(500);
    expect(delays[0]).toBeLessThanOrEqual(1000);
    expect(delays[1]).toBeGreaterThanOrEqual(1000);
    expect(delays[1]).toBeLessThanOrEqual(2000);
    expect(delays[3]).toBeGreaterThanOrEqual(2000);
    expect(delays[3]).toBeLessThanOrEqual(4000);
    expect(errors.every((event) => event.servingStale)).toBe(true);
  });

  it("recovers when the backend heals: the next refresh stores the new value", async () => {
    const { backend, clock, client, errors } = setup();
    await client.getSecret("prod/db");
    backend.fail("TRANSPORT");
    clock.advance(TTL);
    await client.getSecret("prod/db");
    await flush();
    backend.fail(undefined);
    backend.values.set("prod/db", "rotated");
    clock.advance(errors[0]?.retryInMs ?? 0);

    await client.getSecret("prod/db");
    await flush();

    expect(await client.getSecret("prod/db")).toBe("rotated");
  });

  it("survives an onError hook that throws", async () => {
    const { backend, clock, client } = setup({
      onError: () => {
        throw new Error("broken logger");
      },
    });
    await client.getSecret("prod/db");
    backend.fail("TRANSPORT");
    clock.advance(TTL + STALE);

    expect(await client.getSecret("prod/db")).toBe(DB);
  });
});

describe("cache: per-call control", () => {
  it("forceRefresh bypasses the cache, tells the transport and replaces the value", async () => {
    const { backend, client } = setup();
    await client.getSecret("prod/db");
    backend.values.set("prod/db", "rotated");

    const forced = await client.getSecret("prod/db", { forceRefresh: true });
    const next = await client.getSecret("prod/db");

    expect([forced, next]).toEqual(["rotated", "rotated"]);
    expect(backend.calls.map((call) => call.forceRefresh)).toEqual([undefined, true]);
  });

  it("coalesces 50 concurrent forceRefresh reads into one backend call", async () => {
    const { backend, client } = setup();
    await client.getSecret("prod/db");
    backend.values.set("prod/db", "rotated");
    backend.hold();

    const reads = Array.from({ length: 50 }, () => client.getSecret("prod/db", { forceRefresh: true }));
    backend.release();
    const values = await Promise.all(reads);

    expect(backend.calls.map((call) => call.forceRefresh)).toEqual([undefined, true]);
    expect(new Set(values)).toEqual(new Set(["rotated"]));
  });

  it("makes a new call for a forceRefresh read issued after a forced load completed", async () => {
    const { backend, client } = setup();
    await client.getSecret("prod/db", { forceRefresh: true });
    backend.values.set("prod/db", "rotated");

    const forced = await client.getSecret("prod/db", { forceRefresh: true });

    expect(forced).toBe("rotated");
    expect(backend.calls).toHaveLength(2);
  });

  it("does not let a forceRefresh read join an unforced load in flight", async () => {
    const { backend, client } = setup();
    backend.hold();
    const cold = client.getSecret("prod/db");

    const forced = client.getSecret("prod/db", { forceRefresh: true });
    backend.release();
    await Promise.all([cold, forced]);

    expect(backend.calls.map((call) => call.forceRefresh)).toEqual([undefined, true]);
  });

  it("forceRefresh gets the error rather than the stale value", async () => {
    const { backend, client } = setup();
    await client.getSecret("prod/db");
    backend.fail("TRANSPORT");

    const error = await rejectionOf(client.getSecret("prod/db", { forceRefresh: true }));

    expect(isSecretsError(error, "TRANSPORT")).toBe(true);
  });

  it("maxAgeMs accepts a cached value only if it is younger", async () => {
    const { backend, clock, client } = setup();
    await client.getSecret("prod/db");
    clock.advance(3_000);

    await client.getSecret("prod/db", { maxAgeMs: 5_000 });
    await client.getSecret("prod/db", { maxAgeMs: 2_000 });
    await client.getSecret("prod/db", { maxAgeMs: 2_000 });

    expect(backend.calls).toHaveLength(2);
  });

  it("maxAgeMs gets the error rather than a value older than asked for", async () => {
    const { backend, clock, client } = setup();
    await client.getSecret("prod/db");
    backend.fail("TRANSPORT");
    clock.advance(3_000);

    const error = await rejectionOf(client.getSecret("prod/db", { maxAgeMs: 1_000 }));

    expect(isSecretsError(error, "TRANSPORT")).toBe(true);
  });

  it("clearCache forgets everything", async () => {
    const { backend, client } = setup({}, { a: "1", b: "2" });
    await client.getSecret("a");
    await client.getSecret("b");

    client.clearCache();
    await client.getSecret("a");
    await client.getSecret("b");

    expect(backend.calls).toHaveLength(4);
    expect((client.transport as CachedTransport).size).toBe(2);
  });

  it("invalidate forgets every version of one id, also when it was read by ARN, and nothing else", async () => {
    const { backend, client } = setup({}, { "prod/db": "1", other: "2" });
    const arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf";
    await client.getSecret("prod/db");
    await client.getSecret("prod/db", { versionStage: "AWSPREVIOUS" });
    await client.getSecret(arn).catch(() => undefined);
    await client.getSecret("other");

    client.invalidate("prod/db");
    await client.getSecret("prod/db");
    await client.getSecret("prod/db", { versionStage: "AWSPREVIOUS" });
    await client.getSecret("other");

    expect(backend.calls.map((call) => call.id)).toEqual(["prod/db", "prod/db", arn, "other", "prod/db", "prod/db"]);
    expect((client.transport as CachedTransport).size).toBe(3);
  });

  it("does not store what a load in flight at invalidate time returns", async () => {
    const { backend, client } = setup();
    backend.hold();
    const before = client.getSecret("prod/db");

    client.invalidate("prod/db");
    backend.values.set("prod/db", "rotated");
    backend.release();
    await before;

    expect(await client.getSecret("prod/db")).toBe("rotated");
  });

  it("lets a reader's signal abandon its wait without cancelling the load for the others", async () => {
    const { backend, client } = setup();
    backend.hold();
    const controller = new AbortController();
    const abandoned = client.getSecret("prod/db", { signal: controller.signal });
    const patient = client.getSecret("prod/db");

    controller.abort();
    const error = await rejectionOf(abandoned);
    backend.release();

    expect(isSecretsError(error, "ABORTED")).toBe(true);
    expect(await patient).toBe(DB);
    expect(backend.calls).toHaveLength(1);
  });
});

describe("cache: shared values", () => {
  it("parses and validates once per fetched version, not per read", async () => {
    const { backend, clock, client } = setup();
    const schema = countingSchema();

    for (let read = 0; read < 100; read++) await client.getSecretJson("prod/db", { schema });
    backend.values.set("prod/db", JSON.stringify({ user: "app", password: "rotated" }));
    clock.advance(TTL + STALE);
    const rotated = await client.getSecretJson("prod/db", { schema });

    expect(schema.runs).toBe(2);
    expect(rotated.password).toBe("rotated");
  });

  it("returns one deep-frozen object to every reader", async () => {
    const { client } = setup({}, { nested: JSON.stringify({ db: { hosts: ["a"] } }) });

    const first = await client.getSecretJson<{ db: { hosts: string[] } }>("nested");
    const second = await client.getSecretJson<{ db: { hosts: string[] } }>("nested");

    expect(second).toBe(first);
    expect(Object.isFrozen(first.db.hosts)).toBe(true);
    expect({ ...first.db, port: 5432 }).toEqual({ hosts: ["a"], port: 5432 });
  });

  it("hands each reader its own copy of binary values and dates", async () => {
    const transport: MemoryTransport = memoryTransport({ key: Uint8Array.from([1, 2, 3]) });
    const client = createSecretsClient({ transport });

    const first = await client.getSecretBinary("key");
    first[0] = 99;
    const value = await client.getSecretValue("key");
    value.createdDate?.setTime(0);
    value.secretBinary?.fill(0);

    expect([...(await client.getSecretBinary("key"))]).toEqual([1, 2, 3]);
    expect((await client.getSecretValue("key")).createdDate?.getTime()).not.toBe(0);
  });

  it("freezes its own copy of a record, not the transport's object", async () => {
    const record = { name: "key", secretString: "v", versionStages: ["AWSCURRENT"] };
    const client = createSecretsClient({ transport: { name: "fixed", getSecretValue: async () => record } });

    const value = await client.getSecretValue("key");

    expect(Object.isFrozen(record)).toBe(false);
    expect(Object.isFrozen(value.versionStages)).toBe(true);
  });
});

describe("cache: options", () => {
  it.each([
    [{ ttlMs: 0 }, "cache.ttlMs"],
    [{ ttlMs: Number.POSITIVE_INFINITY }, "cache.ttlMs"],
    [{ maxEntries: 0 }, "cache.maxEntries"],
    [{ maxEntries: 1.5 }, "cache.maxEntries"],
    [{ maxStaleMs: -1 }, "cache.maxStaleMs"],
    [{ refreshAheadMs: 20_000, ttlMs: 10_000 }, "cache.refreshAheadMs"],
    [{ backoffMs: "1s" }, "cache.backoffMs"],
    [{ onError: "log" }, "cache.onError"],
  ])("rejects %o with a TypeError naming the option", (cache, name) => {
    const create = () => createSecretsClient({ transport: memoryTransport(), cache: cache as CacheOptions });

    expect(create).toThrow(TypeError);
    expect(create).toThrow(name);
  });

  it("is on by default with a 5 minute TTL", async () => {
    const backend = scriptedBackend({ key: "k" });
    const client = createSecretsClient({ transport: backend.transport });

    await client.getSecret("key");
    await client.getSecret("key");

    expect(backend.calls).toHaveLength(1);
    expect(client.transport.name).toBe("scripted");
  });

  it("getDefaultClient().clearCache() empties the default client's cache", async () => {
    const server = await startFakeSecretsManager({});
    let value = "one";
    server.handle({ GetSecretValue: () => ({ body: { Name: "key", SecretString: value } }) });
    const endpoint = process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL = server.endpoint;
    try {
      await getSecret("key");
      value = "two";

      const cached = await getSecret("key");
      getDefaultClient().clearCache();
      const fresh = await getSecret("key");

      expect([cached, fresh]).toEqual(["one", "two"]);
      expect(server.calls("GetSecretValue")).toHaveLength(2);
    } finally {
      process.env.AWS_ENDPOINT_URL = endpoint;
      await resetDefaultClient();
      await server.close();
    }
  });

  it("reads the default clock at most once per millisecond and moves with time", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "performance"] });
    vi.resetModules();
    try {
      const { coarseClock } = await import("../src/cache/clock.js");
      const first = coarseClock();
      vi.advanceTimersByTime(0);
      const same = coarseClock();
      vi.advanceTimersByTime(5);

      expect(same).toBe(first);
      expect(coarseClock()).toBeGreaterThan(first);
    } finally {
      vi.useRealTimers();
    }
  });
});
