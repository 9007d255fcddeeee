/**
 * Problems of the environment the SDK transport meets: no region (CONFIG, not retryable, naming
 * AWS_REGION, --region and the region option) and no credentials on the SDK default chain
 * (CREDENTIALS, saying what was tried and where, never a key). Real SDK clients, loopback only.
 */
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { AwsSession } from "../src/aws/session/session.js";
import { SecretsError } from "../src/core/errors.js";
import { sdkTransport } from "../src/transports/sdk/transport.js";
import type { AwsJsonServer } from "./helpers/aws-json-server.js";
import { CANARY, expectNoLeak, rejectionOf } from "./helpers/canary.js";
import { startFakeSecretsManager } from "./helpers/fake-secrets-manager.js";
import { startFakeSts } from "./helpers/fake-sts.js";
import { FIXTURES } from "./helpers/fixtures.js";

const KEYS = { accessKeyId: "AKIDCONFIGERRORS0001", secretAccessKey: `${CANARY}-secret` };

let server: AwsJsonServer;
beforeAll(async () => {
  server = await startFakeSecretsManager(FIXTURES);
});
afterAll(() => server.close());
afterEach(() => {
  vi.unstubAllEnvs();
});

function expectMissingRegion(error: unknown): void {
  expect(error).toBeInstanceOf(SecretsError);
  expect(error).toMatchObject({ code: "CONFIG", retryable: false });
  const { message } = error as Error;
  expect(message).toContain("no AWS region");
  expect(message).toContain("AWS_REGION");
  expect(message).toContain("--region");
  expect(message).toContain('"region" option');
  expectNoLeak(error);
}

describe("a missing region", () => {
  it("is CONFIG, not retryable, for a secret read, naming AWS_REGION, --region and the region option", async () => {
    vi.stubEnv("AWS_REGION", undefined);
    vi.stubEnv("AWS_DEFAULT_REGION", undefined);

    const error = await rejectionOf(sdkTransport({ endpoint: server.endpoint }).getSecretValue({ id: "app/text" }));

    expectMissingRegion(error);
    expect(server.requests).toHaveLength(0);
  });

  it("is CONFIG for a parameter read", async () => {
    vi.stubEnv("AWS_REGION", undefined);

    const error = await rejectionOf(
      sdkTransport({ endpoint: server.endpoint }).getParameter?.({ name: "/x" }) as Promise<unknown>,
    );

    expectMissingRegion(error);
  });

  it("is CONFIG through a session without a region", async () => {
    vi.stubEnv("AWS_REGION", undefined);
    const session = new AwsSession({ credentials: KEYS });

    const error = await rejectionOf(
      sdkTransport({ session, endpoint: server.endpoint }).getSecretValue({ id: "app/text" }),
    );

    expectMissingRegion(error);
    expectNoLeak(error, [KEYS.secretAccessKey]);
  });

  it("is CONFIG for an assumed role without a region, before any STS call", async () => {
    vi.stubEnv("AWS_REGION", undefined);
    const sts = await startFakeSts();
    try {
      const role = new AwsSession({ credentials: KEYS, stsEndpoint: sts.endpoint }).assumeRole({
        roleArn: "arn:aws:iam::123456789012:role/manage-role",
      });

      const error = await rejectionOf(role.getCredentials());

      expectMissingRegion(error);
      expect(sts.requests).toHaveLength(0);
    } finally {
      await sts.close();
    }
  });

  it("is CONFIG for your own client without a region", async () => {
    vi.stubEnv("AWS_REGION", undefined);
    const own = new SecretsManagerClient({ endpoint: server.endpoint });

    const error = await rejectionOf(sdkTransport({ client: own }).getSecretValue({ id: "app/text" }));

    expectMissingRegion(error);
    own.destroy();
  });
});

describe("no credentials on the SDK default chain", () => {
  it("is CREDENTIALS and names what the chain tried, the shared files included", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", undefined);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", `${CANARY}-half-configured`);

    const error = await rejectionOf(
      sdkTransport({ endpoint: server.endpoint, region: "us-east-1" }).getSecretValue({ id: "app/text" }),
    );

    expect(error).toMatchObject({ code: "CREDENTIALS", retryable: false });
    const { message } = error as Error;
    expect(message).toContain("the SDK default chain found no credentials");
    for (const tried of [
      "AWS_ACCESS_KEY_ID",
      'profile "default"',
      String(process.env.AWS_CONFIG_FILE),
      String(process.env.AWS_SHARED_CREDENTIALS_FILE),
      "AWS_WEB_IDENTITY_TOKEN_FILE",
      "AWS_CONTAINER_CREDENTIALS_FULL_URI",
      "instance metadata (off: AWS_EC2_METADATA_DISABLED)",
    ]) {
      expect(message).toContain(tried);
    }
    expectNoLeak(error);
  });

  it("names the AWS_PROFILE that is in neither shared file, and the files it looked in", async () => {
    vi.stubEnv("AWS_PROFILE", "nope");

    const error = await rejectionOf(
      sdkTransport({ endpoint: server.endpoint, region: "us-east-1" }).getParameter?.({
        name: "/x",
      }) as Promise<unknown>,
    );

    expect(error).toMatchObject({ code: "CREDENTIALS" });
    const { message } = error as Error;
    expect(message).toContain('profile "nope" (from AWS_PROFILE) not found');
    expect(message).toContain(
      `Looked in ${process.env.AWS_CONFIG_FILE} and ${process.env.AWS_SHARED_CREDENTIALS_FILE}`,
    );
    // The environment keys are not used when AWS_PROFILE is set, and never shown.
    expect(message).not.toContain(String(process.env.AWS_SECRET_ACCESS_KEY));
    expectNoLeak(error);
  });

  it("gives the same advice through a default-chain session", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", undefined);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", undefined);
    const session = new AwsSession({ region: "us-east-1" });

    const error = await rejectionOf(
      sdkTransport({ session, endpoint: server.endpoint }).getSecretValue({ id: "app/text" }),
    );

    expect(error).toMatchObject({ code: "CREDENTIALS" });
    expect((error as Error).message).toContain("the SDK default chain found no credentials");
  });
});
