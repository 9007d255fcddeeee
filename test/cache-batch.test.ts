import { describe, expect, it } from "vitest";
import { cachedTransport } from "../src/cache/cached-transport.js";
import type { CacheErrorEvent, CacheOptions } from "../src/cache/options.js";
import { ArgumentError } from "../src/core/errors.js";
import {
  type BatchResult,
  type SecretRecord,
  SecretsError,
  type SecretsErrorCode,
  type Transport,
} from "../src/index.js";
import type { SecretRequest } from "../src/transports.js";
import { FakeClock, flush } from "./helpers/cache-backend.js";

const TTL = 10_000;
const AHEAD = 1_000;
const ids = (count: number, prefix = "app/"): string[] =>
  Array.from({ length: count }, (_, index) => `${prefix}${index}`);

/** A backend that counts single and batch calls, and fails chosen ids (per id, as BatchGetSecretValue does). */
function countingBackend(options: { batch?: boolean; deniedBatch?: boolean } = {}) {
  const singles: SecretRequest[] = [];
  const batches: string[][] = [];
  const failing = new Map<string, SecretsErrorCode>();
  let served = 0;
  const record = (id: string): SecretRecord => ({
    name: id,
    versionId: `v${++served}`,
    secretString: `value of ${id}`,
  });
  const error = (id: string, code: SecretsErrorCode, operation: string) =>
    new SecretsError({ code, operation, secretId: id, transport: "counting" });
  const transport: Transport = {
    name: "counting",
    async getSecretValue(request) {
      singles.push(request);
      const code = failing.get(request.id);
      if (code) throw error(request.id, code, "getSecretValue");
      return record(request.id);
    },
  };
  if (options.batch !== false) {
    transport.batchGetSecretValue = async (batchIds) => {
      batches.push([...batchIds]);
      return batchIds.map((id): BatchResult<SecretRecord> => {
        if (options.deniedBatch) return { id, ok: false, error: error(id, "ACCESS_DENIED", "batchGetSecretValue") };
        const code = failing.get(id);
        return code
          ? { id, ok: false, error: error(id, code, "batchGetSecretValue") }
          : { id, ok: true, value: record(id) };
      });
    };
  }
  return { transport, singles, batches, failing };
}

function setup(cache: CacheOptions = {}, backendOptions: Parameters<typeof countingBackend>[0] = {}) {
  const backend = countingBackend(backendOptions);
  const clock = new FakeClock();
  const errors: CacheErrorEvent[] = [];
  const transport = cachedTransport(backend.transport, {
    ttlMs: TTL,
    refreshAheadMs: AHEAD,
    maxStaleMs: 2_000,
    refreshJitterMs: 0,
    firstRefreshSpreadMs: 0,
    clock: clock.read,
    onError: (event) => errors.push(event),
    ...cache,
  });
  /** Reads every id once, one by one (cold: single calls), and forgets the calls. */
  const warm = async (list: readonly string[]) => {
    for (const id of list) await transport.getSecretValue({ id });
    backend.singles.length = 0;
    backend.batches.length = 0;
  };
  return { backend, clock, transport, errors, warm };
}

describe("batched refresh", () => {
  it("refreshes 45 secrets that fall due together in ceil(45/20) = 3 batch calls and no single call", async () => {
    const { backend, clock, transport, warm } = setup();
    const list = ids(45);
    await warm(list);
    clock.advance(TTL - AHEAD);

    for (const id of list) expect(transport.peekSecretValue(id)?.secretString).toBe(`value of ${id}`);
    await flush();

    expect(backend.singles).toHaveLength(0);
    expect(backend.batches.map((batch) => batch.length)).toEqual([15, 15, 15]);
    expect(new Set(backend.batches.flat())).toEqual(new Set(list));
    expect(transport.peekSecretValue("app/0")?.versionId).not.toBe("v1");
  });

  it("needs one due read: every other due key of the cache joins its batch", async () => {
    const { backend, clock, transport, warm } = setup();
    await warm(ids(20));
    clock.advance(TTL - AHEAD);

    transport.peekSecretValue("app/7");
    await flush();

    expect(backend.batches).toEqual([ids(20)]);
    expect(backend.singles).toHaveLength(0);
  });

  it("leaves keys alone that are not due within refreshAheadMs", async () => {
    const { backend, clock, transport, warm } = setup();
    await warm(["old"]);
    clock.advance(1_500);
    await warm(["young"]);
    clock.advance(TTL - AHEAD - 1_500); // old: 9.0 s (due); young: 7.5 s (due in 1.5 s, more than AHEAD)

    transport.peekSecretValue("old");
    await flush();

    expect(backend.singles.map(({ id }) => id)).toEqual(["old"]);
    expect(backend.batches).toHaveLength(0);
  });

  it("batches a key whose refresh point is near another's, so keys read at different times converge", async () => {
    const { backend, clock, transport, warm } = setup();
    await warm(["a"]);
    clock.advance(500);
    await warm(["b"]);
    clock.advance(TTL - AHEAD - 500); // a: 9.0 s (due), b: 8.5 s (due in 0.5 s, within AHEAD)

    transport.peekSecretValue("a");
    await flush();

    expect(backend.batches).toEqual([["a", "b"]]);
    expect(backend.singles).toHaveLength(0);
  });

  it("handles a failed id of a batch as its own failed refresh: stale value, backoff, onError; the others refresh", async () => {
    const { backend, clock, transport, errors, warm } = setup();
    await warm(ids(3));
    backend.failing.set("app/1", "THROTTLED");
    clock.advance(TTL - AHEAD);

    transport.peekSecretValue("app/0");
    await flush();

    expect(backend.batches).toEqual([ids(3)]);
    expect(errors).toEqual([
      expect.objectContaining({ operation: "getSecretValue", id: "app/1", servingStale: true, failures: 1 }),
    ]);
    expect(transport.peekSecretValue("app/1")?.versionId).toBe("v2");
    expect(transport.peekSecretValue("app/0")?.versionId).not.toBe("v1");
    // Backing off: reads of app/1 make no call until the backoff is over.
    transport.peekSecretValue("app/1");
    await flush();
    expect(backend.batches).toHaveLength(1);
    expect(backend.singles).toHaveLength(0);
  });

  it("drops the value of an id the batch reports NOT_FOUND, as a failed single refresh would", async () => {
    const { backend, clock, transport, warm } = setup();
    await warm(ids(2));
    backend.failing.set("app/0", "NOT_FOUND");
    clock.advance(TTL - AHEAD);

    transport.peekSecretValue("app/1");
    await flush();

    expect(transport.peekSecretValue("app/0")).toBeUndefined();
    await expect(transport.getSecretValue({ id: "app/0" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("never batches forced reads or reads of a version or stage", async () => {
    const { backend, clock, transport } = setup();
    await transport.getSecretValue({ id: "app/0", versionStage: "AWSPREVIOUS" });
    await transport.getSecretValue({ id: "app/1", versionStage: "AWSPREVIOUS" });
    await transport.getSecretValue({ id: "app/2" });
    backend.singles.length = 0;
    clock.advance(TTL - AHEAD);

    transport.peekSecretValue("app/0", { versionStage: "AWSPREVIOUS" });
    transport.peekSecretValue("app/1", { versionStage: "AWSPREVIOUS" });
    await transport.getSecretValue({ id: "app/2", forceRefresh: true });
    await flush();

    expect(backend.batches).toHaveLength(0);
    expect(backend.singles.map(({ id, versionStage, forceRefresh }) => [id, versionStage, forceRefresh])).toEqual([
      ["app/0", "AWSPREVIOUS", undefined],
      ["app/1", "AWSPREVIOUS", undefined],
      ["app/2", undefined, true],
    ]);
  });

  it("refreshes a lone due key with its own call", async () => {
    const { backend, clock, transport, warm } = setup();
    await warm(["solo"]);
    clock.advance(TTL - AHEAD);

    transport.peekSecretValue("solo");
    await flush();

    expect(backend.singles.map(({ id }) => id)).toEqual(["solo"]);
    expect(backend.batches).toHaveLength(0);
  });

  it("makes no call on a hit that is not due", async () => {
    const { backend, clock, transport, warm } = setup();
    await warm(ids(30));
    clock.advance(TTL - AHEAD - 1);

    for (let round = 0; round < 100; round++) for (const id of ids(30)) transport.peekSecretValue(id);
    await flush();

    expect(backend.batches).toHaveLength(0);
    expect(backend.singles).toHaveLength(0);
  });

  it("reads a batch refused as a whole with ACCESS_DENIED again key by key, and stops batching", async () => {
    const { backend, clock, transport, errors, warm } = setup({}, { deniedBatch: true });
    await warm(ids(3));
    clock.advance(TTL - AHEAD);

    transport.peekSecretValue("app/0");
    await flush();

    expect(backend.batches).toHaveLength(1);
    expect(backend.singles.map(({ id }) => id).sort()).toEqual(ids(3));
    expect(errors).toHaveLength(0);
    for (const id of ids(3)) expect(transport.peekSecretValue(id)?.versionId).not.toBe("v1");

    backend.singles.length = 0;
    clock.advance(TTL - AHEAD);
    transport.peekSecretValue("app/0");
    transport.peekSecretValue("app/1");
    await flush();
    expect(backend.batches).toHaveLength(1);
    expect(backend.singles.map(({ id }) => id)).toEqual(["app/0", "app/1"]);
  });

  it("with batchRefresh: false, refreshes each due key with its own call", async () => {
    const { backend, clock, transport, warm } = setup({ batchRefresh: false });
    await warm(ids(5));
    clock.advance(TTL - AHEAD);

    for (const id of ids(5)) transport.peekSecretValue(id);
    await flush();

    expect(backend.batches).toHaveLength(0);
    expect(backend.singles).toHaveLength(5);
  });

  it("is off for a transport without batchGetSecretValue, even with batchRefresh: true", async () => {
    const { backend, clock, transport, warm } = setup({ batchRefresh: true }, { batch: false });
    await warm(ids(5));
    clock.advance(TTL - AHEAD);

    for (const id of ids(5)) transport.peekSecretValue(id);
    await flush();

    expect(backend.singles).toHaveLength(5);
  });

  it("is on by default for a transport with batchGetSecretValue", async () => {
    const { backend, clock, transport, warm } = setup({ refreshJitterMs: undefined });
    await warm(ids(5));
    clock.advance(TTL - 1); // past any jittered refresh point (at most AHEAD / 2 into the window)

    transport.peekSecretValue("app/0");
    await flush();

    expect(backend.batches).toEqual([ids(5)]);
  });
});

describe("refresh jitter", () => {
  it("moves the refresh point at most refreshJitterMs into the window, never before ttlMs - refreshAheadMs", async () => {
    for (let run = 0; run < 20; run++) {
      const { backend, clock, transport, warm } = setup({ refreshJitterMs: 400 });
      await warm(["a"]);
      clock.advance(TTL - AHEAD - 1);
      transport.peekSecretValue("a");
      await flush();
      expect(backend.singles).toHaveLength(0);
      clock.advance(401);
      transport.peekSecretValue("a");
      await flush();
      expect(backend.singles).toHaveLength(1);
    }
  });

  it("spreads the refresh points of many caches over the window", async () => {
    const due = new Set<boolean>();
    for (let run = 0; run < 40; run++) {
      const { backend, clock, transport, warm } = setup({ refreshJitterMs: AHEAD });
      await warm(["a"]);
      clock.advance(TTL - AHEAD / 2);
      transport.peekSecretValue("a");
      await flush();
      due.add(backend.singles.length === 1);
    }
    // With 40 caches, some refresh in the first half of the window and some do not (chance 2 * 2^-40 of failing).
    expect(due).toEqual(new Set([true, false]));
  });
});

describe("first refresh spread", () => {
  const STEP = 100;
  /**
   * Warms `list`, then reads its first key every STEP ms for at most two TTLs: the ages (since the
   * warm-up, in ms) at which the first two background refreshes started, and the batches they made.
   */
  async function firstRefreshes(cache: CacheOptions, list = ["a"]) {
    const { backend, clock, transport, warm } = setup(cache);
    await warm(list);
    const ages: number[] = [];
    for (let age = STEP; age <= 2 * TTL && ages.length < 2; age += STEP) {
      clock.advance(STEP);
      transport.peekSecretValue(list[0] as string);
      await flush();
      if (backend.singles.length + backend.batches.length > ages.length) ages.push(age);
    }
    return { ages, batches: backend.batches };
  }

  it("by default with batchRefresh, draws the first refresh between refreshAheadMs and the usual point, spread over it", async () => {
    const firsts: number[] = [];
    for (let run = 0; run < 40; run++) {
      const { ages } = await firstRefreshes({ firstRefreshSpreadMs: undefined });
      const [first, second] = ages as [number, number];
      expect(first).toBeGreaterThanOrEqual(AHEAD);
      expect(first).toBeLessThanOrEqual(TTL - AHEAD + STEP);
      // From the first refresh on, the usual point: TTL - AHEAD after it (jitter 0 here).
      expect(second - first).toBeGreaterThanOrEqual(TTL - AHEAD);
      expect(second - first).toBeLessThanOrEqual(TTL - AHEAD + STEP);
      firsts.push(first);
    }
    // Spread over the range (4,000 ms wide halves): some caches in each half (chance 2 * 2^-40 of failing).
    const middle = (AHEAD + TTL - AHEAD) / 2;
    expect(firsts.some((age) => age < middle)).toBe(true);
    expect(firsts.some((age) => age > middle)).toBe(true);
  });

  it("moves the first refresh at most firstRefreshSpreadMs before the usual point", async () => {
    for (let run = 0; run < 20; run++) {
      const { ages } = await firstRefreshes({ firstRefreshSpreadMs: 2_000 });
      expect(ages[0]).toBeGreaterThanOrEqual(TTL - AHEAD - 2_000);
      expect(ages[0]).toBeLessThanOrEqual(TTL - AHEAD + STEP);
    }
  });

  it("refreshes the keys loaded together in one early batch", async () => {
    const { ages, batches } = await firstRefreshes({ firstRefreshSpreadMs: TTL - 2 * AHEAD }, ids(5));
    expect(batches).toEqual([ids(5), ids(5)]);
    expect(ages[0]).toBeLessThanOrEqual(TTL - AHEAD + STEP);
  });

  it("is off by default without batchRefresh", async () => {
    for (let run = 0; run < 20; run++) {
      const { ages } = await firstRefreshes({ batchRefresh: false, firstRefreshSpreadMs: undefined });
      expect(ages).toEqual([TTL - AHEAD, 2 * (TTL - AHEAD)]);
    }
  });
});

describe("batched refresh options", () => {
  it.each([
    ["batchRefresh", "yes", /cache.batchRefresh must be a boolean/],
    ["batchRefresh", 1, /cache.batchRefresh must be a boolean/],
    ["refreshJitterMs", -1, /cache.refreshJitterMs must be a finite number/],
    ["refreshJitterMs", Number.NaN, /cache.refreshJitterMs must be a finite number/],
    ["refreshJitterMs", "5", /cache.refreshJitterMs must be a finite number/],
    ["refreshJitterMs", AHEAD + 1, /cache.refreshJitterMs must not exceed cache.refreshAheadMs/],
    [
      "firstRefreshSpreadMs",
      TTL - AHEAD + 1,
      /cache.firstRefreshSpreadMs must not exceed cache.ttlMs - cache.refreshAheadMs/,
    ],
  ])("refuses %s: %s with an ArgumentError", (name, value, message) => {
    const { transport } = countingBackend();
    const build = () =>
      cachedTransport(transport, { ttlMs: TTL, refreshAheadMs: AHEAD, [name]: value } as unknown as CacheOptions);
    expect(build).toThrow(ArgumentError);
    expect(build).toThrow(message);
  });

  it("accepts refreshJitterMs from 0 to refreshAheadMs, and batchRefresh false or true", () => {
    const { transport } = countingBackend();
    for (const refreshJitterMs of [0, AHEAD / 2, AHEAD]) {
      expect(() => cachedTransport(transport, { ttlMs: TTL, refreshAheadMs: AHEAD, refreshJitterMs })).not.toThrow();
    }
    for (const batchRefresh of [true, false]) expect(() => cachedTransport(transport, { batchRefresh })).not.toThrow();
  });
});
