/**
 * Once a role's credentials have expired and STS fails, the session backs off (jittered, as the cache
 * does for a cold key) instead of calling AssumeRole on every read. Counted against the fake STS.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AwsSession } from "../src/aws/session/session.js";
import { sdkTransport } from "../src/transports/sdk/transport.js";
import type { AwsJsonServer } from "./helpers/aws-json-server.js";
import { CANARY, expectNoLeak, rejectionOf } from "./helpers/canary.js";
import { startFakeSecretsManager } from "./helpers/fake-secrets-manager.js";
import { type FakeSts, startFakeSts, stsError } from "./helpers/fake-sts.js";
import { FIXTURES } from "./helpers/fixtures.js";

const ROLE_ARN = "arn:aws:iam::123456789012:role/manage-role";
const MINUTE = 60_000;
const READS = 10;
/** Attempts of the session's STS client per AssumeRole (the SDK's default). */
const STS_ATTEMPTS = 3;

let sts: FakeSts;
let secretsManager: AwsJsonServer;
let clock: { ms: number };
const now = () => clock.ms;

beforeEach(async () => {
  clock = { ms: Date.now() };
  sts = await startFakeSts({ now });
  secretsManager = await startFakeSecretsManager(FIXTURES);
});
afterEach(async () => {
  await sts.close();
  await secretsManager.close();
});

function expiredRole() {
  const base = new AwsSession({
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDBACKOFFBASE00001", secretAccessKey: `${CANARY}-base` },
    stsEndpoint: sts.endpoint,
    now,
  });
  return base.assumeRole({ roleArn: ROLE_ARN, durationSeconds: 900 });
}

describe("AssumeRole back-off once the role's credentials have expired", () => {
  it(`makes one AssumeRole (${STS_ATTEMPTS} attempts) for ${READS} failing credential requests, then asks again after the backoff`, async () => {
    const role = expiredRole();
    await role.getCredentials();
    sts.handle("AssumeRole", () => stsError(503, "ServiceUnavailable", "try later"));
    clock.ms += 16 * MINUTE;
    const before = sts.calls("AssumeRole").length;

    const errors: unknown[] = [];
    for (let read = 0; read < READS; read++) errors.push(await rejectionOf(role.getCredentials()));
    const duringBackoff = sts.calls("AssumeRole").length - before;

    expect(duringBackoff).toBe(STS_ATTEMPTS);
    for (const error of errors) {
      expect(error).toMatchObject({ code: "TRANSPORT", operation: "assumeRole" });
      expectNoLeak(error);
    }

    sts.handle("AssumeRole", sts.assumeRole);
    clock.ms += 1_001; // the first backoff is 0.5 to 1 s
    const renewed = await role.getCredentials();

    expect(sts.calls("AssumeRole").length - before).toBe(STS_ATTEMPTS + 1);
    expect(renewed.accessKeyId).toBe(sts.issued.at(-1)?.accessKeyId);
  });

  it(`reads through the sdk transport ${READS} times with a single failing AssumeRole`, async () => {
    const role = expiredRole();
    await role.getCredentials();
    sts.handle("AssumeRole", () => stsError(503, "ServiceUnavailable", "try later"));
    clock.ms += 16 * MINUTE;
    const before = sts.calls("AssumeRole").length;

    for (let read = 0; read < READS; read++) {
      // A new transport per read: its client has no credentials of its own yet and asks the session.
      const transport = sdkTransport({ session: role, endpoint: secretsManager.endpoint, maxAttempts: 1 });
      const error = await rejectionOf(transport.getSecretValue({ id: "app/text" }));
      expect(error).toMatchObject({ code: "TRANSPORT" });
      expectNoLeak(error);
      transport.close?.();
    }

    expect(sts.calls("AssumeRole").length - before).toBe(STS_ATTEMPTS);
    expect(secretsManager.requests).toHaveLength(0);
  });

  it("doubles the backoff after each failed AssumeRole, still one call per backoff", async () => {
    const role = expiredRole();
    sts.handle("AssumeRole", () => stsError(503, "ServiceUnavailable", "try later"));
    const loads: number[] = [];

    for (let failure = 0; failure < 4; failure++) {
      const before = sts.calls("AssumeRole").length;
      for (let read = 0; read < READS; read++) await rejectionOf(role.getCredentials());
      loads.push((sts.calls("AssumeRole").length - before) / STS_ATTEMPTS);
      // Past the longest possible delay of this failure (1 s, 2 s, 4 s, 8 s): the next one may call.
      clock.ms += 1_000 * 2 ** failure + 1;
    }

    expect(loads).toEqual([1, 1, 1, 1]);
  });
});
