/**
 * Watch handles on the memory transport and custom transports, on a fake clock: the first value,
 * the interval schedule and its jitter, shared schedules, refused versions, failed reads and
 * their backoff, forced reads, transport notifications, the rotation-date checks, the async
 * iteration's buffer, closing, and that no value shows anywhere it should not.
 */
import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { cachedTransport } from "../src/cache/cached-transport.js";
import { coalescingTransport } from "../src/cache/coalescing-transport.js";
import { ArgumentError, isSecretsError, SecretsError } from "../src/core/errors.js";
import type { SecretRecord, Transport } from "../src/transport/types.js";
import { memoryTransport } from "../src/transports/memory.js";
import type { WatchChange, WatchErrorEvent, WatchHandle, WatchRefreshEvent } from "../src/watch/types.js";
import { watchParameter, watchRegistry, watchSecret } from "../src/watch/watch.js";
import { CANARY, expectNoLeak, rejectionOf } from "./helpers/canary.js";
import { countingTransport, FakeScheduler, flush } from "./helpers/fake-describe.js";

const Db = z.object({ user: z.string(), password: z.string() });
const MINUTE = 60_000;

const open: { close(): void }[] = [];
afterEach(() => {
  for (const handle of open.splice(0)) handle.close();
});
function track<T>(handle: WatchHandle<T>): WatchHandle<T> {
  open.push(handle);
  return handle;
}

function setup(values: Parameters<typeof memoryTransport>[0] = { "prod/db": { user: "app", password: CANARY } }) {
  const memory = memoryTransport(values);
  const { transport, counts, fail } = countingTransport(memory);
  const scheduler = new FakeScheduler();
  const refreshes: WatchRefreshEvent[] = [];
  const errors: WatchErrorEvent[] = [];
  const hooks = {
    scheduler,
    onRefresh: (event: WatchRefreshEvent) => refreshes.push(event),
    onError: (event: WatchErrorEvent) => errors.push(event),
  };
  return { memory, transport, counts, fail, scheduler, refreshes, errors, hooks };
}

describe("watchSecret: the first value", () => {
  it("resolves with the value read, deep-frozen and typed, with its version id", async () => {
    const { memory, transport, hooks, refreshes } = setup();
    const record = await memory.getSecretValue({ id: "prod/db" });

    const db = track(await watchSecret(transport, "prod/db", { schema: Db, ...hooks }));

    expect(db.current).toEqual({ user: "app", password: CANARY });
    expect(Object.isFrozen(db.current)).toBe(true);
    expect(db.versionId).toBe(record.versionId);
    expect(db.id).toBe("prod/db");
    expect(db.kind).toBe("secret");
    expect(db.closed).toBe(false);
    expect(refreshes).toEqual([
      {
        id: "prod/db",
        kind: "secret",
        reason: "initial",
        previousVersionId: undefined,
        versionId: record.versionId,
        changed: true,
      },
    ]);
  });

  it("rejects with the read's error when the first read fails, and leaves no timer", async () => {
    const { transport, scheduler } = setup({});

    const error = await rejectionOf(watchSecret(transport, "missing", { scheduler }));

    expect(isSecretsError(error, "NOT_FOUND")).toBe(true);
    expect(scheduler.pending).toBe(0);
    expect(watchRegistry(transport).schedules).toBe(0);
  });

  it("rejects with SCHEMA_MISMATCH when the first value does not match, without the value", async () => {
    const { transport, scheduler } = setup({ "prod/db": { user: 42, password: CANARY } });

    const error = await rejectionOf(watchSecret(transport, "prod/db", { schema: Db, scheduler }));

    expect(isSecretsError(error, "SCHEMA_MISMATCH")).toBe(true);
    expectNoLeak(error);
    expect(scheduler.pending).toBe(0);
  });

  it("rejects with NOT_JSON for a value that is not JSON", async () => {
    const { transport, scheduler } = setup({ "app/text": `text-${CANARY}` });

    const error = await rejectionOf(watchSecret(transport, "app/text", { scheduler }));

    expect(isSecretsError(error, "NOT_JSON")).toBe(true);
    expectNoLeak(error);
  });
});

describe("watchSecret: the interval", () => {
  it("notices a new version at the next tick, with reason interval, in onChange and in onRefresh", async () => {
    const { memory, transport, hooks, refreshes } = setup();
    const db = track(await watchSecret(transport, "prod/db", { schema: Db, intervalMs: MINUTE, ...hooks }));
    const changes: WatchChange<z.infer<typeof Db>>[] = [];
    db.onChange((change) => changes.push(change));
    const before = db.versionId;

    memory.set("prod/db", { user: "app", password: "rotated" }, { versionId: "v2" });
    await hooks.scheduler.advance(MINUTE * 1.1);

    expect(db.current).toEqual({ user: "app", password: "rotated" });
    expect(db.versionId).toBe("v2");
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ id: "prod/db", versionId: "v2", previousVersionId: before, reason: "interval" });
    expect(changes[0]?.value).toBe(db.current);
    expect(refreshes.at(-1)).toEqual({
      id: "prod/db",
      kind: "secret",
      reason: "interval",
      previousVersionId: before,
      versionId: "v2",
      changed: true,
    });
  });

  it("reports an unchanged re-read as changed: false and delivers nothing", async () => {
    const { transport, hooks, refreshes } = setup();
    const db = track(await watchSecret(transport, "prod/db", hooks));
    let changes = 0;
    db.onChange(() => changes++);

    await hooks.scheduler.advance(MINUTE * 1.1);

    expect(changes).toBe(0);
    expect(refreshes.map((event) => [event.reason, event.changed])).toEqual([
      ["initial", true],
      ["interval", false],
    ]);
  });

  it("draws each gap between intervalMs and intervalMs x 1.1, and asks the transport for maxAgeMs: intervalMs x 0.9", async () => {
    const { memory, hooks } = setup();
    const requests: unknown[] = [];
    const transport: Transport = {
      name: "spy",
      getSecretValue(request) {
        requests.push({ maxAgeMs: request.maxAgeMs, forceRefresh: request.forceRefresh });
        return memory.getSecretValue(request);
      },
    };
    hooks.scheduler.random = () => 0;
    track(await watchSecret(transport, "prod/db", { ...hooks, intervalMs: 10_000 }));
    expect(hooks.scheduler.delays).toEqual([10_000]);

    hooks.scheduler.random = () => 0.999;
    await hooks.scheduler.advance(10_000);

    expect(hooks.scheduler.delays[1]).toBeCloseTo(10_999, 0);
    expect(requests).toEqual([
      { maxAgeMs: 9_000, forceRefresh: undefined },
      { maxAgeMs: 9_000, forceRefresh: undefined },
    ]);
  });

  it("takes a cached record at once when the transport holds one fresh enough (peekSecretValue)", async () => {
    const { memory, hooks } = setup();
    const record = Object.freeze(await memory.getSecretValue({ id: "prod/db" }));
    const peeks: unknown[] = [];
    let reads = 0;
    const transport: Transport = {
      name: "cached",
      peekSecretValue(id, options) {
        peeks.push({ id, maxAgeMs: options?.maxAgeMs });
        return record;
      },
      async getSecretValue() {
        reads++;
        return record;
      },
    };

    const db = track(await watchSecret(transport, "prod/db", { ...hooks, intervalMs: 5_000 }));
    await hooks.scheduler.advance(5_500);

    expect(db.versionId).toBe(record.versionId);
    expect(reads).toBe(0);
    expect(peeks).toEqual([
      { id: "prod/db", maxAgeMs: 4_500 },
      { id: "prod/db", maxAgeMs: 4_500 },
    ]);
  });

  it("notices a change of content where the backend reports no version ids", async () => {
    let value = JSON.stringify({ n: 1 });
    const transport: Transport = {
      name: "versionless",
      getSecretValue: async ({ id }): Promise<SecretRecord> => ({ name: id, secretString: value }),
    };
    const scheduler = new FakeScheduler();
    const db = track(await watchSecret<{ n: number }>(transport, "cfg", { scheduler }));
    const seen: number[] = [];
    db.onChange(({ value: next }) => seen.push(next.n));

    await scheduler.advance(MINUTE * 1.1);
    value = JSON.stringify({ n: 2 });
    await scheduler.advance(MINUTE * 1.1);
    await scheduler.advance(MINUTE * 1.1);

    expect(seen).toEqual([2]);
    expect(db.current).toEqual({ n: 2 });
    expect(db.versionId).toBeUndefined();
  });
});

describe("watchSecret: several handles on one id", () => {
  it("share one schedule: one read per tick, and the last close stops it", async () => {
    const { memory, transport, counts, hooks } = setup();
    const registry = watchRegistry(transport);
    const a = track(await watchSecret(transport, "prod/db", hooks));
    const b = track(await watchSecret(transport, "prod/db", { ...hooks, schema: Db }));
    expect(counts.getSecretValue).toBe(1);
    expect(registry.schedules).toBe(1);
    expect(registry.handles).toBe(2);

    memory.set("prod/db", { user: "app", password: "two" }, { versionId: "v2" });
    await hooks.scheduler.advance(MINUTE * 1.1);
    expect(counts.getSecretValue).toBe(2);
    expect(a.versionId).toBe("v2");
    expect(b.current.password).toBe("two");

    a.close();
    // The interval, and the hourly rotation lookup (the memory transport has describeSecret).
    expect(hooks.scheduler.pending).toBe(2);
    await hooks.scheduler.advance(MINUTE * 1.1);
    expect(counts.getSecretValue).toBe(3);

    b.close();
    expect(hooks.scheduler.pending).toBe(0);
    expect(registry.schedules).toBe(0);
    await hooks.scheduler.advance(MINUTE * 10);
    expect(counts.getSecretValue).toBe(3);
  });

  it("keeps separate schedules for separate stages, and runs a shared one at the smallest interval", async () => {
    const { memory, transport, counts, hooks } = setup();
    memory.set("prod/db", { user: "app", password: "two" });
    const registry = watchRegistry(transport);

    const current = track(await watchSecret(transport, "prod/db", { ...hooks, intervalMs: 10 * MINUTE }));
    const previous = track(await watchSecret(transport, "prod/db", { ...hooks, versionStage: "AWSPREVIOUS" }));
    expect(registry.schedules).toBe(2);
    expect(current.current).toEqual({ user: "app", password: "two" });
    expect(previous.current).toEqual({ user: "app", password: CANARY });
    previous.close();

    track(await watchSecret(transport, "prod/db", { ...hooks, intervalMs: MINUTE }));
    const start = counts.getSecretValue;
    await hooks.scheduler.advance(10 * MINUTE);

    expect(counts.getSecretValue - start).toBeGreaterThanOrEqual(9);
    expect(counts.getSecretValue - start).toBeLessThanOrEqual(10);
  });

  it("lets a handle with its own schema refuse a version another handle takes", async () => {
    const { memory, transport, hooks, errors } = setup();
    const loose = track(await watchSecret(transport, "prod/db", hooks));
    const strict = track(await watchSecret(transport, "prod/db", { ...hooks, schema: Db }));
    const kept = strict.versionId;

    memory.set("prod/db", { user: 7, password: CANARY }, { versionId: "bad" });
    await hooks.scheduler.advance(MINUTE * 1.1);

    expect(loose.versionId).toBe("bad");
    expect(strict.versionId).toBe(kept);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      phase: "decode",
      code: "SCHEMA_MISMATCH",
      versionId: kept,
      rejectedVersionId: "bad",
    });
  });
});

describe("watchSecret: refused versions and failed reads", () => {
  it("does not deliver a version that fails validation, reports it once, and takes the next good one", async () => {
    const { memory, transport, hooks, errors } = setup();
    const db = track(await watchSecret(transport, "prod/db", { schema: Db, ...hooks }));
    const good = db.current;
    const goodVersion = db.versionId;
    let changes = 0;
    db.onChange(() => changes++);

    memory.set("prod/db", { user: ["x"], password: CANARY }, { versionId: "v-bad" });
    await hooks.scheduler.advance(MINUTE * 1.1);
    await hooks.scheduler.advance(MINUTE * 1.1);

    expect(db.current).toBe(good);
    expect(db.versionId).toBe(goodVersion);
    expect(changes).toBe(0);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      id: "prod/db",
      kind: "secret",
      phase: "decode",
      reason: "interval",
      code: "SCHEMA_MISMATCH",
      versionId: goodVersion,
      rejectedVersionId: "v-bad",
      retryInMs: undefined,
    });
    expectNoLeak(errors[0]);

    memory.set("prod/db", { user: "app", password: "fixed" }, { versionId: "v3" });
    await hooks.scheduler.advance(MINUTE * 1.1);
    expect(db.current.password).toBe("fixed");
    expect(changes).toBe(1);
  });

  it("does not deliver a version that is not JSON (NOT_JSON)", async () => {
    const { memory, transport, hooks, errors } = setup();
    const db = track(await watchSecret(transport, "prod/db", hooks));

    memory.set("prod/db", `${CANARY}{"user":`, { versionId: "broken" });
    await hooks.scheduler.advance(MINUTE * 1.1);

    expect(db.current).toEqual({ user: "app", password: CANARY });
    expect(errors.map((event) => [event.phase, event.code, event.rejectedVersionId])).toEqual([
      ["decode", "NOT_JSON", "broken"],
    ]);
    expectNoLeak(errors[0]);
  });

  it("reports a failed re-read, keeps the value, retries with backoff, and recovers", async () => {
    const { memory, transport, fail, counts, hooks, errors } = setup();
    hooks.scheduler.random = () => 0;
    const db = track(await watchSecret(transport, "prod/db", { ...hooks, intervalMs: MINUTE }));
    const version = db.versionId;
    fail.error = new SecretsError({ code: "THROTTLED", operation: "getSecretValue", secretId: "prod/db" });

    await hooks.scheduler.advance(MINUTE);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ phase: "read", code: "THROTTLED", reason: "interval", versionId: version });
    // jitteredBackoff(0, 1000, 120_000) with random 0: half the first step.
    expect(errors[0]?.retryInMs).toBe(500);
    expect(db.current).toEqual({ user: "app", password: CANARY });

    await hooks.scheduler.advance(500);
    await hooks.scheduler.advance(1_000);
    await hooks.scheduler.advance(2_000);
    expect(errors.map((event) => event.retryInMs)).toEqual([500, 1_000, 2_000, 4_000]);

    fail.error = undefined;
    memory.set("prod/db", { user: "app", password: "after" }, { versionId: "v2" });
    const reads = counts.getSecretValue;
    await hooks.scheduler.advance(4_000);
    expect(counts.getSecretValue).toBe(reads + 1);
    expect(db.versionId).toBe("v2");
    // Healthy again: the next read is an interval away.
    expect(hooks.scheduler.nextAt).toBe(hooks.scheduler.now() + MINUTE);
  });

  it("reports anything else a transport throws as TRANSPORT, and never throws from current", async () => {
    const { hooks, errors } = setup();
    let broken = false;
    const transport: Transport = {
      name: "custom",
      async getSecretValue({ id }) {
        if (broken) throw new Error("socket hang up");
        return { name: id, versionId: "v1", secretString: "{}" };
      },
    };
    const handle = track(await watchSecret(transport, "x", hooks));
    broken = true;

    await hooks.scheduler.advance(MINUTE * 1.1);

    expect(errors[0]).toMatchObject({ phase: "read", code: "TRANSPORT" });
    expect(handle.current).toEqual({});
  });

  it("ignores hooks and listeners that throw", async () => {
    const { memory, transport, scheduler } = setup();
    const db = track(
      await watchSecret(transport, "prod/db", {
        scheduler,
        onRefresh: () => {
          throw new Error("hook");
        },
      }),
    );
    let seen = 0;
    db.onChange(() => {
      throw new Error("listener");
    });
    db.onChange(() => seen++);

    memory.set("prod/db", { user: "app", password: "two" });
    await scheduler.advance(MINUTE * 1.1);

    expect(seen).toBe(1);
  });
});

describe("watchSecret: forced reads and transport notifications", () => {
  it("refresh() reads past every cache (forceRefresh), with reason forced, and resolves once current holds it", async () => {
    const { memory, transport, counts, hooks, refreshes } = setup();
    const db = track(await watchSecret(transport, "prod/db", hooks));
    memory.set("prod/db", { user: "app", password: "now" }, { versionId: "v2" });

    await db.refresh();

    expect(db.versionId).toBe("v2");
    expect(counts.forced).toBe(1);
    expect(refreshes.at(-1)).toMatchObject({ reason: "forced", versionId: "v2", changed: true });
  });

  it("refresh() rejects with the read's error, which onError hears of too", async () => {
    const { transport, fail, hooks, errors } = setup();
    const db = track(await watchSecret(transport, "prod/db", hooks));
    fail.error = new SecretsError({ code: "ACCESS_DENIED", operation: "getSecretValue", secretId: "prod/db" });

    const error = await rejectionOf(db.refresh());

    expect(isSecretsError(error, "ACCESS_DENIED")).toBe(true);
    expect(errors).toMatchObject([{ phase: "read", reason: "forced", code: "ACCESS_DENIED" }]);
  });

  it("reads at once when the transport notifies a change, coalescing a burst, and unsubscribes with the last handle", async () => {
    const memory = memoryTransport({ a: { n: 1 }, b: { n: 1 } });
    const listeners = new Set<() => void>();
    let subscriptions = 0;
    const { transport, counts } = countingTransport(memory, {
      watchChanges(onChange) {
        subscriptions++;
        listeners.add(onChange);
        return () => listeners.delete(onChange);
      },
    });
    const scheduler = new FakeScheduler();
    const reasons: string[] = [];
    const a = track(
      await watchSecret<{ n: number }>(transport, "a", { scheduler, onRefresh: (event) => reasons.push(event.reason) }),
    );
    const b = track(await watchSecret<{ n: number }>(transport, "b", { scheduler }));
    expect(subscriptions).toBe(1);
    expect(listeners.size).toBe(1);

    memory.set("a", { n: 2 });
    const before = counts.forced;
    for (const notify of listeners) for (let burst = 0; burst < 5; burst++) notify();
    await flush();

    expect(a.current).toEqual({ n: 2 });
    expect(reasons.at(-1)).toBe("transport-notified");
    // Per id: the read the first notification started, and one more for those that came during it.
    expect(counts.forced - before).toBe(4);

    a.close();
    expect(listeners.size).toBe(1);
    b.close();
    expect(listeners.size).toBe(0);
  });
});

describe("watchSecret: the rotation date", () => {
  function rotating(nextRotationDate: () => Date | undefined) {
    const memory = memoryTransport({ "prod/db": { user: "app", password: "one" } });
    const described: unknown[] = [];
    const { transport, counts } = countingTransport(memory, {
      async describeSecret(request) {
        described.push(request.id);
        return { name: request.id, rotationEnabled: true, nextRotationDate: nextRotationDate() };
      },
    });
    return { memory, transport, counts, described };
  }

  it("checks 5 to 30 s after the rotation date with forceRefresh, instead of waiting out the interval", async () => {
    const scheduler = new FakeScheduler(Date.UTC(2030, 0, 1), () => 0);
    let next: Date | undefined = new Date(scheduler.now() + 10 * MINUTE);
    const { memory, transport, counts } = rotating(() => next);
    const reasons: string[] = [];
    const db = track(
      await watchSecret(transport, "prod/db", {
        scheduler,
        intervalMs: 3_600_000,
        onRefresh: (event) => reasons.push(event.reason),
      }),
    );
    await flush();
    expect(counts.describeSecret).toBe(1);

    await scheduler.advance(10 * MINUTE);
    memory.set("prod/db", { user: "app", password: "two" }, { versionId: "rotated" });
    next = new Date(scheduler.now() + 30 * 24 * 3_600_000);
    await scheduler.advance(4_999);
    expect(db.versionId).not.toBe("rotated");
    await scheduler.advance(1);

    expect(db.versionId).toBe("rotated");
    expect(reasons.at(-1)).toBe("rotation-due");
    expect(counts.forced).toBe(1);
    // The window closed on the new version: the next date is asked for at once, no follow-ups.
    expect(counts.describeSecret).toBe(2);
    await scheduler.advance(10 * MINUTE);
    expect(counts.forced).toBe(1);
  });

  it("follows up with backoff while no new version shows, at most 3 times, then waits for the next date", async () => {
    const scheduler = new FakeScheduler(Date.UTC(2030, 0, 1), () => 0);
    const date = new Date(scheduler.now() + MINUTE);
    const { transport, counts } = rotating(() => date);
    track(await watchSecret(transport, "prod/db", { scheduler, intervalMs: 3_600_000 }));
    await flush();

    await scheduler.advance(MINUTE + 5_000);
    expect(counts.forced).toBe(1);
    await scheduler.advance(15_000);
    expect(counts.forced).toBe(2);
    await scheduler.advance(30_000);
    expect(counts.forced).toBe(3);
    await scheduler.advance(60_000);
    expect(counts.forced).toBe(4);
    // The same date again from describeSecret: handled already, not checked again.
    await scheduler.advance(50 * MINUTE);
    expect(counts.forced).toBe(4);
    expect(counts.describeSecret).toBe(2);
  });

  it("looks the date up again every hour, and gives up on ACCESS_DENIED after reporting it", async () => {
    const scheduler = new FakeScheduler();
    const errors: WatchErrorEvent[] = [];
    let denied = false;
    const memory = memoryTransport({ s: "{}" });
    const { transport, counts } = countingTransport(memory, {
      async describeSecret({ id }) {
        if (denied) throw new SecretsError({ code: "ACCESS_DENIED", operation: "describeSecret", secretId: id });
        return { name: id };
      },
    });
    track(await watchSecret(transport, "s", { scheduler, onError: (event) => errors.push(event) }));
    await flush();
    expect(counts.describeSecret).toBe(1);

    await scheduler.advance(3_600_000);
    expect(counts.describeSecret).toBe(2);
    denied = true;
    await scheduler.advance(3_600_000);
    await scheduler.advance(3 * 3_600_000);

    expect(counts.describeSecret).toBe(3);
    expect(errors).toMatchObject([{ phase: "describe", code: "ACCESS_DENIED", reason: "rotation-due" }]);
  });

  it("does not ask for the date with rotation: false, nor for parameters", async () => {
    const scheduler = new FakeScheduler();
    const { transport, counts } = rotating(() => new Date(scheduler.now() + MINUTE));
    track(await watchSecret(transport, "prod/db", { scheduler, rotation: false }));
    await scheduler.advance(10 * MINUTE);

    expect(counts.describeSecret).toBe(0);
  });

  it.each([
    ["the cache", (inner: Transport) => cachedTransport(inner)],
    ["the coalescer", (inner: Transport) => coalescingTransport(inner)],
  ])("finds describeSecret behind %s, which passes it on", async (_, wrap) => {
    const scheduler = new FakeScheduler();
    const { transport: inner, counts } = rotating(() => undefined);
    track(await watchSecret(wrap(inner), "prod/db", { scheduler }));
    await flush();

    expect(counts.describeSecret).toBe(1);
  });
});

describe("watch handles: iteration, closing, signals", () => {
  it("yields each change to for await, and ends the loop when the handle closes", async () => {
    const { memory, transport, hooks } = setup({ n: 0 });
    const handle = track(await watchSecret<number>(transport, "n", hooks));
    const seen: number[] = [];
    const loop = (async () => {
      for await (const change of handle) {
        seen.push(change.value);
        if (seen.length === 3) handle.close();
      }
    })();

    for (let n = 1; n <= 5; n++) {
      memory.set("n", n);
      await hooks.scheduler.advance(MINUTE * 1.1);
    }
    await loop;

    expect(seen).toEqual([1, 2, 3]);
    expect(handle.closed).toBe(true);
    expect(hooks.scheduler.pending).toBe(0);
  });

  it("keeps at most bufferSize changes not yet taken, dropping the oldest", async () => {
    const { memory, transport, hooks } = setup({ n: 0 });
    const handle = track(await watchSecret<number>(transport, "n", { ...hooks, bufferSize: 2 }));
    const iterator = handle[Symbol.asyncIterator]();

    for (let n = 1; n <= 5; n++) {
      memory.set("n", n);
      await hooks.scheduler.advance(MINUTE * 1.1);
    }
    handle.close();

    const values: number[] = [];
    for (let result = await iterator.next(); !result.done; result = await iterator.next())
      values.push(result.value.value);
    expect(values).toEqual([4, 5]);
  });

  it("stops an iteration that breaks out, without closing the handle", async () => {
    const { memory, transport, hooks } = setup({ n: 0 });
    const handle = track(await watchSecret<number>(transport, "n", hooks));
    const loop = (async () => {
      for await (const change of handle) return change.value;
      return undefined;
    })();
    memory.set("n", 1);
    await hooks.scheduler.advance(MINUTE * 1.1);

    expect(await loop).toBe(1);
    expect(handle.closed).toBe(false);
  });

  it("closes with Symbol.dispose and with using, idempotently; a closed handle delivers nothing", async () => {
    const { memory, transport, hooks } = setup({ n: 0 });
    const handle = await watchSecret<number>(transport, "n", hooks);
    let changes = 0;
    handle.onChange(() => changes++);

    handle[Symbol.dispose]();
    handle.close();
    memory.set("n", 1);
    await hooks.scheduler.advance(MINUTE * 1.1);
    await handle.refresh();

    expect(handle.closed).toBe(true);
    expect(changes).toBe(0);
    expect(handle.current).toBe(0);
    expect(handle.onChange(() => {})).toBeTypeOf("function");
    const done = await handle[Symbol.asyncIterator]().next();
    expect(done.done).toBe(true);
    {
      using scoped = await watchSecret<number>(transport, "n", hooks);
      expect(scoped.current).toBe(1);
    }
    expect(hooks.scheduler.pending).toBe(0);
  });

  it("rejects with ABORTED when the signal fires before the first value, and closes the handle when it fires later", async () => {
    const { transport, hooks } = setup();
    const error = await rejectionOf(watchSecret(transport, "prod/db", { ...hooks, signal: AbortSignal.abort() }));
    expect(isSecretsError(error, "ABORTED")).toBe(true);
    expect(hooks.scheduler.pending).toBe(0);

    const controller = new AbortController();
    const handle = await watchSecret(transport, "prod/db", { ...hooks, signal: controller.signal });
    controller.abort();
    expect(handle.closed).toBe(true);
    expect(hooks.scheduler.pending).toBe(0);
  });

  it("closes every handle of a registry with registry.close()", async () => {
    const { transport, hooks } = setup({ a: 1, b: 2 });
    const registry = watchRegistry(transport);
    const a = await registry.watchSecret("a", hooks);
    const b = await registry.watchSecret("b", hooks);

    registry.close();

    expect([a.closed, b.closed, registry.handles, registry.schedules, hooks.scheduler.pending]).toEqual([
      true,
      true,
      0,
      0,
      0,
    ]);
  });
});

describe("watch handles never show a value", () => {
  it("util.inspect, JSON.stringify and String of a handle and of a change show ids and versions only", async () => {
    const { memory, transport, hooks } = setup();
    const db = track(await watchSecret(transport, "prod/db", { schema: Db, ...hooks }));
    const changes: unknown[] = [];
    db.onChange((change) => changes.push(change));
    memory.set("prod/db", { user: "app", password: `${CANARY}-2` }, { versionId: "v2" });
    await hooks.scheduler.advance(MINUTE * 1.1);

    for (const shown of [db, changes[0]]) {
      expectNoLeak(shown);
      expect(Object.keys(shown as object)).not.toContain("value");
      expect(inspect(shown, { showHidden: true, depth: 10 })).not.toContain(CANARY);
    }
    expect(JSON.parse(JSON.stringify(db))).toEqual({ id: "prod/db", kind: "secret", versionId: "v2", closed: false });
    expect(inspect(db)).toBe("WatchHandle { id: 'prod/db', kind: 'secret', versionId: 'v2', closed: false }");
    expect(JSON.parse(JSON.stringify(changes[0]))).toEqual({
      id: "prod/db",
      kind: "secret",
      versionId: "v2",
      previousVersionId: expect.any(String),
      reason: "interval",
    });
  });

  it("hook events hold no value, for refreshes, refused versions and failed reads", async () => {
    const { memory, transport, fail, hooks, refreshes, errors } = setup();
    track(await watchSecret(transport, "prod/db", { schema: Db, ...hooks }));
    memory.set("prod/db", { user: CANARY, password: 1 });
    await hooks.scheduler.advance(MINUTE * 1.1);
    fail.error = new SecretsError({ code: "TRANSPORT", operation: "getSecretValue", secretId: "prod/db" });
    await hooks.scheduler.advance(MINUTE * 1.1);

    expect(new Set(errors.map((event) => event.phase))).toEqual(new Set(["decode", "read"]));
    for (const event of [...refreshes, ...errors]) expectNoLeak(event);
  });
});

describe("watchParameter", () => {
  it("follows a parameter's versions, typed by type, and refuses a version of another type", async () => {
    const memory = memoryTransport({}, { parameters: { "/app/hosts": ["a", "b"] } });
    const scheduler = new FakeScheduler();
    const errors: WatchErrorEvent[] = [];
    const hosts = track(
      await watchParameter(memory, "/app/hosts", {
        type: "StringList",
        scheduler,
        onError: (event) => errors.push(event),
      }),
    );
    expect(hosts.current).toEqual(["a", "b"]);
    expect(Object.isFrozen(hosts.current)).toBe(true);
    expect(hosts.versionId).toBe("1");
    expect(hosts.kind).toBe("parameter");

    memory.setParameter("/app/hosts", ["a", "b", "c"]);
    await scheduler.advance(MINUTE * 1.1);
    expect(hosts.current).toEqual(["a", "b", "c"]);
    expect(hosts.versionId).toBe("2");

    memory.setParameter("/app/hosts", "not-a-list");
    await scheduler.advance(MINUTE * 1.1);
    expect(hosts.versionId).toBe("2");
    expect(errors).toMatchObject([{ kind: "parameter", phase: "decode", code: "WRONG_TYPE", rejectedVersionId: "3" }]);
  });

  it("follows a label (as an option or a :label in the name) and shares the schedule of both spellings", async () => {
    const memory = memoryTransport({}, { parameters: { "/app/flag": "off" } });
    memory.setParameter("/app/flag", "on", { labels: ["live"] });
    const scheduler = new FakeScheduler();
    const registry = watchRegistry(memory);

    const a = track(await watchParameter(memory, "/app/flag", { label: "live", scheduler }));
    const b = track(await watchParameter(memory, "/app/flag:live", { scheduler }));

    expect([a.current, b.current]).toEqual(["on", "on"]);
    expect(registry.schedules).toBe(1);
  });

  it("rejects with CONFIG on a transport without parameters", async () => {
    const transport: Transport = { name: "secrets-only", getSecretValue: async ({ id }) => ({ name: id }) };

    const error = await rejectionOf(watchParameter(transport, "/app/x", { scheduler: new FakeScheduler() }));

    expect(isSecretsError(error, "CONFIG")).toBe(true);
  });
});

describe("watch options: a bad argument or option is an ArgumentError", () => {
  const transport = memoryTransport({ s: "{}" }, { parameters: { "/p": "x" } });

  it.each<[string, unknown, unknown]>([
    ["an empty id", "", undefined],
    ["a non-string id", 42, undefined],
    ["options that are not an object", "s", "fast"],
    ["a versionId", "s", { versionId: "v1" }],
    ["an empty versionStage", "s", { versionStage: "" }],
    ["a schema that is not a Standard Schema", "s", { schema: { parse() {} } }],
    ["intervalMs below 1000", "s", { intervalMs: 999 }],
    ["intervalMs above a day", "s", { intervalMs: 86_400_001 }],
    ["intervalMs NaN", "s", { intervalMs: Number.NaN }],
    ["intervalMs as text", "s", { intervalMs: "60000" }],
    ["rotation not a boolean", "s", { rotation: "yes" }],
    ["bufferSize 0", "s", { bufferSize: 0 }],
    ["bufferSize fractional", "s", { bufferSize: 1.5 }],
    ["bufferSize above 1000", "s", { bufferSize: 1_001 }],
    ["onRefresh not a function", "s", { onRefresh: true }],
    ["onError not a function", "s", { onError: {} }],
    ["signal not an AbortSignal", "s", { signal: { aborted: false } }],
    ["scheduler without timers", "s", { scheduler: { now: Date.now } }],
    ["scheduler.random not a function", "s", { scheduler: { now: Date.now, setTimeout, clearTimeout, random: 0.5 } }],
  ])("watchSecret refuses %s", async (_label, id, options) => {
    const error = await rejectionOf(watchSecret(transport, id as string, options as never));

    expect(error).toBeInstanceOf(ArgumentError);
    expect(watchRegistry(transport).schedules).toBe(0);
  });

  it.each<[string, unknown, unknown]>([
    ["an empty name", "", undefined],
    ["a version option", "/p", { version: 1 }],
    ["a version in the name", "/p:1", undefined],
    ["an empty label", "/p", { label: "" }],
    ["a label twice", "/p:live", { label: "live" }],
    ["decrypt not a boolean", "/p", { decrypt: "no" }],
    ["an unknown type", "/p", { type: "Secure" }],
    ["intervalMs 0", "/p", { intervalMs: 0 }],
  ])("watchParameter refuses %s", async (_label, name, options) => {
    const error = await rejectionOf(watchParameter(transport, name as string, options as never));

    expect(error).toBeInstanceOf(ArgumentError);
  });

  it("onChange refuses a listener that is not a function", async () => {
    const handle = track(await watchSecret(transport, "s", { scheduler: new FakeScheduler() }));

    expect(() => handle.onChange("log" as never)).toThrow(ArgumentError);
  });

  it("takes every valid option", async () => {
    const scheduler = new FakeScheduler();
    const handle = track(
      await watchSecret(transport, "s", {
        schema: z.object({}),
        versionStage: "AWSCURRENT",
        intervalMs: 1_000,
        rotation: false,
        bufferSize: 1_000,
        onRefresh: () => {},
        onError: () => {},
        signal: new AbortController().signal,
        scheduler,
      }),
    );
    const parameter = track(
      await watchParameter(transport, "/p", { decrypt: false, type: "String", intervalMs: 86_400_000, scheduler }),
    );

    expect([handle.current, parameter.current]).toEqual([{}, "x"]);
  });
});
