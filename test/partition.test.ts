import { partition as sdkPartition } from "@aws-sdk/core/client";
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AWS_PARTITIONS, isAwsPartition, partitionDnsSuffix, partitionForRegion } from "../src/aws.js";
import { AwsSession, isSecretsError } from "../src/index.js";
import { rejectionOf } from "./helpers/canary.js";

/** One real region of each partition. */
const REGIONS: Record<string, string> = {
  aws: "eu-central-1",
  "aws-cn": "cn-north-1",
  "aws-us-gov": "us-gov-west-1",
  "aws-iso": "us-iso-east-1",
  "aws-iso-b": "us-isob-east-1",
  "aws-iso-e": "eu-isoe-west-1",
  "aws-iso-f": "us-isof-south-1",
  "aws-eusc": "eusc-de-east-1",
};

/** Region-shaped names, with the prefixes of every partition and near misses of them. */
const regionName = fc
  .tuple(
    fc.constantFrom("us", "eu", "ap", "cn", "us-gov", "us-iso", "us-isob", "eu-isoe", "us-isof", "eusc-de", "me", "il"),
    fc.constantFrom("east", "west", "north", "south", "central", "northwest", "southeast"),
    fc.integer({ min: 1, max: 9 }),
  )
  .map(([prefix, direction, number]) => `${prefix}-${direction}-${number}`);

describe("partitions", () => {
  it("knows every partition the SDK knows, and no other", () => {
    const table = AWS_PARTITIONS.map((partition) => sdkPartition(REGIONS[partition] ?? "").name);

    expect(table).toEqual([...AWS_PARTITIONS]);
    expect(Object.keys(REGIONS).sort()).toEqual([...AWS_PARTITIONS].sort());
  });

  for (const [partition, region] of Object.entries(REGIONS)) {
    it(`maps ${region} to ${partition} with the SDK's DNS suffix`, () => {
      expect(partitionForRegion(region)).toBe(partition);
      expect(partitionDnsSuffix(partitionForRegion(region))).toBe(sdkPartition(region).dnsSuffix);
    });
  }

  it("agrees with the SDK's partition for any region-shaped name", () => {
    fc.assert(
      fc.property(regionName, (region) => {
        expect(partitionForRegion(region)).toBe(sdkPartition(region).name);
      }),
    );
  });

  it("tells partition ids from other strings", () => {
    expect(isAwsPartition("aws-cn")).toBe(true);
    expect(isAwsPartition("aws-mars")).toBe(false);
    expect(isAwsPartition("toString")).toBe(false);
  });
});

describe("STS endpoints the SDK resolves for a session (recorded, never sent)", () => {
  afterEach(() => vi.unstubAllEnvs());

  /** A request handler that records each request's URL and fails it instead of sending it. */
  function recorder() {
    const urls: string[] = [];
    const requestHandler = {
      async handle(request: { protocol: string; hostname: string; path: string }): Promise<never> {
        urls.push(`${request.protocol}//${request.hostname}${request.path}`);
        throw new Error("recorded, not sent");
      },
    };
    return { urls, requestHandler };
  }

  const cases: [string, string][] = [
    ["us-east-1", "https://sts.us-east-1.amazonaws.com/"],
    ["cn-north-1", "https://sts.cn-north-1.amazonaws.com.cn/"],
    ["cn-northwest-1", "https://sts.cn-northwest-1.amazonaws.com.cn/"],
    ["us-gov-west-1", "https://sts.us-gov-west-1.amazonaws.com/"],
    ["us-iso-east-1", "https://sts.us-iso-east-1.c2s.ic.gov/"],
  ];
  for (const [region, url] of cases) {
    it(`sends whoami and AssumeRole in ${region} to ${url}`, async () => {
      vi.stubEnv("AWS_ENDPOINT_URL", undefined);
      const { urls, requestHandler } = recorder();
      const session = new AwsSession({
        region,
        credentials: { accessKeyId: "AKIDENDPOINTTEST0001", secretAccessKey: "endpoint-test" },
        clientConfig: { requestHandler, maxAttempts: 1 },
      });

      const whoami = await rejectionOf(session.whoami());
      const assume = await rejectionOf(
        session.assumeRole({ accountId: "123456789012", roleName: "manage-role" }).getCredentials(),
      );

      expect(urls).toEqual([url, url]);
      expect(isSecretsError(whoami, "TRANSPORT")).toBe(true);
      expect(isSecretsError(assume, "TRANSPORT")).toBe(true);
    });
  }
});
