import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Arn, AWS_PARTITIONS, buildArn, iamRoleArn, parseArn } from "../src/aws.js";
import { ArgumentError } from "../src/core/errors.js";
import { isSecretsError } from "../src/index.js";

const partition = fc.constantFrom(...AWS_PARTITIONS);
const word = fc.stringMatching(/^[a-z0-9-]{1,20}$/);
const region = fc.oneof(fc.constant(""), fc.stringMatching(/^[a-z]{2,4}(-[a-z]{3,5})?-[a-z]{4,9}-[1-9]$/));
const accountId = fc.oneof(fc.constant(""), fc.constant("aws"), fc.stringMatching(/^\d{12}$/));
/** Resources hold colons, slashes and most printable characters. */
const resource = fc.stringMatching(/^[\w+=,.@/:*-]{1,60}$/);
const arnParts: fc.Arbitrary<Arn> = fc.record({ partition, service: word, region, accountId, resource });

describe("ARN helpers", () => {
  it("parses an ARN whose resource holds colons and slashes", () => {
    const arn = "arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:prod/db:x-AbCdEf";

    expect(parseArn(arn)).toEqual({
      partition: "aws-cn",
      service: "secretsmanager",
      region: "cn-north-1",
      accountId: "123456789012",
      resource: "secret:prod/db:x-AbCdEf",
    });
  });

  it("builds role ARNs in each partition, with a path when given", () => {
    expect(iamRoleArn("aws-us-gov", "123456789012", "service-role/deployer")).toBe(
      "arn:aws-us-gov:iam::123456789012:role/service-role/deployer",
    );
    expect(iamRoleArn("aws-iso-f", "123456789012", "ci")).toBe("arn:aws-iso-f:iam::123456789012:role/ci");
  });

  it("round-trips parts through buildArn and parseArn in every partition", () => {
    fc.assert(
      fc.property(arnParts, (parts) => {
        expect(parseArn(buildArn(parts))).toEqual(parts);
      }),
    );
  });

  it("round-trips ARN strings through parseArn and buildArn in every partition", () => {
    fc.assert(
      fc.property(arnParts, (parts) => {
        const text = `arn:${parts.partition}:${parts.service}:${parts.region}:${parts.accountId}:${parts.resource}`;

        expect(buildArn(parseArn(text))).toBe(text);
      }),
    );
  });

  const malformed: [string, string][] = [
    ["a bare name", "manage-role"],
    ["too few fields", "arn:aws:iam::123456789012"],
    ["an unknown partition", "arn:aws-mars:iam::123456789012:role/x"],
    ["no service", "arn:aws::us-east-1:123456789012:thing"],
    ["no resource", "arn:aws:iam::123456789012:"],
    ["another scheme", "urn:aws:iam::123456789012:role/x"],
  ];
  for (const [label, text] of malformed) {
    it(`rejects ${label} as an ArgumentError without quoting it`, () => {
      let error: unknown;
      try {
        parseArn(text);
      } catch (caught) {
        error = caught;
      }

      expect(error).toBeInstanceOf(ArgumentError);
      expect(isSecretsError(error)).toBe(false);
      expect((error as Error).message).not.toContain(text);
    });
  }

  it("refuses to build parts that would not parse back", () => {
    const base: Arn = { partition: "aws", service: "iam", region: "", accountId: "123456789012", resource: "role/x" };

    expect(() => buildArn({ ...base, region: "us:east" })).toThrow(/region contains ":"/);
    expect(() => buildArn({ ...base, resource: "" })).toThrow(/empty resource/);
    expect(() => buildArn({ ...base, partition: "aws-mars" as never })).toThrow(/unknown partition/);
  });

  it("rejects role names with stray slashes", () => {
    expect(() => iamRoleArn("aws", "123456789012", "/x")).toThrow(/"roleName" must be/);
  });
});
