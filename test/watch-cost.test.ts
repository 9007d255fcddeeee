/**
 * What a watch costs: the GetSecretValue and DescribeSecret calls one watched id makes in one
 * simulated hour, on a fake clock with a counting transport, for the numbers docs/watch.md gives.
 * Jitter at its extremes (random 0: every gap exactly intervalMs, the most calls; random near 1:
 * every gap intervalMs x 1.1, the fewest).
 */
import { afterEach, describe, expect, it } from "vitest";
import { cachedTransport } from "../src/cache/cached-transport.js";
import { SecretsError } from "../src/core/errors.js";
import { memoryTransport } from "../src/transports/memory.js";
import { watchSecret } from "../src/watch/watch.js";
import { countingTransport, FakeScheduler, flush } from "./helpers/fake-describe.js";

const HOUR = 3_600_000;
const MINUTE = 60_000;

const open: { close(): void }[] = [];
afterEach(() => {
  for (const handle of open.splice(0)) handle.close();
});

async function hourOf(options: { random: number; intervalMs?: number; failing?: boolean; handles?: number }) {
  const { transport, counts, fail } = countingTransport(memoryTransport({ "prod/db": { password: "x" } }));
  const scheduler = new FakeScheduler(Date.UTC(2030, 0, 1), () => options.random);
  for (let index = 0; index < (options.handles ?? 1); index++) {
    open.push(await watchSecret(transport, "prod/db", { scheduler, intervalMs: options.intervalMs }));
  }
  if (options.failing) {
    fail.error = new SecretsError({ code: "THROTTLED", operation: "getSecretValue", secretId: "prod/db" });
  }
  await scheduler.advance(HOUR);
  return counts;
}

describe("the API cost of one watched id per hour", () => {
  it("interval 60 s: 61 GetSecretValue calls in the first hour (the first read and 60 ticks) at most", async () => {
    expect((await hourOf({ random: 0 })).getSecretValue).toBe(61);
    expect((await hourOf({ random: 0.5 })).getSecretValue).toBe(58);
    expect((await hourOf({ random: 0.9999 })).getSecretValue).toBe(55);
  });

  it("one schedule for any number of handles on the id: 100 handles cost what one does", async () => {
    expect((await hourOf({ random: 0, handles: 100 })).getSecretValue).toBe(61);
  });

  it("interval 15 min: 5 calls in the first hour; interval 1 s: 3601", async () => {
    expect((await hourOf({ random: 0, intervalMs: 15 * MINUTE })).getSecretValue).toBe(5);
    expect((await hourOf({ random: 0, intervalMs: 1_000 })).getSecretValue).toBe(3_601);
  });

  it("an hour-long outage: at most 7 extra retries in its first 2 minutes, then one call per interval at most", async () => {
    // The first read, the failed tick at 60 s, retries after 0.5, 1, 2, 4, 8, 16 and 32 s, then
    // every 60 to 120 s (backoff capped at 2 x intervalMs, equal jitter): 57 more with random 0.
    expect((await hourOf({ random: 0, failing: true })).getSecretValue).toBe(66);
    expect((await hourOf({ random: 0.9999, failing: true })).getSecretValue).toBeLessThanOrEqual(40);
  });

  it("with describeSecret: 2 DescribeSecret calls in the first hour (at start and after an hour), no extra reads without a rotation date", async () => {
    const { transport, counts } = countingTransport(memoryTransport({ s: "{}" }), {
      describeSecret: async ({ id }) => ({ name: id }),
    });
    const scheduler = new FakeScheduler(Date.UTC(2030, 0, 1), () => 0);
    open.push(await watchSecret(transport, "s", { scheduler }));

    await scheduler.advance(HOUR);

    expect(counts).toEqual({ getSecretValue: 61, forced: 0, describeSecret: 2 });
  });

  it("a rotation in the hour adds at most 4 forced reads and 1 DescribeSecret (which restarts the hourly one)", async () => {
    const start = Date.UTC(2030, 0, 1);
    const { transport, counts } = countingTransport(memoryTransport({ s: "{}" }), {
      // Due in 30 minutes, and never rotating: every follow-up is spent.
      describeSecret: async ({ id }) => ({ name: id, nextRotationDate: new Date(start + 30 * MINUTE) }),
    });
    const scheduler = new FakeScheduler(start, () => 0);
    open.push(await watchSecret(transport, "s", { scheduler }));

    await scheduler.advance(HOUR);

    expect(counts.forced).toBe(4);
    // At start, and after the window; the hourly lookup moved to an hour after that.
    expect(counts.describeSecret).toBe(2);
    // The forced reads restart the interval, so they replace ticks as much as they add to them.
    expect(counts.getSecretValue).toBeLessThanOrEqual(61 + 4);
  });

  it("behind a cache that readers keep fresh: a 60 s watch makes the only calls; a 10 min watch adds none", async () => {
    async function readersAndWatch(intervalMs: number | undefined) {
      const { transport: counted, counts } = countingTransport(memoryTransport({ s: "{}" }));
      const scheduler = new FakeScheduler(Date.UTC(2030, 0, 1), () => 0);
      const cached = cachedTransport(counted, { ttlMs: 300_000, clock: () => scheduler.now() });
      if (intervalMs !== undefined) open.push(await watchSecret(cached, "s", { scheduler, intervalMs }));
      for (let second = 0; second < 3_600; second++) {
        await cached.getSecretValue({ id: "s" });
        await scheduler.advance(1_000);
      }
      await flush();
      return counts.getSecretValue;
    }
    const readersAlone = await readersAndWatch(undefined);

    // Every 60 s the watch asks for a value at most 54 s old: it fetches, and the readers always hit.
    expect(await readersAndWatch(60_000)).toBe(61);
    // A watch slower than the cache's refreshes finds a fresh enough value every time: no call of its own.
    expect(await readersAndWatch(600_000)).toBeLessThanOrEqual(readersAlone);
  });
});
