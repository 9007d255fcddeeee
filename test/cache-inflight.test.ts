/**
 * Single flight survives the LRU bound: a key evicted while its load is in flight is still joined
 * by its readers, so N distinct ids read concurrently make N backend calls whatever `maxEntries` is.
 */
import { describe, expect, it } from "vitest";
import { type CachedTransport, cachedTransport } from "../src/cache/cached-transport.js";
import type { CacheOptions } from "../src/cache/options.js";
import { isSecretsError } from "../src/core/errors.js";
import { FakeClock, flush, type ScriptedBackend, scriptedBackend } from "./helpers/cache-backend.js";

type Order = "grouped" | "interleaved" | "reversed";

const ids = (count: number, prefix = "id"): string[] =>
  Array.from({ length: count }, (_, index) => `${prefix}-${index}`);

function setup(count: number, options: CacheOptions) {
  const names = ids(count);
  const backend = scriptedBackend(Object.fromEntries(names.map((id) => [id, `value-${id}`])));
  const clock = new FakeClock();
  const transport = cachedTransport(backend.transport, { clock: clock.read, ...options });
  return { backend, clock, names, transport };
}

/** `perId` reads of each id, in the given order: all of one id together, round robin, or round robin backwards. */
function plan(names: readonly string[], perId: number, order: Order): string[] {
  const reads: string[] = [];
  if (order === "grouped") {
    for (const id of names) for (let read = 0; read < perId; read++) reads.push(id);
    return reads;
  }
  for (let round = 0; round < perId; round++) {
    const sequence = round % 2 === 1 && order === "reversed" ? [...names].reverse() : names;
    reads.push(...sequence);
  }
  return reads;
}

/** Starts the reads with the backend held, checks what is held meanwhile, then lets everything through. */
async function readAll(
  backend: ScriptedBackend,
  transport: CachedTransport,
  reads: readonly (() => Promise<unknown>)[],
): Promise<{ sizeInFlight: number; outcomes: unknown[] }> {
  backend.hold();
  const pending = reads.map((read) => read());
  const sizeInFlight = transport.size;
  backend.release();
  return { sizeInFlight, outcomes: await Promise.all(pending) };
}

describe("cache: in-flight loads and the LRU bound", () => {
  it.each([
    [100, 1000, 10, "grouped"],
    [100, 1000, 10, "interleaved"],
    [100, 1000, 10, "reversed"],
    [1, 50, 3, "interleaved"],
    [10, 2000, 2, "reversed"],
    [999, 1000, 4, "interleaved"],
    [1000, 1000, 5, "grouped"],
    [5000, 1000, 3, "interleaved"],
  ] as const)(
    "maxEntries %i, %i distinct ids read %i times each concurrently (%s): one call per id",
    async (maxEntries, count, perId, order) => {
      const { backend, names, transport } = setup(count, { maxEntries });

      const { sizeInFlight, outcomes } = await readAll(
        backend,
        transport,
        plan(names, perId, order).map((id) => () => transport.getSecretValue({ id })),
      );

      expect(backend.calls).toHaveLength(count);
      expect(new Set(backend.calls.map((call) => call.id)).size).toBe(count);
      expect(outcomes).toHaveLength(count * perId);
      expect(sizeInFlight).toBe(count);
      expect(transport.size).toBe(Math.min(maxEntries, count));
    },
  );

  it.each([
    [100, 1000, 10],
    [3, 40, 5],
  ])(
    "maxEntries %i: %i ids, %i concurrent forceRefresh reads each, make one forced call per id",
    async (maxEntries, count, perId) => {
      const { backend, names, transport } = setup(count, { maxEntries });

      await readAll(
        backend,
        transport,
        plan(names, perId, "interleaved").map((id) => () => transport.getSecretValue({ id, forceRefresh: true })),
      );

      expect(backend.calls).toHaveLength(count);
      expect(backend.calls.every((call) => call.forceRefresh === true)).toBe(true);
      expect(transport.size).toBe(Math.min(maxEntries, count));
    },
  );

  it("keeps joining loads evicted by later waves of reads, interleaved with more evictions", async () => {
    const { backend, transport } = setup(0, { maxEntries: 100 });
    const first = ids(1000, "a");
    const second = ids(1000, "b");
    for (const id of [...first, ...second]) backend.values.set(id, id);
    backend.hold();

    const wave1 = first.map((id) => transport.getSecretValue({ id }));
    const wave2 = second.map((id) => transport.getSecretValue({ id }));
    const wave3 = [...first, ...second].reverse().map((id) => transport.getSecretValue({ id }));
    const wave4 = first.map((id) => transport.getSecretValue({ id, forceRefresh: true }));
    const wave5 = first.map((id) => transport.getSecretValue({ id, forceRefresh: true }));
    backend.release();
    await Promise.all([...wave1, ...wave2, ...wave3, ...wave4, ...wave5]);

    expect(backend.calls.filter((call) => !call.forceRefresh)).toHaveLength(2000);
    expect(backend.calls.filter((call) => call.forceRefresh)).toHaveLength(1000);
    expect(transport.size).toBe(100);
  });

  it("keeps a background refresh of an evicted key the only load of that key", async () => {
    const { backend, clock, names, transport } = setup(200, { maxEntries: 100, ttlMs: 10_000, maxStaleMs: 0 });
    await transport.getSecretValue({ id: "id-0" });
    clock.advance(9_500);
    backend.hold();
    const served = transport.peekSecretValue("id-0"); // refresh-ahead starts, held
    const others = names.slice(1).map((id) => transport.getSecretValue({ id })); // evicts id-0 meanwhile
    clock.advance(1_000); // expired: readers of id-0 must wait for a load

    const waiting = Array.from({ length: 10 }, () => transport.getSecretValue({ id: "id-0" }));
    backend.release();
    await Promise.all([...others, ...waiting]);

    expect(served?.secretString).toBe("value-id-0");
    expect(backend.calls.filter((call) => call.id === "id-0")).toHaveLength(2);
  });

  it("coalesces a batch bigger than maxEntries with the single reads and batches of the same ids", async () => {
    const { backend, names, transport } = setup(1000, { maxEntries: 100 });

    await readAll(backend, transport, [
      () => transport.batchGetSecretValue?.(names) ?? Promise.resolve(),
      ...names.map((id) => () => transport.getSecretValue({ id })),
      () => transport.batchGetSecretValue?.([...names].reverse()) ?? Promise.resolve(),
    ]);

    expect(backend.batchCalls).toHaveLength(1);
    expect(backend.batchCalls[0]).toHaveLength(1000);
    expect(backend.calls).toHaveLength(0);
    expect(transport.size).toBe(100);
  });

  it("coalesces parameters and parameter batches past maxEntries too", async () => {
    const count = 500;
    const names = ids(count, "/app/p");
    const backend = scriptedBackend(Object.fromEntries(names.map((name) => [name, name])));
    const transport = cachedTransport(backend.transport, { maxEntries: 50, clock: new FakeClock().read });

    await readAll(backend, transport, [
      ...plan(names, 4, "interleaved").map((name) => () => transport.getParameter?.({ name }) ?? Promise.resolve()),
      () => transport.getParameters?.(names, { decrypt: true }) ?? Promise.resolve(),
      ...names.map((name) => () => transport.getParameter?.({ name, decrypt: true }) ?? Promise.resolve()),
    ]);

    expect(backend.parameterCalls).toHaveLength(count);
    expect(backend.parametersCalls).toHaveLength(1);
    expect(backend.parametersCalls[0]?.names).toHaveLength(count);
    expect(transport.size).toBe(50);
  });

  it("does not store the load of an evicted key that was invalidated meanwhile, and asks again", async () => {
    const { backend, transport } = setup(0, { maxEntries: 1 });
    backend.values.set("a", "old");
    backend.values.set("b", "b");
    backend.hold();
    const a = transport.getSecretValue({ id: "a" });
    const b = transport.getSecretValue({ id: "b" }); // evicts "a" while it loads

    transport.invalidate("a");
    backend.values.set("a", "new");
    backend.release();
    await Promise.all([a, b]);
    const again = await transport.getSecretValue({ id: "a" });

    expect(again.secretString).toBe("new");
    expect(backend.calls.map((call) => call.id)).toEqual(["a", "b", "a"]);
    expect(transport.size).toBe(1);
  });

  it("forgets evicted in-flight keys on clear, and drops one that fails for good", async () => {
    const { backend, transport } = setup(0, { maxEntries: 1 });
    backend.values.set("b", "b");
    backend.hold();
    const gone = transport.getSecretValue({ id: "gone" }); // NOT_FOUND once released
    const b = transport.getSecretValue({ id: "b" });
    const sizeBefore = transport.size;
    backend.release();
    const [error] = await Promise.all([gone.catch((caught: unknown) => caught), b]);
    await flush();
    const sizeAfter = transport.size;

    backend.hold();
    const c = transport.getSecretValue({ id: "b", forceRefresh: true });
    void transport.getSecretValue({ id: "x" }).catch(() => {});
    transport.clear();
    const sizeCleared = transport.size;
    backend.release();
    await c;

    expect(isSecretsError(error, "NOT_FOUND")).toBe(true);
    expect([sizeBefore, sizeAfter, sizeCleared, transport.size]).toEqual([2, 1, 0, 0]);
  });
});
