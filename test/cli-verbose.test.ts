/**
 * `--verbose` (issue 15): each read and backend call of a run on stderr (what, from where, how long,
 * the cache outcome, the code of a failure), never a value; the value alone stays on stdout.
 */
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import { wantsVerbose } from "../src/cli/verbose.js";
import { CANARY } from "./helpers/canary.js";
import { startFakeSecretsManager } from "./helpers/fake-secrets-manager.js";
import { FIXTURES } from "./helpers/fixtures.js";

function sink(write: (text: string) => void): Writable {
  return new Writable({
    write(chunk, _encoding, done) {
      write(String(chunk));
      done();
    },
  });
}

async function cli(args: readonly string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main(args, { stdout: sink((text) => (stdout += text)), stderr: sink((text) => (stderr += text)) });
  return { code, stdout, stderr };
}

describe("secretwrangler --verbose", () => {
  let server: Awaited<ReturnType<typeof startFakeSecretsManager>>;
  beforeAll(async () => {
    server = await startFakeSecretsManager(FIXTURES);
  });
  afterAll(() => server.close());

  it("prints the read and its backend call to stderr, and the value only to stdout", async () => {
    const result = await cli(["get", "app/text", "--verbose", "--endpoint", server.endpoint, "--region", "us-east-1"]);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(CANARY);
    expect(result.stderr).toMatch(
      /^secretwrangler: read getSecret\w* app\/text via sdk: [\d.]+ ms \(miss, version [\w-]+, region us-east-1\)$/m,
    );
    expect(result.stderr).toMatch(/^secretwrangler: call SecretsManager\.GetSecretValue app\/text via sdk: [\d.]+ ms/m);
    expect(result.stderr).not.toContain(CANARY);
  });

  it("prints the code of a failed read", async () => {
    const result = await cli([
      "get",
      "app/missing",
      "--verbose",
      "--endpoint",
      server.endpoint,
      "--region",
      "us-east-1",
    ]);

    expect(result.stderr).toMatch(/read getSecret\w* app\/missing via sdk: [\d.]+ ms, failed NOT_FOUND/);
  });

  it("prints nothing more without the flag, and reads the flag before exec's --", async () => {
    const result = await cli(["get", "app/text", "--endpoint", server.endpoint, "--region", "us-east-1"]);

    expect(result.stderr).toBe("");
    expect(wantsVerbose(["--", "program", "--verbose"])).toBe(false);
    expect(wantsVerbose(["--verbose", "--", "program"])).toBe(true);
  });
});
