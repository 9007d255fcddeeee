/**
 * Refused input of the failover options (`failoverRegions`, `failoverCooldownMs`): every programming
 * mistake is an ArgumentError naming the option, thrown when the transport is created, never quoting
 * the value.
 */
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { describe, expect, it } from "vitest";
import { ArgumentError, isSecretsError, SecretsError } from "../src/core/errors.js";
import { failsOver, secretIdInRegion } from "../src/transports/sdk/failover.js";
import { type SdkTransportOptions, sdkTransport } from "../src/transports/sdk/transport.js";
import { CANARY } from "./helpers/canary.js";

const ENDPOINT = "http://127.0.0.1:9";

function thrown(attempt: () => unknown): unknown {
  try {
    attempt();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

function expectArgumentError(options: unknown, option: string): ArgumentError {
  const error = thrown(() => sdkTransport(options as SdkTransportOptions));
  expect(error).toBeInstanceOf(ArgumentError);
  expect(error).toBeInstanceOf(TypeError);
  expect(isSecretsError(error)).toBe(false);
  expect((error as Error).message).toContain(`"${option}`);
  expect((error as Error).message).not.toContain(CANARY);
  return error as ArgumentError;
}

describe("sdkTransport refuses bad failoverRegions with ArgumentError", () => {
  const bad: [label: string, options: Record<string, unknown>, option: string][] = [
    ["a string, not an array", { failoverRegions: "eu-west-1" }, "failoverRegions"],
    ["a number", { failoverRegions: 42 }, "failoverRegions"],
    ["an object, not an array", { failoverRegions: { region: "eu-west-1" } }, "failoverRegions"],
    ["an empty region", { failoverRegions: [""] }, "failoverRegions[0]"],
    ["an upper-case region", { failoverRegions: ["EU-WEST-1"] }, "failoverRegions[0]"],
    ["a region with spaces", { failoverRegions: ["eu-west-1", "eu west 2"] }, "failoverRegions[1]"],
    ["a secret-looking region", { failoverRegions: [CANARY] }, "failoverRegions[0]"],
    ["a number entry", { failoverRegions: [42] }, "failoverRegions[0]"],
    ["a null entry", { failoverRegions: [null] }, "failoverRegions[0]"],
    ["an array entry", { failoverRegions: [["eu-west-1"]] }, "failoverRegions[0]"],
    ["an entry without region", { failoverRegions: [{}] }, "failoverRegions[0].region"],
    ["an entry with a number region", { failoverRegions: [{ region: 1 }] }, "failoverRegions[0].region"],
    [
      "an entry with an ftp endpoint",
      { failoverRegions: [{ region: "eu-west-1", endpoint: "ftp://127.0.0.1" }] },
      "failoverRegions[0].endpoint",
    ],
    [
      "an entry with a non-URL endpoint",
      { failoverRegions: [{ region: "eu-west-1", endpoint: CANARY }] },
      "failoverRegions[0].endpoint",
    ],
    [
      "an entry with an unknown key (a typo)",
      { failoverRegions: [{ region: "eu-west-1", endpointUrl: ENDPOINT }] },
      "failoverRegions[0]",
    ],
    ["a duplicate region", { failoverRegions: ["eu-west-1", "eu-west-1"] }, "failoverRegions[1]"],
    ["the primary region itself", { region: "us-east-1", failoverRegions: ["us-east-1"] }, "failoverRegions[0]"],
    [
      "a region of another partition than region",
      { region: "us-east-1", failoverRegions: ["eu-west-1", "cn-north-1"] },
      "failoverRegions[1]",
    ],
    [
      "a GovCloud replica of a commercial primary",
      { region: "us-west-2", failoverRegions: ["us-gov-west-1"] },
      "failoverRegions[0]",
    ],
    ["regions of two partitions", { failoverRegions: ["cn-north-1", "eu-west-1"] }, "failoverRegions[1]"],
    [
      "a bare region while endpoint is given",
      { region: "us-east-1", endpoint: ENDPOINT, failoverRegions: ["eu-west-1"] },
      "failoverRegions[0]",
    ],
    [
      "an entry without endpoint while endpoint is given",
      { region: "us-east-1", endpoint: ENDPOINT, failoverRegions: [{ region: "eu-west-1" }] },
      "failoverRegions[0].endpoint",
    ],
  ];
  for (const [label, options, option] of bad) {
    it(`refuses ${label}`, () => {
      expectArgumentError(options, option);
    });
  }

  it("names the partitions when it refuses one", () => {
    const error = expectArgumentError({ region: "us-east-1", failoverRegions: ["cn-north-1"] }, "failoverRegions[0]");
    expect(error.message).toContain("partition aws-cn, not aws");
  });
});

describe("sdkTransport refuses bad failoverCooldownMs with ArgumentError", () => {
  for (const value of [-1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31, "1000", null, true]) {
    it(`refuses ${typeof value === "string" ? JSON.stringify(value) : String(value)}`, () => {
      expectArgumentError({ failoverRegions: ["eu-west-1"], failoverCooldownMs: value }, "failoverCooldownMs");
    });
  }
});

describe("sdkTransport refuses failover options with your own clients", () => {
  const own = { send: async () => ({}), destroy() {} };
  for (const clientKey of ["client", "ssmClient"]) {
    for (const [option, value] of Object.entries({ failoverRegions: ["eu-west-1"], failoverCooldownMs: 1_000 })) {
      it(`refuses ${option} with ${clientKey}`, () => {
        const error = expectArgumentError({ [clientKey]: own, [option]: value }, clientKey);
        expect(error.message).toContain(`"${option}"`);
      });
    }
  }

  it("refuses it in the types too", () => {
    const client = new SecretsManagerClient({ region: "us-east-1" });
    // @ts-expect-error: replica regions need clients the transport builds
    expect(() => sdkTransport({ client, failoverRegions: ["eu-west-1"] })).toThrow(ArgumentError);
    client.destroy();
  });
});

describe("sdkTransport accepts good failover options", () => {
  const good: [label: string, options: SdkTransportOptions][] = [
    ["no replicas", { failoverRegions: [] }],
    ["bare regions", { region: "us-east-1", failoverRegions: ["eu-west-1", "ap-southeast-2"] }],
    ["bare regions without a region option", { failoverRegions: ["eu-west-1"] }],
    [
      "regions with endpoints",
      { region: "us-east-1", endpoint: ENDPOINT, failoverRegions: [{ region: "eu-west-1", endpoint: ENDPOINT }] },
    ],
    [
      "an endpoint for a replica only",
      { region: "us-east-1", failoverRegions: [{ region: "eu-west-1", endpoint: ENDPOINT }] },
    ],
    ["China regions", { region: "cn-north-1", failoverRegions: ["cn-northwest-1"] }],
    ["no cooldown", { failoverRegions: ["eu-west-1"], failoverCooldownMs: 0 }],
    ["the longest cooldown", { failoverRegions: ["eu-west-1"], failoverCooldownMs: 2 ** 31 - 1 }],
  ];
  for (const [label, options] of good) {
    it(`accepts ${label}`, () => {
      const transport = sdkTransport(options);
      expect(transport.name).toBe("sdk");
      transport.close?.();
    });
  }
});

describe("failover rules", () => {
  it("rewrites a Secrets Manager ARN's region, keeps names, other services and other partitions", () => {
    const arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf";
    expect(secretIdInRegion(arn, "eu-west-1")).toBe(
      "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf",
    );
    expect(secretIdInRegion("prod/db", "eu-west-1")).toBe("prod/db");
    expect(secretIdInRegion("arn:aws:ssm:us-east-1:123456789012:parameter/x", "eu-west-1")).toBe(
      "arn:aws:ssm:us-east-1:123456789012:parameter/x",
    );
    expect(secretIdInRegion(arn, "cn-north-1")).toBe(arn);
    expect(secretIdInRegion("arn:broken", "eu-west-1")).toBe("arn:broken");
  });

  it("fails over on retryable THROTTLED, TIMEOUT and TRANSPORT only", () => {
    const error = (code: string, retryable?: boolean) =>
      new SecretsError({ code: code as never, operation: "getSecretValue", retryable });
    expect(["THROTTLED", "TIMEOUT", "TRANSPORT"].map((code) => failsOver(error(code)))).toEqual([true, true, true]);
    // A body over the cap is TRANSPORT but not retryable: the replica would send the same.
    expect(failsOver(error("TRANSPORT", false))).toBe(false);
    const final = [
      "NOT_FOUND",
      "ACCESS_DENIED",
      "DECRYPTION_FAILED",
      "INVALID_REQUEST",
      "CREDENTIALS",
      "ABORTED",
      "CONFIG",
    ];
    expect(final.filter((code) => failsOver(error(code)))).toEqual([]);
  });
});
