/**
 * The agent token is read asynchronously and single-flight: concurrent first reads resolve it once,
 * and concurrent reads that get a 403 after the agent restarted with a new token read the token
 * file again once, and all succeed (each compares against the token it sent, not the latest one).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as fsPromises from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { isSecretsError } from "../src/core/errors.js";
import { agentTransport } from "../src/transports/agent/transport.js";
import { CANARY, expectNoLeak, rejectionOf } from "./helpers/canary.js";
import { AGENT_TOKEN_CANARY, type FakeAgent, startFakeAgent } from "./helpers/fake-agent.js";
import { FIXTURES } from "./helpers/fixtures.js";

vi.mock("node:fs/promises", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:fs/promises")>();
  return { ...actual, open: vi.fn(actual.open) };
});

const CONCURRENT_READS = 24;
const directory = mkdtempSync(join(tmpdir(), "secretwrangler-agent-token-"));
const tokenFile = join(directory, "awssmatoken");

/** How often the token file was opened since the last reset. */
const opensOfTokenFile = () => vi.mocked(fsPromises.open).mock.calls.filter(([path]) => path === tokenFile).length;

describe("agent token reads", () => {
  let fake: FakeAgent;

  beforeAll(async () => {
    fake = await startFakeAgent({ fixtures: FIXTURES });
  });
  beforeEach(() => {
    vi.mocked(fsPromises.open).mockClear();
  });
  afterAll(async () => {
    await fake.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it("reads the token file once for concurrent first reads", async () => {
    writeFileSync(tokenFile, `${AGENT_TOKEN_CANARY}\n`);
    const transport = agentTransport({ port: fake.port, token: `file://${tokenFile}`, maxSockets: 4 });

    const records = await Promise.all(
      Array.from({ length: CONCURRENT_READS }, () => transport.getSecretValue({ id: "app/text" })),
    );
    transport.close();

    expect(records.every((record) => record.secretString === `text-${CANARY}`)).toBe(true);
    expect(opensOfTokenFile()).toBe(1);
  });

  it("gives each waiting read its own error when the shared token read fails", async () => {
    const transport = agentTransport({ port: fake.port, token: `file://${join(directory, "absent")}` });

    const errors = await Promise.all(
      ["app/text", "app/json"].map((id) => rejectionOf(transport.getSecretValue({ id }))),
    );
    transport.close();

    expect(errors.map((error) => isSecretsError(error, "AGENT_TOKEN") && error.secretId)).toEqual([
      "app/text",
      "app/json",
    ]);
  });

  it("after a token change, re-reads the file once for concurrent 403s, and every read succeeds", async () => {
    writeFileSync(tokenFile, "token-of-the-previous-agent\n");
    const transport = agentTransport({ port: fake.port, token: `file://${tokenFile}`, retries: 0, maxSockets: 4 });
    const stale = await rejectionOf(transport.getSecretValue({ id: "app/text" }));
    expect(isSecretsError(stale, "AGENT_TOKEN")).toBe(true);
    writeFileSync(tokenFile, `${AGENT_TOKEN_CANARY}\n`);
    vi.mocked(fsPromises.open).mockClear();

    const outcomes = await Promise.allSettled(
      Array.from({ length: CONCURRENT_READS }, () => transport.getSecretValue({ id: "app/text" })),
    );
    transport.close();

    const failures = outcomes.filter((outcome) => outcome.status === "rejected");
    for (const failure of failures) expectNoLeak(failure.reason, [AGENT_TOKEN_CANARY, CANARY]);
    expect(failures).toEqual([]);
    expect(opensOfTokenFile()).toBe(1);
  });
});
