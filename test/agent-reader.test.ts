import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentTransport, createAgentReader, isSecretsError } from "../src/agent.js";
import { CANARY, expectNoLeak, rejectionOf } from "./helpers/canary.js";
import { AGENT_TOKEN_CANARY, type FakeAgent, startFakeAgent } from "./helpers/fake-agent.js";
import { BINARY_VALUE, FIXTURES, PREVIOUS_VERSION } from "./helpers/fixtures.js";
import { credentialsSchema } from "./helpers/schemas.js";

describe("createAgentReader (secretwrangler/agent)", () => {
  let fake: FakeAgent;
  let reader: ReturnType<typeof createAgentReader>;

  beforeAll(async () => {
    fake = await startFakeAgent({ fixtures: FIXTURES });
    reader = createAgentReader({ port: fake.port, token: AGENT_TOKEN_CANARY });
  });
  afterAll(async () => {
    reader.close();
    await fake.close();
  });

  it("reads a string secret", async () => {
    expect(await reader.getSecret("app/text")).toBe(`text-${CANARY}`);
  });

  it("parses and validates a JSON secret, deep-frozen", async () => {
    const value = await reader.getSecretJson("app/json", { schema: credentialsSchema });

    expect(value).toEqual({ user: "app", password: CANARY });
    expect(Object.isFrozen(value)).toBe(true);
  });

  it("reads a binary secret as bytes", async () => {
    expect(await reader.getSecretBinary("app/binary")).toEqual(BINARY_VALUE);
  });

  it("reads a version with its metadata", async () => {
    const value = await reader.getSecretValue("app/versioned", { versionStage: "AWSPREVIOUS" });

    expect(value.versionId).toBe(PREVIOUS_VERSION);
    expect(fake.reads().at(-1)?.query.get("versionStage")).toBe("AWSPREVIOUS");
  });

  it("passes forceRefresh on as refreshNow=true", async () => {
    await reader.getSecret("app/text", { forceRefresh: true });

    expect(fake.reads().at(-1)?.query.get("refreshNow")).toBe("true");
  });

  it("fails as the client does: NOT_JSON, SCHEMA_MISMATCH and WRONG_TYPE without values", async () => {
    const errors = [
      await rejectionOf(reader.getSecretJson("app/not-json")),
      await rejectionOf(reader.getSecretJson("app/wrong-shape", { schema: credentialsSchema })),
      await rejectionOf(reader.getSecret("app/binary")),
    ];

    expect(errors.map((error) => isSecretsError(error) && error.code)).toEqual([
      "NOT_JSON",
      "SCHEMA_MISMATCH",
      "WRONG_TYPE",
    ]);
    for (const error of errors) expectNoLeak(error, [CANARY, AGENT_TOKEN_CANARY]);
  });

  it("rejects an empty id with a TypeError, before any request", async () => {
    const before = fake.reads().length;

    await expect(reader.getSecret("")).rejects.toThrow(TypeError);
    expect(fake.reads().length).toBe(before);
  });

  it("reads through a transport it is given", async () => {
    const transport = agentTransport({ port: fake.port, token: AGENT_TOKEN_CANARY });
    const own = createAgentReader({ transport });

    expect(own.transport).toBe(transport);
    expect(await own.getSecret("app/text")).toBe(`text-${CANARY}`);
    own.close();
  });
});
