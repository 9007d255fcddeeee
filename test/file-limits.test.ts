/**
 * Hardening #2: the agent's token file and the file transport's JSON file are read asynchronously,
 * only when they are regular files, and only up to a limit. A FIFO, `/dev/zero`, a directory or an
 * oversized (sparse) file must fail fast with CONFIG, without blocking the event loop.
 *
 * Each case runs in a child process, killed after a few seconds: a synchronous read of a FIFO (or
 * of `/dev/zero`) blocks its thread for good, and would hang the test runner instead of failing.
 * The child measures the elapsed time, the longest pause of a 2 ms interval timer, whether an
 * immediate callback ran before the read settled (it did not block until the end), and the RSS
 * the read added.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CANARY, expectNoLeak } from "./helpers/canary.js";
import { AGENT_TOKEN_CANARY, freePort } from "./helpers/fake-agent.js";

const root = resolve(import.meta.dirname, "..");
const directory = mkdtempSync(join(tmpdir(), "secretwrangler-limits-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** Longer than any fast failure, short enough that a blocked read fails the test instead of hanging it. */
const READ_TIMEOUT_MS = 5_000;
/** For the child to start and load the modules, on a busy machine. */
const START_TIMEOUT_MS = 60_000;
const MIB = 1024 * 1024;

/** What the child reports. */
interface Measured {
  readonly ok: boolean;
  readonly name?: string;
  readonly code?: string;
  readonly message?: string;
  readonly exposed?: string;
  readonly elapsedMs: number;
  readonly maxPauseMs: number;
  readonly yielded: boolean;
  readonly rssAddedBytes: number;
}

/** The child: one read through the real transport, timed, with the event loop watched. */
const CHILD = `
const { pathToFileURL } = await import("node:url");
const src = (file) => import(pathToFileURL(${JSON.stringify(root)} + "/" + file).href);
const { kind, path, port, maxBytes } = JSON.parse(process.env.SECRETWRANGLER_LIMITS_CASE);
const { exposedText } = await src("test/helpers/canary.ts");
let read;
if (kind === "token") {
  const { agentTransport } = await src("src/transports/agent/transport.ts");
  const transport = agentTransport({ port, token: "file://" + path, retries: 0 });
  read = () => transport.getSecretValue({ id: "app/text" }).finally(() => transport.close());
} else {
  const { fileTransport } = await src("src/transports/file.ts");
  const transport = fileTransport(path, maxBytes === undefined ? undefined : { maxBytes });
  read = () => transport.getSecretValue({ id: "key" });
}
process.stdout.write("ready\\n");
let last = performance.now();
let maxPauseMs = 0;
const timer = setInterval(() => {
  const now = performance.now();
  maxPauseMs = Math.max(maxPauseMs, now - last);
  last = now;
}, 2);
let immediate = false;
setImmediate(() => { immediate = true; });
const rss = process.memoryUsage().rss;
const started = performance.now();
let result;
try {
  await read();
  result = { ok: true };
} catch (error) {
  result = { ok: false, name: error?.name, code: error?.code, message: error?.message, exposed: exposedText(error) };
}
const elapsedMs = performance.now() - started;
const yielded = immediate;
maxPauseMs = Math.max(maxPauseMs, performance.now() - last);
clearInterval(timer);
const rssAddedBytes = process.memoryUsage().rss - rss;
process.stdout.write(JSON.stringify({ ...result, elapsedMs, maxPauseMs, yielded, rssAddedBytes }));
`;

/** Children at a time: each starts a TypeScript loader, and the machine may have two cores. */
const MAX_CHILDREN = 3;
let running = 0;
const waiting: (() => void)[] = [];

async function slot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_CHILDREN) await new Promise<void>((resolveSlot) => waiting.push(resolveSlot));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/**
 * Runs one read in a child process. The child prints `ready` once its modules are loaded; from then
 * on it has {@link READ_TIMEOUT_MS} to report, else it is killed and the read counts as blocking.
 */
function measure(kind: "token" | "file", path: string, maxBytes?: number): Promise<Measured> {
  return slot(async () => {
    const port = await freePort();
    return new Promise<Measured>((resolvePromise, reject) => {
      const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", CHILD], {
        cwd: root,
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, SECRETWRANGLER_LIMITS_CASE: JSON.stringify({ kind, path, port, maxBytes }) },
      });
      let stdout = "";
      let stderr = "";
      let blocked = false;
      let readTimer: NodeJS.Timeout | undefined;
      const startTimer = setTimeout(() => child.kill("SIGKILL"), START_TIMEOUT_MS);
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString("utf8");
        if (readTimer === undefined && stdout.startsWith("ready\n")) {
          clearTimeout(startTimer);
          readTimer = setTimeout(() => {
            blocked = true;
            child.kill("SIGKILL");
          }, READ_TIMEOUT_MS);
        }
      });
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString("utf8");
      });
      child.on("close", (status) => {
        clearTimeout(startTimer);
        clearTimeout(readTimer);
        if (blocked) reject(new Error(`the read of ${path} blocked its process for over ${READ_TIMEOUT_MS} ms`));
        else if (status !== 0 || !stdout.startsWith("ready\n"))
          reject(new Error(`child failed (${status}): ${stderr}`));
        else resolvePromise(JSON.parse(stdout.slice("ready\n".length)) as Measured);
      });
    });
  });
}

function fifo(name: string): string {
  const path = join(directory, name);
  execFileSync("mkfifo", [path]);
  return path;
}

function folder(name: string): string {
  const path = join(directory, name);
  mkdirSync(path);
  return path;
}

/** A sparse file of `size` bytes that starts with `head`: no disk used, but `fstat` reports it all. */
function sparse(name: string, head: string, size: number): string {
  const path = join(directory, name);
  writeFileSync(path, head);
  truncateSync(path, size);
  return path;
}

function expectFastConfig(measured: Measured, canaries: readonly string[]): void {
  expect(measured.ok).toBe(false);
  expect(measured.code).toBe("CONFIG");
  expect(measured.elapsedMs).toBeLessThan(1_000);
  expect(measured.yielded, "the read settled before the event loop ran once: it was synchronous").toBe(true);
  expect(measured.maxPauseMs).toBeLessThan(500);
  expectNoLeak(measured.exposed, canaries);
}

describe.concurrent("the agent token file", () => {
  it("refuses a FIFO at once, without waiting for a writer", async () => {
    const path = fifo("token-fifo");

    const measured = await measure("token", path);

    expectFastConfig(measured, [AGENT_TOKEN_CANARY]);
    expect(measured.message).toContain(`${JSON.stringify(path)} named by the token option is a FIFO`);
  });

  it("refuses /dev/zero (a character device) at once", async () => {
    const measured = await measure("token", "/dev/zero");

    expectFastConfig(measured, [AGENT_TOKEN_CANARY]);
    expect(measured.message).toContain('"/dev/zero" named by the token option is a character device');
  });

  it("refuses a directory", async () => {
    const path = folder("token-directory");

    const measured = await measure("token", path);

    expectFastConfig(measured, [AGENT_TOKEN_CANARY]);
    expect(measured.message).toContain("is a directory, not a regular file");
  });

  it.each([
    ["just over the limit", 64 * 1024 + 1],
    ["20 MB", 20 * 1000 * 1000],
    ["200 MB", 200 * 1000 * 1000],
  ])("refuses a token file over 64 KiB (%s, sparse) without reading it or quoting it", async (_label, size) => {
    const path = sparse(`token-${size}`, AGENT_TOKEN_CANARY, size);

    const measured = await measure("token", path);

    expectFastConfig(measured, [AGENT_TOKEN_CANARY]);
    expect(measured.message).toContain("larger than the limit of 64 KiB (65536 bytes)");
    expect(measured.rssAddedBytes).toBeLessThan(32 * MIB);
  });

  it("escapes a path with control characters instead of printing them", async () => {
    const path = folder("token\nforged: line");

    const measured = await measure("token", path);

    expect(measured.code).toBe("CONFIG");
    expect(measured.message).toContain(JSON.stringify(path));
    expect(measured.message).not.toContain("\n");
  });
});

describe.concurrent("the file transport's file", () => {
  const content = JSON.stringify({ secrets: { key: CANARY } });

  it("refuses a FIFO at once, without waiting for a writer", async () => {
    const path = fifo("secrets-fifo.json");

    const measured = await measure("file", path);

    expectFastConfig(measured, [CANARY]);
    expect(measured.message).toContain(`${JSON.stringify(path)}: the path is a FIFO, not a regular file`);
  });

  it("refuses /dev/zero (a character device) at once", async () => {
    const measured = await measure("file", "/dev/zero");

    expectFastConfig(measured, [CANARY]);
    expect(measured.message).toContain('"/dev/zero": the path is a character device');
  });

  it("refuses a directory", async () => {
    const path = folder("secrets-directory.json");

    const measured = await measure("file", path);

    expectFastConfig(measured, [CANARY]);
    expect(measured.message).toContain("is a directory, not a regular file");
  });

  it.each([
    ["just over the limit", 16 * MIB + 1],
    ["20 MB", 20 * 1000 * 1000],
    ["193 MB", 193 * 1000 * 1000],
  ])("refuses a file over the 16 MiB default (%s, sparse) without reading or quoting it", async (_label, size) => {
    const path = sparse(`secrets-${size}.json`, content, size);

    const measured = await measure("file", path);

    expectFastConfig(measured, [CANARY]);
    expect(measured.message).toContain("larger than the limit of 16 MiB (16777216 bytes)");
    expect(measured.message).toContain("maxBytes");
    expect(measured.rssAddedBytes).toBeLessThan(32 * MIB);
  });

  it.each([
    [1024, "1 KiB (1024 bytes)"],
    [1000, "1000 bytes."],
  ])("honours maxBytes %d, refusing a file one byte over it", async (maxBytes, limit) => {
    const path = sparse(`secrets-over-${maxBytes}.json`, content, maxBytes + 1);

    const measured = await measure("file", path, maxBytes);

    expectFastConfig(measured, [CANARY]);
    expect(measured.message).toContain(`larger than the limit of ${limit}`);
  });

  it("reads a regular file exactly at maxBytes", async () => {
    const padded = content.padEnd(2048, " ");
    const path = join(directory, "secrets-at-limit.json");
    writeFileSync(path, padded);

    const measured = await measure("file", path, Buffer.byteLength(padded));

    expect(measured.ok).toBe(true);
  });
});
