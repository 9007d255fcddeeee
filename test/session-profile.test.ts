import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AwsSession, isSecretsError } from "../src/index.js";
import { CANARY, expectNoLeak, rejectionOf } from "./helpers/canary.js";
import { type FakeSts, startFakeSts, stsError } from "./helpers/fake-sts.js";

let sts: FakeSts;

beforeEach(async () => {
  sts = await startFakeSts();
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await sts.close();
});

/** Writes shared config and credentials files to a fresh directory and points the SDK at them. */
function sharedFiles(config: string, credentials: string): void {
  const directory = mkdtempSync(join(tmpdir(), "secretwrangler-profile-"));
  writeFileSync(join(directory, "config"), config);
  writeFileSync(join(directory, "credentials"), credentials);
  vi.stubEnv("AWS_CONFIG_FILE", join(directory, "config"));
  vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", join(directory, "credentials"));
}

const CREDENTIALS = `
[default]
aws_access_key_id = AKIDDEFAULTPROFILE01
aws_secret_access_key = ${CANARY}-default-secret

[aws2]
aws_access_key_id = AKIDAWS2PROFILE00001
aws_secret_access_key = ${CANARY}-aws2-secret
aws_session_token = ${CANARY}-aws2-token
`;

const CONFIG = `
[default]
region = us-east-1

[profile aws2]
region = eu-west-1

[profile china]
region = cn-north-1
aws_access_key_id = AKIDCHINAPROFILE0001
aws_secret_access_key = ${CANARY}-china-secret

[profile deploy]
role_arn = arn:aws:iam::123456789012:role/deployer
source_profile = aws2
external_id = ext-from-profile
role_session_name = laptop-session
region = us-west-2
`;

describe("AwsSession from a profile", () => {
  beforeEach(() => sharedFiles(CONFIG, CREDENTIALS));

  it("signs with the profile's static keys and session token", async () => {
    const dev = new AwsSession({ profile: "aws2", stsEndpoint: sts.endpoint });

    await dev.whoami();

    expect(sts.requests[0]?.accessKeyId).toBe("AKIDAWS2PROFILE00001");
    expect(sts.requests[0]?.headers["x-amz-security-token"]).toBe(`${CANARY}-aws2-token`);
    expect(JSON.stringify(dev)).toContain('"source":"profile aws2"');
  });

  it("takes the region, and so the partition, from the profile when AWS_REGION is unset", () => {
    vi.stubEnv("AWS_REGION", undefined);

    const china = new AwsSession({ profile: "china" });

    expect(china.region).toBe("cn-north-1");
    expect(china.partition).toBe("aws-cn");
    expect(china.roleArn("123456789012", "manage-role")).toBe("arn:aws-cn:iam::123456789012:role/manage-role");
  });

  it("prefers AWS_REGION over the profile's region, as the SDK does", () => {
    vi.stubEnv("AWS_REGION", "eu-central-1");

    expect(new AwsSession({ profile: "china" }).region).toBe("eu-central-1");
  });

  it("assumes a profile's role_arn with its source_profile's keys through STS (AWS_ENDPOINT_URL_STS)", async () => {
    vi.stubEnv("AWS_ENDPOINT_URL_STS", sts.endpoint);
    const deploy = new AwsSession({ profile: "deploy" });

    const credentials = await deploy.getCredentials();

    const request = sts.calls("AssumeRole")[0];
    expect(request?.accessKeyId).toBe("AKIDAWS2PROFILE00001");
    expect(request?.params).toMatchObject({
      RoleArn: "arn:aws:iam::123456789012:role/deployer",
      ExternalId: "ext-from-profile",
      RoleSessionName: "laptop-session",
    });
    expect(credentials.accessKeyId).toBe(sts.issued[0]?.accessKeyId);
  });

  it("assumes a profile's role once, then serves the cached credentials to every client", async () => {
    vi.stubEnv("AWS_ENDPOINT_URL_STS", sts.endpoint);
    const deploy = new AwsSession({ profile: "deploy" });

    await deploy.whoami();
    await deploy.whoami();
    await deploy.getCredentials();

    expect(sts.calls("AssumeRole")).toHaveLength(1);
    expect(sts.calls("GetCallerIdentity").map((request) => request.accessKeyId)).toEqual([
      sts.issued[0]?.accessKeyId,
      sts.issued[0]?.accessKeyId,
    ]);
  });

  it("chains assumeRole on top of a profile session, in the profile's region", async () => {
    vi.stubEnv("AWS_REGION", undefined);
    const dev = new AwsSession({ profile: "aws2", stsEndpoint: sts.endpoint });

    await dev.assumeRole({ roleArn: "arn:aws:iam::123456789012:role/admin" }).getCredentials();

    expect(sts.calls("AssumeRole")[0]?.accessKeyId).toBe("AKIDAWS2PROFILE00001");
    expect(sts.calls("AssumeRole")[0]?.signingRegion).toBe("eu-west-1");
  });

  it("reports a role_arn profile whose AssumeRole is denied as ACCESS_DENIED, leaking no token", async () => {
    vi.stubEnv("AWS_ENDPOINT_URL_STS", sts.endpoint);
    sts.handle("AssumeRole", () => stsError(403, "AccessDenied", "not authorized to perform sts:AssumeRole"));

    const error = await rejectionOf(new AwsSession({ profile: "deploy" }).getCredentials());

    expect(isSecretsError(error, "ACCESS_DENIED")).toBe(true);
    expectNoLeak(error);
  });

  it("reports a missing profile as CREDENTIALS, naming the profile and the files searched", async () => {
    const session = new AwsSession({ profile: "does-not-exist", region: "us-east-1" });

    const error = await rejectionOf(session.getCredentials());

    expect(isSecretsError(error, "CREDENTIALS")).toBe(true);
    expect((error as Error).message).toContain('profile "does-not-exist" not found');
    expect((error as Error).message).toContain(process.env.AWS_CONFIG_FILE);
    expect((error as Error).message).toContain(process.env.AWS_SHARED_CREDENTIALS_FILE);
  });
});

describe("AwsSession default chain with shared files", () => {
  it("uses AWS_PROFILE's keys over the environment keys, as the SDK chain does", async () => {
    sharedFiles(CONFIG, CREDENTIALS);
    vi.stubEnv("AWS_PROFILE", "aws2");
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});

    await new AwsSession({ stsEndpoint: sts.endpoint }).whoami();

    expect(sts.requests[0]?.accessKeyId).toBe("AKIDAWS2PROFILE00001");
    warn.mockRestore();
  });

  it("reads the default profile when the environment has no keys", async () => {
    sharedFiles(CONFIG, CREDENTIALS);
    vi.stubEnv("AWS_ACCESS_KEY_ID", undefined);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", undefined);

    await new AwsSession({ stsEndpoint: sts.endpoint }).whoami();

    expect(sts.requests[0]?.accessKeyId).toBe("AKIDDEFAULTPROFILE01");
  });

  it("reports no credentials anywhere as CREDENTIALS", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", undefined);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", undefined);

    const error = await rejectionOf(new AwsSession({ stsEndpoint: sts.endpoint }).getCredentials());

    expect(isSecretsError(error, "CREDENTIALS")).toBe(true);
  });
});
