import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SSMClient } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSecretsClient, isSecretsError, type SecretsErrorCode, sdkTransport } from "../src/index.js";
import { CHUNK_CONCURRENCY } from "../src/transport/batch.js";
import { type AwsJsonHandler, type AwsJsonServer, awsError, startAwsJsonServer } from "./helpers/aws-json-server.js";
import { CANARY, expectNoLeak, rejectionOf } from "./helpers/canary.js";
import {
  fakeCiphertext,
  fakeParameterArn,
  type SsmFixtures,
  startFakeSsm,
  stringParameter,
} from "./helpers/fake-ssm.js";
import { countInFlight } from "./helpers/in-flight.js";

const FIXTURES: SsmFixtures = {
  "/app/api-url": stringParameter("https://api.example.com"),
  "/app/hosts": { type: "StringList", versions: [{ value: "a,b,c" }] },
  "/app/db/password": { type: "SecureString", versions: [{ value: CANARY }] },
  "/app/flag": { type: "String", versions: [{ value: "off" }, { value: "on", labels: ["live"] }, { value: "maybe" }] },
};

function clientFor(server: AwsJsonServer, maxAttempts = 3) {
  return createSecretsClient({
    transport: sdkTransport({ endpoint: server.endpoint, region: "us-east-1", maxAttempts }),
    cache: false,
  });
}

describe("sdkTransport parameters against a loopback SSM", () => {
  let server: AwsJsonServer;

  beforeAll(async () => {
    server = await startFakeSsm(FIXTURES, { secrets: { "prod/db": `{"password":"${CANARY}"}` } });
  });
  afterAll(() => server.close());

  it("sends a signed GetParameter with WithDecryption true by default", async () => {
    const before = server.calls("GetParameter").length;

    await clientFor(server).getParameter("/app/api-url");

    const request = server.calls("GetParameter")[before];
    expect(request?.body).toEqual({ Name: "/app/api-url", WithDecryption: true });
    expect(request?.headers["x-amz-target"]).toBe("AmazonSSM.GetParameter");
    expect(String(request?.headers.authorization)).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDTESTTESTTESTTEST\/.*\/ssm\//,
    );
  });

  it("encodes a version or a label as a selector in Name, as the API expects", async () => {
    const before = server.calls("GetParameter").length;

    await clientFor(server).getParameter("/app/flag", { version: 1 });
    await clientFor(server).getParameter("/app/flag", { label: "live", decrypt: false });

    expect(
      server
        .calls("GetParameter")
        .slice(before)
        .map((call) => call.body),
    ).toEqual([
      { Name: "/app/flag:1", WithDecryption: true },
      { Name: "/app/flag:live", WithDecryption: false },
    ]);
  });

  it("returns the metadata the service reports: version, selector, ARN, date", async () => {
    const value = await clientFor(server).getParameterValue("/app/flag", { label: "live" });

    expect(value).toMatchObject({
      name: "/app/flag",
      type: "String",
      value: "on",
      version: 2,
      selector: ":live",
      arn: fakeParameterArn("/app/flag"),
      dataType: "text",
    });
    expect(value.lastModifiedDate).toBeInstanceOf(Date);
  });

  it("returns the service's ciphertext for a SecureString read with decrypt: false", async () => {
    const value = await clientFor(server).getParameter("/app/db/password", { decrypt: false });

    expect(value).toBe(fakeCiphertext("/app/db/password", 1));
  });

  it("reads by ARN", async () => {
    expect(await clientFor(server).getParameter(fakeParameterArn("/app/hosts"))).toEqual(["a", "b", "c"]);
  });

  it("reads a secret through /aws/reference/secretsmanager/ with decryption", async () => {
    const value = await clientFor(server).getParameterValue("/aws/reference/secretsmanager/prod/db");

    expect(JSON.parse(value.value)).toEqual({ password: CANARY });
    expect(value.version).toBe(0);
    expect(value.sourceResult).toContain("prod/db");
  });

  it("maps the service's refusal of an undecrypted secret reference to INVALID_REQUEST", async () => {
    const transport = sdkTransport({ endpoint: server.endpoint, region: "us-east-1" });

    const error = await rejectionOf(
      transport.getParameter?.({ name: "/aws/reference/secretsmanager/prod/db", decrypt: false }) ?? Promise.resolve(),
    );

    expect(isSecretsError(error, "INVALID_REQUEST")).toBe(true);
    transport.close?.();
  });

  it("maps ParameterNotFound and ParameterVersionNotFound to NOT_FOUND", async () => {
    const missing = await rejectionOf(clientFor(server).getParameter("/app/missing"));
    const version = await rejectionOf(clientFor(server).getParameter("/app/flag", { version: 9 }));

    expect(isSecretsError(missing, "NOT_FOUND")).toBe(true);
    expect(((missing as Error).cause as Error).name).toBe("ParameterNotFound");
    expect(isSecretsError(version, "NOT_FOUND")).toBe(true);
    expect(((version as Error).cause as Error).name).toBe("ParameterVersionNotFound");
    expect((version as Error).message).toContain('"/app/flag:9"');
  });

  it("maps an aborted read to ABORTED", async () => {
    const slow = await startFakeSsm(FIXTURES);
    slow.handle({ GetParameter: () => new Promise((resolve) => setTimeout(() => resolve({ body: {} }), 2_000)) });

    const error = await rejectionOf(clientFor(slow).getParameter("/app/api-url", { signal: AbortSignal.timeout(50) }));

    expect(isSecretsError(error, "ABORTED")).toBe(true);
    await slow.close();
  });

  it("reports a binary secret read through a reference, which has no Value, as WRONG_TYPE", async () => {
    const binary = await startFakeSsm({});
    binary.handle({
      GetParameter: () => ({
        body: { Parameter: { Name: "/aws/reference/secretsmanager/tls/key", Type: "SecureString" } },
      }),
    });

    const error = await rejectionOf(clientFor(binary).getParameter("/aws/reference/secretsmanager/tls/key"));

    expect(isSecretsError(error, "WRONG_TYPE")).toBe(true);
    expect((error as Error).message).toContain("getSecretBinary");
    await binary.close();
  });
});

describe("sdkTransport parameter errors", () => {
  const cases: [string, number, string, SecretsErrorCode][] = [
    ["access denied", 400, "AccessDeniedException", "ACCESS_DENIED"],
    ["a KMS key it cannot use", 400, "InvalidKeyId", "DECRYPTION_FAILED"],
    ["an internal error", 500, "InternalServerError", "TRANSPORT"],
    ["throttling after retries", 400, "ThrottlingException", "THROTTLED"],
  ];
  for (const [label, status, type, code] of cases) {
    it(`maps ${label} (${type}) to ${code} on every parameter read, per name in a batch, without the value`, async () => {
      const server = await startFakeSsm(FIXTURES);
      const reply = () => awsError(status, type, `${type} for /app/db/password`);
      server.handle({ GetParameter: reply, GetParameters: reply, GetParametersByPath: reply });
      const secrets = clientFor(server, 1);

      const [batched] = await secrets.getParameters(["/app/db/password"]);
      const errors = [
        await rejectionOf(secrets.getParameter("/app/db/password")),
        batched?.ok === false ? batched.error : batched,
        await rejectionOf(secrets.getParametersByPath("/app")),
      ];

      for (const error of errors) {
        expect(isSecretsError(error, code)).toBe(true);
        expect((error as Error).message).toContain("[sdk]");
        expectNoLeak(error);
      }
      expect((errors[0] as Error).message).toContain('getParameter "/app/db/password" failed');
      expect((errors[2] as Error).message).toContain('getParametersByPath "/app" failed');
      await server.close();
    });
  }
});

describe("sdkTransport GetParameters batches", () => {
  it("reads 15 names in two calls of at most 10, reporting the missing ones per name", async () => {
    const fixtures: SsmFixtures = Object.fromEntries(
      Array.from({ length: 13 }, (_, index) => [`/batch/p${index}`, stringParameter(`value-${index}`)]),
    );
    const server = await startFakeSsm(fixtures);
    const names = [
      ...Object.keys(fixtures).slice(0, 6),
      "/batch/missing-1",
      ...Object.keys(fixtures).slice(6),
      "/batch/missing-2",
    ];

    const results = await clientFor(server).getParameters(names);

    const calls = server.calls("GetParameters");
    // The two calls run in parallel, so they may arrive in either order.
    expect(calls.map((call) => (call.body.Names as string[]).length).sort((a, b) => b - a)).toEqual([10, 5]);
    expect(calls.every((call) => call.body.WithDecryption === true)).toBe(true);
    expect(results.map((result) => result.id)).toEqual(names);
    const missing = results.filter((result) => !result.ok);
    expect(missing.map((result) => result.id)).toEqual(["/batch/missing-1", "/batch/missing-2"]);
    for (const result of missing) {
      expect(result.ok === false && result.error.code).toBe("NOT_FOUND");
      expect(result.ok === false && result.error.message).toContain("InvalidParameters");
    }
    expect(results[0]?.ok && results[0].value).toBe("value-0");
    expect(server.calls("GetParameter")).toHaveLength(0);
    await server.close();
  });

  it("matches results to names requested with selectors and ARNs", async () => {
    const server = await startFakeSsm(FIXTURES);
    const names = ["/app/flag:1", "/app/flag:live", "/app/flag", fakeParameterArn("/app/hosts"), "/app/flag:7"];

    const results = await clientFor(server).getParameters(names);

    expect(results.map((result) => (result.ok ? result.value : result.error.code))).toEqual([
      "off",
      "on",
      "maybe",
      ["a", "b", "c"],
      "NOT_FOUND",
    ]);
    await server.close();
  });

  it("sends WithDecryption false when asked, and gets ciphertext back", async () => {
    const server = await startFakeSsm(FIXTURES);

    const [result] = await clientFor(server).getParameters(["/app/db/password"], { decrypt: false });

    expect(server.calls("GetParameters")[0]?.body.WithDecryption).toBe(false);
    expect(result?.ok && result.value).toBe(fakeCiphertext("/app/db/password", 1));
    await server.close();
  });

  /** Answers every name as a String `value-<name>`; a call holding `throttledName` is throttled. */
  function parametersAnswering(throttledName?: string): AwsJsonHandler {
    return (body) => {
      const names = body.Names as string[];
      if (throttledName !== undefined && names.includes(throttledName)) {
        return awsError(400, "ThrottlingException", "Rate exceeded");
      }
      const parameters = names.map((name) => ({ Name: name, Type: "String", Value: `value-${name}` }));
      return { body: { Parameters: parameters, InvalidParameters: [] } };
    };
  }

  it("fails only the names of a throttled call, as THROTTLED, and keeps the other calls' values", async () => {
    const server = await startAwsJsonServer({ GetParameters: parametersAnswering("/batch/p12") });
    const names = Array.from({ length: 25 }, (_, index) => `/batch/p${index}`);

    const results = await clientFor(server, 1).getParameters(names);

    expect(results.map((result) => (result.ok ? result.value : result.error.code))).toEqual(
      names.map((name, index) => (index >= 10 && index < 20 ? "THROTTLED" : `value-${name}`)),
    );
    expect(server.calls("GetParameters")).toHaveLength(3);
    await server.close();
  });

  it(`keeps at most ${CHUNK_CONCURRENCY} GetParameters calls in flight`, async () => {
    const counter = countInFlight(parametersAnswering());
    const server = await startAwsJsonServer({ GetParameters: counter.handler });
    const names = Array.from({ length: 90 }, (_, index) => `/batch/p${index}`);

    const results = await clientFor(server).getParameters(names);

    expect(results.every((result) => result.ok)).toBe(true);
    expect(server.calls("GetParameters")).toHaveLength(9);
    expect(counter.max()).toBe(CHUNK_CONCURRENCY);
    await server.close();
  });
});

describe("sdkTransport GetParametersByPath", () => {
  const fixtures: SsmFixtures = Object.fromEntries([
    ...Array.from({ length: 20 }, (_, index) => [
      `/svc/prod/p${String(index).padStart(2, "0")}`,
      stringParameter(`v${index}`),
    ]),
    ...Array.from({ length: 5 }, (_, index) => [`/svc/prod/nested/n${index}`, stringParameter(`n${index}`)]),
    ["/svc/dev/other", stringParameter("dev")],
  ]);

  it("follows NextToken over every page of 10 and builds the tree of all 25", async () => {
    const server = await startFakeSsm(fixtures);

    const tree = await clientFor(server).getParametersByPath("/svc/prod");

    const calls = server.calls("GetParametersByPath");
    expect(calls.map((call) => call.body)).toEqual([
      { Path: "/svc/prod", Recursive: true, WithDecryption: true, MaxResults: 10 },
      { Path: "/svc/prod", Recursive: true, WithDecryption: true, MaxResults: 10, NextToken: "10" },
      { Path: "/svc/prod", Recursive: true, WithDecryption: true, MaxResults: 10, NextToken: "20" },
    ]);
    expect(calls[0]?.headers["x-amz-target"]).toBe("AmazonSSM.GetParametersByPath");
    expect(Object.keys(tree)).toHaveLength(21);
    expect(tree.nested).toEqual({ n0: "n0", n1: "n1", n2: "n2", n3: "n3", n4: "n4" });
    expect(tree.p07).toBe("v7");
    await server.close();
  });

  it("keeps reading when the service returns short pages", async () => {
    const server = await startFakeSsm(fixtures, { pageSize: 4 });

    const flat = await clientFor(server).getParametersByPath("/svc/prod", { shape: "flat" });

    expect(Object.keys(flat)).toHaveLength(25);
    expect(server.calls("GetParametersByPath")).toHaveLength(7);
    await server.close();
  });

  it("sends Recursive false for the direct children only", async () => {
    const server = await startFakeSsm(fixtures);

    const tree = await clientFor(server).getParametersByPath("/svc/prod", { recursive: false });

    expect(server.calls("GetParametersByPath")[0]?.body.Recursive).toBe(false);
    expect(Object.keys(tree)).toHaveLength(20);
    expect(tree.nested).toBeUndefined();
    await server.close();
  });

  it("fails the whole read when a later page fails, rather than returning part of the tree", async () => {
    const server = await startFakeSsm(fixtures);
    let pages = 0;
    server.handle({
      GetParametersByPath: () =>
        ++pages === 1
          ? { body: { Parameters: [{ Name: "/svc/prod/a", Type: "String", Value: "a" }], NextToken: "x" } }
          : awsError(400, "AccessDeniedException", "denied"),
    });

    const error = await rejectionOf(clientFor(server, 1).getParametersByPath("/svc/prod"));

    expect(isSecretsError(error, "ACCESS_DENIED")).toBe(true);
    await server.close();
  });
});

describe("sdkTransport client options", () => {
  it("uses a caller-built SSMClient", async () => {
    const server = await startFakeSsm(FIXTURES);
    const own = new SSMClient({ endpoint: server.endpoint, region: "eu-central-1" });
    const secrets = createSecretsClient({ transport: sdkTransport({ ssmClient: own }), cache: false });

    expect(await secrets.getParameter("/app/api-url")).toBe("https://api.example.com");
    expect(String(server.requests.at(-1)?.headers.authorization)).toContain("/eu-central-1/ssm/");
    own.destroy();
    await server.close();
  });

  it("rejects an SSMClient mixed with client options as an ArgumentError", () => {
    const own = new SSMClient({ region: "us-east-1" });

    const attempt = () => sdkTransport({ ssmClient: own, region: "eu-west-1" } as never);

    expect(attempt).toThrow(TypeError);
    expect(attempt).toThrow(expect.objectContaining({ name: "ArgumentError" }));
    expect(attempt).toThrow(/pass either "ssmClient" or "region", not both/);
    own.destroy();
  });

  it("fails parameter reads with CONFIG when only a Secrets Manager client was given", async () => {
    const own = new SecretsManagerClient({ region: "us-east-1" });
    const secrets = createSecretsClient({ transport: sdkTransport({ client: own }), cache: false });

    const error = await rejectionOf(secrets.getParameter("/app/api-url"));

    expect(isSecretsError(error, "CONFIG")).toBe(true);
    expect((error as Error).message).toContain('"client" was given but "ssmClient" was not');
    own.destroy();
  });

  it("fails secret reads with CONFIG when only an SSM client was given", async () => {
    const own = new SSMClient({ region: "us-east-1" });
    const secrets = createSecretsClient({ transport: sdkTransport({ ssmClient: own }), cache: false });

    const error = await rejectionOf(secrets.getSecret("prod/db"));

    expect(isSecretsError(error, "CONFIG")).toBe(true);
    expect((error as Error).message).toContain('"ssmClient" was given but "client" was not');
    own.destroy();
  });
});
