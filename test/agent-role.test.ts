/**
 * What agent 3.0 (aws/aws-workload-credentials-provider, `aws_secretsmanager_provider/src/`) added to
 * the protocol, through the agent transport and the fake: the `roleArn` parameter and its errors
 * (parse.rs, cache_manager.rs), the connection limit as server.rs counts it, and prefetch
 * (prefetch.rs), which the library does not configure but which warms the agent's cache.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { get as httpGet } from "node:http";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ArgumentError, AwsSession, agentTransport, createSecretsClient, isSecretsError } from "../src/index.js";
import type { AgentTransportOptions } from "../src/transports.js";
import { CANARY, expectNoLeak, rejectionOf } from "./helpers/canary.js";
import { AGENT_TOKEN_CANARY, type FakeAgent, type FakeAgentOptions, startFakeAgent } from "./helpers/fake-agent.js";
import { CURRENT_VERSION, FIXTURES } from "./helpers/fixtures.js";

const NO_LEAK = [CANARY, AGENT_TOKEN_CANARY];
const ROLE = "arn:aws:iam::987654321098:role/SecretAccessRole";
const OTHER_ROLE = "arn:aws:iam::987654321098:role/OtherRole";
const LIMIT = "Connection limit exceeded";

const fakes: FakeAgent[] = [];
const opened: { close(): void }[] = [];
const blockers: Socket[] = [];

afterEach(async () => {
  vi.unstubAllEnvs();
  for (const transport of opened.splice(0)) transport.close();
  for (const socket of blockers.splice(0)) socket.destroy();
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function fakeAgent(options: FakeAgentOptions = {}): Promise<FakeAgent> {
  const fake = await startFakeAgent({ fixtures: FIXTURES, ...options });
  fakes.push(fake);
  return fake;
}

function transportOn(fake: FakeAgent, options: AgentTransportOptions = {}) {
  const built = agentTransport({ port: fake.port, token: AGENT_TOKEN_CANARY, sleep: async () => {}, ...options });
  opened.push(built);
  return built;
}

const clientOn = (fake: FakeAgent, options: AgentTransportOptions = {}) =>
  createSecretsClient({ transport: transportOn(fake, options), cache: false });

/** One raw GET to the fake, past the transport's own checks. */
function rawGet(fake: FakeAgent, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpGet(
      {
        host: "127.0.0.1",
        port: fake.port,
        path,
        agent: false,
        headers: { "x-aws-parameters-secrets-token": AGENT_TOKEN_CANARY },
      },
      (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          body += chunk;
        });
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on("error", reject);
  });
}

/** Opens idle connections the fake counts against its limit, as other clients of the agent would. */
async function holdConnections(fake: FakeAgent, count: number): Promise<Socket[]> {
  const before = fake.openConnections();
  const sockets = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Socket>((resolve, reject) => {
          const socket = connect(fake.port, "127.0.0.1", () => resolve(socket));
          socket.on("error", reject);
        }),
    ),
  );
  blockers.push(...sockets);
  await vi.waitFor(() => expect(fake.openConnections()).toBeGreaterThanOrEqual(before + count));
  return sockets;
}

describe("agentTransport roleArn", () => {
  it("sends roleArn on every secret read, and the agent answers with the role's view", async () => {
    const fake = await fakeAgent({
      roleFixtures: {
        [ROLE]: { "app/text": [{ versionId: CURRENT_VERSION, stages: ["AWSCURRENT"], value: "as-role" }] },
      },
    });

    const client = clientOn(fake, { roleArn: ROLE });

    expect(await client.getSecret("app/text")).toBe("as-role");
    await client.getSecretValue("app/text", { versionStage: "AWSCURRENT" });
    expect(fake.reads().map((read) => read.roleArn)).toEqual([ROLE, ROLE]);
    expect(fake.reads()[0]?.url).toBe(`/secretsmanager/get?secretId=app%2Ftext&roleArn=${encodeURIComponent(ROLE)}`);
    expect(fake.assumedRoles()).toEqual([ROLE]);
  });

  it("sends no roleArn without the option: the agent reads as itself", async () => {
    const fake = await fakeAgent();

    expect(await clientOn(fake).getSecret("app/text")).toBe(`text-${CANARY}`);
    expect(fake.reads()[0]?.query.has("roleArn")).toBe(false);
    expect(fake.assumedRoles()).toEqual([]);
  });

  it.each([
    "arn:aws:iam::123456789012:role/service-role/MyRole",
    "arn:aws:iam::123456789012:role/path/to/nested/Role_Name-1",
    "arn:aws-cn:iam::123456789012:role/a+b=c,d.e@f",
    "arn:aws-us-gov:iam::123456789012:role/x",
  ])("accepts %s, as the agent does", async (roleArn) => {
    const fake = await fakeAgent();

    expect(await clientOn(fake, { roleArn }).getSecret("app/text")).toBe(`text-${CANARY}`);
    expect(fake.reads()[0]?.roleArn).toBe(roleArn);
  });

  it("refuses roleArn with flavor 'lambda-extension' as an ArgumentError: the extension has no roleArn", () => {
    let error: unknown;
    try {
      agentTransport({ roleArn: ROLE, flavor: "lambda-extension", token: AGENT_TOKEN_CANARY });
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(ArgumentError);
    expect((error as Error).message).toContain('"roleArn"');
    expectNoLeak(error, NO_LEAK);
  });

  it("expects the agent, not the extension, inside Lambda when roleArn is set (forceRefresh sends refreshNow)", async () => {
    vi.stubEnv("AWS_LAMBDA_FUNCTION_NAME", "fn");
    const fake = await fakeAgent();

    await clientOn(fake, { roleArn: ROLE }).getSecret("app/text", { forceRefresh: true });

    expect(fake.reads()[0]?.query.get("refreshNow")).toBe("true");
    expect(fake.reads()[0]?.roleArn).toBe(ROLE);
  });

  it("refuses getParameter with roleArn as INVALID_REQUEST, sending nothing (the SSM route would read as the extension)", async () => {
    const fake = await fakeAgent();

    const error = await rejectionOf(transportOn(fake, { roleArn: ROLE }).getParameter({ name: "/app/p" }));

    expect(isSecretsError(error, "INVALID_REQUEST")).toBe(true);
    expect((error as Error).message).toContain("roleArn");
    expect(fake.requests).toEqual([]);
  });

  it("maps MaxRolesExceeded to CONFIG with a hint, without retrying", async () => {
    const fake = await fakeAgent({ maxRoles: 1 });
    await clientOn(fake, { roleArn: ROLE }).getSecret("app/text");
    const delays: number[] = [];

    const error = await rejectionOf(
      clientOn(fake, { roleArn: OTHER_ROLE, sleep: async (ms) => void delays.push(ms) }).getSecret("app/text"),
    );

    expect(isSecretsError(error, "CONFIG")).toBe(true);
    expect((error as Error).message).toContain("MaxRolesExceeded");
    expect((error as Error).message).toContain("max_roles");
    expect((error as { status?: number }).status).toBe(400);
    expect(delays).toEqual([]);
    expect(fake.assumedRoles()).toEqual([ROLE]);
    expectNoLeak(error, NO_LEAK);
  });

  it("maps the agent's failed AssumeRole (403 AccessDeniedException) to ACCESS_DENIED, without re-reading the token", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sw-agent-role-"));
    const file = join(dir, "token");
    try {
      writeFileSync(file, `${AGENT_TOKEN_CANARY}\n`);
      vi.stubEnv("SW_ROLE_TEST_TOKEN", `file://${file}`);
      const fake = await fakeAgent({ deniedRoles: [ROLE] });
      const client = clientOn(fake, { roleArn: ROLE, token: undefined, tokenEnv: "SW_ROLE_TEST_TOKEN" });
      await rejectionOf(client.getSecret("app/text"));
      // Were the token read again after the 403, this one would be sent, and refused.
      writeFileSync(file, "another-token\n");

      const error = await rejectionOf(client.getSecret("app/text"));

      expect(isSecretsError(error, "ACCESS_DENIED")).toBe(true);
      expect((error as { status?: number }).status).toBe(403);
      expect(fake.reads()).toHaveLength(2);
      expect(fake.reads().every((read) => read.headers["x-aws-parameters-secrets-token"] === AGENT_TOKEN_CANARY)).toBe(
        true,
      );
      expect(fake.assumedRoles()).toEqual([]);
      expectNoLeak(error, NO_LEAK);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("maps an agent that predates roleArn (400 unknown parameter: roleArn) to CONFIG", async () => {
    const fake = await fakeAgent();
    fake.failNext({ status: 400, body: "unknown parameter: roleArn" });

    const error = await rejectionOf(clientOn(fake, { roleArn: ROLE }).getSecret("app/text"));

    expect(isSecretsError(error, "CONFIG")).toBe(true);
    expect((error as Error).message).toContain("3.0");
  });

  it("maps the Lambda extension's generic 400 to CONFIG when roleArn was sent", async () => {
    const fake = await fakeAgent({ flavor: "lambda-extension" });

    const error = await rejectionOf(clientOn(fake, { roleArn: ROLE }).getSecret("app/text"));

    expect(isSecretsError(error, "CONFIG")).toBe(true);
    expect((error as Error).message).toContain("Lambda extension");
    expect(fake.reads()[0]?.roleArn).toBe(ROLE);
  });
});

describe("agentTransport session: the role of an AwsSession", () => {
  const keys = { accessKeyId: "AKIDTESTTESTTESTTEST", secretAccessKey: "not-a-secret" };
  const base = () => new AwsSession({ region: "us-east-1", credentials: keys });
  const roleFixtures = {
    [ROLE]: { "app/text": [{ versionId: CURRENT_VERSION, stages: ["AWSCURRENT"], value: "as-role" }] },
  };

  it("sends the role of an assumeRole session as roleArn (the agent assumes it, the session's keys stay here)", async () => {
    const fake = await fakeAgent({ roleFixtures });
    const session = base().assumeRole({ roleArn: ROLE });

    expect(session.assumedRoleArn).toBe(ROLE);
    expect(await clientOn(fake, { session }).getSecret("app/text")).toBe("as-role");
    expect(fake.reads()[0]?.roleArn).toBe(ROLE);
    expect(JSON.stringify(fake.requests)).not.toContain(keys.secretAccessKey);
  });

  it("sends the role_arn of a profile session, read from the shared config file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sw-agent-role-"));
    try {
      const config = join(dir, "config");
      writeFileSync(config, `[profile app]\nrole_arn = ${ROLE}\nsource_profile = base\nregion = us-east-1\n`);
      vi.stubEnv("AWS_CONFIG_FILE", config);
      vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", join(dir, "credentials"));
      const fake = await fakeAgent({ roleFixtures });
      const session = new AwsSession({ profile: "app" });

      expect(session.assumedRoleArn).toBe(ROLE);
      expect(await clientOn(fake, { session }).getSecret("app/text")).toBe("as-role");
      expect(fake.reads()[0]?.roleArn).toBe(ROLE);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("accepts roleArn together with a session of the same role", async () => {
    const fake = await fakeAgent({ roleFixtures });
    const session = base().assumeRole({ roleArn: ROLE });

    expect(await clientOn(fake, { session, roleArn: ROLE }).getSecret("app/text")).toBe("as-role");
  });

  it.each([
    ["a session without a role (its keys would never reach the agent)", () => ({ session: base() }), /has no role/],
    [
      "a roleArn that differs from the session's role",
      () => ({ session: base().assumeRole({ roleArn: ROLE }), roleArn: OTHER_ROLE }),
      /"roleArn" and the role of "session" differ/,
    ],
    ["a session that is not an object", () => ({ session: "prod" as unknown as AwsSession }), /must be an AwsSession/],
    [
      "a session role with the Lambda extension",
      () => ({ session: base().assumeRole({ roleArn: ROLE }), flavor: "lambda-extension" as const }),
      /needs the agent flavor/,
    ],
  ])("refuses %s as an ArgumentError", (_, options, message) => {
    const build = () => agentTransport({ token: AGENT_TOKEN_CANARY, ...options() });
    expect(build).toThrow(ArgumentError);
    expect(build).toThrow(message);
  });
});

describe("the fake's roleArn checks, as the agent's", () => {
  it.each([
    "not-an-arn",
    "arn:aws:iam::12345:role/Admin",
    "arn:aws:iam:us-east-1:123456789012:role/Admin",
    "arn:aws:sts::123456789012:role/Admin",
    "arn:aws:iam::123456789012:user/Someone",
    "arn:aws:iam::123456789012:role/",
    'arn:aws:iam::987654321098:role/test","injected":"value',
  ])("answers %s with 400 invalid roleArn format, on both routes", async (roleArn) => {
    const fake = await fakeAgent();
    const role = encodeURIComponent(roleArn);

    const answers = await Promise.all([
      rawGet(fake, `/secretsmanager/get?secretId=app%2Ftext&roleArn=${role}`),
      rawGet(fake, `/v1/app%2Ftext?roleArn=${role}`),
    ]);

    for (const answer of answers) {
      expect(answer).toEqual({
        status: 400,
        body: "invalid roleArn format, expected arn:<partition>:iam::<account>:role/<name>",
      });
    }
  });

  it("checks the parameters in the agent's order: names and refreshNow, then secretId, then roleArn", async () => {
    const fake = await fakeAgent();

    expect((await rawGet(fake, "/secretsmanager/get?roleArn=bad&x=1")).body).toBe("unknown parameter: x");
    expect((await rawGet(fake, "/secretsmanager/get?roleArn=bad")).body).toBe("missing parameter secretId");
    expect((await rawGet(fake, "/secretsmanager/get?secretId=a&roleArn=bad&refreshNow=2")).body).toBe(
      "invalid refreshNow value",
    );
  });

  it("writes the role errors as agent 3.0 does: serde_json, valid JSON", async () => {
    const fake = await fakeAgent({ maxRoles: 1, deniedRoles: [OTHER_ROLE] });
    const role = (arn: string) => `/secretsmanager/get?secretId=app%2Ftext&roleArn=${encodeURIComponent(arn)}`;

    const denied = await rawGet(fake, role(OTHER_ROLE));
    await rawGet(fake, role(ROLE));
    const exceeded = await rawGet(fake, role("arn:aws:iam::987654321098:role/Third"));

    expect(denied.status).toBe(403);
    expect(JSON.parse(denied.body)).toEqual({
      __type: "AccessDeniedException",
      message: `Failed to create caching client from role: ${OTHER_ROLE}`,
    });
    expect(exceeded.status).toBe(400);
    expect(JSON.parse(exceeded.body).__type).toBe("MaxRolesExceeded");
  });
});

describe("the agent's connection limit (max_conn)", () => {
  it("retries a 429 with backoff on a new connection, after closing the one it came on", async () => {
    const fake = await fakeAgent({ maxConnections: 1 });
    const [blocker] = await holdConnections(fake, 1);
    const delays: number[] = [];
    const sleep = async (ms: number) => {
      delays.push(ms);
      blocker?.destroy(); // the other client goes away during the backoff
      await vi.waitFor(() => expect(fake.openConnections()).toBe(0));
    };

    const value = await clientOn(fake, { sleep }).getSecret("app/text");

    expect(value).toBe(`text-${CANARY}`);
    expect(delays).toHaveLength(1);
    const [limited, served] = fake.reads();
    expect(served?.connection).not.toBe(limited?.connection);
    // Only the connection that was served is left, pooled.
    expect(fake.openConnections()).toBe(1);
  });

  it("gives up with THROTTLED after its retries, each on a new connection, leaving none of them open", async () => {
    const fake = await fakeAgent({ maxConnections: 2 });
    await holdConnections(fake, 2);
    const delays: number[] = [];

    const error = await rejectionOf(
      clientOn(fake, { retries: 2, sleep: async (ms) => void delays.push(ms) }).getSecret("app/text"),
    );

    expect(isSecretsError(error, "THROTTLED")).toBe(true);
    expect((error as { retryable?: boolean }).retryable).toBe(true);
    expect(delays).toHaveLength(2);
    expect(new Set(fake.reads().map((read) => read.connection)).size).toBe(3);
    await vi.waitFor(() => expect(fake.openConnections()).toBe(2));
    expectNoLeak(error, NO_LEAK);
  });

  it("counts idle connections too, and answers /ping on two more (the fake, as server.rs)", async () => {
    const fake = await fakeAgent({ maxConnections: 1 });
    await holdConnections(fake, 1);

    expect(await rawGet(fake, "/secretsmanager/get?secretId=app%2Ftext")).toEqual({ status: 429, body: LIMIT });
    expect(await rawGet(fake, "/ping")).toEqual({ status: 200, body: "healthy" });
    await holdConnections(fake, 2);
    expect(await rawGet(fake, "/ping")).toEqual({ status: 429, body: LIMIT });
  });
});

describe("prefetch (the agent's own cache, warm at start-up)", () => {
  it("a prefetched secret is in the agent's cache on the first read; others on the second", async () => {
    const fake = await fakeAgent({ prefetch: [{ secretId: "app/text" }] });
    const client = clientOn(fake);

    await client.getSecret("app/text");
    await client.getSecret("app/json");
    await client.getSecret("app/json");
    await client.getSecret("app/text", { forceRefresh: true });

    expect(fake.reads().map((read) => read.fromAgentCache)).toEqual([true, false, true, false]);
  });

  it("prefetch with a role caches for that role only, and takes one of the agent's max_roles", async () => {
    const fake = await fakeAgent({ maxRoles: 1, prefetch: [{ secretId: "app/text", roleArn: ROLE }] });

    await clientOn(fake, { roleArn: ROLE }).getSecret("app/text");
    await clientOn(fake).getSecret("app/text");
    const error = await rejectionOf(clientOn(fake, { roleArn: OTHER_ROLE }).getSecret("app/text"));

    expect(fake.reads().map((read) => read.fromAgentCache)).toEqual([true, false, undefined]);
    expect(isSecretsError(error, "CONFIG")).toBe(true);
  });
});
