import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AwsJsonServer } from "./helpers/aws-json-server.js";
import { CANARY } from "./helpers/canary.js";
import { startFakeSecretsManager } from "./helpers/fake-secrets-manager.js";
import { type FakeSts, startFakeSts } from "./helpers/fake-sts.js";
import { CURRENT_VERSION } from "./helpers/fixtures.js";

const run = promisify(execFile);

let sts: FakeSts;
let secretsManager: AwsJsonServer;

beforeAll(async () => {
  sts = await startFakeSts();
  const current = (value: string) => [{ versionId: CURRENT_VERSION, stages: ["AWSCURRENT"], value }];
  secretsManager = await startFakeSecretsManager({
    "alpha-vantage/api-key": current(`${CANARY}-api-key`),
    "prod/db": current(JSON.stringify({ username: "app", host: "db.internal", port: 5432, password: CANARY })),
  });
});
afterAll(async () => {
  await Promise.all([sts.close(), secretsManager.close()]);
});

/** Runs an example with every AWS endpoint on the loopback fakes. */
function runExample(file: string, env: Record<string, string>) {
  return run(process.execPath, ["--import", "tsx", file], {
    env: {
      ...process.env,
      AWS_ENDPOINT_URL_STS: sts.endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.endpoint,
      ...env,
    },
    timeout: 15_000,
  });
}

describe("session examples, against the loopback STS and Secrets Manager", () => {
  it("runs examples/session-keys.ts", async () => {
    const { stdout } = await runExample("examples/session-keys.ts", {
      DEPLOY_KEY_ID: "AKIDEXAMPLEKEYS00001",
      DEPLOY_SECRET_KEY: "example-secret",
    });

    expect(stdout).toContain("source: 'static credentials'");
    expect(stdout).toContain(`alpha-vantage/api-key -> ${CANARY.length + 8} chars`);
    expect(secretsManager.requests.at(-1)?.headers.authorization).toContain("Credential=AKIDEXAMPLEKEYS00001/");
  });

  it("runs examples/session-default-chain.ts", async () => {
    const { stdout } = await runExample("examples/session-default-chain.ts", { AWS_REGION: "eu-west-1" });

    expect(stdout).toContain("running as arn:aws:iam::123456789012:user/AKIDTESTTESTTESTTEST in eu-west-1 (aws)");
    expect(stdout).toContain("prod/db -> db.internal:5432");
  });

  it("runs examples/session-china.ts", async () => {
    const { stdout } = await runExample("examples/session-china.ts", {});

    expect(stdout).toContain("aws-cn\namazonaws.com.cn\narn:aws-cn:iam::123456789012:role/manage-role\n");
    expect(sts.calls("AssumeRole").at(-1)?.params.RoleArn).toBe("arn:aws-cn:iam::123456789012:role/manage-role");
    expect(sts.calls("AssumeRole").at(-1)?.signingRegion).toBe("cn-north-1");
    expect(stdout).toContain('the role is in partition "aws" but region "cn-north-1" is in "aws-cn"');
  });

  it("runs examples/session-assume-role.ts", async () => {
    const { stdout } = await runExample("examples/session-assume-role.ts", { EXTERNAL_ID: "ext-example" });

    expect(stdout).toContain("assumed-role/manage-role/nightly-rotation");
    expect(stdout).toContain("prod/db -> user app");
    const assumed = sts.calls("AssumeRole").find((request) => request.params.RoleSessionName === "nightly-rotation");
    expect(assumed?.params.ExternalId).toBe("ext-example");
  });
});
