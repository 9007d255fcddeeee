import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SSMClient } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ArgumentError, isSecretsError, memoryTransport, SecretsError, sdkTransport } from "../src/index.js";
import { type ReferenceResult, resolveReferences, resolveReferencesOrThrow } from "../src/read/references.js";
import type { Transport } from "../src/transports.js";
import { envTransport } from "../src/transports.js";
import type { AwsJsonServer } from "./helpers/aws-json-server.js";
import { CANARY, expectNoLeak, rejectionOf } from "./helpers/canary.js";
import { fakeArn, startFakeSecretsManager } from "./helpers/fake-secrets-manager.js";
import { fakeParameterArn, type SsmFixtures, startFakeSsm, stringParameter } from "./helpers/fake-ssm.js";
import { CURRENT_VERSION, FIXTURES, type Fixtures, PREVIOUS_VERSION } from "./helpers/fixtures.js";

/** How many distinct secret and parameter references the bulk test resolves. */
const SECRET_COUNT = 45;
const PARAMETER_COUNT = 25;

const SECRETS: Fixtures = {
  ...FIXTURES,
  "prod/db": [
    {
      versionId: CURRENT_VERSION,
      stages: ["AWSCURRENT"],
      value: JSON.stringify({ username: "app", password: CANARY, port: 5432, tags: ["a"], nothing: null }),
    },
  ],
  "app/array": [{ versionId: CURRENT_VERSION, stages: ["AWSCURRENT"], value: JSON.stringify([CANARY]) }],
  ...Object.fromEntries(
    Array.from({ length: SECRET_COUNT }, (_, index) => [
      `bulk/${index}`,
      [{ versionId: CURRENT_VERSION, stages: ["AWSCURRENT"], value: JSON.stringify({ password: `pw-${index}` }) }],
    ]),
  ),
};

const PARAMETERS: SsmFixtures = {
  "/app/url": stringParameter("https://api.example.com"),
  "/app/hosts": { type: "StringList", versions: [{ value: "a,b" }] },
  "/app/db/password": { type: "SecureString", versions: [{ value: CANARY }] },
  "/app/flag": { type: "String", versions: [{ value: "off" }, { value: "on" }] },
  ...Object.fromEntries(
    Array.from({ length: PARAMETER_COUNT }, (_, index) => [`/bulk/${index}`, stringParameter(`p-${index}`)]),
  ),
};

let secretsManager: AwsJsonServer;
let ssm: AwsJsonServer;
let clients: { sm: SecretsManagerClient; ssm: SSMClient };
let transport: Transport;

beforeAll(async () => {
  // Batch pages as large as a call may ask for, so that one call answers one chunk.
  secretsManager = await startFakeSecretsManager(SECRETS, 20);
  ssm = await startFakeSsm(PARAMETERS, { secrets: { "prod/api-key": `key-${CANARY}` } });
  clients = {
    sm: new SecretsManagerClient({ endpoint: secretsManager.endpoint, region: "us-east-1" }),
    ssm: new SSMClient({ endpoint: ssm.endpoint, region: "us-east-1" }),
  };
  transport = sdkTransport({ client: clients.sm, ssmClient: clients.ssm });
});

afterAll(async () => {
  clients?.sm.destroy();
  clients?.ssm.destroy();
  await secretsManager?.close();
  await ssm?.close();
});

/** Calls per operation from here on. */
function counter(): () => Record<string, number> {
  const start = { sm: secretsManager.requests.length, ssm: ssm.requests.length };
  return () => {
    const counts: Record<string, number> = {};
    for (const request of [...secretsManager.requests.slice(start.sm), ...ssm.requests.slice(start.ssm)]) {
      counts[request.operation] = (counts[request.operation] ?? 0) + 1;
    }
    return counts;
  };
}

function byKey(results: readonly ReferenceResult[]): Record<string, ReferenceResult> {
  return Object.fromEntries(results.map((result) => [result.key, result]));
}

function resolvedValue(result: ReferenceResult | undefined): string | undefined {
  return result?.ok ? result.value : undefined;
}

function errorOf(result: ReferenceResult | undefined): SecretsError | undefined {
  return result && !result.ok ? result.error : undefined;
}

describe("resolveReferences against the SDK transport: one batched pass", () => {
  let calls: () => Record<string, number>;
  beforeEach(() => {
    calls = counter();
  });

  it(`reads ${SECRET_COUNT} secrets with 3 BatchGetSecretValue calls and ${PARAMETER_COUNT} parameters with 3 GetParameters calls`, async () => {
    const values: Record<string, string> = {};
    for (let index = 0; index < SECRET_COUNT; index++) {
      values[`SECRET_${index}`] = `{{resolve:secretsmanager:bulk/${index}:SecretString:password}}`;
    }
    // The same secret again, by another form: read once.
    values.SECRET_AGAIN = `${fakeArn("bulk/0")}:password::`;
    values.SECRET_AGAIN_BY_NAME = "{{resolve:secretsmanager:bulk/0}}";
    for (let index = 0; index < PARAMETER_COUNT; index++) values[`PARAM_${index}`] = `{{resolve:ssm:/bulk/${index}}}`;
    values.PLAIN = "stays";

    const results = byKey(await resolveReferences(transport, values));

    expect(calls()).toEqual({ BatchGetSecretValue: 3, GetParameters: 3 });
    expect(resolvedValue(results.SECRET_0)).toBe("pw-0");
    expect(resolvedValue(results.SECRET_44)).toBe("pw-44");
    expect(resolvedValue(results.SECRET_AGAIN)).toBe("pw-0");
    expect(resolvedValue(results.SECRET_AGAIN_BY_NAME)).toBe(JSON.stringify({ password: "pw-0" }));
    expect(resolvedValue(results.PARAM_24)).toBe("p-24");
    expect(results.PLAIN).toEqual({ key: "PLAIN", ok: true, value: "stays", resolved: false });
    expect(results.SECRET_0).toMatchObject({ resolved: true });
    const ids = secretsManager.calls("BatchGetSecretValue").flatMap((request) => request.body.SecretIdList as string[]);
    expect(ids.filter((id) => id.includes("bulk/0")).length).toBe(2); // the name and the ARN: one each
  });

  it("reads versioned references by one GetSecretValue each, once per distinct version", async () => {
    const results = byKey(
      await resolveReferences(transport, {
        PREVIOUS: "{{resolve:secretsmanager:app/versioned:SecretString:password:AWSPREVIOUS}}",
        PREVIOUS_AGAIN: "{{resolve:secretsmanager:app/versioned::user:AWSPREVIOUS}}",
        BY_ID: `${fakeArn("app/versioned")}:password::${PREVIOUS_VERSION}`,
        CURRENT_STAGE: "{{resolve:secretsmanager:app/versioned::password:AWSCURRENT}}",
      }),
    );

    expect(calls()).toEqual({ GetSecretValue: 2, BatchGetSecretValue: 1 });
    expect(resolvedValue(results.PREVIOUS)).toBe("old");
    expect(resolvedValue(results.PREVIOUS_AGAIN)).toBe("app");
    expect(resolvedValue(results.BY_ID)).toBe("old");
    expect(resolvedValue(results.CURRENT_STAGE)).toBe("new");
    const versioned = secretsManager.calls("GetSecretValue").map((request) => request.body);
    expect(versioned.length).toBeGreaterThanOrEqual(2);
    expect(versioned.slice(-2)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ SecretId: "app/versioned", VersionStage: "AWSPREVIOUS" }),
        expect.objectContaining({ SecretId: fakeArn("app/versioned"), VersionId: PREVIOUS_VERSION }),
      ]),
    );
  });

  it("reads ssm without decryption and ssm-secure, ECS parameter ARNs and /aws/reference with it: 2 GetParameters", async () => {
    const before = ssm.calls("GetParameters").length;
    const results = byKey(
      await resolveReferences(transport, {
        URL: "{{resolve:ssm:/app/url}}",
        HOSTS: "{{resolve:ssm:/app/hosts}}",
        FLAG_V1: "{{resolve:ssm:/app/flag:1}}",
        PASSWORD: "{{resolve:ssm-secure:/app/db/password}}",
        BY_ARN: fakeParameterArn("/app/url"),
        API_KEY: "/aws/reference/secretsmanager/prod/api-key",
      }),
    );

    expect(calls()).toEqual({ GetParameters: 2 });
    const decryption = ssm
      .calls("GetParameters")
      .slice(before)
      .map((request) => request.body.WithDecryption);
    expect(decryption.sort()).toEqual([false, true]);
    expect(resolvedValue(results.URL)).toBe("https://api.example.com");
    expect(resolvedValue(results.HOSTS)).toBe("a,b");
    expect(resolvedValue(results.FLAG_V1)).toBe("off");
    expect(resolvedValue(results.PASSWORD)).toBe(CANARY);
    expect(resolvedValue(results.BY_ARN)).toBe("https://api.example.com");
    expect(resolvedValue(results.API_KEY)).toBe(`key-${CANARY}`);
  });

  it("replaces references embedded in a longer value", async () => {
    const [result] = await resolveReferences(transport, {
      DATABASE_URL:
        "postgres://{{resolve:secretsmanager:prod/db::username}}:{{resolve:secretsmanager:prod/db::password}}@{{resolve:ssm:/app/url}}/app",
    });

    expect(resolvedValue(result)).toBe(`postgres://app:${CANARY}@https://api.example.com/app`);
    expect(calls()).toEqual({ BatchGetSecretValue: 1, GetParameters: 1 });
  });

  it("gives JSON keys that are no strings as their JSON text", async () => {
    const results = byKey(
      await resolveReferences(transport, {
        PORT: "{{resolve:secretsmanager:prod/db::port}}",
        TAGS: "{{resolve:secretsmanager:prod/db::tags}}",
        NOTHING: "{{resolve:secretsmanager:prod/db::nothing}}",
      }),
    );

    expect([resolvedValue(results.PORT), resolvedValue(results.TAGS), resolvedValue(results.NOTHING)]).toEqual([
      "5432",
      '["a"]',
      "null",
    ]);
  });

  it("makes no call when no value is a reference", async () => {
    const results = await resolveReferences(transport, {
      A: "1",
      B: "",
      C: undefined,
      D: "arn:aws:iam::123456789012:role/x",
    });

    expect(calls()).toEqual({});
    expect(results.map((result) => [result.key, resolvedValue(result)])).toEqual([
      ["A", "1"],
      ["B", ""],
      ["D", "arn:aws:iam::123456789012:role/x"],
    ]);
  });
});

describe("resolveReferences: per-key errors, never a value", () => {
  let results: Record<string, ReferenceResult>;
  let calls: Record<string, number>;

  beforeAll(async () => {
    const count = counter();
    results = byKey(
      await resolveReferences(transport, {
        OK: "{{resolve:secretsmanager:prod/db::username}}",
        MISSING_SECRET: "{{resolve:secretsmanager:app/missing::password}}",
        MISSING_KEY: "{{resolve:secretsmanager:prod/db::nope}}",
        NOT_JSON: "{{resolve:secretsmanager:app/not-json::password}}",
        NOT_OBJECT: "{{resolve:secretsmanager:app/array::password}}",
        BINARY: "{{resolve:secretsmanager:app/binary}}",
        MISSING_VERSION: "{{resolve:secretsmanager:prod/db:::AWSPENDING}}",
        MISSING_PARAMETER: "{{resolve:ssm:/app/missing}}",
        SECURE_AS_PLAIN: "{{resolve:ssm:/app/db/password}}",
        MALFORMED: "{{resolve:secretsmanager:prod/db:SecretString:a:AWSPREVIOUS:v1}}",
        UNTERMINATED: "x {{resolve:ssm:/app/url",
      }),
    );
    calls = count();
  });

  it("keeps the good keys and reads each batch once", () => {
    expect(resolvedValue(results.OK)).toBe("app");
    expect(calls).toEqual({ BatchGetSecretValue: 1, GetSecretValue: 1, GetParameters: 1 });
  });

  it.each([
    ["MISSING_SECRET", "NOT_FOUND", '"app/missing"'],
    ["MISSING_KEY", "NOT_FOUND", 'no JSON key "nope"'],
    ["NOT_JSON", "NOT_JSON", "not valid JSON"],
    ["NOT_OBJECT", "NOT_JSON", 'not a JSON object, so it has no key "password"'],
    ["BINARY", "WRONG_TYPE", "binary"],
    ["MISSING_VERSION", "NOT_FOUND", '"prod/db"'],
    ["MISSING_PARAMETER", "NOT_FOUND", '"/app/missing"'],
    ["SECURE_AS_PLAIN", "WRONG_TYPE", "ssm-secure"],
    ["MALFORMED", "CONFIG", "the value of MALFORMED: give a version stage or a version id, not both"],
    ["UNTERMINATED", "CONFIG", "the value of UNTERMINATED"],
  ])("reports %s as %s, without a value", (key, code, text) => {
    const error = errorOf(results[key]);

    expect(error?.code).toBe(code);
    expect(error?.message).toContain(text);
    expectNoLeak(error);
    expectNoLeak(error, ["pw-", "https://api.example.com"]);
  });
});

describe("resolveReferencesOrThrow", () => {
  it("returns key -> value when every key resolved", async () => {
    const env = await resolveReferencesOrThrow(transport, {
      USER: "{{resolve:secretsmanager:prod/db::username}}",
      LEVEL: "info",
      GONE: undefined,
      ["__proto__"]: "kept as a key",
    });

    expect(env).toEqual({ USER: "app", LEVEL: "info", ["__proto__"]: "kept as a key" });
    expect(Object.getPrototypeOf(env)).toBe(Object.prototype);
  });

  it("throws one SecretsError listing the failed keys and codes, never a value", async () => {
    const error = await rejectionOf(
      resolveReferencesOrThrow(transport, {
        GOOD: "{{resolve:secretsmanager:prod/db::password}}",
        MISSING: "{{resolve:secretsmanager:app/missing}}",
        NO_KEY: "{{resolve:secretsmanager:prod/db::nope}}",
      }),
    );

    expect(error).toBeInstanceOf(SecretsError);
    expect((error as SecretsError).code).toBe("NOT_FOUND");
    expect((error as Error).message).toContain(
      "2 of 3 key(s) could not be resolved: MISSING (NOT_FOUND), NO_KEY (NOT_FOUND)",
    );
    expect((error as Error).message).not.toContain("GOOD");
    expect(((error as Error).cause as AggregateError).errors).toHaveLength(2);
    expectNoLeak(error);
  });
});

describe("resolveReferences: options and arguments", () => {
  it("resolves only the keys `only` accepts and passes the others through unchanged", async () => {
    const calls = counter();
    const arn = `${fakeArn("prod/db")}`;

    const results = byKey(
      await resolveReferences(
        transport,
        { DB_SECRET_ARN: arn, DB_PASSWORD: `${arn}:password::`, EMPTY: "" },
        { only: (key) => !key.endsWith("_ARN") },
      ),
    );

    expect(results.DB_SECRET_ARN).toEqual({ key: "DB_SECRET_ARN", ok: true, value: arn, resolved: false });
    expect(resolvedValue(results.DB_PASSWORD)).toBe(CANARY);
    expect(resolvedValue(results.EMPTY)).toBe("");
    expect(calls()).toEqual({ BatchGetSecretValue: 1 });
  });

  it("passes a malformed value through when `only` skips its key", async () => {
    const [result] = await resolveReferences(transport, { X: "{{resolve:nope" }, { only: () => false });

    expect(resolvedValue(result)).toBe("{{resolve:nope");
  });

  it("rejects with ABORTED for a signal that fired, before any call", async () => {
    const calls = counter();

    const error = await rejectionOf(
      resolveReferences(transport, { A: "{{resolve:ssm:/app/url}}" }, { signal: AbortSignal.abort() }),
    );

    expect(isSecretsError(error, "ABORTED")).toBe(true);
    expect(calls()).toEqual({});
  });

  it("rejects with ABORTED for a signal that fires during the reads", async () => {
    const controller = new AbortController();
    const slow = memoryTransport({ a: "1" });
    const waiting: Transport = {
      name: "slow",
      getSecretValue: async (request) => {
        controller.abort();
        return slow.getSecretValue(request);
      },
    };

    const error = await rejectionOf(
      resolveReferences(waiting, { A: "{{resolve:secretsmanager:a}}" }, { signal: controller.signal }),
    );

    expect(isSecretsError(error, "ABORTED")).toBe(true);
  });

  it.each([
    ["a transport that is none", () => resolveReferences({} as Transport, {})],
    ["a missing transport", () => resolveReferences(undefined as unknown as Transport, {})],
    ["values that are null", () => resolveReferences(transport, null as never)],
    ["values that are an array", () => resolveReferences(transport, [] as never)],
    ["values that are a string", () => resolveReferences(transport, "A=1" as never)],
    ["a value that is a number", () => resolveReferences(transport, { A: 1 as unknown as string })],
    ["options that are null", () => resolveReferences(transport, {}, null as never)],
    ["a signal that is none", () => resolveReferences(transport, {}, { signal: {} as AbortSignal })],
    ["`only` that is no function", () => resolveReferences(transport, {}, { only: true as never })],
    ["the same mistakes in resolveReferencesOrThrow", () => resolveReferencesOrThrow(transport, null as never)],
  ])("refuses %s as an ArgumentError", async (_, run) => {
    expect(await rejectionOf(run())).toBeInstanceOf(ArgumentError);
  });
});

describe("resolveReferences on other transports", () => {
  it("falls back to single reads on a transport without batch calls (memory)", async () => {
    const local = memoryTransport(
      { "prod/db": { password: "local" } },
      { parameters: { "/app/url": "http://localhost" } },
    );

    const results = byKey(
      await resolveReferences(local, {
        PASSWORD: "{{resolve:secretsmanager:prod/db::password}}",
        URL: "{{resolve:ssm:/app/url}}",
      }),
    );

    expect([resolvedValue(results.PASSWORD), resolvedValue(results.URL)]).toEqual(["local", "http://localhost"]);
  });

  it("gives parameter references CONFIG on a transport without parameters (env), and serves its secrets", async () => {
    const env = envTransport({ map: { "prod/db": "DB" }, env: { DB: JSON.stringify({ password: "injected" }) } });

    const results = byKey(
      await resolveReferences(env, {
        PASSWORD: "{{resolve:secretsmanager:prod/db::password}}",
        URL: "{{resolve:ssm:/app/url}}",
      }),
    );

    expect(resolvedValue(results.PASSWORD)).toBe("injected");
    expect(errorOf(results.URL)?.code).toBe("CONFIG");
  });
});
