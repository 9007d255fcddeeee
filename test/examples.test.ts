/**
 * The examples the docs include are run here, so a page never shows code that does not work. Each
 * runs in its own Node process through tsx (which maps `secretwrangler` to `src/`, as tsconfig
 * does): the ones that need nothing as they are, the AWS ones against loopback fakes, the database
 * ones against the servers `.ci/db-setup.sh` starts (skipped with a hint when absent, failing in CI).
 * `examples/testing.test.ts` is a vitest file: importing it registers its tests in this file.
 * `test/session-examples.test.ts` runs the session examples.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { envTransport } from "../examples/env-transport.js";
import type { AwsJsonServer } from "./helpers/aws-json-server.js";
import { findDbServers, START_DB_SERVERS } from "./helpers/db-servers.js";
import { startFakeSecretsManager } from "./helpers/fake-secrets-manager.js";
import { startFakeSsm, stringParameter } from "./helpers/fake-ssm.js";
import { type FakeSts, startFakeSts } from "./helpers/fake-sts.js";
import { CURRENT_VERSION, currentValues } from "./helpers/fixtures.js";
import { testTransport } from "./helpers/transport-contract.js";
import "../examples/testing.test.js";

const run = promisify(execFile);

/** Runs an example; returns its stdout. Rejects (with its stderr) when it exits with an error. */
async function runExample(file: string, env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", file], {
    env: { ...process.env, ...env },
    timeout: 15_000,
  });
  return stdout;
}

describe("examples that need nothing", () => {
  it("runs examples/quickstart.ts on the file transport", async () => {
    const stdout = await runExample("examples/quickstart.ts");

    expect(stdout.split("\n")).toEqual([
      "prod/db -> app@127.0.0.1:5432/app (password: 18 chars)",
      "alpha-vantage/api-key -> 12 chars",
      'does/not-exist -> NOT_FOUND: [secretwrangler] [file] getSecretValue "does/not-exist" failed (NOT_FOUND): no such secret',
      "",
    ]);
  });

  it("runs examples/custom-transport.ts", async () => {
    const stdout = await runExample("examples/custom-transport.ts");

    expect(stdout).toContain("prod/db -> user app\n");
    expect(stdout).toContain("prod/db -> ok\nprod/missing -> NOT_FOUND\n");
    expect(stdout).toContain('[env] getSecretValue "api-key" failed (NOT_FOUND): environment variables hold only');
    expect(stdout).toContain('[env] getParameter "/my-app/prod/api-url" failed (CONFIG): the env transport cannot');
    expect(stdout).not.toContain("local-dev-password");
  });

  it("runs examples/memory-transport.ts", async () => {
    const stdout = await runExample("examples/memory-transport.ts");

    expect(stdout.split("\n")).toEqual([
      "prod/db AWSPREVIOUS -> stages AWSPREVIOUS",
      "tls/key -> 3 bytes",
      "flag -> v1 off",
      "flag -> live on",
      "hosts -> 2 items",
      "api key through Parameter Store -> 12 chars",
      "",
    ]);
  });

  it("runs examples/parameters.ts on the file transport", async () => {
    const stdout = await runExample("examples/parameters.ts");

    expect(stdout).toContain("api-url -> https://api.example.com/v2; hosts -> app-1.internal + app-2.internal\n");
    expect(stdout).toContain("db -> 127.0.0.1:5432 (password: 18 chars)\nnew checkout -> on\n");
    expect(stdout).toContain("/my-app/prod/does-not-exist -> NOT_FOUND\n");
    expect(stdout).toContain("wrong type -> WRONG_TYPE");
  });

  it("runs examples/session-arn.ts, printing what its comments say", async () => {
    const stdout = await runExample("examples/session-arn.ts");

    expect(stdout.split("\n")).toEqual([
      "aws-us-gov",
      "amazonaws.com.cn",
      "true 8",
      "aws-cn secretsmanager cn-north-1 123456789012 secret:prod/db-AbCdEf",
      "arn:aws-us-gov:iam::123456789012:role/ci",
      "arn:aws-cn:iam::123456789012:role/service-role/deployer",
      "",
    ]);
  });

  it("runs examples/db-drivers.ts, masking the password", async () => {
    const stdout = await runExample("examples/db-drivers.ts");

    expect(stdout).toContain('"connectString":"ora.example.internal:1521/ORCL"');
    expect(stdout).toContain("mongodb://app:***@docs.cluster-abc.us-east-1.docdb.amazonaws.com:27017/");
    expect(stdout).not.toContain("p@ss");
  });
});

describe("examples that call AWS, against loopback fakes", () => {
  let secretsManager: AwsJsonServer;
  let ssm: AwsJsonServer;
  let sts: FakeSts;

  beforeAll(async () => {
    const current = (value: string) => [{ versionId: CURRENT_VERSION, stages: ["AWSCURRENT"], value }];
    [secretsManager, ssm, sts] = await Promise.all([
      startFakeSecretsManager({
        "alpha-vantage/api-key": current("demo-api-key"),
        "prod/db": current(JSON.stringify({ username: "app", password: "local-dev-password" })),
      }),
      startFakeSsm({ "/my-app/prod/api-url": stringParameter("https://api.example.com/v2") }),
      startFakeSts(),
    ]);
  });
  afterAll(async () => {
    await Promise.all([secretsManager.close(), ssm.close(), sts.close()]);
  });

  it("runs examples/sdk-transport.ts", async () => {
    const stdout = await runExample("examples/sdk-transport.ts", {
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.endpoint,
      AWS_ENDPOINT_URL_SSM: ssm.endpoint,
    });

    expect(stdout.split("\n")).toEqual([
      "alpha-vantage/api-key -> 12 chars",
      "prod/db -> ok; prod/missing -> NOT_FOUND",
      '[secretwrangler] [sdk] pass either "client" or "region", not both',
      "/my-app/prod/api-url -> https://api.example.com/v2",
      "",
    ]);
    expect(secretsManager.calls("BatchGetSecretValue")).toHaveLength(1);
  });

  it("runs examples/migrating-powertools.ts: Powertools and secretwrangler read the same value", async () => {
    const stdout = await runExample("examples/migrating-powertools.ts", {
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.endpoint,
    });

    expect(stdout.split("\n")).toEqual(["same value: true", "same after a forced fetch: true", "user: app", ""]);
  });

  it("runs examples/session-overview.ts", async () => {
    const stdout = await runExample("examples/session-overview.ts", { AWS_ENDPOINT_URL_STS: sts.endpoint });

    expect(stdout.split("\n")).toEqual([
      "aws-cn",
      "arn:aws-cn:iam::123456789012:role/manage-role",
      expect.stringMatching(/^arn:aws-cn:sts::123456789012:assumed-role\/manage-role\//),
      "",
    ]);
  });
});

const servers = await findDbServers();
const missing = "missing" in servers ? servers.missing : undefined;
if (missing && !process.env.CI) console.warn(`[examples.test] DB examples skipped (${missing}): ${START_DB_SERVERS}`);

describe.skipIf(missing !== undefined && !process.env.CI)("database examples, against the local test servers", () => {
  it("runs examples/db-pg.ts", async () => {
    const stdout = await runExample("examples/db-pg.ts");

    expect(stdout).toContain("pg pool as sw_app: SELECT 1 -> 1\n");
    expect(stdout).toContain("pg via connectionUrl: SELECT 1 -> 1\n");
    expect(stdout).toContain("pg with an RDS-managed secret: SELECT 1 -> 1\n");
    expect(stdout).toContain("pg with a password function: SELECT 1 -> 1\n");
  });

  it("runs examples/db-mysql2.ts", async () => {
    const stdout = await runExample("examples/db-mysql2.ts");

    expect(stdout).toContain("mysql2 pool as sw_app@");
    expect(stdout).toContain("mysql2 via connectionUrl: SELECT 1 -> 1\n");
  });

  it("runs examples/db-rotation.ts, recovering from a rotated password", async () => {
    const stdout = await runExample("examples/db-rotation.ts");

    expect(stdout).toContain("refreshed prod/db after 28P01, retry with AWSCURRENT\n");
    expect(stdout).toContain("connected: SELECT 1 -> 1\n");
  });
});

testTransport({
  name: "env (examples/env-transport.ts)",
  skip: ["versions", "binary", "writes"],
  async setup(fixtures) {
    const env: Record<string, string> = {};
    for (const [id, value] of Object.entries(currentValues(fixtures))) {
      if (typeof value === "string") env[`SECRET_${id.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}`] = value;
    }
    return { transport: envTransport({ env }) };
  },
});
