import { describe, expect, it } from "vitest";
import { ArgumentError, isSecretsError } from "../src/index.js";
import { parseReference, parseValueFrom, splitReferences } from "../src/transport/reference.js";
import { CANARY, expectNoLeak } from "./helpers/canary.js";

const ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf";
const VERSION_ID = "9d4cb84b-ad69-40c0-a0ab-cead36b967e8";
const PARAMETER_ARN = "arn:aws:ssm:eu-central-1:123456789012:parameter/my-app/prod/api-url";

/** The error a call throws, which must be a value-free CONFIG. */
function configError(run: () => unknown): Error {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(isSecretsError(caught, "CONFIG"), String(caught)).toBe(true);
  return caught as Error;
}

describe("parseReference: CloudFormation secretsmanager dynamic references", () => {
  it.each([
    ["{{resolve:secretsmanager:prod/db}}", { id: "prod/db" }],
    ["{{resolve:secretsmanager:prod/db:SecretString}}", { id: "prod/db" }],
    ["{{resolve:secretsmanager:prod/db:SecretString:password}}", { id: "prod/db", jsonKey: "password" }],
    ["{{resolve:secretsmanager:prod/db::password}}", { id: "prod/db", jsonKey: "password" }],
    [
      "{{resolve:secretsmanager:prod/db:SecretString:password:AWSPREVIOUS}}",
      { id: "prod/db", jsonKey: "password", versionStage: "AWSPREVIOUS" },
    ],
    [
      `{{resolve:secretsmanager:prod/db:SecretString:password::${VERSION_ID}}}`,
      { id: "prod/db", jsonKey: "password", versionId: VERSION_ID },
    ],
    ["{{resolve:secretsmanager:prod/db:SecretString::AWSPENDING:}}", { id: "prod/db", versionStage: "AWSPENDING" }],
    [`{{resolve:secretsmanager:${ARN}}}`, { id: ARN }],
    [`{{resolve:secretsmanager:${ARN}:SecretString:password}}`, { id: ARN, jsonKey: "password" }],
    // The form the CDK writes: every trailing part present and empty.
    [`{{resolve:secretsmanager:${ARN}:SecretString:::}}`, { id: ARN }],
    ["{{resolve:secretsmanager:a+b=c.d@e_f-g}}", { id: "a+b=c.d@e_f-g" }],
  ])("parses %s", (text, expected) => {
    expect(parseReference(text)).toEqual({ kind: "secret", form: "cloudformation", ...expected });
  });

  it.each([
    ["{{resolve:secretsmanager:}}", "names no secret"],
    ["{{resolve:secretsmanager}}", "names no secret"],
    ["{{resolve:secretsmanager:prod/db:SecretBinary:password}}", '"SecretString"'],
    ["{{resolve:secretsmanager:prod/db:SecretString:k:AWSPREVIOUS:v1}}", "not both"],
    ["{{resolve:secretsmanager:prod/db:SecretString:k:s:v:extra}}", "too many parts"],
    ["{{resolve:secretsmanager:prod db}}", "no valid secret id"],
    ["{{resolve:secretsmanager:arn:aws:secretsmanager:us-east-1:123456789012:secret}}", "incomplete"],
    ["{{resolve:secretsmanager:arn:aws:secretsmanager::123456789012:secret:x}}", "no region"],
    ["{{resolve:secretsmanager:arn:aws:secretsmanager:us-east-1:12:secret:x}}", "12-digit account"],
    ["{{resolve:secretsmanager:arn:nope:secretsmanager:us-east-1:123456789012:secret:x}}", "unknown partition"],
    ["{{resolve:secretsmanager:prod/db:SecretString:pass word}}", "whitespace"],
    ["{{resolve:vault:prod/db}}", "unknown dynamic reference service"],
    ["{{resolve:secretsmanager:prod/db", 'no closing "}}"'],
  ])("refuses %s with a CONFIG error", (text, detail) => {
    const error = configError(() => parseReference(text));

    expect(error.message).toContain(detail);
    expect(error.message).not.toContain(text);
  });
});

describe("parseReference: CloudFormation ssm and ssm-secure dynamic references", () => {
  it.each([
    ["{{resolve:ssm:/my-app/prod/api-url}}", { name: "/my-app/prod/api-url", decrypt: false }],
    ["{{resolve:ssm:S3AccessControl:2}}", { name: "S3AccessControl", version: 2, decrypt: false }],
    ["{{resolve:ssm:/a/b:}}", { name: "/a/b", decrypt: false }],
    ["{{resolve:ssm-secure:IAMUserPassword:10}}", { name: "IAMUserPassword", version: 10, decrypt: true }],
    ["{{resolve:ssm-secure:/db/password}}", { name: "/db/password", decrypt: true }],
    [`{{resolve:ssm:${PARAMETER_ARN}}}`, { name: PARAMETER_ARN, decrypt: false }],
    [`{{resolve:ssm:${PARAMETER_ARN}:3}}`, { name: PARAMETER_ARN, version: 3, decrypt: false }],
    [
      "{{resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64}}",
      { name: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64", decrypt: false },
    ],
  ])("parses %s", (text, expected) => {
    expect(parseReference(text)).toEqual({ kind: "parameter", form: "cloudformation", ...expected });
  });

  it.each([
    ["{{resolve:ssm:/a:live}}", "positive integer"],
    ["{{resolve:ssm:/a:0}}", "positive integer"],
    ["{{resolve:ssm:/a:1:2}}", "too many parts"],
    ["{{resolve:ssm:/a b}}", "no valid parameter name"],
    ["{{resolve:ssm-secure:}}", "names no secret or parameter"],
    ["{{resolve:ssm:arn:aws:ssm:us-east-1:123456789012:document/x}}", "parameter/<name>"],
    ["{{resolve:ssm:arn:aws:ssm:us-east-1}}", "incomplete"],
  ])("refuses %s with a CONFIG error", (text, detail) => {
    expect(configError(() => parseReference(text)).message).toContain(detail);
  });
});

describe("parseReference: ECS valueFrom ARNs and /aws/reference/secretsmanager/", () => {
  it.each([
    [ARN, {}],
    [`${ARN}:username1::`, { jsonKey: "username1" }],
    [`${ARN}:username1`, { jsonKey: "username1" }],
    [`${ARN}::AWSPREVIOUS:`, { versionStage: "AWSPREVIOUS" }],
    [`${ARN}:::${VERSION_ID}`, { versionId: VERSION_ID }],
    [`${ARN}:username1:AWSPREVIOUS:`, { jsonKey: "username1", versionStage: "AWSPREVIOUS" }],
    [`${ARN}:username1::${VERSION_ID}`, { jsonKey: "username1", versionId: VERSION_ID }],
    [`${ARN}:::`, {}],
  ])("parses the secret ARN %s", (text, expected) => {
    expect(parseReference(text)).toEqual({ kind: "secret", form: "ecs", id: ARN, ...expected });
  });

  it("keeps a partial ARN (no random suffix) as written", () => {
    const partial = "arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:prod/db";

    expect(parseReference(`${partial}:password::`)).toEqual({
      kind: "secret",
      form: "ecs",
      id: partial,
      jsonKey: "password",
    });
  });

  it("parses a parameter ARN", () => {
    expect(parseReference(PARAMETER_ARN)).toEqual({
      kind: "parameter",
      form: "ecs",
      name: PARAMETER_ARN,
      decrypt: true,
    });
  });

  it.each([
    "/aws/reference/secretsmanager/prod/db",
    "/aws/reference/secretsmanager/prod/db:AWSPREVIOUS",
    `/aws/reference/secretsmanager/${ARN}`,
  ])("parses %s as a parameter read with decryption", (text) => {
    expect(parseReference(text)).toEqual({ kind: "parameter", form: "parameter-store", name: text, decrypt: true });
  });

  it.each([
    [`${ARN}:a:b:c:d`, "too many parts"],
    [`${ARN}:a:AWSPREVIOUS:${VERSION_ID}`, "not both"],
    ["arn:aws:secretsmanager:us-east-1:123456789012:key:x", '"secret:"'],
    ["arn:aws:secretsmanager:us-east-1:123456789012:secret:", "no valid secret name"],
    [`${PARAMETER_ARN}:3`, "parts after the name"],
    ["/aws/reference/secretsmanager/", "no valid secret id"],
  ])("refuses %s with a CONFIG error", (text, detail) => {
    expect(configError(() => parseReference(text)).message).toContain(detail);
  });

  it.each([
    "",
    "info",
    "https://example.com/a:b",
    "/var/run/app.sock",
    "/my-app/prod/api-url",
    "prod/db",
    "arn:aws:iam::123456789012:role/app",
    "arn:aws:kms:us-east-1:123456789012:key/1234",
    "arn:aws:ssm:us-east-1:123456789012:document/x",
    "arn:aws:secretsmanager",
    "{{other}}",
    "{{resolve:ssm:/a}} trailing",
  ])("is undefined for %j, which is no whole-string reference", (text) => {
    expect(parseReference(text)).toBeUndefined();
  });

  it("refuses a non-string argument as an ArgumentError", () => {
    expect(() => parseReference(42 as unknown as string)).toThrow(ArgumentError);
    expect(() => parseValueFrom(undefined as unknown as string)).toThrow(ArgumentError);
    expect(() => splitReferences(null as unknown as string)).toThrow(ArgumentError);
  });

  it("never quotes the text it refuses", () => {
    const error = configError(() => parseReference(`{{resolve:vault:${CANARY}}}`));

    expectNoLeak(error);
  });
});

describe("parseValueFrom", () => {
  it("reads a bare parameter name as a parameter, as ECS does in the task's Region", () => {
    expect(parseValueFrom("/my-app/prod/api-url")).toEqual({
      kind: "parameter",
      form: "ecs",
      name: "/my-app/prod/api-url",
      decrypt: true,
    });
    expect(parseValueFrom("plain_name")).toMatchObject({ kind: "parameter", name: "plain_name" });
  });

  it("reads secret and parameter ARNs like parseReference", () => {
    expect(parseValueFrom(`${ARN}:password::`)).toEqual({ kind: "secret", form: "ecs", id: ARN, jsonKey: "password" });
    expect(parseValueFrom(PARAMETER_ARN)).toMatchObject({ kind: "parameter", name: PARAMETER_ARN });
  });

  it.each(["arn:aws:iam::123456789012:role/app", "not a name!", ""])("refuses %j with a CONFIG error", (text) => {
    configError(() => parseValueFrom(text));
  });
});

describe("splitReferences", () => {
  it("gives a value without references as itself, and nothing for an empty value", () => {
    expect(splitReferences("plain")).toEqual(["plain"]);
    expect(splitReferences("")).toEqual([]);
  });

  it("gives a whole-string reference as one part", () => {
    expect(splitReferences(`${ARN}:password::`)).toEqual([
      { kind: "secret", form: "ecs", id: ARN, jsonKey: "password" },
    ]);
    expect(splitReferences("{{resolve:ssm:/a}}")).toEqual([
      { kind: "parameter", form: "cloudformation", name: "/a", decrypt: false },
    ]);
  });

  it("splits embedded dynamic references out of a longer value", () => {
    expect(
      splitReferences(
        "postgres://{{resolve:secretsmanager:prod/db::username}}:{{resolve:secretsmanager:prod/db::password}}@db:5432/app",
      ),
    ).toEqual([
      "postgres://",
      { kind: "secret", form: "cloudformation", id: "prod/db", jsonKey: "username" },
      ":",
      { kind: "secret", form: "cloudformation", id: "prod/db", jsonKey: "password" },
      "@db:5432/app",
    ]);
  });

  it("splits adjacent references", () => {
    expect(splitReferences("{{resolve:ssm:/a}}{{resolve:ssm:/b}}")).toHaveLength(2);
  });

  it("does not treat an ARN inside a longer value as a reference", () => {
    expect(splitReferences(`see ${ARN}`)).toEqual([`see ${ARN}`]);
  });

  it("refuses an unterminated or malformed embedded reference with a CONFIG error", () => {
    configError(() => splitReferences("x {{resolve:ssm:/a"));
    configError(() => splitReferences("x {{resolve:nope:/a}} y"));
  });
});
