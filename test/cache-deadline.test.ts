/**
 * The cache's load deadline (`loadTimeoutMs`): a load that never settles stops counting as in
 * flight, so one hung call never pins a key. Timers are faked (only setTimeout/clearTimeout: the
 * helpers' flush() still turns the event loop), the cache's clock is injected.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type CachedTransport, cachedTransport } from "../src/cache/cached-transport.js";
import type { CacheErrorEvent, CacheOptions } from "../src/cache/options.js";
import { isSecretsError } from "../src/core/errors.js";
import { type DeferredBackend, deferredBackend, FakeClock, flush, settled } from "./helpers/cache-backend.js";
import { CANARY, expectNoLeak, rejectionOf } from "./helpers/canary.js";

const TTL = 10_000;
const STALE = 1_000;
const LOAD_TIMEOUT = 5_000;
const VALUE = `value-${CANARY}`;

interface Setup {
  readonly backend: DeferredBackend;
  readonly clock: FakeClock;
  readonly transport: CachedTransport;
  readonly errors: CacheErrorEvent[];
}

function setup(options: CacheOptions = {}): Setup {
  const backend = deferredBackend();
  const clock = new FakeClock();
  const errors: CacheErrorEvent[] = [];
  const transport = cachedTransport(backend.transport, {
    ttlMs: TTL,
    maxStaleMs: STALE,
    refreshAheadMs: 0,
    loadTimeoutMs: LOAD_TIMEOUT,
    clock: clock.read,
    onError: (event) => errors.push(event),
    ...options,
  });
  return { backend, clock, transport, errors };
}

/** The n-th call (1-based), which must exist. */
function call(backend: DeferredBackend, n: number) {
  const made = backend.calls[n - 1];
  if (made === undefined) throw new Error(`call ${n} was not made (${backend.calls.length} calls)`);
  return made;
}

describe("cache: load deadline", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each([1, 10, 1000])(
    "gives %i readers of a hung cold load a retryable, value-free TIMEOUT at loadTimeoutMs, then backs off and loads again",
    async (readers) => {
      const { backend, clock, transport, errors } = setup();
      const reads = Promise.allSettled(
        Array.from({ length: readers }, () => transport.getSecretValue({ id: "prod/db" })),
      );

      vi.advanceTimersByTime(LOAD_TIMEOUT - 1);
      const early = await settled(reads);
      vi.advanceTimersByTime(1);
      const outcomes = await reads;

      expect(early).toBe(false);
      expect(backend.calls).toHaveLength(1);
      for (const outcome of outcomes) {
        expect(outcome.status).toBe("rejected");
        const error = outcome.status === "rejected" ? outcome.reason : undefined;
        expect(isSecretsError(error, "TIMEOUT") && error.retryable).toBe(true);
        expect(isSecretsError(error) && error.transport).toBe("deferred");
      }
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ operation: "getSecretValue", id: "prod/db", failures: 1, servingStale: false });
      const retryInMs = errors[0]?.retryInMs ?? 0;
      expect(retryInMs).toBeGreaterThan(0);

      // Backing off: the error again, no call.
      const during = await rejectionOf(transport.getSecretValue({ id: "prod/db" }));
      expect(isSecretsError(during, "TIMEOUT")).toBe(true);
      expect(backend.calls).toHaveLength(1);

      // After the backoff, a new load, and the backend has recovered.
      clock.advance(retryInMs);
      const read = transport.getSecretValue({ id: "prod/db" });
      expect(backend.calls).toHaveLength(2);
      call(backend, 2).resolve(VALUE);
      expect((await read).secretString).toBe(VALUE);
      expect(vi.getTimerCount()).toBe(0);
    },
  );

  it("lets a forceRefresh read try again at once after a timeout", async () => {
    const { backend, transport } = setup();
    const stuck = rejectionOf(transport.getSecretValue({ id: "prod/db" }));
    vi.advanceTimersByTime(LOAD_TIMEOUT);
    await stuck;

    const forced = transport.getSecretValue({ id: "prod/db", forceRefresh: true });
    call(backend, 2).resolve(VALUE);

    expect((await forced).secretString).toBe(VALUE);
    expect(backend.calls.map((made) => made.forceRefresh)).toEqual([false, true]);
  });

  it("serves the last good value to readers of a hung refresh with staleOnError, and refreshes again after the backoff", async () => {
    const { backend, clock, transport, errors } = setup();
    const first = transport.getSecretValue({ id: "prod/db" });
    call(backend, 1).resolve(VALUE);
    await first;
    clock.advance(TTL + STALE);

    const waiting = Array.from({ length: 100 }, () => transport.getSecretValue({ id: "prod/db" }));
    const early = await settled(Promise.all(waiting));
    vi.advanceTimersByTime(LOAD_TIMEOUT);
    const values = await Promise.all(waiting);

    expect(early).toBe(false);
    expect(values.every((record) => record.secretString === VALUE && record.versionId === "v1")).toBe(true);
    expect(errors[0]).toMatchObject({ servingStale: true, failures: 1 });
    expect(isSecretsError(errors[0]?.error, "TIMEOUT")).toBe(true);
    expect(backend.calls).toHaveLength(2);

    // During the backoff the stale value is served at once, without a call; after it, one refresh.
    expect(transport.peekSecretValue("prod/db")?.versionId).toBe("v1");
    expect(backend.calls).toHaveLength(2);
    clock.advance(errors[0]?.retryInMs ?? 0);
    expect(transport.peekSecretValue("prod/db")?.versionId).toBe("v1");
    expect(backend.calls).toHaveLength(3);
    call(backend, 3).resolve("rotated");
    await flush();
    expect(transport.peekSecretValue("prod/db")?.secretString).toBe("rotated");
  });

  it("gives readers of a hung refresh the TIMEOUT, not the old value, with staleOnError false", async () => {
    const { backend, clock, transport } = setup({ staleOnError: false });
    const first = transport.getSecretValue({ id: "prod/db" });
    call(backend, 1).resolve(VALUE);
    await first;
    clock.advance(TTL + STALE);

    const waiting = rejectionOf(transport.getSecretValue({ id: "prod/db" }));
    vi.advanceTimersByTime(LOAD_TIMEOUT);
    const error = await waiting;

    expect(isSecretsError(error, "TIMEOUT")).toBe(true);
    expectNoLeak(error);
  });

  it("times out a hung background refresh, so the key does not stay pinned past ttl + maxStale", async () => {
    const { backend, clock, transport } = setup();
    const first = transport.getSecretValue({ id: "prod/db" });
    call(backend, 1).resolve(VALUE);
    await first;
    clock.advance(TTL);
    expect(transport.peekSecretValue("prod/db")?.versionId).toBe("v1"); // starts a refresh, which hangs
    expect(backend.calls).toHaveLength(2);

    vi.advanceTimersByTime(LOAD_TIMEOUT);
    await flush();
    clock.advance(STALE + 60_000);
    const read = transport.getSecretValue({ id: "prod/db" });

    // staleOnError: the key is failing, so the old value is served and one new refresh is started.
    expect((await read).versionId).toBe("v1");
    expect(backend.calls).toHaveLength(3);
  });

  it("ignores a timed-out load that answers after a newer load stored its value", async () => {
    const { backend, clock, transport, errors } = setup();
    const stuck = rejectionOf(transport.getSecretValue({ id: "prod/db" }));
    vi.advanceTimersByTime(LOAD_TIMEOUT);
    await stuck;
    clock.advance(errors[0]?.retryInMs ?? 0);
    const newer = transport.getSecretValue({ id: "prod/db" });
    call(backend, 2).resolve("newer");
    await newer;

    call(backend, 1).resolve("older");
    await flush();

    expect(transport.peekSecretValue("prod/db")?.secretString).toBe("newer");
    expect(backend.calls).toHaveLength(2);
  });

  it("stores a timed-out load's late answer when nothing newer was stored, and clears the backoff", async () => {
    const { backend, transport } = setup();
    const stuck = rejectionOf(transport.getSecretValue({ id: "prod/db" }));
    vi.advanceTimersByTime(LOAD_TIMEOUT);
    await stuck;

    call(backend, 1).resolve("late");
    await flush();
    const record = await transport.getSecretValue({ id: "prod/db" });

    expect(record.secretString).toBe("late");
    expect(backend.calls).toHaveLength(1);
  });

  it("ignores the late failure of a timed-out load: reported once, the value kept", async () => {
    const { backend, clock, transport, errors } = setup();
    const first = transport.getSecretValue({ id: "prod/db" });
    call(backend, 1).resolve(VALUE);
    await first;
    clock.advance(TTL + STALE);
    const waiting = transport.getSecretValue({ id: "prod/db" });
    vi.advanceTimersByTime(LOAD_TIMEOUT);
    await waiting;

    call(backend, 2).reject(new Error("a late failure of any kind"));
    await flush();

    expect(errors).toHaveLength(1);
    expect(transport.peekSecretValue("prod/db")?.secretString).toBe(VALUE);
  });

  it("times out parameters, batches and paths too", async () => {
    const { backend, transport } = setup();

    const parameter = rejectionOf(transport.getParameter?.({ name: "/app/url" }) ?? Promise.resolve());
    vi.advanceTimersByTime(LOAD_TIMEOUT);

    const error = await parameter;
    expect(isSecretsError(error, "TIMEOUT") && error.operation).toBe("getParameter");
    expect(backend.calls.map((made) => made.operation)).toEqual(["getParameter"]);
  });

  it("arms one timer per load, none per hit, and clears it when the load settles", async () => {
    const { backend, transport } = setup();
    const first = transport.getSecretValue({ id: "prod/db" });
    const armed = vi.getTimerCount();
    call(backend, 1).resolve(VALUE);
    await first;
    const afterSettle = vi.getTimerCount();

    for (let hit = 0; hit < 1000; hit++) transport.peekSecretValue("prod/db");
    await Promise.all(Array.from({ length: 1000 }, () => transport.getSecretValue({ id: "prod/db" })));

    expect([armed, afterSettle, vi.getTimerCount()]).toEqual([1, 0, 0]);
  });
});

describe("cache: load deadline timers", () => {
  it("unrefs its timer, so a hung load never keeps the process alive", async () => {
    const backend = deferredBackend();
    const transport = cachedTransport(backend.transport, { clock: new FakeClock().read });
    const setTimeoutSpy = vi.spyOn(globalThis, "setTimeout");
    try {
      void transport.getSecretValue({ id: "prod/db" }).catch(() => {});
      const timers = setTimeoutSpy.mock.results.map((result) => result.value as NodeJS.Timeout);

      expect(setTimeoutSpy).toHaveBeenCalledTimes(1);
      expect(setTimeoutSpy.mock.calls[0]?.[1]).toBe(45_000);
      expect(timers[0]?.hasRef()).toBe(false);
    } finally {
      setTimeoutSpy.mockRestore();
      transport.clear();
    }
  });
});
