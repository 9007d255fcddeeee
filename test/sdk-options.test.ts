/**
 * Refused input of sdkTransport, AwsSession and assumeRole: a programming mistake in an option is an
 * ArgumentError (a TypeError) naming the option, never a SecretsError, and never quotes a key.
 */
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { describe, expect, it } from "vitest";
import { AwsSession } from "../src/aws/session/session.js";
import { ArgumentError, isSecretsError } from "../src/core/errors.js";
import { sdkTransport } from "../src/transports/sdk/transport.js";
import { CANARY } from "./helpers/canary.js";

const KEYS = { accessKeyId: "AKIDOPTIONSTEST00001", secretAccessKey: `${CANARY}-secret` };
const ROLE_ARN = "arn:aws:iam::123456789012:role/manage-role";
const fakeSession = { client: () => ({}) as never };

function thrown(attempt: () => unknown): unknown {
  try {
    attempt();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

function expectArgumentError(attempt: () => unknown, option: string): void {
  const error = thrown(attempt);
  expect(error).toBeInstanceOf(ArgumentError);
  expect(error).toBeInstanceOf(TypeError);
  expect(isSecretsError(error)).toBe(false);
  expect((error as Error).message).toContain(`"${option}"`);
  expect((error as Error).message).not.toContain(CANARY);
}

describe("sdkTransport refuses bad options with ArgumentError", () => {
  const bad: [option: string, value: unknown][] = [
    ["region", ""],
    ["region", 42],
    ["endpoint", "not a url"],
    ["endpoint", "ftp://127.0.0.1:21"],
    ["endpoint", 8080],
    ["credentials", { accessKeyId: "AKID" }],
    ["credentials", { accessKeyId: "", secretAccessKey: `${CANARY}` }],
    ["credentials", `${CANARY}`],
    ["session", {}],
    ["session", "prod"],
    ["maxAttempts", 0],
    ["maxAttempts", -1],
    ["maxAttempts", 1.5],
    ["maxAttempts", Number.NaN],
    ["maxAttempts", "3"],
    ["maxAttempts", 1_000],
    ["requestTimeoutMs", 0],
    ["requestTimeoutMs", -5],
    ["requestTimeoutMs", Number.POSITIVE_INFINITY],
    ["requestTimeoutMs", 2 ** 31],
    ["requestTimeoutMs", "1000"],
    ["client", {}],
    ["client", { send() {} }],
    ["ssmClient", "ssm"],
  ];
  for (const [option, value] of bad) {
    it(`refuses ${option}: ${typeof value === "string" ? JSON.stringify(value) : String(value)}`, () => {
      expectArgumentError(() => sdkTransport({ [option]: value } as never), option);
    });
  }

  it("refuses own clients mixed with every build option, naming both", () => {
    const own = new SecretsManagerClient({ region: "us-east-1" });
    for (const [option, value] of Object.entries({
      region: "eu-west-1",
      endpoint: "http://127.0.0.1:1",
      credentials: KEYS,
      session: fakeSession,
      maxAttempts: 2,
      requestTimeoutMs: 1_000,
    })) {
      expectArgumentError(() => sdkTransport({ client: own, [option]: value } as never), option);
      expectArgumentError(() => sdkTransport({ ssmClient: own, [option]: value } as never), "ssmClient");
    }
    own.destroy();
  });

  it("refuses a session together with credentials", () => {
    expectArgumentError(() => sdkTransport({ session: fakeSession, credentials: KEYS } as never), "credentials");
  });

  it("accepts every option at its bounds", () => {
    expect(() =>
      sdkTransport({
        region: "eu-central-1",
        endpoint: "https://secretsmanager.eu-central-1.amazonaws.com",
        credentials: KEYS,
        maxAttempts: 1,
        requestTimeoutMs: 1,
      }),
    ).not.toThrow();
    expect(() =>
      sdkTransport({ credentials: async () => KEYS, maxAttempts: 100, requestTimeoutMs: 2 ** 31 - 1 }),
    ).not.toThrow();
  });
});

describe("AwsSession refuses bad options with ArgumentError", () => {
  const bad: [option: string, value: unknown][] = [
    ["region", ""],
    ["region", 7],
    ["profile", ""],
    ["profile", {}],
    ["credentials", { secretAccessKey: `${CANARY}` }],
    ["credentials", 12],
    ["clientConfig", "fast"],
    ["clientConfig", { region: "eu-west-1" }],
    ["clientConfig", { credentials: KEYS }],
    ["stsEndpoint", "sts.local"],
    ["refreshBeforeMs", -1],
    ["refreshBeforeMs", Number.NaN],
    ["refreshBeforeMs", 13 * 60 * 60_000],
    ["refreshBeforeMs", "300000"],
    ["now", 1_700_000_000_000],
  ];
  for (const [option, value] of bad) {
    it(`refuses ${option}: ${typeof value === "object" ? JSON.stringify(value)?.replace(CANARY, "canary") : String(value)}`, () => {
      expectArgumentError(() => new AwsSession({ [option]: value } as never), option);
    });
  }

  it("refuses credentials and profile together", () => {
    expectArgumentError(() => new AwsSession({ credentials: KEYS, profile: "aws2" }), "profile");
  });
});

describe("assumeRole refuses bad options with ArgumentError", () => {
  const base = () => new AwsSession({ region: "us-east-1", credentials: KEYS });
  const bad: [option: string, options: Record<string, unknown>][] = [
    ["roleArn", { roleArn: "manage-role" }],
    ["roleArn", { roleArn: "arn:aws:iam::123456789012:user/bob" }],
    ["roleArn", { roleArn: 12 }],
    ["roleArn", { roleArn: "arn:aws-cn:iam::123456789012:role/x" }],
    ["roleArn", { roleArn: ROLE_ARN, accountId: "123456789012", roleName: "x" }],
    ["roleArn", {}],
    ["roleName", { accountId: "123456789012" }],
    ["accountId", { accountId: "12345", roleName: "x" }],
    ["roleName", { accountId: "123456789012", roleName: "/x" }],
    ["durationSeconds", { roleArn: ROLE_ARN, durationSeconds: 899 }],
    ["durationSeconds", { roleArn: ROLE_ARN, durationSeconds: 43_201 }],
    ["durationSeconds", { roleArn: ROLE_ARN, durationSeconds: 1_000.5 }],
    ["durationSeconds", { roleArn: ROLE_ARN, durationSeconds: "3600" }],
    ["sessionName", { roleArn: ROLE_ARN, sessionName: "x" }],
    ["sessionName", { roleArn: ROLE_ARN, sessionName: "has space" }],
    ["sessionName", { roleArn: ROLE_ARN, sessionName: "a".repeat(65) }],
    ["externalId", { roleArn: ROLE_ARN, externalId: "" }],
    ["externalId", { roleArn: ROLE_ARN, externalId: `${CANARY} with spaces` }],
    ["externalId", { roleArn: ROLE_ARN, externalId: 42 }],
    ["region", { roleArn: ROLE_ARN, region: "cn-north-1" }],
    ["region", { roleArn: ROLE_ARN, region: "" }],
    ["refreshBeforeMs", { roleArn: ROLE_ARN, refreshBeforeMs: -1 }],
    ["stsEndpoint", { roleArn: ROLE_ARN, stsEndpoint: "nowhere" }],
    ["now", { roleArn: ROLE_ARN, now: "today" }],
  ];
  for (const [option, options] of bad) {
    it(`refuses ${option} in ${JSON.stringify(options).replace(CANARY, "canary")}`, () => {
      expectArgumentError(() => base().assumeRole(options as never), option);
    });
  }

  it("accepts valid values at their bounds", () => {
    expect(() =>
      base().assumeRole({
        roleArn: ROLE_ARN,
        durationSeconds: 900,
        sessionName: "ab",
        externalId: "x-1",
        refreshBeforeMs: 0,
      }),
    ).not.toThrow();
    expect(() =>
      base().assumeRole({ accountId: "123456789012", roleName: "path/name", durationSeconds: 43_200 }),
    ).not.toThrow();
  });
});
