/**
 * A fake AWS Systems Manager Parameter Store on the loopback AWS JSON server (`AmazonSSM.` targets):
 * GetParameter, GetParameters and GetParametersByPath over fixtures, with versions, labels,
 * selectors in names (`name:3`, `name:label`), ARNs, KMS-style ciphertext without decryption,
 * `/aws/reference/secretsmanager/` names and the AWS limits (10 names, 10 results per page).
 */
import { type AwsJsonReply, type AwsJsonServer, awsError, startAwsJsonServer } from "./aws-json-server.js";

const REGION = "us-east-1";
const ACCOUNT = "123456789012";
const REFERENCE_PREFIX = "/aws/reference/secretsmanager/";

/** One version of a fixture parameter (versions are numbered from 1 in order). */
export interface FakeParameterVersion {
  readonly value: string;
  readonly labels?: readonly string[];
}

/** A fixture parameter: its type and versions, oldest first. */
export interface FakeParameter {
  readonly type: "String" | "StringList" | "SecureString";
  readonly versions: readonly FakeParameterVersion[];
}

/** Parameters by name. */
export type SsmFixtures = Readonly<Record<string, FakeParameter>>;

/** Knobs of the fake. */
export interface FakeSsmOptions {
  /** Results per GetParametersByPath page, at most the request's MaxResults. @default 10 */
  readonly pageSize?: number;
  /** Secrets (current string value by name) served through `/aws/reference/secretsmanager/<name>`. */
  readonly secrets?: Readonly<Record<string, string>>;
}

/** The ARN the fake gives a parameter. */
export function fakeParameterArn(name: string): string {
  return `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter${name.startsWith("/") ? "" : "/"}${name}`;
}

/** What the fake returns for a SecureString read without decryption: stands in for KMS ciphertext. */
export function fakeCiphertext(name: string, version: number): string {
  return Buffer.from(`kms-ciphertext:${name}:${version}`).toString("base64");
}

/** A plain-String fixture with one version. */
export function stringParameter(value: string): FakeParameter {
  return { type: "String", versions: [{ value }] };
}

type Lookup = { readonly parameter: Record<string, unknown> } | { readonly error: AwsJsonReply };

function parseName(requested: string): { name: string; selector?: string } {
  const colon = requested.lastIndexOf(":");
  const base = colon > requested.lastIndexOf("/") ? requested.slice(0, colon) : requested;
  const selector = colon > requested.lastIndexOf("/") ? requested.slice(colon + 1) : undefined;
  const arnPrefix = `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter`;
  const name = base.startsWith(arnPrefix) ? base.slice(arnPrefix.length) : base;
  return selector === undefined ? { name } : { name, selector };
}

function lookup(
  fixtures: SsmFixtures,
  options: FakeSsmOptions,
  requested: string,
  withDecryption: boolean,
  notFound: "error" | "invalid",
): Lookup {
  const { name, selector } = parseName(requested);
  if (name.startsWith(REFERENCE_PREFIX)) {
    if (!withDecryption) {
      return {
        error: awsError(400, "ValidationException", "WithDecryption flag must be True for retrieving a Secret."),
      };
    }
    const id = name.slice(REFERENCE_PREFIX.length);
    const secret = options.secrets?.[id];
    if (secret === undefined || (selector !== undefined && selector !== "AWSCURRENT")) {
      return { error: awsError(400, "ParameterNotFound", `An error occurred (ParameterNotFound): ${requested}`) };
    }
    const arn = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${id}-AbCdEf`;
    return {
      parameter: {
        Name: name,
        Type: "SecureString",
        Value: secret,
        Version: 0,
        ARN: arn,
        LastModifiedDate: 1_700_000_000.5,
        SourceResult: JSON.stringify({ ARN: arn, name: id, versionStages: ["AWSCURRENT"] }),
        ...(selector === undefined ? {} : { Selector: `:${selector}` }),
      },
    };
  }
  const fixture = fixtures[name];
  if (!fixture) return { error: awsError(400, "ParameterNotFound", `Parameter ${requested} not found.`) };
  const index =
    selector === undefined
      ? fixture.versions.length - 1
      : /^\d+$/.test(selector)
        ? Number(selector) - 1
        : fixture.versions.findIndex((version) => version.labels?.includes(selector));
  const version = fixture.versions[index];
  if (!version) {
    const error = notFound === "error" ? "ParameterVersionNotFound" : "ParameterNotFound";
    return { error: awsError(400, error, `Version of parameter ${requested} not found.`) };
  }
  const encrypted = fixture.type === "SecureString" && !withDecryption;
  return {
    parameter: {
      Name: name,
      Type: fixture.type,
      Value: encrypted ? fakeCiphertext(name, index + 1) : version.value,
      Version: index + 1,
      ARN: fakeParameterArn(name),
      LastModifiedDate: 1_700_000_000 + index,
      DataType: "text",
      ...(selector === undefined ? {} : { Selector: `:${selector}` }),
    },
  };
}

function validation(message: string): AwsJsonReply {
  return awsError(400, "ValidationException", message);
}

/** Starts a fake Parameter Store serving `fixtures`. Stop it with `close()`. */
export async function startFakeSsm(fixtures: SsmFixtures, options: FakeSsmOptions = {}): Promise<AwsJsonServer> {
  return startAwsJsonServer({
    GetParameter(body) {
      const found = lookup(fixtures, options, String(body.Name), body.WithDecryption === true, "error");
      return "error" in found ? found.error : { body: { Parameter: found.parameter } };
    },
    GetParameters(body) {
      const names = (body.Names as string[] | undefined) ?? [];
      if (names.length < 1 || names.length > 10) {
        return validation("Member must have length less than or equal to 10 and greater than or equal to 1");
      }
      const parameters: unknown[] = [];
      const invalid: string[] = [];
      for (const requested of names) {
        const found = lookup(fixtures, options, requested, body.WithDecryption === true, "invalid");
        if ("error" in found) invalid.push(requested);
        else parameters.push(found.parameter);
      }
      return { body: { Parameters: parameters, InvalidParameters: invalid } };
    },
    GetParametersByPath(body) {
      const path = String(body.Path);
      const maxResults = (body.MaxResults as number | undefined) ?? 10;
      if (!path.startsWith("/")) return validation("Parameter path: must start with /");
      if (maxResults < 1 || maxResults > 10) return validation("MaxResults must be between 1 and 10");
      const prefix = path.endsWith("/") ? path : `${path}/`;
      const names = Object.keys(fixtures)
        .filter(
          (name) => name.startsWith(prefix) && (body.Recursive === true || !name.slice(prefix.length).includes("/")),
        )
        .sort();
      const start = Number(body.NextToken ?? 0);
      const end = start + Math.min(maxResults, options.pageSize ?? 10);
      const parameters = names.slice(start, end).map((name) => {
        const found = lookup(fixtures, options, name, body.WithDecryption === true, "error");
        if ("error" in found) throw new Error(`fixture ${name} cannot be read`);
        return found.parameter;
      });
      return { body: { Parameters: parameters, ...(end < names.length ? { NextToken: String(end) } : {}) } };
    },
  });
}
