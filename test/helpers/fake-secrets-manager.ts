/**
 * A fake AWS Secrets Manager on the loopback AWS JSON server: GetSecretValue and BatchGetSecretValue
 * over the fixtures, with versions, stages, ARNs and AWS error shapes. BatchGetSecretValue takes
 * `SecretIdList` or `Filters` (matched against each secret's {@link FakeSecretMetadata}, as the API
 * reference's Filter type describes them), never both.
 */
import { type AwsJsonReply, type AwsJsonServer, awsError, startAwsJsonServer } from "./aws-json-server.js";
import type { Fixtures, FixtureVersion } from "./fixtures.js";

const REGION = "us-east-1";
const ACCOUNT = "123456789012";

/** The ARN the fake gives a secret: name plus the six-character suffix Secrets Manager adds. */
export function fakeArn(name: string): string {
  return `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-AbCdEf`;
}

function findName(fixtures: Fixtures, id: string): string | undefined {
  if (fixtures[id]) return id;
  return Object.keys(fixtures).find((name) => id === fakeArn(name) || fakeArn(name).startsWith(`${id}-`));
}

function secretValueBody(name: string, version: FixtureVersion): Record<string, unknown> {
  return {
    ARN: fakeArn(name),
    Name: name,
    VersionId: version.versionId,
    VersionStages: version.stages,
    CreatedDate: 1_700_000_000.123,
    ...(typeof version.value === "string"
      ? { SecretString: version.value }
      : { SecretBinary: Buffer.from(version.value).toString("base64") }),
  };
}

export function lookup(fixtures: Fixtures, body: Record<string, unknown>): AwsJsonReply {
  const id = String(body.SecretId);
  const name = findName(fixtures, id);
  if (!name) return awsError(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
  const stage = (body.VersionStage as string | undefined) ?? (body.VersionId ? undefined : "AWSCURRENT");
  const version = fixtures[name]?.find(
    (candidate) =>
      (body.VersionId === undefined || candidate.versionId === body.VersionId) &&
      (stage === undefined || candidate.stages.includes(stage)),
  );
  if (!version) {
    return awsError(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret value.");
  }
  return { body: secretValueBody(name, version) };
}

/** What filters see of a secret besides its name. `denied`: found by a filter, but its value is refused. */
export interface FakeSecretMetadata {
  readonly description?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly primaryRegion?: string;
  readonly owningService?: string;
  readonly denied?: boolean;
}

/** The words of a text as the `all` filter splits it: at case changes, between letters and digits, at punctuation. */
function words(text: string): string[] {
  return (text.match(/[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+/g) ?? []).map((word) => word.toLowerCase());
}

/** The attribute values a filter key matches against, and whether it ignores case. */
function attributes(key: string, name: string, meta: FakeSecretMetadata): { values: string[]; anyCase: boolean } {
  const tags = Object.entries(meta.tags ?? {});
  const optional = (value: string | undefined) => (value === undefined ? [] : [value]);
  switch (key) {
    case "name":
      return { values: [name], anyCase: false };
    case "description":
      return { values: optional(meta.description), anyCase: true };
    case "tag-key":
      return { values: tags.map(([tag]) => tag), anyCase: false };
    case "tag-value":
      return { values: tags.map(([, value]) => value), anyCase: false };
    case "primary-region":
      return { values: optional(meta.primaryRegion), anyCase: false };
    case "owning-service":
      return { values: optional(meta.owningService), anyCase: false };
    default: // all
      return { values: [name, meta.description ?? "", ...tags.flat()].flatMap(words), anyCase: true };
  }
}

/**
 * Whether a secret passes one filter: prefix matches, any plain value may match (`all`: any word of
 * it), and no `!` value may (a negation).
 */
export function passes(filter: { Key: string; Values: string[] }, name: string, meta: FakeSecretMetadata): boolean {
  const { values, anyCase } = attributes(filter.Key, name, meta);
  const fold = (text: string) => (anyCase ? text.toLowerCase() : text);
  const matches = (value: string) =>
    (filter.Key === "all" ? words(value) : [value]).some((prefix) =>
      values.some((attribute) => fold(attribute).startsWith(fold(prefix))),
    );
  const plain = filter.Values.filter((value) => !value.startsWith("!"));
  const negated = filter.Values.filter((value) => value.startsWith("!")).map((value) => value.slice(1));
  return (plain.length === 0 || plain.some(matches)) && !negated.some(matches);
}

const FILTER_KEYS = ["description", "name", "tag-key", "tag-value", "primary-region", "owning-service", "all"];

/** The request's `Filters`, or the validation error AWS gives for them. */
export function checkedFilters(body: Record<string, unknown>): { Key: string; Values: string[] }[] | AwsJsonReply {
  const filters = body.Filters as { Key?: unknown; Values?: unknown }[];
  const valid =
    Array.isArray(filters) &&
    filters.length <= 10 &&
    filters.every(
      ({ Key, Values }) =>
        FILTER_KEYS.includes(String(Key)) &&
        Array.isArray(Values) &&
        Values.length >= 1 &&
        Values.length <= 10 &&
        Values.every(
          (value) => typeof value === "string" && value.length <= 512 && /^!?[a-zA-Z0-9 :_@/+=.\-!]*$/.test(value),
        ),
    );
  if (!valid)
    return awsError(
      400,
      "ValidationException",
      "1 validation error detected: Value at 'filters' failed to satisfy constraint",
    );
  return filters as { Key: string; Values: string[] }[];
}

/** BatchGetSecretValue by `Filters`: every secret that passes every filter, `MaxResults` (1 to 20) a page. */
function byFilters(
  fixtures: Fixtures,
  metadata: Readonly<Record<string, FakeSecretMetadata>>,
  body: Record<string, unknown>,
  pageSize: number,
): AwsJsonReply {
  const filters = checkedFilters(body);
  if (!Array.isArray(filters)) return filters;
  const size = body.MaxResults === undefined ? pageSize : Number(body.MaxResults);
  if (!Number.isInteger(size) || size < 1 || size > 20) {
    return awsError(
      400,
      "ValidationException",
      "1 validation error detected: Value at 'maxResults' failed to satisfy constraint",
    );
  }
  const names = Object.keys(fixtures).filter((name) =>
    filters.every((filter) => passes(filter, name, metadata[name] ?? {})),
  );
  const start = Number(body.NextToken ?? 0);
  if (!Number.isInteger(start) || start < 0 || start > names.length) {
    return awsError(400, "InvalidNextTokenException", "The NextToken value is invalid.");
  }
  const values: unknown[] = [];
  const errors: unknown[] = [];
  for (const name of names.slice(start, start + size)) {
    const reply = metadata[name]?.denied
      ? awsError(400, "AccessDeniedException", "Access to the secret's KMS key is denied.")
      : lookup(fixtures, { SecretId: name });
    if ("error" in reply) errors.push({ SecretId: name, ErrorCode: reply.error, Message: reply.message });
    else if ("body" in reply) values.push(reply.body);
  }
  const next = start + size < names.length ? String(start + size) : undefined;
  return { body: { SecretValues: values, Errors: errors, ...(next ? { NextToken: next } : {}) } };
}

/**
 * Starts a fake Secrets Manager serving `fixtures`. Batch responses by id hold at most `pageSize`
 * values; by filter, `MaxResults` (else `pageSize`). `metadata` is what filters match besides names.
 */
export async function startFakeSecretsManager(
  fixtures: Fixtures,
  pageSize = 10,
  metadata: Readonly<Record<string, FakeSecretMetadata>> = {},
): Promise<AwsJsonServer> {
  return startAwsJsonServer({
    GetSecretValue: (body) => lookup(fixtures, body),
    BatchGetSecretValue(body) {
      if (body.SecretIdList !== undefined && body.Filters !== undefined) {
        return awsError(400, "InvalidParameterException", "Either provide SecretIdList or Filters, not both.");
      }
      if (body.Filters !== undefined) return byFilters(fixtures, metadata, body, pageSize);
      if (body.MaxResults !== undefined) {
        return awsError(400, "InvalidParameterException", "MaxResults is only valid with Filters.");
      }
      const ids = (body.SecretIdList as string[] | undefined) ?? [];
      const start = Number(body.NextToken ?? 0);
      const page = ids.slice(start, start + pageSize);
      const values: unknown[] = [];
      const errors: unknown[] = [];
      for (const id of page) {
        const reply = lookup(fixtures, { SecretId: id });
        if ("error" in reply) errors.push({ SecretId: id, ErrorCode: reply.error, Message: reply.message });
        else if ("body" in reply) values.push(reply.body);
      }
      const next = start + pageSize < ids.length ? String(start + pageSize) : undefined;
      return { body: { SecretValues: values, Errors: errors, ...(next ? { NextToken: next } : {}) } };
    },
  });
}
