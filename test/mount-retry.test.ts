/**
 * The mount transport's retry, made deterministic: a hook runs a whole atomic-writer swap between
 * two file reads of one batch (so the directory the batch resolved is removed under it), and the
 * read must start again against the new `..data` and return the new set whole, at most a bounded
 * number of times.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { mkdir, readlink, rename, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { isSecretsError } from "../src/index.js";
import { mountTransport } from "../src/transports.js";
import { CANARY, expectNoLeak, rejectionOf } from "./helpers/canary.js";

const hooks = vi.hoisted(() => ({
  /** Runs before each file read, with the path about to be opened. */
  beforeRead: undefined as ((path: string) => Promise<void>) | undefined,
  reads: [] as string[],
}));

vi.mock("../src/core/regular-file.js", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../src/core/regular-file.js")>();
  return {
    ...actual,
    readRegularFile: async (path: string, maxBytes: number) => {
      hooks.reads.push(path);
      await hooks.beforeRead?.(path);
      return actual.readRegularFile(path, maxBytes);
    },
  };
});

const root = mkdtempSync(join(tmpdir(), "secretwrangler-mount-retry-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => {
  hooks.beforeRead = undefined;
  hooks.reads = [];
});

let stamps = 0;
/** The atomic writer's steps 5 to 11 (see test/mount-swap.test.ts). */
async function atomicWrite(target: string, payload: Readonly<Record<string, string>>): Promise<string> {
  const old = await readlink(join(target, "..data")).catch(() => undefined);
  const tsName = `..2026_12_02_10_00_00.${String(++stamps).padStart(9, "0")}`;
  await mkdir(join(target, tsName), { mode: 0o755 });
  for (const [path, data] of Object.entries(payload)) await writeFile(join(target, tsName, path), data);
  for (const path of Object.keys(payload)) {
    await symlink(join("..data", path), join(target, path)).catch(() => undefined);
  }
  await symlink(tsName, join(target, "..data_tmp"));
  await rename(join(target, "..data_tmp"), join(target, "..data"));
  if (old !== undefined) await rm(join(target, old), { recursive: true, force: true });
  return tsName;
}

const pair = (v: number): Record<string, string> => ({ dbUsername: `user-${v}`, dbPassword: `pass-${v}-${CANARY}` });

describe("mountTransport: a swap in the middle of a read", () => {
  it("reads the whole new set when the old directory vanishes between two files of a batch", async () => {
    const dir = join(root, "between");
    mkdirSync(dir);
    const first = await atomicWrite(dir, pair(1));
    let second = "";
    hooks.beforeRead = async (path) => {
      if (path.endsWith("dbPassword") && path.includes(first)) {
        hooks.beforeRead = undefined;
        second = await atomicWrite(dir, pair(2));
      }
    };

    const results = await mountTransport({ dir }).batchGetSecretValue(["dbUsername", "dbPassword"]);

    expect(results.map((result) => result.ok && result.value.secretString)).toEqual(["user-2", `pass-2-${CANARY}`]);
    expect(hooks.reads.map((path) => path.slice(dir.length + 1))).toEqual([
      `${first}/dbUsername`,
      `${first}/dbPassword`,
      `${second}/dbUsername`,
      `${second}/dbPassword`,
    ]);
  });

  it("gives up after 8 attempts with a retryable TRANSPORT error if every attempt is swapped out", async () => {
    const dir = join(root, "always");
    mkdirSync(dir);
    await atomicWrite(dir, pair(1));
    let v = 1;
    hooks.beforeRead = async () => {
      await atomicWrite(dir, pair(++v));
    };

    const error = await rejectionOf(mountTransport({ dir }).getSecretValue({ id: "dbPassword" }));

    expect(isSecretsError(error, "TRANSPORT")).toBe(true);
    expect((error as { retryable?: boolean }).retryable).toBe(true);
    expect((error as Error).message).toContain("was swapped during 8 reads in a row");
    expect(hooks.reads).toHaveLength(8);
    expectNoLeak(error);
  });

  it("does not retry a file that is missing from a volume that did not change", async () => {
    const dir = join(root, "missing");
    mkdirSync(dir);
    await atomicWrite(dir, pair(1));

    const error = await rejectionOf(mountTransport({ dir }).getSecretValue({ id: "prod/db" }));

    expect(isSecretsError(error, "NOT_FOUND")).toBe(true);
    expect(hooks.reads).toHaveLength(1);
  });
});
