import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { autoTransport, createSecretsClient, isSecretsError } from "../src/index.js";
import type { AutoTransportDecision, AutoTransportOptions } from "../src/transports.js";
import type { AwsJsonServer } from "./helpers/aws-json-server.js";
import { CANARY, rejectionOf } from "./helpers/canary.js";
import { AGENT_TOKEN_CANARY, type FakeAgent, freePort, startFakeAgent } from "./helpers/fake-agent.js";
import { startFakeSecretsManager } from "./helpers/fake-secrets-manager.js";
import { FIXTURES } from "./helpers/fixtures.js";
import { testTransport } from "./helpers/transport-contract.js";

/** A credentials provider that finds none, as the SDK's default chain does on a bare machine. */
const noCredentials = async (): Promise<never> => {
  throw Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" });
};

testTransport({
  name: "auto (agent answers)",
  skip: ["writes"],
  async setup(fixtures) {
    const fake = await startFakeAgent({ fixtures });
    return {
      transport: autoTransport({ agent: { port: fake.port, token: AGENT_TOKEN_CANARY } }),
      cleanup: fake.close,
    };
  },
});

describe("autoTransport", () => {
  let secretsManager: AwsJsonServer;
  const closers: (() => unknown)[] = [];

  beforeAll(async () => {
    secretsManager = await startFakeSecretsManager(FIXTURES);
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    for (const close of closers.splice(0)) await close();
  });
  afterAll(() => secretsManager.close());

  async function agent(flavor: "agent" | "lambda-extension" = "agent", port?: number): Promise<FakeAgent> {
    const fake = await startFakeAgent({ fixtures: FIXTURES, flavor, port });
    closers.push(fake.close);
    return fake;
  }

  function auto(port: number, options: Partial<AutoTransportOptions> = {}) {
    const decisions: AutoTransportDecision[] = [];
    const transport = autoTransport({
      agent: { port, token: AGENT_TOKEN_CANARY, retries: 0 },
      sdk: { endpoint: secretsManager.endpoint, region: "us-east-1", maxAttempts: 1 },
      onDecision: (decision) => decisions.push(decision),
      ...options,
    });
    const client = createSecretsClient({ transport, cache: false });
    closers.push(() => client.close());
    return { client, decisions };
  }

  it("chooses the agent when it answers, and says so", async () => {
    const fake = await agent();
    const { client, decisions } = auto(fake.port);

    const value = await client.getSecret("app/text");

    expect(value).toBe(`text-${CANARY}`);
    expect(decisions).toEqual([
      { transport: "agent", reason: `an agent answers on ${fake.endpoint}`, endpoint: fake.endpoint },
    ]);
    expect(fake.reads()).toHaveLength(1);
  });

  it("chooses the Lambda extension too, whatever it answers to /ping", async () => {
    const fake = await agent("lambda-extension");
    const { client, decisions } = auto(fake.port);

    expect(await client.getSecret("app/text")).toBe(`text-${CANARY}`);
    expect(decisions.map((decision) => decision.transport)).toEqual(["agent"]);
  });

  it("decides once: later reads do not probe again", async () => {
    const fake = await agent();
    const { client } = auto(fake.port);

    await client.getSecret("app/text");
    await client.getSecret("app/json");
    await Promise.all([client.getSecret("app/text"), client.getSecret("app/text")]);

    expect(fake.requests.filter((request) => request.pathname === "/ping")).toHaveLength(1);
  });

  it.each(["agent", "sdk"] as const)(
    "keeps reading through the %s when the onDecision hook throws, and decides only once",
    async (expected) => {
      const fake = await agent();
      const port = expected === "agent" ? fake.port : await freePort();
      let told = 0;
      const transport = autoTransport({
        agent: { port, token: AGENT_TOKEN_CANARY, retries: 0 },
        sdk: { endpoint: secretsManager.endpoint, region: "us-east-1", maxAttempts: 1 },
        onDecision: () => {
          told++;
          throw new Error("a broken logging hook");
        },
      });
      closers.push(() => transport.close?.());

      const first = await transport.getSecretValue({ id: "app/text" });
      const more = await Promise.all([1, 2, 3].map(() => transport.getSecretValue({ id: "app/text" })));

      expect([first, ...more].every((record) => record.secretString === `text-${CANARY}`)).toBe(true);
      expect(told).toBe(1);
      expect(fake.reads()).toHaveLength(expected === "agent" ? 4 : 0);
    },
  );

  it("falls back to the SDK when nothing answers on the agent's port", async () => {
    const port = await freePort();
    const { client, decisions } = auto(port);
    const before = secretsManager.calls("GetSecretValue").length;

    expect(await client.getSecret("app/text")).toBe(`text-${CANARY}`);
    expect(secretsManager.calls("GetSecretValue").length - before).toBe(1);
    expect(decisions).toEqual([
      { transport: "sdk", reason: `nothing answers on http://127.0.0.1:${port}`, endpoint: `http://127.0.0.1:${port}` },
    ]);
  });

  it("falls back to the SDK without probing when no agent token is set", async () => {
    const fake = await agent();
    const { client, decisions } = auto(fake.port, { agent: { port: fake.port } });

    expect(await client.getSecret("app/text")).toBe(`text-${CANARY}`);
    expect(decisions[0]?.transport).toBe("sdk");
    expect(decisions[0]?.reason).toContain("no agent token");
    expect(fake.requests).toHaveLength(0);
  });

  it("finds the token in the agent's variables", async () => {
    const fake = await agent();
    vi.stubEnv("AWS_TOKEN", AGENT_TOKEN_CANARY);
    const { client, decisions } = auto(fake.port, { agent: { port: fake.port } });

    await client.getSecret("app/text");

    expect(decisions[0]?.transport).toBe("agent");
    expect(JSON.stringify(decisions)).not.toContain(AGENT_TOKEN_CANARY);
  });

  it("serves the read that finds the agent gone from the SDK, and keeps the SDK", async () => {
    const fake = await agent();
    const { client, decisions } = auto(fake.port);
    await client.getSecret("app/text");
    await fake.close();

    const value = await client.getSecret("app/json");
    await client.getSecret("app/json");

    expect(value).toEqual(JSON.stringify({ user: "app", password: CANARY }));
    expect(decisions.map((decision) => decision.transport)).toEqual(["agent", "sdk"]);
  });

  it("chooses again after the SDK finds no credentials, and picks an agent that started meanwhile", async () => {
    const port = await freePort();
    const { client, decisions } = auto(port, {
      sdk: { endpoint: secretsManager.endpoint, region: "us-east-1", maxAttempts: 1, credentials: noCredentials },
    });
    const failure = await rejectionOf(client.getSecret("app/text"));
    await agent("agent", port);

    const value = await client.getSecret("app/text");

    expect(isSecretsError(failure, "CREDENTIALS")).toBe(true);
    expect(value).toBe(`text-${CANARY}`);
    expect(decisions.map((decision) => decision.transport)).toEqual(["sdk", "agent"]);
  });

  it("keeps the SDK after a TRANSPORT failure: an AWS outage says nothing about the agent", async () => {
    const port = await freePort();
    const { client, decisions } = auto(port, {
      sdk: { endpoint: "http://127.0.0.1:9", region: "us-east-1", maxAttempts: 1 },
    });
    const failure = await rejectionOf(client.getSecret("app/text"));
    const fake = await agent("agent", port);

    const again = await rejectionOf(client.getSecret("app/text"));

    expect(isSecretsError(failure, "TRANSPORT")).toBe(true);
    expect(isSecretsError(again, "TRANSPORT")).toBe(true);
    expect(decisions.map((decision) => decision.transport)).toEqual(["sdk"]);
    expect(fake.requests).toHaveLength(0);
  });

  it("keeps the agent after a TIMEOUT, without probing again", async () => {
    const fake = await agent();
    const { client, decisions } = auto(fake.port, {
      agent: { port: fake.port, token: AGENT_TOKEN_CANARY, retries: 0, timeoutMs: 50 },
    });
    await client.getSecret("app/text");
    fake.failNext({ hang: true });

    const failure = await rejectionOf(client.getSecret("app/text"));
    const value = await client.getSecret("app/text");

    expect(isSecretsError(failure, "TIMEOUT")).toBe(true);
    expect(value).toBe(`text-${CANARY}`);
    expect(decisions).toHaveLength(1);
    expect(fake.requests.filter((request) => request.pathname === "/ping")).toHaveLength(1);
  });

  it("keeps the agent after a CONFIG failure: the agent answers, it has no SSM route", async () => {
    const fake = await agent();
    const { client, decisions } = auto(fake.port);

    const failure = await rejectionOf(client.getParameter("/app/url"));
    await client.getSecret("app/text");

    expect(isSecretsError(failure, "CONFIG")).toBe(true);
    expect(decisions).toHaveLength(1);
  });

  it("chooses the SDK, saying why, when the agent's port variable is malformed", async () => {
    vi.stubEnv("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", "http");
    vi.stubEnv("AWS_TOKEN", AGENT_TOKEN_CANARY);
    const { client, decisions } = auto(0, { agent: {} });

    const value = await client.getSecret("app/text");

    expect(value).toBe(`text-${CANARY}`);
    expect(decisions).toHaveLength(1);
    expect(decisions[0]?.transport).toBe("sdk");
    expect(decisions[0]?.reason).toMatch(/^invalid agent options: .*PARAMETERS_SECRETS_EXTENSION_HTTP_PORT/);
    expect(JSON.stringify(decisions)).not.toContain(AGENT_TOKEN_CANARY);
  });

  it("chooses the SDK, saying why, for agent options that are invalid", async () => {
    const { client, decisions } = auto(0, { agent: { host: "10.0.0.5", token: AGENT_TOKEN_CANARY } });

    expect(await client.getSecret("app/text")).toBe(`text-${CANARY}`);
    expect(decisions[0]?.transport).toBe("sdk");
    expect(decisions[0]?.reason).toContain("allowRemoteHost");
  });

  it("keeps its choice after a NOT_FOUND: the backend works, the secret is missing", async () => {
    const fake = await agent();
    const { client, decisions } = auto(fake.port);

    await rejectionOf(client.getSecret("app/missing"));
    await client.getSecret("app/text");

    expect(decisions).toHaveLength(1);
  });

  it("reads parameters through the Lambda extension when it is chosen", async () => {
    const fake = await startFakeAgent({
      flavor: "lambda-extension",
      parameters: { "/app/url": { type: "String", versions: [{ version: 3, value: "https://x.test" }] } },
    });
    closers.push(fake.close);
    const { client } = auto(fake.port);

    const record = await client.transport.getParameter?.({ name: "/app/url" });

    expect(record?.value).toBe("https://x.test");
    expect(record?.version).toBe(3);
  });

  it("is what SECRETWRANGLER_TRANSPORT=auto names", () => {
    vi.stubEnv("SECRETWRANGLER_TRANSPORT", "auto");

    const client = createSecretsClient({ cache: false });
    closers.push(() => client.close());

    expect(client.transport.name).toBe("auto");
  });

  it("is built by SECRETWRANGLER_TRANSPORT=auto even with a malformed agent port variable", () => {
    vi.stubEnv("SECRETWRANGLER_TRANSPORT", "auto");
    vi.stubEnv("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", "http");

    const client = createSecretsClient({ cache: false });
    closers.push(() => client.close());

    expect(client.transport.name).toBe("auto");
  });
});
