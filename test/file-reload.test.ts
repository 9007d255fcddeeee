/**
 * The file transport checks and reloads its file asynchronously, and concurrent reads share one
 * check (one `stat`) and one reload (one `open`) instead of each doing its own.
 */
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import * as fsPromises from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { fileTransport } from "../src/transports/file.js";

vi.mock("node:fs/promises", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:fs/promises")>();
  return { ...actual, open: vi.fn(actual.open), stat: vi.fn(actual.stat) };
});

const CONCURRENT_READS = 32;
const directory = mkdtempSync(join(tmpdir(), "secretwrangler-file-reload-"));
const file = join(directory, "secrets.json");
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const calls = (spy: unknown) => vi.mocked(spy as typeof fsPromises.stat).mock.calls.filter(([path]) => path === file);
const counts = () => ({ stat: calls(fsPromises.stat).length, open: calls(fsPromises.open).length });

describe("fileTransport reloads", () => {
  beforeEach(() => {
    vi.mocked(fsPromises.open).mockClear();
    vi.mocked(fsPromises.stat).mockClear();
  });

  it("coalesces concurrent first reads, checks, and reloads after an edit", async () => {
    writeFileSync(file, JSON.stringify({ secrets: { key: "one" }, parameters: { "/app/flag": "off" } }));
    const transport = fileTransport(file);
    const readAll = () =>
      Promise.all(
        Array.from({ length: CONCURRENT_READS }, (_, index) =>
          index % 2 === 0
            ? transport.getSecretValue({ id: "key" }).then((record) => record.secretString)
            : transport.getParameter?.({ name: "/app/flag" }).then((record) => record.value),
        ),
      );

    const first = await readAll();
    const afterFirst = counts();
    const unchanged = await readAll();
    const afterUnchanged = counts();
    writeFileSync(file, JSON.stringify({ secrets: { key: "two" }, parameters: { "/app/flag": "on" } }));
    utimesSync(file, new Date(), new Date(Date.now() + 5_000));
    const edited = await readAll();

    expect(new Set(first)).toEqual(new Set(["one", "off"]));
    expect(new Set(unchanged)).toEqual(new Set(["one", "off"]));
    expect(new Set(edited)).toEqual(new Set(["two", "on"]));
    expect(afterFirst).toEqual({ stat: 0, open: 1 });
    expect(afterUnchanged).toEqual({ stat: 1, open: 1 });
    expect(counts()).toEqual({ stat: 2, open: 2 });
  });

  it("notices a file replaced by another one of the same size and modification time", async () => {
    writeFileSync(file, JSON.stringify({ secrets: { key: "aaa" } }));
    const stamp = new Date("2030-01-01T00:00:00Z");
    utimesSync(file, stamp, stamp);
    const transport = fileTransport(file);
    expect((await transport.getSecretValue({ id: "key" })).secretString).toBe("aaa");

    const replacement = join(directory, "replacement.json");
    writeFileSync(replacement, JSON.stringify({ secrets: { key: "bbb" } }));
    utimesSync(replacement, stamp, stamp);
    await fsPromises.rename(replacement, file);

    expect((await transport.getSecretValue({ id: "key" })).secretString).toBe("bbb");
  });
});
