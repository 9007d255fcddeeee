/**
 * A session with neither credentials nor profile uses each SDK client's own default chain: it needs
 * no `@aws-sdk/credential-providers`. The import of that package fails in this file; reads (and a
 * role assumed on top) still work, and what does need the package says so.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AwsSession } from "../src/aws/session/session.js";
import { sdkTransport } from "../src/transports/sdk/transport.js";
import type { AwsJsonServer } from "./helpers/aws-json-server.js";
import { rejectionOf } from "./helpers/canary.js";
import { startFakeSecretsManager } from "./helpers/fake-secrets-manager.js";
import { type FakeSts, startFakeSts } from "./helpers/fake-sts.js";
import { FIXTURES } from "./helpers/fixtures.js";

vi.mock("@aws-sdk/credential-providers", () => {
  throw new Error("Cannot find package '@aws-sdk/credential-providers'");
});

/** The environment keys test/setup.ts sets: the client's own chain finds them first. */
const ENV_KEY_ID = "AKIDTESTTESTTESTTEST";

let server: AwsJsonServer;
let sts: FakeSts;
beforeEach(async () => {
  server = await startFakeSecretsManager(FIXTURES);
  sts = await startFakeSts();
});
afterEach(async () => {
  await server.close();
  await sts.close();
});

describe("a default-chain session without @aws-sdk/credential-providers", () => {
  it("reads a secret, signed by the client's own default chain", async () => {
    const session = new AwsSession({ region: "us-east-1" });

    const record = await sdkTransport({ session, endpoint: server.endpoint }).getSecretValue({ id: "app/text" });

    expect(record.name).toBe("app/text");
    expect(String(server.requests.at(-1)?.headers.authorization)).toContain(`Credential=${ENV_KEY_ID}/`);
  });

  it("assumes a role with the client's own chain (needs @aws-sdk/client-sts only)", async () => {
    const role = new AwsSession({ region: "us-east-1", stsEndpoint: sts.endpoint }).assumeRole({
      roleArn: "arn:aws:iam::123456789012:role/manage-role",
    });

    await sdkTransport({ session: role, endpoint: server.endpoint }).getSecretValue({ id: "app/text" });

    expect(sts.calls("AssumeRole")[0]?.accessKeyId).toBe(ENV_KEY_ID);
    expect(String(server.requests.at(-1)?.headers.authorization)).toContain(
      `Credential=${sts.issued[0]?.accessKeyId}/`,
    );
  });

  it("says which package a profile needs", async () => {
    const session = new AwsSession({ region: "us-east-1", profile: "aws2" });

    const error = await rejectionOf(
      sdkTransport({ session, endpoint: server.endpoint }).getSecretValue({ id: "app/text" }),
    );

    expect(error).toMatchObject({ code: "CONFIG" });
    expect((error as Error).message).toContain('cannot load @aws-sdk/credential-providers, needed for profile "aws2"');
    expect((error as Error).message).toContain("npm install @aws-sdk/credential-providers");
    expect(server.requests).toHaveLength(0);
  });

  it("says which package getCredentials() of a default-chain session needs", async () => {
    const error = await rejectionOf(new AwsSession({ region: "us-east-1" }).getCredentials());

    expect(error).toMatchObject({ code: "CONFIG" });
    expect((error as Error).message).toContain("npm install @aws-sdk/credential-providers");
  });
});
