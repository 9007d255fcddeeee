/**
 * The mount transport under Kubernetes' atomic updates: the volume is rewritten exactly as the
 * atomic writer does it (new timestamped directory, `..data_tmp` -> it, renamed over `..data`, old
 * directory removed), hundreds of times, while readers read related files (a username and a
 * password that must belong to the same version) as fast as they can. No read may be torn or
 * mixed, and `watchChanges` must report the swaps within the documented bound.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { mkdir, readlink, rename, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { createSecretsClient } from "../src/index.js";
import { type MountTransport, mountTransport } from "../src/transports.js";
import { CANARY } from "./helpers/canary.js";

const root = mkdtempSync(join(tmpdir(), "secretwrangler-mount-swap-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The swaps of the load test. */
const SWAPS = 200;
/** Concurrent readers during the swaps. */
const READERS = 4;
/** Slack over `pollIntervalMs` for a busy machine: timers and the thread pool may run late. */
const SLACK_MS = 250;

let volumes = 0;
function volumeDir(): string {
  const dir = join(root, `volume-${++volumes}`);
  mkdirSync(dir);
  return dir;
}

let stamps = 0;
/**
 * Writes `payload` into `target` as the Kubernetes atomic writer does (AtomicWriter.Write in
 * kubernetes-sigs/secrets-store-csi-driver pkg/util/fileutil/atomic_writer.go, steps 5 to 11).
 * Resolves with the time the rename started: the new version is visible once it returns.
 */
async function atomicWrite(target: string, payload: Readonly<Record<string, string>>): Promise<number> {
  const dataLink = join(target, "..data");
  const old = await readlink(dataLink).catch(() => undefined);
  const stamp = new Date().toISOString().slice(0, 19).replace(/[-T:]/g, "_");
  const tsName = `..${stamp}.${String(++stamps).padStart(9, "0")}`;
  await mkdir(join(target, tsName), { mode: 0o755 });
  for (const [path, data] of Object.entries(payload)) {
    await mkdir(dirname(join(target, tsName, path)), { recursive: true });
    await writeFile(join(target, tsName, path), data, { mode: 0o644 });
  }
  for (const path of Object.keys(payload)) {
    const first = path.split("/")[0] as string;
    await symlink(join("..data", first), join(target, first)).catch((error: { code?: string }) => {
      if (error.code !== "EEXIST") throw error;
    });
  }
  await symlink(tsName, join(target, "..data_tmp"));
  // Taken before the rename: a watcher may report the swap before the rename's own callback runs.
  const swappedAt = performance.now();
  await rename(join(target, "..data_tmp"), dataLink);
  if (old !== undefined) await rm(join(target, old), { recursive: true, force: true });
  return swappedAt;
}

/** Version `v` of the volume: two jmesPath-style files, the JSON they come from, and a copy. */
function payload(v: number): Record<string, string> {
  const json = JSON.stringify({ username: `user-${v}`, password: `pass-${v}-${CANARY}` });
  return { dbUsername: `user-${v}`, dbPassword: `pass-${v}-${CANARY}`, prod_db: json, "prod_db-copy": json };
}

/** The version a value belongs to. */
function versionOf(text: string | undefined): number {
  const match = /(?:user|pass)-(\d+)/.exec(text ?? "");
  if (!match) throw new Error("a value without a version");
  return Number(match[1]);
}

/** Notification times of one listener, and a way to wait for the first one after a moment. */
function recorder(transport: MountTransport): {
  times: number[];
  next: (after: number, timeoutMs: number) => Promise<number>;
  stop: () => void;
} {
  const times: number[] = [];
  const waiters = new Set<() => void>();
  const stop = transport.watchChanges(() => {
    times.push(performance.now());
    for (const wake of [...waiters]) wake();
  });
  function next(after: number, timeoutMs: number): Promise<number> {
    return new Promise((resolveNext, reject) => {
      const check = (): boolean => {
        const found = times.find((time) => time >= after);
        if (found === undefined) return false;
        clearTimeout(timer);
        waiters.delete(wake);
        resolveNext(found);
        return true;
      };
      const wake = (): void => void check();
      const timer = setTimeout(() => {
        waiters.delete(wake);
        reject(new Error(`no change notification within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.add(wake);
      check();
    });
  }
  return { times, next, stop };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

describe("mountTransport under atomic-writer swaps", () => {
  it(`never returns a torn or mixed value over ${SWAPS} swaps under ${READERS} concurrent readers`, async () => {
    const dir = volumeDir();
    await atomicWrite(dir, payload(0));
    const pollIntervalMs = 1000;
    const transport = mountTransport({ dir, pollIntervalMs });
    const secrets = createSecretsClient({ transport });
    const watch = recorder(transport);
    await new Promise((settle) => setTimeout(settle, 50)); // the watcher's baseline

    let done = false;
    let reads = 0;
    let torn = 0;
    let backwards = 0;
    const seen = new Set<number>();
    const failures: unknown[] = [];

    async function reader(): Promise<void> {
      let last = 0;
      const observe = (versions: readonly number[]): void => {
        reads += versions.length;
        const [first] = versions;
        if (first === undefined || versions.some((version) => version !== first)) torn++;
        else {
          if (first < last) backwards++;
          last = first;
          seen.add(first);
        }
      };
      while (!done) {
        try {
          // Two files that must come from one version, in one batch.
          const pair = await transport.batchGetSecretValue(["dbUsername", "dbPassword"]);
          observe(pair.map((result) => versionOf(result.ok ? result.value.secretString : undefined)));
          // One JSON file, whole.
          const db = await secrets.getSecretJson<{ username: string; password: string }>("prod/db");
          observe([versionOf(db.username), versionOf(db.password)]);
          // Two JSON files through the client's batch.
          const both = await secrets.getSecretsJson<{ username: string }>(["prod/db", "prod/db-copy"]);
          observe(both.map((result) => versionOf(result.ok ? result.value.username : undefined)));
        } catch (error) {
          failures.push(error);
          return;
        }
      }
    }

    const readers = Array.from({ length: READERS }, reader);
    let lastSwap = 0;
    const started = performance.now();
    for (let v = 1; v <= SWAPS && failures.length === 0; v++) {
      lastSwap = await atomicWrite(dir, payload(v));
      await new Promise((settle) => setImmediate(settle));
    }
    const writing = performance.now() - started;
    // The last swap reaches the listener within the bound.
    const notified = await watch.next(lastSwap, pollIntervalMs + SLACK_MS);
    done = true;
    await Promise.all(readers);
    const final = await transport.batchGetSecretValue(["dbUsername", "dbPassword"]);
    watch.stop();
    transport.close();

    console.info(
      `mount swap load: ${SWAPS} swaps in ${writing.toFixed(0)} ms, ${reads} values read by ${READERS} readers, ` +
        `${torn} torn, ${seen.size} versions seen, ${watch.times.length} notifications, ` +
        `last swap notified after ${(notified - lastSwap).toFixed(1)} ms`,
    );
    expect(failures).toEqual([]);
    expect(torn).toBe(0);
    expect(backwards).toBe(0);
    expect(reads).toBeGreaterThan(SWAPS);
    expect(seen.size).toBeGreaterThan(10);
    expect(notified - lastSwap).toBeLessThanOrEqual(pollIntervalMs + SLACK_MS);
    expect(final.map((result) => versionOf(result.ok ? result.value.secretString : undefined))).toEqual([SWAPS, SWAPS]);
    // The atomic writer leaves one timestamped directory.
    expect(readdirSync(dir).filter((entry) => /^\.\.\d{4}_/.test(entry))).toHaveLength(1);
  }, 120_000);

  it.each([
    { watch: true, pollIntervalMs: 1000 },
    { watch: false, pollIntervalMs: 50 },
  ])(
    "reports every one of 20 spaced swaps within pollIntervalMs (%j)",
    async ({ watch, pollIntervalMs }) => {
      const dir = volumeDir();
      await atomicWrite(dir, payload(0));
      const transport = mountTransport({ dir, watch, pollIntervalMs });
      const changes = recorder(transport);
      await new Promise((settle) => setTimeout(settle, 50));
      const latencies: number[] = [];

      for (let v = 1; v <= 20; v++) {
        const swappedAt = await atomicWrite(dir, payload(v));
        latencies.push((await changes.next(swappedAt, pollIntervalMs + SLACK_MS)) - swappedAt);
        // The value read after the notification is the new one.
        const [user] = await transport.batchGetSecretValue(["dbUsername"]);
        expect(user?.ok && user.value.secretString).toBe(`user-${v}`);
      }
      changes.stop();
      transport.close();

      console.info(
        `mount watch (${watch ? "fs.watch + poll" : "poll only"}, ${pollIntervalMs} ms): 20 swaps, latency median ` +
          `${median(latencies).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`,
      );
      expect(latencies).toHaveLength(20);
      expect(Math.max(...latencies)).toBeLessThanOrEqual(pollIntervalMs + SLACK_MS);
    },
    60_000,
  );
});

describe("mountTransport.watchChanges", () => {
  it("stops when the last listener leaves, and close stops everything; nothing keeps the process alive", async () => {
    const dir = volumeDir();
    await atomicWrite(dir, payload(0));
    const alive = (): string[] =>
      process.getActiveResourcesInfo().filter((name) => name === "Timeout" || name === "FSEventWrap");
    const before = alive();
    const intervals = vi.spyOn(globalThis, "setInterval");
    const cleared = vi.spyOn(globalThis, "clearInterval");
    try {
      const transport = mountTransport({ dir, pollIntervalMs: 20 });
      let calls = 0;
      const stopA = transport.watchChanges(() => calls++);
      const stopB = transport.watchChanges(() => calls++);

      expect(intervals).toHaveBeenCalledTimes(1);
      const timer = intervals.mock.results[0]?.value as NodeJS.Timeout;
      expect(timer.hasRef()).toBe(false);
      // Neither the poll's timer nor the watcher holds the event loop open.
      expect(alive()).toEqual(before);
      stopA();
      stopA();
      expect(cleared).not.toHaveBeenCalled();
      stopB();
      expect(cleared).toHaveBeenCalledWith(timer);

      transport.watchChanges(() => calls++);
      expect(intervals).toHaveBeenCalledTimes(2);
      transport.close();
      transport.close();
      expect(cleared).toHaveBeenCalledWith(intervals.mock.results[1]?.value);
      await atomicWrite(dir, payload(1));
      await new Promise((settle) => setTimeout(settle, 100));
      expect(calls).toBe(0);
    } finally {
      intervals.mockRestore();
      cleared.mockRestore();
    }
  });

  it("tells every listener even if one throws", async () => {
    const dir = volumeDir();
    await atomicWrite(dir, payload(0));
    const transport = mountTransport({ dir, pollIntervalMs: 20 });
    const stopThrowing = transport.watchChanges(() => {
      throw new Error("listener failure");
    });
    const changes = recorder(transport);
    await new Promise((settle) => setTimeout(settle, 50));

    const swappedAt = await atomicWrite(dir, payload(1));

    await expect(changes.next(swappedAt, 20 + SLACK_MS)).resolves.toBeGreaterThanOrEqual(swappedAt);
    stopThrowing();
    changes.stop();
    transport.close();
  });

  it("notices changes in a plain directory: a file edited in place (fs.watch), a file added (poll)", async () => {
    const dir = volumeDir();
    await writeFile(join(dir, "prod_db"), "one");
    const watched = mountTransport({ dir, pollIntervalMs: 1000 });
    const polled = mountTransport({ dir, pollIntervalMs: 20, watch: false });
    const byWatch = recorder(watched);
    const byPoll = recorder(polled);
    await new Promise((settle) => setTimeout(settle, 60));

    const editedAt = performance.now();
    await writeFile(join(dir, "prod_db"), "two");
    await expect(byWatch.next(editedAt, 1000 + SLACK_MS)).resolves.toBeGreaterThanOrEqual(editedAt);
    const addedAt = performance.now();
    await writeFile(join(dir, "other"), "new");
    await expect(byPoll.next(addedAt, 20 + SLACK_MS)).resolves.toBeGreaterThanOrEqual(addedAt);
    expect((await watched.getSecretValue({ id: "prod/db" })).secretString).toBe("two");

    byWatch.stop();
    byPoll.stop();
    watched.close();
    polled.close();
  });

  it("starts watching a directory that appears only later", async () => {
    const dir = join(root, "later");
    const transport = mountTransport({ dir, pollIntervalMs: 20 });
    const changes = recorder(transport);
    await new Promise((settle) => setTimeout(settle, 50));

    mkdirSync(dir);
    const swappedAt = await atomicWrite(dir, payload(1));

    await expect(changes.next(swappedAt, 20 + SLACK_MS)).resolves.toBeGreaterThanOrEqual(swappedAt);
    changes.stop();
    transport.close();
  });
});
