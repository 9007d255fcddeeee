/**
 * A fake AWS Secrets Manager on the loopback AWS JSON server: GetSecretValue and BatchGetSecretValue
 * over the fixtures, with versions, stages, ARNs and AWS error shapes.
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

function lookup(fixtures: Fixtures, body: Record<string, unknown>): AwsJsonReply {
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

/** Starts a fake Secrets Manager serving `fixtures`. Batch responses hold at most `pageSize` values. */
export async function startFakeSecretsManager(fixtures: Fixtures, pageSize = 10): Promise<AwsJsonServer> {
  return startAwsJsonServer({
    GetSecretValue: (body) => lookup(fixtures, body),
    BatchGetSecretValue(body) {
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
