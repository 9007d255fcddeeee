/**
 * The shared AWS config and credentials files are read synchronously (a session's region decides its
 * partition before the constructor returns), so they are read only when they are regular files of at
 * most 1 MiB: `AWS_CONFIG_FILE` naming a FIFO or `/dev/zero` must not stall the process. Each case
 * runs in a child process killed after a few seconds, since a blocked synchronous read cannot be
 * interrupted from inside.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "..");
const directory = mkdtempSync(join(tmpdir(), "secretwrangler-shared-config-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const CHILD = `
import { AwsSession } from "./src/aws/session/session.ts";
const started = performance.now();
const session = new AwsSession({ profile: "dev" });
console.log(JSON.stringify({ region: session.region ?? null, elapsedMs: performance.now() - started }));
`;

function sessionRegion(configFile: string): { region: string | null; elapsedMs: number } {
  const { AWS_REGION: _region, AWS_DEFAULT_REGION: _default, ...env } = process.env;
  const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", CHILD], {
    cwd: root,
    env: { ...env, AWS_CONFIG_FILE: configFile, AWS_SHARED_CREDENTIALS_FILE: join(directory, "none") },
    encoding: "utf8",
    timeout: 20_000,
    killSignal: "SIGKILL",
  });
  if (child.error || child.status !== 0) throw new Error(`the child did not finish: ${child.error ?? child.stderr}`);
  return JSON.parse(child.stdout.trim().split("\n").at(-1) ?? "{}");
}

describe("shared config files: regular files only, bounded", () => {
  it("reads a profile's region from a regular file", () => {
    const file = join(directory, "config");
    writeFileSync(file, "[profile dev]\nregion = eu-north-1\n");

    expect(sessionRegion(file).region).toBe("eu-north-1");
  });

  it.each([
    [
      "a FIFO",
      () => {
        const fifo = join(directory, "fifo");
        execFileSync("mkfifo", [fifo]);
        return fifo;
      },
    ],
    ["/dev/zero", () => "/dev/zero"],
    ["a directory", () => directory],
    [
      "a sparse file of 64 MiB",
      () => {
        const big = join(directory, "big");
        writeFileSync(big, "[profile dev]\nregion = eu-north-1\n");
        truncateSync(big, 64 * 1024 * 1024);
        return big;
      },
    ],
  ])("treats %s as no file, at once", (_, make) => {
    const { region, elapsedMs } = sessionRegion(make());

    expect(region).toBeNull();
    expect(elapsedMs).toBeLessThan(1_000);
  });
});
