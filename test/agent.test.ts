import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  ArgumentError,
  agentTransport,
  createSecretsClient,
  isSecretsError,
  type SecretsErrorCode,
} from "../src/index.js";
import { createAgentHttp } from "../src/transports/agent/http.js";
import type { AgentTransportOptions } from "../src/transports.js";
import { CANARY, expectNoLeak, rejectionOf } from "./helpers/canary.js";
import { AGENT_TOKEN_CANARY, type FakeAgent, freePort, startFakeAgent } from "./helpers/fake-agent.js";
import { fakeArn } from "./helpers/fake-secrets-manager.js";
import { CURRENT_VERSION, FIXTURES } from "./helpers/fixtures.js";
import { testTransport } from "./helpers/transport-contract.js";

const NO_LEAK = [CANARY, AGENT_TOKEN_CANARY];

testTransport({
  name: "agent (Secrets Manager Agent)",
  skip: ["writes"],
  async setup(fixtures) {
    const fake = await startFakeAgent({ fixtures });
    return { transport: agentTransport({ port: fake.port, token: AGENT_TOKEN_CANARY }), cleanup: fake.close };
  },
});

testTransport({
  name: "agent (Lambda extension)",
  skip: ["writes"],
  async setup(fixtures) {
    const fake = await startFakeAgent({ fixtures, flavor: "lambda-extension" });
    return {
      transport: agentTransport({ port: fake.port, token: AGENT_TOKEN_CANARY, flavor: "lambda-extension" }),
      cleanup: fake.close,
    };
  },
});

/** Records the backoff delays instead of waiting them out. */
function recordingSleep(): { delays: number[]; sleep: (ms: number) => Promise<void> } {
  const delays: number[] = [];
  return { delays, sleep: async (ms) => void delays.push(ms) };
}

describe("agentTransport against a fake Secrets Manager Agent", () => {
  let fake: FakeAgent;
  const opened: { close(): void }[] = [];

  beforeAll(async () => {
    fake = await startFakeAgent({ fixtures: FIXTURES });
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    for (const transport of opened.splice(0)) transport.close();
  });
  afterAll(() => fake.close());

  const transport = (options: AgentTransportOptions = {}) => {
    const built = agentTransport({ port: fake.port, token: AGENT_TOKEN_CANARY, sleep: async () => {}, ...options });
    opened.push(built);
    return built;
  };
  // The transport's own behaviour, without the short client cache a client puts in front of the agent.
  const client = (options: AgentTransportOptions = {}) =>
    createSecretsClient({ transport: transport(options), cache: false });
  const lastRead = () => fake.reads().at(-1);

  describe("requests", () => {
    it("sends a query-style GET with the token header to 127.0.0.1", async () => {
      await client().getSecret("app/text");

      const request = lastRead();
      expect(request?.method).toBe("GET");
      expect(request?.pathname).toBe("/secretsmanager/get");
      expect(request?.headers.host).toBe(`127.0.0.1:${fake.port}`);
      expect(request?.headers["x-aws-parameters-secrets-token"]).toBe(AGENT_TOKEN_CANARY);
    });

    it("percent-encodes the id, so + and / reach the agent as written", async () => {
      await rejectionOf(client().getSecret("team+a/db key"));

      expect(lastRead()?.url).toBe("/secretsmanager/get?secretId=team%2Ba%2Fdb%20key");
      expect(lastRead()?.query.get("secretId")).toBe("team+a/db key");
    });

    it("passes versionId and versionStage through", async () => {
      await client().getSecret("app/versioned", { versionId: CURRENT_VERSION, versionStage: "AWSCURRENT" });

      expect(lastRead()?.url).toBe(
        `/secretsmanager/get?secretId=app%2Fversioned&versionId=${CURRENT_VERSION}&versionStage=AWSCURRENT`,
      );
    });

    it("never sends X-Forwarded-For or any header beyond host, connection and the token", async () => {
      await client().getSecret("app/text");

      expect(Object.keys(lastRead()?.headers ?? {}).sort()).toEqual([
        "connection",
        "host",
        "x-aws-parameters-secrets-token",
      ]);
    });

    it("sends the token in a configured header", async () => {
      await client({ header: "X-Vault-Token" }).getSecret("app/text");

      expect(lastRead()?.headers["x-vault-token"]).toBe(AGENT_TOKEN_CANARY);
    });

    it("sends refreshNow=true for forceRefresh, and nothing otherwise", async () => {
      const secrets = client();

      await secrets.getSecret("app/text", { forceRefresh: true });
      const refreshed = lastRead();
      await secrets.getSecret("app/text");

      expect(refreshed?.query.get("refreshNow")).toBe("true");
      expect(lastRead()?.query.has("refreshNow")).toBe(false);
    });

    it("is cached by the client for 5 seconds by default, in front of the agent's own cache", async () => {
      let now = 0;
      const secrets = createSecretsClient({ transport: transport(), cache: { clock: () => now } });
      const before = fake.reads().length;

      await secrets.getSecret("app/text");
      now = 4_000;
      await secrets.getSecret("app/text");
      expect(fake.reads().length - before).toBe(1);

      now = 5_600; // past ttlMs (5 s) + maxStaleMs (0.5 s): the reader waits for a fresh value
      await secrets.getSecret("app/text");
      expect(fake.reads().length - before).toBe(2);
      await secrets.close();
    });

    it("makes one request for 1,000 concurrent reads of one id, with the client cache on or off", async () => {
      for (const cache of [undefined, false] as const) {
        const secrets = createSecretsClient({ transport: transport(), cache });
        const before = fake.reads().length;

        const values = await Promise.all(Array.from({ length: 1_000 }, () => secrets.getSecret("app/text")));

        expect(new Set(values).size).toBe(1);
        expect(fake.reads().length - before).toBe(1);
        await secrets.close();
      }
    });

    it("reuses one keep-alive connection for sequential reads", async () => {
      const secrets = client();
      const before = fake.connections();

      for (let index = 0; index < 5; index++) await secrets.getSecret("app/text");

      expect(fake.connections() - before).toBe(1);
    });

    it("closes its keep-alive sockets on close()", async () => {
      const built = transport();
      await built.getSecretValue({ id: "app/text" });
      const open = fake.openConnections();

      built.close();
      await vi.waitFor(() => expect(fake.openConnections()).toBe(open - 1));
    });

    it("takes its port from PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", async () => {
      vi.stubEnv("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", String(fake.port));
      const built = agentTransport({ token: AGENT_TOKEN_CANARY });
      opened.push(built);

      expect(built.endpoint).toBe(`http://127.0.0.1:${fake.port}`);
      expect((await built.getSecretValue({ id: "app/text" })).secretString).toBe(`text-${CANARY}`);
    });

    it("rejects a port variable that is not a port as CONFIG", () => {
      vi.stubEnv("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", "http");

      const error = rejectionOfSync(() => agentTransport());

      expect(isSecretsError(error, "CONFIG")).toBe(true);
    });

    it("ignores the port variable, even a malformed one, when a port is given", async () => {
      vi.stubEnv("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", "http");

      const built = transport();

      expect(built.endpoint).toBe(`http://127.0.0.1:${fake.port}`);
      expect((await built.getSecretValue({ id: "app/text" })).secretString).toBe(`text-${CANARY}`);
    });
  });

  describe("responses", () => {
    it("reads the agent's epoch-seconds CreatedDate string", async () => {
      const value = await client().getSecretValue("app/json");

      expect(value.createdDate?.toISOString()).toBe("2019-09-26T21:53:09.046Z");
      expect(value.arn).toBe(fakeArn("app/json"));
      expect(value.versionStages).toEqual(["AWSCURRENT"]);
    });

    it("reads a CreatedDate given as an RFC 3339 string or an epoch-seconds number", async () => {
      const body = (created: unknown) => JSON.stringify({ Name: "n", SecretString: "v", CreatedDate: created });
      fake.failNext(
        { status: 200, body: body("2022-11-16T08:22:40.499Z") },
        { status: 200, body: body(1_668_586_960.499) },
        { status: 200, body: body(null) },
      );
      const secrets = client();

      const rfc = await secrets.getSecretValue("n");
      const number = await secrets.getSecretValue("n");
      const missing = await secrets.getSecretValue("n");

      expect(rfc.createdDate?.toISOString()).toBe("2022-11-16T08:22:40.499Z");
      expect(number.createdDate?.toISOString()).toBe("2022-11-16T08:22:40.499Z");
      expect(missing.createdDate).toBeUndefined();
    });

    it("decodes a base64 SecretBinary into bytes", async () => {
      fake.failNext({ status: 200, body: JSON.stringify({ Name: "bin", SecretBinary: "AAH//w==" }) });

      expect(await client().getSecretBinary("bin")).toEqual(Uint8Array.from([0, 1, 255, 255]));
    });
  });

  describe("errors", () => {
    const plainTextCases: [string, number, string, SecretsErrorCode][] = [
      ["an unknown parameter", 400, "unknown parameter: SecretId", "INVALID_REQUEST"],
      ["a missing secretId", 400, "missing parameter secretId", "INVALID_REQUEST"],
      ["a bad refreshNow", 400, "invalid refreshNow value", "INVALID_REQUEST"],
      ["X-Forwarded-For added on the way", 400, "Forwarded", "CONFIG"],
      ["a route the server lacks", 404, "Not found", "CONFIG"],
      ["a refused method", 405, "Not allowed", "INVALID_REQUEST"],
      ["a bad token", 403, "Bad Token", "AGENT_TOKEN"],
    ];
    for (const [label, status, body, code] of plainTextCases) {
      it(`maps the plain-text ${status} for ${label} to ${code}, quoting the agent's text`, async () => {
        fake.failNext({ status, body });

        const error = await rejectionOf(client().getSecret("app/json"));

        expect(isSecretsError(error, code)).toBe(true);
        expect((error as Error).message).toContain(`${status} ${body}`);
        expect((error as { status?: number }).status).toBe(status);
        expect(fake.reads().at(-1)?.query.get("secretId")).toBe("app/json");
      });
    }

    const upstreamCases: [string, number, string, SecretsErrorCode][] = [
      ["access denied", 400, "AccessDeniedException", "ACCESS_DENIED"],
      ["a decryption failure", 400, "DecryptionFailure", "DECRYPTION_FAILED"],
      ["a secret scheduled for deletion", 400, "InvalidRequestException", "INVALID_REQUEST"],
      ["expired credentials", 400, "ExpiredTokenException", "CREDENTIALS"],
      ["a short versionId", 400, "ValidationException", "INVALID_REQUEST"],
      ["a not-found", 400, "ResourceNotFoundException", "NOT_FOUND"],
    ];
    for (const [label, status, type, code] of upstreamCases) {
      it(`maps an upstream ${label} (${type}) to ${code}, keeping name and message as cause`, async () => {
        fake.failNext({ status, body: `{"__type":"${type}", "message":"${type} for app/json"}` });

        const error = await rejectionOf(client().getSecret("app/json"));

        expect(isSecretsError(error, code)).toBe(true);
        expect((error as Error).message).toBe(
          `[secretwrangler] [agent] getSecretValue "app/json" failed (${code}): ${status} ${type}`,
        );
        expect((error as Error).cause).toMatchObject({ name: type, message: `${type} for app/json` });
        expect(fake.reads().at(-1)?.query.get("secretId")).toBe("app/json");
      });
    }

    it("reads the name and message of an upstream error whose message broke the JSON", async () => {
      const message = 'User: arn:aws:iam::1:role/x is not authorized: "secretsmanager:GetSecretValue" \\ denied';
      fake.failNext({ status: 400, body: `{"__type":"AccessDeniedException", "message":"${message}"}` });

      const error = await rejectionOf(client().getSecret("app/json"));

      expect(isSecretsError(error, "ACCESS_DENIED")).toBe(true);
      expect((error as Error).cause).toMatchObject({ name: "AccessDeniedException", message });
    });

    it("caps the length of an upstream message", async () => {
      fake.failNext({ status: 400, body: `{"__type":"AccessDeniedException", "message":"${"x".repeat(5_000)}"}` });

      const error = await rejectionOf(client().getSecret("app/json"));

      expect(((error as Error).cause as Error).message.length).toBe(300);
    });

    it("maps an upstream 504 TimeoutError to TIMEOUT after the retries", async () => {
      const { delays, sleep } = recordingSleep();
      const timeout = { status: 504, body: '{"__type":"TimeoutError", "message":"Timeout"}' };
      fake.failNext(timeout, timeout, timeout, timeout);

      const error = await rejectionOf(client({ sleep }).getSecret("app/json"));

      expect(isSecretsError(error, "TIMEOUT")).toBe(true);
      expect(delays).toHaveLength(3);
    });

    it("maps an unknown plain-text body to a code from the status without quoting it", async () => {
      fake.failNext({ status: 418, body: `teapot ${CANARY}` });

      const error = await rejectionOf(client().getSecret("app/json"));

      expect(isSecretsError(error, "INVALID_REQUEST")).toBe(true);
      expect((error as Error).message).toContain(`418 (a ${7 + CANARY.length}-character body)`);
      expectNoLeak(error, NO_LEAK);
    });

    it("maps a 200 that is not JSON to TRANSPORT without quoting it", async () => {
      fake.failNext({ status: 200, body: `{"Name":"app/json","SecretString":"${CANARY}` });

      const error = await rejectionOf(client().getSecret("app/json"));

      expect(isSecretsError(error, "TRANSPORT")).toBe(true);
      expect((error as Error).message).toContain("not valid JSON");
      expectNoLeak(error, NO_LEAK);
    });

    it("maps a 200 without a secret value to TRANSPORT", async () => {
      fake.failNext({ status: 200, body: JSON.stringify({ Name: "app/json", Other: CANARY }) });

      const error = await rejectionOf(client().getSecret("app/json"));

      expect(isSecretsError(error, "TRANSPORT")).toBe(true);
      expectNoLeak(error, NO_LEAK);
    });
  });

  describe("retries", () => {
    it("retries 429, 502, 503 and 500 with growing jittered delays, then succeeds", async () => {
      const { delays, sleep } = recordingSleep();
      const before = fake.reads().length;
      fake.failNext(
        { status: 429, body: "Connection limit exceeded" },
        { status: 502, body: '{"__type":"ConnectionError", "message":"Read Error"}' },
        { status: 503, body: "" },
      );

      const value = await client({ sleep, retryDelayMs: 100 }).getSecret("app/text");

      expect(value).toBe(`text-${CANARY}`);
      expect(fake.reads().length - before).toBe(4);
      expect(delays).toHaveLength(3);
      for (const [attempt, delay] of delays.entries()) {
        expect(delay).toBeGreaterThanOrEqual(50 * 2 ** attempt);
        expect(delay).toBeLessThanOrEqual(100 * 2 ** attempt);
      }
    });

    it("closes the connection a 429 came on and retries on a new one", async () => {
      const before = fake.connections();
      fake.failNext({ status: 429, body: "Connection limit exceeded" });

      await client().getSecret("app/text");

      expect(fake.connections() - before).toBe(2);
    });

    it("retries an upstream ThrottlingException", async () => {
      fake.failNext({ status: 400, body: '{"__type":"ThrottlingException", "message":"Rate exceeded"}' });

      expect(await client().getSecret("app/text")).toBe(`text-${CANARY}`);
    });

    it("gives up after the configured retries with THROTTLED, marked retryable", async () => {
      const { delays, sleep } = recordingSleep();
      const limit = { status: 429, body: "Connection limit exceeded" };
      fake.failNext(limit, limit, limit);

      const error = await rejectionOf(client({ sleep, retries: 2 }).getSecret("app/text"));

      expect(isSecretsError(error, "THROTTLED")).toBe(true);
      expect((error as { retryable: boolean }).retryable).toBe(true);
      expect(delays).toHaveLength(2);
    });

    const noRetry: [string, { status: number; body: string }][] = [
      ["a 403 Bad Token", { status: 403, body: "Bad Token" }],
      ["a not-found", { status: 400, body: '{"__type":"ResourceNotFoundException", "message":"nope"}' }],
      ["an access denied", { status: 400, body: '{"__type":"AccessDeniedException", "message":"no"}' }],
    ];
    for (const [label, reply] of noRetry) {
      it(`never retries ${label}`, async () => {
        const { delays, sleep } = recordingSleep();
        const before = fake.reads().length;
        fake.failNext(reply);

        await rejectionOf(client({ sleep }).getSecret("app/json"));

        expect(fake.reads().length - before).toBe(1);
        expect(delays).toEqual([]);
      });
    }

    it("never reuses a socket past its age limit, however long it sat in the pool, and closes it", async () => {
      const own = await startFakeAgent();
      let now = 0;
      const http = createAgentHttp({ host: "127.0.0.1", port: own.port, maxSockets: 4, now: () => now });
      const get = () => http.get({ path: "/ping", headers: {}, timeoutMs: 1_000 });

      try {
        await get();
        now = 49_000;
        await get(); // young enough: reused, then pooled again at 49 s
        now = 79_000; // idle for 30 s more: past the agent's 61 s connection lifetime
        await get();

        const [first, second, third] = own.requests.map((request) => request.connection);
        expect(second).toBe(first);
        expect(third).not.toBe(first);
        await vi.waitFor(() => expect(own.openConnections()).toBe(1));
      } finally {
        http.close();
        await own.close();
      }
    });

    it("retries once at once when a reused keep-alive socket was reset, without spending a retry", async () => {
      const secrets = client({ retries: 0 });
      await secrets.getSecret("app/text");
      const before = fake.reads().length;
      fake.failNext({ reset: true });

      const value = await secrets.getSecret("app/text");

      const [reset, retry] = fake.reads().slice(before);
      expect(value).toBe(`text-${CANARY}`);
      expect(retry?.connection).not.toBe(reset?.connection);
      expect(fake.reads().length - before).toBe(2);
    });

    it("maps a reset on a fresh socket to TRANSPORT once the retries are spent", async () => {
      fake.failNext({ reset: true });

      const error = await rejectionOf(client({ retries: 0 }).getSecret("app/text"));

      expect(isSecretsError(error, "TRANSPORT")).toBe(true);
      expect((error as { retryable: boolean }).retryable).toBe(true);
      expect((error as Error).message).toContain("ECONNRESET");
    });

    it("retries a refused connection until the agent starts, then reads", async () => {
      const port = await freePort();
      let late: FakeAgent | undefined;
      const delays: number[] = [];
      const built = agentTransport({
        port,
        token: AGENT_TOKEN_CANARY,
        sleep: async (ms) => {
          delays.push(ms);
          late ??= await startFakeAgent({ fixtures: FIXTURES, port });
        },
      });
      opened.push(built);

      try {
        const value = await built.getSecretValue({ id: "app/text" });

        expect(value.secretString).toBe(`text-${CANARY}`);
        expect(delays).toHaveLength(1);
      } finally {
        await late?.close();
      }
    });

    it("throws AGENT_UNREACHABLE with a hint when nothing ever answers", async () => {
      const { delays, sleep } = recordingSleep();
      const built = agentTransport({ port: await freePort(), token: AGENT_TOKEN_CANARY, sleep });

      const error = await rejectionOf(createSecretsClient({ transport: built }).getSecret("app/text"));

      expect(isSecretsError(error, "AGENT_UNREACHABLE")).toBe(true);
      expect((error as Error).message).toMatch(
        /ECONNREFUSED.*Start the Secrets Manager Agent.*SECRETWRANGLER_TRANSPORT=sdk/,
      );
      expect(delays).toHaveLength(3);
      expectNoLeak(error, NO_LEAK);
    });
  });

  describe("time limits and cancellation", () => {
    it("throws TIMEOUT when one attempt outlives timeoutMs", async () => {
      fake.failNext({ hang: true });

      const error = await rejectionOf(client({ timeoutMs: 50, retries: 0 }).getSecret("app/text"));

      expect(isSecretsError(error, "TIMEOUT")).toBe(true);
      expect((error as Error).message).toContain("no response within 50 ms");
      expect((error as { retryable: boolean }).retryable).toBe(true);
    });

    it("throws ABORTED when the signal fires during a request", async () => {
      fake.failNext({ hang: true });
      const controller = new AbortController();
      const before = fake.reads().length;

      const pending = rejectionOf(client().getSecret("app/text", { signal: controller.signal }));
      await vi.waitFor(() => expect(fake.reads().length).toBe(before + 1));
      controller.abort();

      expect(isSecretsError(await pending, "ABORTED")).toBe(true);
    });

    it("throws ABORTED without a request for a signal that already fired", async () => {
      const before = fake.reads().length;

      const error = await rejectionOf(client().getSecret("app/text", { signal: AbortSignal.abort() }));

      expect(isSecretsError(error, "ABORTED")).toBe(true);
      expect(fake.reads().length).toBe(before);
    });

    it("throws ABORTED when the signal fires during a backoff", async () => {
      const controller = new AbortController();
      fake.failNext({ status: 503, body: "" });

      const error = await rejectionOf(
        client({
          sleep: async () => {
            controller.abort();
            throw new Error("aborted");
          },
        }).getSecret("app/text", { signal: controller.signal }),
      );

      expect(isSecretsError(error, "ABORTED")).toBe(true);
    });
  });

  describe("token", () => {
    const tokenClient = (options: AgentTransportOptions = {}) => client({ token: undefined, ...options });

    it("reads the token from AWS_TOKEN before AWS_SESSION_TOKEN", async () => {
      vi.stubEnv("AWS_TOKEN", AGENT_TOKEN_CANARY);
      vi.stubEnv("AWS_SESSION_TOKEN", "session-token");

      await tokenClient().getSecret("app/text");

      expect(lastRead()?.headers["x-aws-parameters-secrets-token"]).toBe(AGENT_TOKEN_CANARY);
    });

    it("reads the token from AWS_SESSION_TOKEN, then AWS_CONTAINER_AUTHORIZATION_TOKEN", async () => {
      vi.stubEnv("AWS_CONTAINER_AUTHORIZATION_TOKEN", AGENT_TOKEN_CANARY);

      expect(await tokenClient().getSecret("app/text")).toBe(`text-${CANARY}`);
    });

    it("reads a file:// token file and trims it, as the agent does", async () => {
      const dir = mkdtempSync(join(tmpdir(), "agent-token-"));
      writeFileSync(join(dir, "awssmatoken"), `${AGENT_TOKEN_CANARY}\n`);
      vi.stubEnv("AWS_TOKEN", `file://${join(dir, "awssmatoken")}`);

      try {
        expect(await tokenClient().getSecret("app/text")).toBe(`text-${CANARY}`);
      } finally {
        rmSync(dir, { recursive: true });
      }
    });

    it("re-reads a token file after a 403, for an agent restarted with a new token", async () => {
      const dir = mkdtempSync(join(tmpdir(), "agent-token-"));
      const file = join(dir, "awssmatoken");
      writeFileSync(file, "token-of-the-previous-agent\n");
      const secrets = tokenClient({ token: `file://${file}` });
      const before = fake.reads().length;
      await rejectionOf(secrets.getSecret("app/text"));
      writeFileSync(file, `${AGENT_TOKEN_CANARY}\n`);

      try {
        expect(await secrets.getSecret("app/text")).toBe(`text-${CANARY}`);
        expect(fake.reads().length - before).toBe(3);
      } finally {
        rmSync(dir, { recursive: true });
      }
    });

    it("uses the variables named by tokenEnv", async () => {
      vi.stubEnv("MY_AGENT_TOKEN", AGENT_TOKEN_CANARY);
      vi.stubEnv("AWS_TOKEN", "not-this-one");

      expect(await tokenClient({ tokenEnv: "MY_AGENT_TOKEN" }).getSecret("app/text")).toBe(`text-${CANARY}`);
    });

    it("throws AGENT_TOKEN naming the variables when no token is set, before any request", async () => {
      const before = fake.reads().length;

      const error = await rejectionOf(tokenClient().getSecret("app/text"));

      expect(isSecretsError(error, "AGENT_TOKEN")).toBe(true);
      expect((error as Error).message).toContain("AWS_TOKEN, AWS_SESSION_TOKEN, AWS_CONTAINER_AUTHORIZATION_TOKEN");
      expect((error as { secretId?: string }).secretId).toBe("app/text");
      expect(fake.reads().length).toBe(before);
    });

    it("throws AGENT_TOKEN for an unreadable token file", async () => {
      vi.stubEnv("AWS_TOKEN", "file:///nonexistent/secretwrangler/awssmatoken");

      const error = await rejectionOf(tokenClient().getSecret("app/text"));

      expect(isSecretsError(error, "AGENT_TOKEN")).toBe(true);
      expect((error as Error).message).toContain("/nonexistent/secretwrangler/awssmatoken");
    });

    it("throws AGENT_TOKEN for a wrong token without showing either token", async () => {
      const error = await rejectionOf(client({ token: `wrong-${CANARY}` }).getSecret("app/text"));

      expect(isSecretsError(error, "AGENT_TOKEN")).toBe(true);
      expect((error as Error).message).toContain("403 Bad Token");
      expectNoLeak(error, NO_LEAK);
    });

    it("keeps the token out of util.inspect and JSON of the transport", async () => {
      vi.stubEnv("AWS_TOKEN", AGENT_TOKEN_CANARY);
      const built = transport({ token: undefined });
      await built.getSecretValue({ id: "app/text" });
      const explicit = transport();

      for (const candidate of [built, explicit]) {
        expect(inspect(candidate, { depth: 10, showHidden: true })).not.toContain(AGENT_TOKEN_CANARY);
        expect(JSON.stringify(candidate)).not.toContain(AGENT_TOKEN_CANARY);
      }
    });
  });

  describe("host", () => {
    it("refuses a host that is not loopback as an ArgumentError (an option value, not the environment)", () => {
      const error = rejectionOfSync(() => agentTransport({ host: "10.0.0.5", token: AGENT_TOKEN_CANARY }));

      expect(error).toBeInstanceOf(ArgumentError);
      expect(isSecretsError(error)).toBe(false);
      expect((error as Error).message).toContain("allowRemoteHost");
      expectNoLeak(error, NO_LEAK);
    });

    it("accepts a remote host when allowRemoteHost is set", () => {
      const built = agentTransport({ host: "agent.internal", allowRemoteHost: true });
      opened.push(built);

      expect(built.endpoint).toBe("http://agent.internal:2773");
    });

    it("accepts loopback hosts", () => {
      const hosts = ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"];

      const endpoints = hosts.map((host) => {
        const built = agentTransport({ host });
        opened.push(built);
        return built.endpoint;
      });

      expect(endpoints).toEqual([
        "http://127.0.0.1:2773",
        "http://127.0.0.2:2773",
        "http://localhost:2773",
        "http://[::1]:2773",
        "http://[::1]:2773",
      ]);
    });

    it("rejects a host with a scheme or a port, and X-Forwarded-For as the token header", () => {
      expect(() => agentTransport({ host: "http://127.0.0.1" })).toThrow(TypeError);
      expect(() => agentTransport({ host: "127.0.0.1:2773" })).toThrow(TypeError);
      expect(() => agentTransport({ header: "X-Forwarded-For" })).toThrow(TypeError);
    });
  });

  it("leaks neither a secret nor the token on any error path", async () => {
    const errors: unknown[] = [];
    const replies = [
      { status: 500, body: `boom ${CANARY} ${AGENT_TOKEN_CANARY}` },
      { status: 400, body: `{"__type":"Weird Type ${CANARY}", "message":"x"}` },
      { status: 200, body: `{"SecretString":"${CANARY}` },
      { status: 200, body: `[${JSON.stringify(CANARY)}]` },
      { status: 403, body: `Bad Token ${AGENT_TOKEN_CANARY}` },
      { status: 404, body: CANARY },
    ];
    for (const reply of replies) {
      fake.failNext(reply);
      errors.push(await rejectionOf(client({ retries: 0 }).getSecret("app/json")));
    }
    fake.failNext({ hang: true });
    errors.push(await rejectionOf(client({ timeoutMs: 20, retries: 0 }).getSecret("app/json")));
    errors.push(await rejectionOf(client({ token: CANARY }).getSecret("app/json")));
    errors.push(await rejectionOf(client().getSecret("app/binary")));
    errors.push(await rejectionOf(client().getSecretJson("app/not-json")));
    errors.push(await rejectionOf(client({ port: await freePort(), retries: 0 }).getSecret("app/json")));

    expect(errors).toHaveLength(11);
    for (const error of errors) {
      expect(isSecretsError(error)).toBe(true);
      expectNoLeak(error, NO_LEAK);
    }
  });
});

describe("agentTransport against a fake Lambda extension", () => {
  let fake: FakeAgent;
  const opened: { close(): void }[] = [];

  beforeAll(async () => {
    fake = await startFakeAgent({
      fixtures: FIXTURES,
      flavor: "lambda-extension",
      parameters: {
        "/app/prod/url": { type: "String", versions: [{ version: 1, value: "https://example.test" }] },
        "/app/prod/hosts": { type: "StringList", versions: [{ version: 1, value: "a,b" }] },
        "/app/prod/key": {
          type: "SecureString",
          versions: [
            { version: 1, value: `old-${CANARY}`, labels: ["previous"] },
            { version: 2, value: `key-${CANARY}`, labels: ["live"] },
          ],
        },
      },
    });
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    for (const transport of opened.splice(0)) transport.close();
  });
  afterAll(() => fake.close());

  const transport = (options: AgentTransportOptions = {}) => {
    const built = agentTransport({ port: fake.port, token: AGENT_TOKEN_CANARY, sleep: async () => {}, ...options });
    opened.push(built);
    return built;
  };
  const lastRead = () => fake.reads().at(-1);

  it("reads the extension's RFC 3339 CreatedDate and ignores its nulls and ResultMetadata", async () => {
    const value = await createSecretsClient({ transport: transport() }).getSecretValue("app/text");

    expect(value).toEqual({
      name: "app/text",
      arn: fakeArn("app/text"),
      versionId: CURRENT_VERSION,
      versionStages: ["AWSCURRENT"],
      createdDate: new Date("2019-09-26T21:53:09.046Z"),
      secretString: `text-${CANARY}`,
      secretBinary: undefined,
    });
  });

  it("maps the extension's generic 400 to NOT_FOUND, saying it may be access denied or a bad version", async () => {
    const error = await rejectionOf(createSecretsClient({ transport: transport() }).getSecret("app/missing"));

    expect(isSecretsError(error, "NOT_FOUND")).toBe(true);
    expect((error as { retryable: boolean }).retryable).toBe(false);
    const message = (error as Error).message;
    expect(message).toContain("400 an unexpected error occurred while executing request");
    expect(message).toContain("Not necessarily missing");
    expect(message).toContain("access denied");
    expect(message).toContain("unknown version");
    expect(message).toContain("CloudWatch");
  });

  it("does not send refreshNow to the extension once a response showed it is one", async () => {
    const built = transport();
    await built.getSecretValue({ id: "app/text" });

    const value = await built.getSecretValue({ id: "app/text", forceRefresh: true });

    expect(value.secretString).toBe(`text-${CANARY}`);
    expect(lastRead()?.query.has("refreshNow")).toBe(false);
  });

  it("assumes the extension inside Lambda, so a first forceRefresh sends no refreshNow", async () => {
    vi.stubEnv("AWS_LAMBDA_FUNCTION_NAME", "my-function");

    await transport().getSecretValue({ id: "app/text", forceRefresh: true });

    expect(lastRead()?.query.has("refreshNow")).toBe(false);
  });

  it("reads the token from AWS_SESSION_TOKEN for the extension flavour, skipping AWS_TOKEN", async () => {
    vi.stubEnv("AWS_TOKEN", "an-unrelated-token");
    vi.stubEnv("AWS_SESSION_TOKEN", AGENT_TOKEN_CANARY);

    const value = await transport({ token: undefined, flavor: "lambda-extension" }).getSecretValue({ id: "app/text" });

    expect(value.secretString).toBe(`text-${CANARY}`);
  });

  it("maps a rejected token to AGENT_TOKEN", async () => {
    const error = await rejectionOf(transport({ token: "wrong" }).getSecretValue({ id: "app/text" }));

    expect(isSecretsError(error, "AGENT_TOKEN")).toBe(true);
  });

  describe("getParameter", () => {
    it("reads a String parameter with its metadata, the name percent-encoded", async () => {
      const record = await transport().getParameter({ name: "/app/prod/url" });

      expect(lastRead()?.url).toBe("/systemsmanager/parameters/get?name=%2Fapp%2Fprod%2Furl&withDecryption=true");
      expect(record).toEqual({
        name: "/app/prod/url",
        type: "String",
        value: "https://example.test",
        version: 1,
        arn: "arn:aws:ssm:us-east-1:123456789012:parameter/app/prod/url",
        lastModifiedDate: new Date("2024-05-06T07:08:09.123Z"),
        dataType: "text",
        selector: undefined,
        sourceResult: undefined,
      });
    });

    it("decrypts a SecureString by default, as the SDK transport does (the extension's default is false)", async () => {
      const record = await transport().getParameter({ name: "/app/prod/key" });

      expect(lastRead()?.query.get("withDecryption")).toBe("true");
      expect(record.value).toBe(`key-${CANARY}`);
      expect(record.type).toBe("SecureString");
    });

    it("sends withDecryption=false when decrypt is false, and gets the ciphertext", async () => {
      const record = await transport().getParameter({ name: "/app/prod/key", decrypt: false });

      expect(lastRead()?.query.get("withDecryption")).toBe("false");
      expect(record.value).not.toContain(CANARY);
    });

    it("reads a version or a label, reporting the selector", async () => {
      const byVersion = await transport().getParameter({ name: "/app/prod/key", version: 1, decrypt: true });
      const byLabel = await transport().getParameter({ name: "/app/prod/key", label: "live", decrypt: true });

      expect([byVersion.value, byVersion.selector]).toEqual([`old-${CANARY}`, ":1"]);
      expect([byLabel.value, byLabel.selector]).toEqual([`key-${CANARY}`, ":live"]);
      expect(lastRead()?.url).toBe(
        "/systemsmanager/parameters/get?name=%2Fapp%2Fprod%2Fkey&label=live&withDecryption=true",
      );
    });

    it("keeps a StringList comma-joined", async () => {
      expect((await transport().getParameter({ name: "/app/prod/hosts" })).value).toBe("a,b");
    });

    it("throws NOT_FOUND for a missing parameter", async () => {
      const error = await rejectionOf(transport().getParameter({ name: "/app/missing" }));

      expect(isSecretsError(error, "NOT_FOUND")).toBe(true);
      expect((error as Error).message).toContain('getParameter "/app/missing" failed');
    });

    it("refuses both a version and a label as INVALID_REQUEST, without a request", async () => {
      const before = fake.reads().length;

      const error = await rejectionOf(transport().getParameter({ name: "/app/prod/key", version: 1, label: "live" }));

      expect(isSecretsError(error, "INVALID_REQUEST")).toBe(true);
      expect(fake.reads().length).toBe(before);
    });

    it("maps a 200 without a valid Parameter to TRANSPORT without quoting it", async () => {
      fake.failNext({ status: 200, body: JSON.stringify({ Parameter: { Name: "/x", Value: CANARY } }) });

      const error = await rejectionOf(transport().getParameter({ name: "/x" }));

      expect(isSecretsError(error, "TRANSPORT")).toBe(true);
      expectNoLeak(error, NO_LEAK);
    });
  });
});

describe("getParameter on the Secrets Manager Agent", () => {
  it("throws CONFIG: the agent has no SSM route", async () => {
    const fake = await startFakeAgent({ fixtures: FIXTURES });
    const built = agentTransport({ port: fake.port, token: AGENT_TOKEN_CANARY });

    try {
      const error = await rejectionOf(built.getParameter({ name: "/app/prod/url" }));

      expect(isSecretsError(error, "CONFIG")).toBe(true);
      expect((error as Error).message).toContain(
        "The Secrets Manager Agent has no SSM route; use the Lambda extension or the sdk transport",
      );
      expect(fake.reads().at(-1)?.pathname).toBe("/systemsmanager/parameters/get");
    } finally {
      built.close();
      await fake.close();
    }
  });
});

describe("choosing the agent by configuration", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("reads through the agent with SECRETWRANGLER_TRANSPORT=agent and the agent's variables alone", async () => {
    const fake = await startFakeAgent({ fixtures: FIXTURES });
    vi.stubEnv("SECRETWRANGLER_TRANSPORT", "agent");
    vi.stubEnv("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", String(fake.port));
    vi.stubEnv("AWS_TOKEN", AGENT_TOKEN_CANARY);
    const secrets = createSecretsClient();

    try {
      expect(secrets.transport.name).toBe("agent");
      expect(await secrets.getSecretJson("app/json")).toEqual({ user: "app", password: CANARY });
    } finally {
      await secrets.close();
      await fake.close();
    }
  });
});

function rejectionOfSync(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}
