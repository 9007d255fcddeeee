import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AwsSession, createSecretsClient, isSecretsError, memoryTransport, sdkTransport } from "../src/index.js";
import type { AwsJsonServer } from "./helpers/aws-json-server.js";
import { CANARY, expectNoLeak, rejectionOf } from "./helpers/canary.js";
import { startFakeSecretsManager } from "./helpers/fake-secrets-manager.js";
import { type FakeSts, startFakeSts, stsError } from "./helpers/fake-sts.js";
import { FIXTURES } from "./helpers/fixtures.js";

const ROLE_ARN = "arn:aws:iam::123456789012:role/manage-role";
const BASE_KEYS = { accessKeyId: "AKIDBASESESSION00001", secretAccessKey: `${CANARY}-base-secret` };
const MINUTE = 60_000;

let sts: FakeSts;
let secretsManager: AwsJsonServer;
let clock: { ms: number };

beforeEach(async () => {
  clock = { ms: Date.now() };
  sts = await startFakeSts({ now: () => clock.ms });
  secretsManager = await startFakeSecretsManager(FIXTURES);
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all([sts.close(), secretsManager.close()]);
});

const role = (options: { refreshBeforeMs?: number } = {}) =>
  new AwsSession({
    region: "us-east-1",
    credentials: BASE_KEYS,
    stsEndpoint: sts.endpoint,
    now: () => clock.ms,
  }).assumeRole({ roleArn: ROLE_ARN, ...options });

/** The access key id a recorded AWS request was signed with. */
const signedBy = (request: { headers: Record<string, unknown> } | undefined) =>
  /Credential=([^/]+)\//.exec(String(request?.headers.authorization))?.[1];

describe("AwsSession with the SDK transport", () => {
  it("reads a secret signed with the assumed role's key and session token", async () => {
    const secrets = createSecretsClient({
      transport: sdkTransport({ session: role(), endpoint: secretsManager.endpoint }),
      cache: false,
    });

    const value = await secrets.getSecret("app/text");

    expect(value).toBe(`text-${CANARY}`);
    expect(sts.calls("AssumeRole")[0]?.accessKeyId).toBe(BASE_KEYS.accessKeyId);
    const read = secretsManager.calls("GetSecretValue")[0];
    expect(signedBy(read)).toBe(sts.issued[0]?.accessKeyId);
    expect(read?.headers["x-amz-security-token"]).toBe(sts.issued[0]?.sessionToken);
    expect(String(read?.headers.authorization)).toContain("/us-east-1/secretsmanager/aws4_request");
  });

  it("builds the SDK transport from createSecretsClient({ session })", async () => {
    vi.stubEnv("AWS_ENDPOINT_URL_SECRETS_MANAGER", secretsManager.endpoint);
    const secrets = createSecretsClient({ session: role(), cache: false });

    await secrets.getSecretJson("app/json");

    expect(secrets.transport.name).toBe("sdk");
    expect(signedBy(secretsManager.calls("GetSecretValue")[0])).toBe(sts.issued[0]?.accessKeyId);
  });

  it("signs with refreshed role credentials once the old ones enter the refresh window", async () => {
    // Credentials that expire within the SDK's own 5-minute window make every SDK call ask the session.
    sts.handle("AssumeRole", (request) =>
      sts.assumeRole({ ...request, params: { ...request.params, DurationSeconds: "240" } }),
    );
    const secrets = createSecretsClient({
      transport: sdkTransport({ session: role({ refreshBeforeMs: MINUTE }), endpoint: secretsManager.endpoint }),
      cache: false,
    });

    await secrets.getSecret("app/text");
    await secrets.getSecret("app/text");
    clock.ms += 3.5 * MINUTE;
    await secrets.getSecret("app/text");

    const signers = secretsManager.calls("GetSecretValue").map(signedBy);
    expect(signers).toEqual([sts.issued[0]?.accessKeyId, sts.issued[0]?.accessKeyId, sts.issued[1]?.accessKeyId]);
    expect(sts.calls("AssumeRole")).toHaveLength(2);
  });

  it("fails the read with the role's ACCESS_DENIED when the role cannot be assumed, leaking nothing", async () => {
    sts.handle("AssumeRole", () => stsError(403, "AccessDenied", "not authorized to perform sts:AssumeRole"));
    const secrets = createSecretsClient({
      transport: sdkTransport({ session: role(), endpoint: secretsManager.endpoint }),
      cache: false,
    });

    const error = await rejectionOf(secrets.getSecret("app/text"));

    expect(isSecretsError(error, "ACCESS_DENIED")).toBe(true);
    expect((error as Error).message).toContain(`assumeRole "${ROLE_ARN}" failed`);
    expect(secretsManager.requests).toHaveLength(0);
    expectNoLeak(error);
  });

  it("rejects a transport object together with a session as CONFIG", () => {
    const attempt = () => createSecretsClient({ transport: memoryTransport(), session: role() });

    expect(attempt).toThrow(/pass either a transport object or "session"/);
  });

  it("ignores the session for a transport spec that does not call AWS", async () => {
    const secrets = createSecretsClient({ transport: "memory", session: role() });

    expect(secrets.transport.name).not.toBe("sdk");
    expect(sts.requests).toHaveLength(0);
  });
});
