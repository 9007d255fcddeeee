import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { SSMClient } from "@aws-sdk/client-ssm";
import { STSClient } from "@aws-sdk/client-sts";
import { build } from "esbuild";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AwsSessionOptions } from "../src/aws.js";
import { ArgumentError } from "../src/core/errors.js";
import { AwsSession, isSecretsError, type SecretsError } from "../src/index.js";
import { CANARY, expectNoLeak, rejectionOf } from "./helpers/canary.js";
import { type FakeSts, startFakeSts, stsError } from "./helpers/fake-sts.js";

const BASE_KEYS = {
  accessKeyId: "AKIDBASESESSION00001",
  secretAccessKey: `${CANARY}-base-secret`,
  sessionToken: `${CANARY}-base-token`,
};
const ROLE_ARN = "arn:aws:iam::123456789012:role/manage-role";
const MINUTE = 60_000;

/** A clock the test moves by hand; the fake STS and the sessions read the same one. */
function testClock(start = Date.now()) {
  const clock = { ms: start, now: () => clock.ms, advance: (ms: number) => (clock.ms += ms) };
  return clock;
}

let sts: FakeSts;
let clock: ReturnType<typeof testClock>;

beforeEach(async () => {
  clock = testClock();
  sts = await startFakeSts({ now: clock.now });
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await sts.close();
});

const baseSession = (options: AwsSessionOptions = {}) =>
  new AwsSession({
    region: "us-east-1",
    credentials: BASE_KEYS,
    stsEndpoint: sts.endpoint,
    now: clock.now,
    ...options,
  });

describe("AwsSession credential sources", () => {
  it("signs with explicit keys and the session token", async () => {
    const session = baseSession();

    const identity = await session.whoami();

    expect(identity.arn).toBe(`arn:aws:iam::123456789012:user/${BASE_KEYS.accessKeyId}`);
    const request = sts.calls("GetCallerIdentity")[0];
    expect(request?.accessKeyId).toBe(BASE_KEYS.accessKeyId);
    expect(request?.headers["x-amz-security-token"]).toBe(BASE_KEYS.sessionToken);
  });

  it("calls a credential provider function once while its credentials do not expire", async () => {
    const provider = vi.fn(async () => ({ accessKeyId: "AKIDFROMPROVIDER0001", secretAccessKey: "provider-secret" }));
    const session = new AwsSession({ region: "us-east-1", credentials: provider, stsEndpoint: sts.endpoint });

    await session.whoami();
    await session.whoami();
    await session.getCredentials();

    expect(provider).toHaveBeenCalledTimes(1);
    expect(sts.requests.map((request) => request.accessKeyId)).toEqual([
      "AKIDFROMPROVIDER0001",
      "AKIDFROMPROVIDER0001",
    ]);
  });

  it("wraps a failing credential provider in a SecretsError that keeps the cause", async () => {
    const failure = new Error("vault sealed");
    const session = new AwsSession({ region: "us-east-1", credentials: async () => Promise.reject(failure) });

    const error = await rejectionOf(session.getCredentials());

    expect(isSecretsError(error)).toBe(true);
    expect((error as SecretsError).operation).toBe("loadCredentials");
    expect((error as Error).cause).toBe(failure);
  });

  it("uses the SDK default chain, which reads the environment keys first", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDFROMENVIRONMENT1");
    const session = new AwsSession({ stsEndpoint: sts.endpoint });

    await session.whoami();

    expect(session.region).toBe("us-east-1");
    expect(sts.requests[0]?.accessKeyId).toBe("AKIDFROMENVIRONMENT1");
    expect(JSON.stringify(session)).toContain('"source":"default chain"');
  });

  it("uses the SDK default chain's container credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI)", async () => {
    const container = await startContainerCredentials();
    vi.stubEnv("AWS_ACCESS_KEY_ID", undefined);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", undefined);
    vi.stubEnv("AWS_CONTAINER_CREDENTIALS_FULL_URI", `${container.endpoint}/v2/credentials`);
    vi.stubEnv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "container-auth-token");

    try {
      await new AwsSession({ stsEndpoint: sts.endpoint }).whoami();

      expect(sts.requests[0]?.accessKeyId).toBe("ASIAFROMCONTAINER001");
      expect(sts.requests[0]?.headers["x-amz-security-token"]).toBe(`${CANARY}-container-token`);
      expect(container.authorizations).toEqual(["container-auth-token"]);
    } finally {
      await container.close();
    }
  });

  it("uses the SDK default chain's web identity (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN)", async () => {
    const tokenFile = join(mkdtempSync(join(tmpdir(), "secretwrangler-oidc-")), "token");
    writeFileSync(tokenFile, "oidc-token-from-the-cluster");
    vi.stubEnv("AWS_ACCESS_KEY_ID", undefined);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", undefined);
    vi.stubEnv("AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile);
    vi.stubEnv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/pod-role");
    vi.stubEnv("AWS_ROLE_SESSION_NAME", "pod-session");
    vi.stubEnv("AWS_ENDPOINT_URL_STS", sts.endpoint);

    const identity = await new AwsSession().whoami();

    const exchange = sts.calls("AssumeRoleWithWebIdentity")[0];
    expect(exchange?.params).toMatchObject({
      RoleArn: "arn:aws:iam::123456789012:role/pod-role",
      RoleSessionName: "pod-session",
      WebIdentityToken: "oidc-token-from-the-cluster",
    });
    expect(identity.arn).toBe("arn:aws:sts::123456789012:assumed-role/pod-role/pod-session");
  });

  it("rejects keys and a profile together as an ArgumentError instead of picking one", () => {
    const attempt = () => new AwsSession({ credentials: BASE_KEYS, profile: "aws2" });

    expect(attempt).toThrow(ArgumentError);
    expect(attempt).toThrow(/pass either "credentials" or "profile", not both/);
  });

  it("rejects a clientConfig that sets region or credentials as an ArgumentError", () => {
    const attempt = () => new AwsSession({ clientConfig: { region: "eu-west-1" } });

    expect(attempt).toThrow(ArgumentError);
    expect(attempt).toThrow(/"clientConfig" may not set "region"/);
  });

  it("takes the region from the options, else AWS_REGION", () => {
    vi.stubEnv("AWS_REGION", "cn-northwest-1");

    expect(new AwsSession({ region: "us-gov-west-1" }).region).toBe("us-gov-west-1");
    expect(new AwsSession().region).toBe("cn-northwest-1");
    expect(new AwsSession().partition).toBe("aws-cn");
  });

  it("reports a missing region as CONFIG when the partition is asked for", () => {
    vi.stubEnv("AWS_REGION", undefined);
    const session = new AwsSession({ credentials: BASE_KEYS });

    const error = (() => {
      try {
        return session.partition;
      } catch (caught) {
        return caught;
      }
    })();

    expect(isSecretsError(error, "CONFIG")).toBe(true);
    expect(session.region).toBeUndefined();
  });
});

describe("AwsSession.client", () => {
  it("builds any SDK client with the session's region and credentials", async () => {
    const session = new AwsSession({ region: "cn-north-1", credentials: BASE_KEYS });

    const ssm = session.client(SSMClient);

    expect(await ssm.config.region()).toBe("cn-north-1");
    expect((await ssm.config.credentials()).accessKeyId).toBe(BASE_KEYS.accessKeyId);
    ssm.destroy();
  });

  it("lays the given config over the session's and passes clientConfig to every client", async () => {
    const session = new AwsSession({ region: "us-east-1", credentials: BASE_KEYS, clientConfig: { maxAttempts: 7 } });

    const ssm = session.client(SSMClient, { region: "us-west-2" });

    expect(await ssm.config.region()).toBe("us-west-2");
    expect(await ssm.config.maxAttempts()).toBe(7);
    ssm.destroy();
  });

  it("loads no credentials before the client's first call", () => {
    const provider = vi.fn(async () => BASE_KEYS);
    const session = new AwsSession({ region: "us-east-1", credentials: provider });

    session.client(SSMClient).destroy();

    expect(provider).not.toHaveBeenCalled();
  });
});

describe("AwsSession.roleArn and partition", () => {
  const cases: [string, string, string][] = [
    ["us-east-1", "aws", "arn:aws:iam::123456789012:role/manage-role"],
    ["cn-north-1", "aws-cn", "arn:aws-cn:iam::123456789012:role/manage-role"],
    ["us-gov-west-1", "aws-us-gov", "arn:aws-us-gov:iam::123456789012:role/manage-role"],
    ["us-isob-east-1", "aws-iso-b", "arn:aws-iso-b:iam::123456789012:role/manage-role"],
  ];
  for (const [region, partition, arn] of cases) {
    it(`builds role ARNs in ${partition} for ${region}`, () => {
      const session = new AwsSession({ region, credentials: BASE_KEYS });

      expect(session.partition).toBe(partition);
      expect(session.roleArn("123456789012", "manage-role")).toBe(arn);
    });
  }

  it("rejects an account id that is not 12 digits as an ArgumentError", () => {
    const session = new AwsSession({ region: "us-east-1", credentials: BASE_KEYS });

    expect(() => session.roleArn("12345", "manage-role")).toThrow(ArgumentError);
    expect(() => session.roleArn("12345", "manage-role")).toThrow(/"accountId" must be 12 digits/);
  });
});

describe("AwsSession.assumeRole", () => {
  it("sends RoleArn, RoleSessionName, ExternalId and DurationSeconds, signed with the parent's keys", async () => {
    const role = baseSession().assumeRole({
      roleArn: ROLE_ARN,
      externalId: "ext-4242",
      sessionName: "deploy-42",
      durationSeconds: 1800,
    });

    const credentials = await role.getCredentials();

    const request = sts.calls("AssumeRole")[0];
    expect(request?.params).toMatchObject({
      RoleArn: ROLE_ARN,
      RoleSessionName: "deploy-42",
      ExternalId: "ext-4242",
      DurationSeconds: "1800",
    });
    expect(request?.accessKeyId).toBe(BASE_KEYS.accessKeyId);
    expect(request?.signingRegion).toBe("us-east-1");
    expect(credentials.accessKeyId).toBe(sts.issued[0]?.accessKeyId);
    expect(credentials.expiration).toEqual(new Date(clock.ms + 1800 * 1000));
  });

  it("builds the role ARN from accountId and roleName in the session's partition", async () => {
    const role = baseSession({ region: "cn-north-1" }).assumeRole({
      accountId: "123456789012",
      roleName: "manage-role",
    });

    const identity = await role.whoami();

    expect(sts.calls("AssumeRole")[0]?.params.RoleArn).toBe("arn:aws-cn:iam::123456789012:role/manage-role");
    expect(sts.calls("AssumeRole")[0]?.signingRegion).toBe("cn-north-1");
    expect(identity.arn).toMatch(/^arn:aws-cn:sts::123456789012:assumed-role\/manage-role\//);
    expect(role.partition).toBe("aws-cn");
  });

  it("names the role session secretwrangler-<now> by default", async () => {
    const role = baseSession().assumeRole({ roleArn: ROLE_ARN });

    await role.getCredentials();

    expect(sts.calls("AssumeRole")[0]?.params.RoleSessionName).toBe(`secretwrangler-${clock.ms}`);
  });

  it("calls nothing until the role's credentials are needed", () => {
    baseSession().assumeRole({ roleArn: ROLE_ARN });

    expect(sts.requests).toHaveLength(0);
  });

  it("reuses cached role credentials until the refresh window", async () => {
    const role = baseSession().assumeRole({ roleArn: ROLE_ARN, durationSeconds: 900 });

    const first = await role.getCredentials();
    clock.advance(9 * MINUTE);
    const second = await role.getCredentials();

    expect(second).toBe(first);
    expect(sts.calls("AssumeRole")).toHaveLength(1);
  });

  it("refreshes short-lived credentials before they expire (default window 5 minutes)", async () => {
    const role = baseSession().assumeRole({ roleArn: ROLE_ARN, durationSeconds: 900 });
    const first = await role.getCredentials();

    clock.advance(10 * MINUTE + 1);
    const second = await role.getCredentials();

    expect(sts.calls("AssumeRole")).toHaveLength(2);
    expect(second.accessKeyId).not.toBe(first.accessKeyId);
    expect(second.expiration?.getTime()).toBe(clock.ms + 900 * 1000);
  });

  it("honours a configured refresh window", async () => {
    const role = baseSession().assumeRole({ roleArn: ROLE_ARN, durationSeconds: 900, refreshBeforeMs: 7 * MINUTE });
    await role.getCredentials();

    clock.advance(8 * MINUTE + 1);
    await role.getCredentials();

    expect(sts.calls("AssumeRole")).toHaveLength(2);
  });

  it("refreshes no earlier than half the lifetime, whatever the window, so calls do not each hit STS", async () => {
    const role = baseSession().assumeRole({ roleArn: ROLE_ARN, durationSeconds: 900, refreshBeforeMs: 20 * MINUTE });
    await role.getCredentials();

    clock.advance(MINUTE);
    await Promise.all([role.getCredentials(), role.getCredentials()]);
    const beforeHalf = sts.calls("AssumeRole").length;
    clock.advance(7 * MINUTE);
    await role.getCredentials();

    expect(beforeHalf).toBe(1);
    expect(sts.calls("AssumeRole")).toHaveLength(2);
  });

  it("shares one refresh among concurrent callers", async () => {
    const role = baseSession().assumeRole({ roleArn: ROLE_ARN, durationSeconds: 900 });
    await role.getCredentials();
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    sts.handle("AssumeRole", async (request) => {
      await gate;
      return sts.assumeRole(request);
    });
    clock.advance(11 * MINUTE);

    const pending = Array.from({ length: 10 }, () => role.getCredentials());
    await vi.waitFor(() => expect(sts.calls("AssumeRole")).toHaveLength(2));
    release();
    const results = await Promise.all(pending);

    expect(new Set(results.map((credentials) => credentials.accessKeyId))).toEqual(
      new Set([sts.issued[1]?.accessKeyId]),
    );
    expect(sts.calls("AssumeRole")).toHaveLength(2);
  });

  it("keeps serving unexpired credentials when a refresh inside the window fails, then retries", async () => {
    const role = baseSession().assumeRole({ roleArn: ROLE_ARN, durationSeconds: 900 });
    const first = await role.getCredentials();
    sts.handle("AssumeRole", () => stsError(503, "ServiceUnavailable", "try later"));
    clock.advance(12 * MINUTE);

    const served = await role.getCredentials();
    const callsAfterFailure = sts.calls("AssumeRole").length;
    const duringBackoff = await role.getCredentials();
    sts.handle("AssumeRole", sts.assumeRole);
    clock.advance(1_001);
    const renewed = await role.getCredentials();

    expect(served).toBe(first);
    expect(duringBackoff).toBe(first);
    expect(sts.calls("AssumeRole").length - callsAfterFailure).toBe(1);
    expect(renewed.accessKeyId).toBe(sts.issued[1]?.accessKeyId);
  });

  it("fails once the cached credentials have expired and the refresh fails", async () => {
    const role = baseSession({ clientConfig: { maxAttempts: 1 } }).assumeRole({
      roleArn: ROLE_ARN,
      durationSeconds: 900,
    });
    await role.getCredentials();
    sts.handle("AssumeRole", () => stsError(503, "ServiceUnavailable", "try later"));
    clock.advance(16 * MINUTE);

    const error = await rejectionOf(role.getCredentials());

    expect(isSecretsError(error, "TRANSPORT")).toBe(true);
  });

  it("maps AccessDenied to ACCESS_DENIED, naming the role and leaking no key or token", async () => {
    sts.handle("AssumeRole", () =>
      stsError(403, "AccessDenied", `User: ${BASE_KEYS.accessKeyId} is not authorized to perform sts:AssumeRole`),
    );
    const role = baseSession().assumeRole({ roleArn: ROLE_ARN });

    const error = await rejectionOf(role.whoami());

    expect(isSecretsError(error, "ACCESS_DENIED")).toBe(true);
    expect((error as Error).message).toBe(
      `[secretwrangler] [session] assumeRole "${ROLE_ARN}" failed (ACCESS_DENIED): 403 AccessDenied`,
    );
    expectNoLeak(error);
  });

  it("maps an expired parent token (ExpiredToken) to CREDENTIALS without leaking it", async () => {
    sts.handle("AssumeRole", () =>
      stsError(400, "ExpiredToken", "The security token included in the request is expired"),
    );
    const role = baseSession().assumeRole({ roleArn: ROLE_ARN });

    const error = await rejectionOf(role.getCredentials());

    expect(isSecretsError(error, "CREDENTIALS")).toBe(true);
    expect((error as Error).message).toContain("400 ExpiredToken");
    expectNoLeak(error);
  });

  it("reports an unreadable STS response as TRANSPORT without the body it could not parse", async () => {
    sts.handle("AssumeRole", () => ({
      xml: `<AssumeRoleResponse><AssumeRoleResult><Credentials><SecretAccessKey>${CANARY}-half-sent`,
    }));
    const role = baseSession({ clientConfig: { maxAttempts: 1 } }).assumeRole({ roleArn: ROLE_ARN });

    const error = await rejectionOf(role.getCredentials());

    expect(isSecretsError(error, "TRANSPORT")).toBe(true);
    expectNoLeak(error);
  });

  it("chains roles: the second AssumeRole is signed with the first role's credentials", async () => {
    const first = baseSession().assumeRole({ roleArn: ROLE_ARN });
    const second = first.assumeRole({ roleArn: "arn:aws:iam::210987654321:role/admin" });

    const identity = await second.whoami();

    const [toFirst, toSecond] = sts.calls("AssumeRole");
    expect(toFirst?.accessKeyId).toBe(BASE_KEYS.accessKeyId);
    expect(toSecond?.accessKeyId).toBe(sts.issued[0]?.accessKeyId);
    expect(toSecond?.headers["x-amz-security-token"]).toBe(sts.issued[0]?.sessionToken);
    expect(sts.calls("GetCallerIdentity")[0]?.accessKeyId).toBe(sts.issued[1]?.accessKeyId);
    expect(identity.arn).toMatch(/assumed-role\/admin\//);
    expect(JSON.stringify(second)).toContain(
      "role arn:aws:iam::210987654321:role/admin via role arn:aws:iam::123456789012:role/manage-role via static credentials",
    );
  });

  it("rejects a role ARN of another partition than the region as an ArgumentError", () => {
    const china = baseSession({ region: "cn-north-1" });

    const attempt = () => china.assumeRole({ roleArn: ROLE_ARN });

    expect(attempt).toThrow(ArgumentError);
    expect(attempt).toThrow(/the role is in partition "aws" but region "cn-north-1" is in "aws-cn"/);
  });

  it("assumes the role in another region of the same partition when asked", async () => {
    const role = baseSession().assumeRole({ roleArn: ROLE_ARN, region: "eu-west-1" });

    await role.getCredentials();

    expect(role.region).toBe("eu-west-1");
    expect(sts.calls("AssumeRole")[0]?.signingRegion).toBe("eu-west-1");
  });

  it("rejects a role region in another partition than the session's as an ArgumentError", () => {
    const attempt = () => baseSession().assumeRole({ roleArn: ROLE_ARN, region: "us-gov-west-1" });

    expect(attempt).toThrow(ArgumentError);
    expect(attempt).toThrow(/"region" "us-gov-west-1" is not in this session's partition "aws"/);
  });

  it("types roleArn and accountId with roleName as exclusive targets", () => {
    const session = baseSession();

    // @ts-expect-error: a role ARN and an account id with a role name exclude each other
    const both = () => session.assumeRole({ roleArn: ROLE_ARN, accountId: "123456789012", roleName: "x" });
    // @ts-expect-error: a role name needs its account id
    const half = () => session.assumeRole({ roleName: "manage-role" });

    expect(both).toThrow(/pass either "roleArn"/);
    expect(half).toThrow(/go together/);
  });

  const invalid: [string, Parameters<AwsSession["assumeRole"]>[0], RegExp][] = [
    ["both roleArn and accountId", { roleArn: ROLE_ARN, accountId: "123456789012" } as never, /pass either "roleArn"/],
    ["neither roleArn nor accountId", {} as never, /pass either "roleArn"/],
    ["accountId without roleName", { accountId: "123456789012" } as never, /go together/],
    ["a malformed ARN", { roleArn: "manage-role" }, /not an ARN/],
    ["a user ARN", { roleArn: "arn:aws:iam::123456789012:user/bob" }, /not an IAM role ARN/],
    ["a duration under 900 seconds", { roleArn: ROLE_ARN, durationSeconds: 60 }, /"durationSeconds" must be/],
  ];
  for (const [label, options, message] of invalid) {
    it(`rejects ${label} as an ArgumentError`, () => {
      const attempt = () => baseSession().assumeRole(options);

      expect(attempt).toThrow(ArgumentError);
      expect(attempt).toThrow(message);
    });
  }
});

describe("AwsSession loading", () => {
  it("imports AWS SDK packages only dynamically, so importing the library loads none", async () => {
    const result = await build({
      entryPoints: ["src/aws/session/session.ts"],
      bundle: true,
      write: false,
      metafile: true,
      platform: "node",
      format: "esm",
      packages: "external",
      logLevel: "silent",
    });

    const sdkImports = Object.values(result.metafile.inputs)
      .flatMap((input) => input.imports)
      .filter((imported) => /^@(aws-sdk|smithy)\//.test(imported.path));
    expect(sdkImports.map((imported) => `${imported.path} ${imported.kind}`).sort()).toEqual([
      "@aws-sdk/client-sts dynamic-import",
      "@aws-sdk/credential-providers dynamic-import",
    ]);
  });
});

describe("AwsSession never shows secrets", () => {
  it("keeps keys and tokens out of util.inspect, JSON.stringify and String", async () => {
    const session = baseSession();
    const role = session.assumeRole({ roleArn: ROLE_ARN });
    await role.getCredentials();

    for (const shown of [session, role]) {
      expectNoLeak(shown);
      expect(inspect(shown, { customInspect: false, showHidden: true, depth: 20 })).not.toContain(CANARY);
      expect(String(shown)).not.toContain(CANARY);
    }
    expect(inspect(role)).toBe(
      `AwsSession {\n  region: 'us-east-1',\n  partition: 'aws',\n  source: 'role ${ROLE_ARN} via static credentials'\n}`,
    );
  });

  it("keeps keys and tokens out of the SDK clients it builds", async () => {
    const role = baseSession().assumeRole({ roleArn: ROLE_ARN });
    const client = role.client(STSClient, { endpoint: sts.endpoint });
    await role.whoami();

    expect(inspect(client, { showHidden: true, depth: 20 })).not.toContain(CANARY);
    client.destroy();
  });
});

/** A loopback container credentials endpoint (ECS / EKS Pod Identity style). */
async function startContainerCredentials(): Promise<{
  endpoint: string;
  authorizations: string[];
  close: () => Promise<void>;
}> {
  const authorizations: string[] = [];
  const server: Server = createServer((req, res) => {
    authorizations.push(String(req.headers.authorization));
    const body = JSON.stringify({
      AccessKeyId: "ASIAFROMCONTAINER001",
      SecretAccessKey: `${CANARY}-container-secret`,
      Token: `${CANARY}-container-token`,
      Expiration: new Date(Date.now() + 60 * MINUTE).toISOString(),
    });
    res.writeHead(200, { "content-type": "application/json" });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    authorizations,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
