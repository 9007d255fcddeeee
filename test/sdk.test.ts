import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArgumentError } from "../src/core/errors.js";
import {
  createSecretsClient,
  isSecretsError,
  SecretsError,
  type SecretsErrorCode,
  sdkTransport,
} from "../src/index.js";
import { CHUNK_CONCURRENCY, settle, settleChunks } from "../src/transport/batch.js";
import type { BatchResult } from "../src/transport/types.js";
import { type AwsJsonHandler, awsError, startAwsJsonServer } from "./helpers/aws-json-server.js";
import { CANARY, expectNoLeak, rejectionOf } from "./helpers/canary.js";
import { fakeArn, startFakeSecretsManager } from "./helpers/fake-secrets-manager.js";
import { addSecretsManagerWrites } from "./helpers/fake-secrets-manager-writes.js";
import { CURRENT_VERSION, FIXTURES, type FixtureVersion } from "./helpers/fixtures.js";
import { countInFlight } from "./helpers/in-flight.js";
import { testTransport } from "./helpers/transport-contract.js";

testTransport({
  name: "sdk",
  async setup(fixtures) {
    const server = await startFakeSecretsManager(fixtures);
    addSecretsManagerWrites(server, fixtures);
    return { transport: sdkTransport({ endpoint: server.endpoint, region: "us-east-1" }), cleanup: server.close };
  },
});

describe("sdkTransport against a loopback Secrets Manager", () => {
  let server: Awaited<ReturnType<typeof startFakeSecretsManager>>;

  beforeAll(async () => {
    server = await startFakeSecretsManager(FIXTURES, 7);
  });
  afterAll(() => server.close());

  const client = (maxAttempts = 3) =>
    createSecretsClient({ transport: sdkTransport({ endpoint: server.endpoint, region: "us-east-1", maxAttempts }) });

  it("sends a signed GetSecretValue request with the id and version stage", async () => {
    const before = server.calls("GetSecretValue").length;

    await client().getSecret("app/versioned", { versionStage: "AWSPREVIOUS" });

    const request = server.calls("GetSecretValue")[before];
    expect(request?.body).toEqual({ SecretId: "app/versioned", VersionStage: "AWSPREVIOUS" });
    expect(String(request?.headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDTESTTESTTESTTEST\//);
    expect(request?.headers["x-amz-target"]).toBe("secretsmanager.GetSecretValue");
  });

  it("reads by full ARN and by partial ARN", async () => {
    const arn = fakeArn("app/text");

    expect(await client().getSecret(arn)).toBe(`text-${CANARY}`);
    expect(await client().getSecret(arn.slice(0, -7))).toBe(`text-${CANARY}`);
  });

  it("returns metadata with the ARN and a Date for CreatedDate", async () => {
    const value = await client().getSecretValue("app/json");

    expect(value.arn).toBe(fakeArn("app/json"));
    expect(value.versionId).toBe(CURRENT_VERSION);
    expect(value.createdDate).toBeInstanceOf(Date);
  });

  it("retries a throttled call and succeeds", async () => {
    let attempts = 0;
    server.handle({
      GetSecretValue: () => {
        attempts++;
        return attempts < 3
          ? awsError(400, "ThrottlingException", "Rate exceeded")
          : { body: { Name: "flaky", SecretString: "ok" } };
      },
    });

    expect(await client().getSecret("flaky")).toBe("ok");
    expect(attempts).toBe(3);
  });

  it("throws THROTTLED once retries are exhausted, marked retryable", async () => {
    server.handle({ GetSecretValue: () => awsError(400, "ThrottlingException", "Rate exceeded") });

    const error = await rejectionOf(client(2).getSecret("flaky"));

    expect(isSecretsError(error, "THROTTLED")).toBe(true);
    expect((error as { retryable: boolean }).retryable).toBe(true);
    expectNoLeak(error);
  });

  const errorCases: [string, number, string, SecretsErrorCode][] = [
    ["access denied", 400, "AccessDeniedException", "ACCESS_DENIED"],
    ["a decryption failure", 400, "DecryptionFailure", "DECRYPTION_FAILED"],
    ["a secret scheduled for deletion", 400, "InvalidRequestException", "INVALID_REQUEST"],
    ["an invalid parameter", 400, "InvalidParameterException", "INVALID_REQUEST"],
    ["an internal service error", 500, "InternalServiceError", "TRANSPORT"],
    ["an expired token", 400, "ExpiredTokenException", "CREDENTIALS"],
    ["a not-found", 400, "ResourceNotFoundException", "NOT_FOUND"],
  ];
  for (const [label, status, type, code] of errorCases) {
    it(`maps ${label} (${type}) to ${code}, keeping the SDK error as cause`, async () => {
      server.handle({ GetSecretValue: () => awsError(status, type, `${type} for app/json`) });

      const error = await rejectionOf(client(1).getSecret("app/json"));

      expect(isSecretsError(error, code)).toBe(true);
      expect((error as Error).message).toContain('"app/json"');
      expect((error as Error).message).toContain("[sdk]");
      expect(((error as Error).cause as Error).name).toBe(type);
      expectNoLeak(error);
    });
  }

  it("keeps the session token the call was signed with out of the error", async () => {
    const sessionToken = `token-${CANARY}`;
    server.handle({ GetSecretValue: () => awsError(400, "AccessDeniedException", "not allowed") });
    const secrets = createSecretsClient({
      transport: sdkTransport({
        endpoint: server.endpoint,
        region: "us-east-1",
        maxAttempts: 1,
        credentials: { accessKeyId: "AKIDTEST", secretAccessKey: `key-${CANARY}`, sessionToken },
      }),
    });

    const error = await rejectionOf(secrets.getSecret("app/json"));

    expect(isSecretsError(error, "ACCESS_DENIED")).toBe(true);
    expect(server.requests.at(-1)?.headers["x-amz-security-token"]).toBe(sessionToken);
    expectNoLeak(error, [sessionToken, `key-${CANARY}`]);
  });

  it("keeps the body of an unreadable response out of the error, message and stack included", async () => {
    server.handle({ GetSecretValue: () => ({ status: 200, raw: `${CANARY} is not json` }) });

    const error = await rejectionOf(client(1).getSecret("app/json"));

    expect(isSecretsError(error)).toBe(true);
    expectNoLeak(error);
  });

  it("maps a refused connection to TRANSPORT", async () => {
    const secrets = createSecretsClient({
      transport: sdkTransport({ endpoint: "http://127.0.0.1:9", region: "us-east-1", maxAttempts: 1 }),
    });

    const error = await rejectionOf(secrets.getSecret("app/json"));

    expect(isSecretsError(error, "TRANSPORT")).toBe(true);
  });

  it("maps an aborted call to ABORTED", async () => {
    server.handle({
      GetSecretValue: () => new Promise((resolve) => setTimeout(() => resolve({ body: { Name: "slow" } }), 2_000)),
    });

    const error = await rejectionOf(client().getSecret("slow", { signal: AbortSignal.timeout(50) }));

    expect(isSecretsError(error, "ABORTED")).toBe(true);
    expectNoLeak(error);
  });

  it("maps a request that outlives requestTimeoutMs to TIMEOUT", async () => {
    server.handle({
      GetSecretValue: () => new Promise((resolve) => setTimeout(() => resolve({ body: { Name: "slow" } }), 2_000)),
    });
    const secrets = createSecretsClient({
      transport: sdkTransport({
        endpoint: server.endpoint,
        region: "us-east-1",
        maxAttempts: 1,
        requestTimeoutMs: 100,
      }),
    });

    const error = await rejectionOf(secrets.getSecret("slow"));

    expect(isSecretsError(error, "TIMEOUT")).toBe(true);
    expect((error as { retryable: boolean }).retryable).toBe(true);
    expectNoLeak(error);
  });

  it("uses a caller-built SecretsManagerClient", async () => {
    server.handle({ GetSecretValue: () => ({ body: { Name: "own", SecretString: "from-own-client" } }) });
    const own = new SecretsManagerClient({ endpoint: server.endpoint, region: "eu-central-1" });
    const secrets = createSecretsClient({ transport: sdkTransport({ client: own }) });

    expect(await secrets.getSecret("own")).toBe("from-own-client");
    expect(String(server.requests.at(-1)?.headers.authorization)).toContain("/eu-central-1/secretsmanager/");
    own.destroy();
  });

  it("rejects a client mixed with client options as an ArgumentError", () => {
    const own = new SecretsManagerClient({ region: "us-east-1" });

    const attempt = () => sdkTransport({ client: own, region: "eu-west-1" } as never);

    expect(attempt).toThrow(ArgumentError);
    expect(attempt).toThrow(/pass either "client" or "region"/);
    own.destroy();
  });
});

describe("sdkTransport options", () => {
  it("rejects a session together with credentials as an ArgumentError", () => {
    const session = { client: () => ({}) as never };

    const attempt = () => sdkTransport({ session, credentials: { accessKeyId: "a", secretAccessKey: "b" } } as never);

    expect(attempt).toThrow(ArgumentError);
    expect(attempt).toThrow(/pass either "session" or "credentials"/);
  });
});

describe("sdkTransport batch reads", () => {
  it("reads 45 ids with BatchGetSecretValue in chunks of 20, following pages", async () => {
    const fixtures = Object.fromEntries(
      Array.from({ length: 44 }, (_, index) => [
        `batch/${index}`,
        [{ versionId: CURRENT_VERSION, stages: ["AWSCURRENT"], value: JSON.stringify({ index }) }],
      ]),
    );
    const server = await startFakeSecretsManager(fixtures, 7);
    const secrets = createSecretsClient({
      transport: sdkTransport({ endpoint: server.endpoint, region: "us-east-1" }),
    });
    const ids = [...Object.keys(fixtures), "batch/missing"];

    const results = await secrets.getSecretsJson<{ index: number }>(ids);

    expect(results).toHaveLength(45);
    expect(results.slice(0, 44).every((result, index) => result.ok && result.value.index === index)).toBe(true);
    const missing = results[44];
    expect(missing?.ok === false && missing.error.code).toBe("NOT_FOUND");
    const batchCalls = server.calls("BatchGetSecretValue");
    expect(batchCalls.every((call) => (call.body.SecretIdList as string[]).length <= 20)).toBe(true);
    expect(batchCalls.length).toBe(3 + 3 + 1); // 20 ids over 3 pages, 20 over 3, 5 over 1
    expect(server.calls("GetSecretValue")).toHaveLength(0);
    await server.close();
  });

  it("matches results requested by ARN", async () => {
    const server = await startFakeSecretsManager(FIXTURES);
    const secrets = createSecretsClient({
      transport: sdkTransport({ endpoint: server.endpoint, region: "us-east-1" }),
    });

    const [result] = await secrets.getSecretsJson([fakeArn("app/json")]);

    expect(result?.ok).toBe(true);
    await server.close();
  });

  it("matches a partial ARN only to the secret of exactly that name, not to a longer name", async () => {
    const current = (value: string): FixtureVersion[] => [
      { versionId: CURRENT_VERSION, stages: ["AWSCURRENT"], value: JSON.stringify(value) },
    ];
    const server = await startFakeSecretsManager({ prod: current("prod"), "prod-db": current("prod-db") });
    const secrets = createSecretsClient({
      transport: sdkTransport({ endpoint: server.endpoint, region: "us-east-1" }),
      cache: false,
    });
    const partial = (name: string) => fakeArn(name).slice(0, -"-AbCdEf".length);

    // The response lists prod-db first, and its ARN starts with "<partial ARN of prod>-".
    const results = await secrets.getSecretsJson([partial("prod-db"), partial("prod")]);

    expect(results.map((result) => result.ok && result.value)).toEqual(["prod-db", "prod"]);
    await server.close();
  });

  /** Answers every id with the JSON string `value-<id>`; a call holding `throttledId` is throttled. */
  function batchAnswering(throttledId?: string): AwsJsonHandler {
    return (body) => {
      const ids = body.SecretIdList as string[];
      if (throttledId !== undefined && ids.includes(throttledId)) {
        return awsError(400, "ThrottlingException", "Rate exceeded");
      }
      const values = ids.map((id) => ({ Name: id, ARN: fakeArn(id), SecretString: JSON.stringify(`value-${id}`) }));
      return { body: { SecretValues: values, Errors: [] } };
    };
  }

  it("fails only the ids of a throttled call, as THROTTLED, and keeps the other calls' values", async () => {
    const server = await startAwsJsonServer({ BatchGetSecretValue: batchAnswering("batch/25") });
    const secrets = createSecretsClient({
      transport: sdkTransport({ endpoint: server.endpoint, region: "us-east-1", maxAttempts: 1 }),
      cache: false,
    });
    const ids = Array.from({ length: 45 }, (_, index) => `batch/${index}`);

    const results = await secrets.getSecretsJson(ids);

    expect(results.map((result) => (result.ok ? result.value : result.error.code))).toEqual(
      ids.map((id, index) => (index >= 20 && index < 40 ? "THROTTLED" : `value-${id}`)),
    );
    const throttled = results[25];
    expect(throttled?.ok === false && throttled.error.retryable).toBe(true);
    expect(server.calls("BatchGetSecretValue")).toHaveLength(3);
    await server.close();
  });

  it(`keeps at most ${CHUNK_CONCURRENCY} BatchGetSecretValue calls in flight`, async () => {
    const counter = countInFlight(batchAnswering());
    const server = await startAwsJsonServer({ BatchGetSecretValue: counter.handler });
    const secrets = createSecretsClient({
      transport: sdkTransport({ endpoint: server.endpoint, region: "us-east-1" }),
      cache: false,
    });
    const ids = Array.from({ length: 180 }, (_, index) => `batch/${index}`);

    const results = await secrets.getSecretsJson(ids);

    expect(results.every((result) => result.ok)).toBe(true);
    expect(server.calls("BatchGetSecretValue")).toHaveLength(9);
    expect(counter.max()).toBe(CHUNK_CONCURRENCY);
    await server.close();
  });
});

describe("batch helpers", () => {
  const flush = () => new Promise((resolve) => setImmediate(resolve));
  const found = (chunk: readonly string[]): BatchResult<string>[] => chunk.map((id) => ({ id, ok: true, value: id }));

  it("starts the next chunk only when a running one settles, and keeps the input order", async () => {
    const started: string[] = [];
    const finish: (() => void)[] = [];
    const read = (chunk: readonly string[]) =>
      new Promise<BatchResult<string>[]>((resolve) => {
        started.push(...chunk);
        finish.push(() => resolve(found(chunk)));
      });

    const done = settleChunks(["a", "b", "c", "d", "e"], 1, 2, read);
    await flush();
    const atFirst = [...started];
    finish[1]?.();
    await flush();
    const afterOne = [...started];
    for (const release of finish) release();
    await flush();
    for (const release of finish) release();
    const results = await done;

    expect(atFirst).toEqual(["a", "b"]);
    expect(afterOne).toEqual(["a", "b", "c"]);
    expect(results.map((result) => result.id)).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("rejects the whole read when a chunk is aborted or fails with something other than a SecretsError", async () => {
    const aborted = new SecretsError({ code: "ABORTED", operation: "batchGetSecretValue" });
    const bug = new TypeError("bug");

    await expect(settleChunks(["a", "b"], 1, 2, async () => Promise.reject(aborted))).rejects.toBe(aborted);
    await expect(settleChunks(["a", "b"], 1, 2, async () => Promise.reject(bug))).rejects.toBe(bug);
    await expect(settle("a", Promise.reject(bug))).rejects.toBe(bug);
  });
});
