/**
 * Write operations for the loopback fake Secrets Manager, added with its `handle()` over the same
 * (mutable) fixtures object GetSecretValue reads: CreateSecret, PutSecretValue, UpdateSecret,
 * TagResource, UntagResource, DeleteSecret, RestoreSecret, RotateSecret, UpdateSecretVersionStage,
 * GetRandomPassword, ListSecrets and DescribeSecret, as the AWS API reference describes them
 * (request fields, response fields, the labels' moves, the errors). A secret scheduled for deletion
 * answers reads and writes with InvalidRequestException until it is restored.
 */
import { randomUUID } from "node:crypto";
import { randomPassword } from "../../src/transports/local/random-password.js";
import { type AwsJsonReply, type AwsJsonServer, awsError } from "./aws-json-server.js";
import { checkedFilters, fakeArn, lookup, passes } from "./fake-secrets-manager.js";
import type { Fixtures, FixtureVersion } from "./fixtures.js";

/** What the fake keeps per secret besides its versions (dates in epoch milliseconds). */
export interface FakeSecretState {
  rotationEnabled?: boolean;
  rotationLambdaArn?: string;
  lastRotatedDate?: number;
  nextRotationDate?: number;
  description?: string;
  kmsKeyId?: string;
  tags?: Record<string, string>;
  createdDate?: number;
  lastChangedDate?: number;
  deletedDate?: number;
}

const notFound = () => awsError(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
const invalid = (message: string) => awsError(400, "InvalidParameterException", message);
const markedDeleted = () =>
  awsError(
    400,
    "InvalidRequestException",
    "You can't perform this operation on the secret because it was marked for deletion.",
  );
const exists = () => awsError(400, "ResourceExistsException", "A resource with the ID you requested already exists.");

/** The largest SecretString or SecretBinary, in bytes. */
const MAX_VALUE_BYTES = 65_536;
const DAY_MS = 86_400_000;

/** The fixtures as the fake changes them (the helpers' type is read-only). */
type MutableFixtures = Record<string, FixtureVersion[]>;

function resolveName(fixtures: MutableFixtures, id: string): string | undefined {
  if (fixtures[id]) return id;
  return Object.keys(fixtures).find((name) => id === fakeArn(name) || fakeArn(name).startsWith(`${id}-`));
}

/** Removes `stage` from every version but `keep`. */
function detach(versions: FixtureVersion[], stage: string, keep?: string): FixtureVersion[] {
  return versions.map((version) =>
    version.versionId !== keep && version.stages.includes(stage)
      ? { ...version, stages: version.stages.filter((s) => s !== stage) }
      : version,
  );
}

function attach(versions: FixtureVersion[], stage: string, versionId: string): FixtureVersion[] {
  return versions.map((version) =>
    version.versionId === versionId && !version.stages.includes(stage)
      ? { ...version, stages: [...version.stages, stage] }
      : version,
  );
}

/** Moves AWSCURRENT to `to`; AWSPREVIOUS follows to the version AWSCURRENT left, as Secrets Manager does. */
function moveCurrent(versions: FixtureVersion[], to: string): FixtureVersion[] {
  const from = versions.find((version) => version.stages.includes("AWSCURRENT"))?.versionId;
  let next = attach(detach(versions, "AWSCURRENT", to), "AWSCURRENT", to);
  if (from !== undefined && from !== to) next = attach(detach(next, "AWSPREVIOUS", from), "AWSPREVIOUS", from);
  return next;
}

/** The value of a create, put or update: none, one, or an InvalidParameterException. */
function requestValue(
  body: Record<string, unknown>,
): { readonly value?: string | Uint8Array } | { readonly refused: AwsJsonReply } {
  const hasString = typeof body.SecretString === "string";
  const hasBinary = typeof body.SecretBinary === "string";
  if (hasString && hasBinary)
    return { refused: invalid("You must provide either SecretString or SecretBinary, not both.") };
  if (!hasString && !hasBinary) return {};
  const value = hasString
    ? String(body.SecretString)
    : Uint8Array.from(Buffer.from(String(body.SecretBinary), "base64"));
  const bytes = typeof value === "string" ? Buffer.byteLength(value) : value.length;
  if (bytes > MAX_VALUE_BYTES)
    return { refused: invalid(`The secret value must be at most ${MAX_VALUE_BYTES} bytes.`) };
  return { value };
}

function sameValue(a: string | Uint8Array, b: string | Uint8Array): boolean {
  return typeof a === "string" || typeof b === "string"
    ? a === b
    : Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
}

function tagsOf(body: Record<string, unknown>): Record<string, string> {
  const tags = (body.Tags as { Key: string; Value: string }[] | undefined) ?? [];
  return Object.fromEntries(tags.map(({ Key, Value }) => [Key, Value]));
}

const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);
const tagList = (tags: Record<string, string> | undefined) =>
  tags === undefined ? undefined : Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

/**
 * Adds the writes and the metadata reads to `server`, over `fixtures` (the object the server's
 * GetSecretValue reads; changed in place) and `state` (per secret, besides the versions).
 */
export function addSecretsManagerWrites(
  server: AwsJsonServer,
  fixtures: Fixtures,
  state: Record<string, FakeSecretState> = {},
): void {
  const secrets = fixtures as MutableFixtures;
  const stateOf = (name: string): FakeSecretState => {
    state[name] ??= { createdDate: 1_700_000_000_000 };
    return state[name];
  };
  /** The name of a secret that a call may change, or the error. */
  const live = (body: Record<string, unknown>): string | AwsJsonReply => {
    const name = resolveName(secrets, String(body.SecretId));
    if (!name) return notFound();
    if (state[name]?.deletedDate !== undefined) return markedDeleted();
    return name;
  };
  const changed = (name: string) => {
    stateOf(name).lastChangedDate = Date.now();
  };

  /** A new version with id `token` and `stages`, or the one of an idempotent retry, or ResourceExistsException. */
  function putVersion(
    name: string,
    value: string | Uint8Array,
    token: string,
    stages: readonly string[],
  ): AwsJsonReply {
    let versions = secrets[name] ?? [];
    const existing = versions.find((version) => version.versionId === token);
    if (existing) {
      if (!sameValue(existing.value, value)) return exists();
      return { body: { ARN: fakeArn(name), Name: name, VersionId: token, VersionStages: existing.stages } };
    }
    versions = [...versions, { versionId: token, stages: [], value }];
    for (const stage of stages) {
      versions =
        stage === "AWSCURRENT" ? moveCurrent(versions, token) : attach(detach(versions, stage, token), stage, token);
    }
    secrets[name] = versions;
    changed(name);
    const stored = versions.find((version) => version.versionId === token);
    return { body: { ARN: fakeArn(name), Name: name, VersionId: token, VersionStages: stored?.stages ?? [] } };
  }

  function tokenOf(body: Record<string, unknown>): string | AwsJsonReply {
    const token = body.ClientRequestToken === undefined ? randomUUID() : String(body.ClientRequestToken);
    if (token.length < 32 || token.length > 64) return invalid("ClientRequestToken must be 32 to 64 characters.");
    return token;
  }

  function metadata(name: string): Record<string, unknown> {
    const meta = state[name] ?? {};
    return {
      ARN: fakeArn(name),
      Name: name,
      Description: meta.description,
      KmsKeyId: meta.kmsKeyId,
      RotationEnabled: meta.rotationEnabled ?? false,
      RotationLambdaARN: meta.rotationLambdaArn,
      LastRotatedDate: seconds(meta.lastRotatedDate),
      NextRotationDate: seconds(meta.nextRotationDate),
      LastChangedDate: seconds(meta.lastChangedDate) ?? 1_700_000_000.5,
      DeletedDate: seconds(meta.deletedDate),
      CreatedDate: seconds(meta.createdDate) ?? 1_700_000_000,
      Tags: tagList(meta.tags),
    };
  }

  server.handle({
    GetSecretValue(body) {
      const name = live(body);
      return typeof name === "string" ? lookup(fixtures, body) : name;
    },
    CreateSecret(body) {
      const name = String(body.Name ?? "");
      if (!/^[A-Za-z0-9/_+=.@-]{1,512}$/.test(name))
        return invalid(
          "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!",
        );
      const value = requestValue(body);
      if ("refused" in value) return value.refused;
      const token = tokenOf(body);
      if (typeof token !== "string") return token;
      if (secrets[name]) {
        if (state[name]?.deletedDate !== undefined) {
          return awsError(
            400,
            "InvalidRequestException",
            "You can't create this secret because a secret with this name is already scheduled for deletion.",
          );
        }
        const retry = secrets[name]?.find((version) => version.versionId === token);
        if (retry && value.value !== undefined && sameValue(retry.value, value.value)) {
          return { body: { ARN: fakeArn(name), Name: name, VersionId: token } };
        }
        return exists();
      }
      secrets[name] = [];
      state[name] = {
        createdDate: Date.now(),
        lastChangedDate: Date.now(),
        ...(body.Description === undefined ? {} : { description: String(body.Description) }),
        ...(body.KmsKeyId === undefined ? {} : { kmsKeyId: String(body.KmsKeyId) }),
        ...(body.Tags === undefined ? {} : { tags: tagsOf(body) }),
      };
      if (value.value === undefined) return { body: { ARN: fakeArn(name), Name: name } };
      putVersion(name, value.value, token, ["AWSCURRENT"]);
      return { body: { ARN: fakeArn(name), Name: name, VersionId: token } };
    },
    PutSecretValue(body) {
      const name = live(body);
      if (typeof name !== "string") return name;
      const value = requestValue(body);
      if ("refused" in value) return value.refused;
      if (value.value === undefined) return invalid("You must provide either SecretString or SecretBinary.");
      const token = tokenOf(body);
      if (typeof token !== "string") return token;
      return putVersion(name, value.value, token, (body.VersionStages as string[] | undefined) ?? ["AWSCURRENT"]);
    },
    UpdateSecret(body) {
      const name = live(body);
      if (typeof name !== "string") return name;
      const value = requestValue(body);
      if ("refused" in value) return value.refused;
      const meta = stateOf(name);
      if (body.Description !== undefined) meta.description = String(body.Description);
      if (body.KmsKeyId !== undefined) meta.kmsKeyId = String(body.KmsKeyId);
      changed(name);
      if (value.value === undefined) return { body: { ARN: fakeArn(name), Name: name } };
      const token = tokenOf(body);
      if (typeof token !== "string") return token;
      const reply = putVersion(name, value.value, token, ["AWSCURRENT"]);
      return "body" in reply ? { body: { ARN: fakeArn(name), Name: name, VersionId: token } } : reply;
    },
    TagResource(body) {
      const name = live(body);
      if (typeof name !== "string") return name;
      const meta = stateOf(name);
      const tags = { ...meta.tags, ...tagsOf(body) };
      if (Object.keys(tags).length > 50)
        return awsError(400, "LimitExceededException", "A secret has at most 50 tags.");
      meta.tags = tags;
      changed(name);
      return { body: {} };
    },
    UntagResource(body) {
      const name = live(body);
      if (typeof name !== "string") return name;
      const meta = stateOf(name);
      for (const key of (body.TagKeys as string[] | undefined) ?? []) delete meta.tags?.[key];
      changed(name);
      return { body: {} };
    },
    DeleteSecret(body) {
      const name = resolveName(secrets, String(body.SecretId));
      if (!name) return notFound();
      const force = body.ForceDeleteWithoutRecovery === true;
      if (force && body.RecoveryWindowInDays !== undefined) {
        return invalid("You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
      }
      const days = body.RecoveryWindowInDays === undefined ? 30 : Number(body.RecoveryWindowInDays);
      if (!Number.isInteger(days) || days < 7 || days > 30) return invalid("RecoveryWindowInDays must be 7 to 30.");
      const now = Date.now();
      if (force) {
        delete secrets[name];
        delete state[name];
        return { body: { ARN: fakeArn(name), Name: name, DeletionDate: now / 1000 } };
      }
      const meta = stateOf(name);
      if (meta.deletedDate !== undefined) return markedDeleted();
      meta.deletedDate = now;
      return { body: { ARN: fakeArn(name), Name: name, DeletionDate: (now + days * DAY_MS) / 1000 } };
    },
    RestoreSecret(body) {
      const name = resolveName(secrets, String(body.SecretId));
      if (!name) return notFound();
      delete stateOf(name).deletedDate;
      return { body: { ARN: fakeArn(name), Name: name } };
    },
    RotateSecret(body) {
      const name = live(body);
      if (typeof name !== "string") return name;
      const meta = stateOf(name);
      const lambda = (body.RotationLambdaARN as string | undefined) ?? meta.rotationLambdaArn;
      if (lambda === undefined) {
        return awsError(
          400,
          "InvalidRequestException",
          "No Lambda rotation function ARN is associated with this secret.",
        );
      }
      const token = tokenOf(body);
      if (typeof token !== "string") return token;
      const rules = body.RotationRules as { AutomaticallyAfterDays?: number } | undefined;
      meta.rotationLambdaArn = lambda;
      meta.rotationEnabled = true;
      if (rules?.AutomaticallyAfterDays !== undefined) {
        meta.nextRotationDate = Date.now() + rules.AutomaticallyAfterDays * DAY_MS;
      }
      changed(name);
      const immediately = body.RotateImmediately !== false;
      return { body: { ARN: fakeArn(name), Name: name, ...(immediately ? { VersionId: token } : {}) } };
    },
    UpdateSecretVersionStage(body) {
      const name = live(body);
      if (typeof name !== "string") return name;
      const stage = body.VersionStage;
      if (typeof stage !== "string" || stage === "") return invalid("VersionStage is required.");
      const move = body.MoveToVersionId as string | undefined;
      const remove = body.RemoveFromVersionId as string | undefined;
      let versions = secrets[name] ?? [];
      const holder = versions.find((version) => version.stages.includes(stage))?.versionId;
      if (move !== undefined && !versions.some((version) => version.versionId === move)) {
        return awsError(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret value.");
      }
      if (holder !== undefined && holder !== move && holder !== remove) {
        return invalid(
          `The parameter RemoveFromVersionId can't be empty. Staging label ${stage} is currently attached to version ${holder}, so you must explicitly reference that version in RemoveFromVersionId.`,
        );
      }
      if (remove !== undefined && holder !== remove) {
        return invalid(`The staging label ${stage} is not attached to version ${remove}.`);
      }
      if (move === undefined) versions = detach(versions, stage);
      else if (stage === "AWSCURRENT") versions = moveCurrent(versions, move);
      else versions = attach(detach(versions, stage, move), stage, move);
      secrets[name] = versions;
      changed(name);
      if (stage === "AWSCURRENT" && move !== undefined && state[name]?.rotationEnabled) {
        state[name].lastRotatedDate = Date.now();
      }
      return { body: { ARN: fakeArn(name), Name: name } };
    },
    DescribeSecret(body) {
      const name = resolveName(secrets, String(body.SecretId));
      if (!name) return notFound();
      const versionIdsToStages: Record<string, string[]> = {};
      for (const version of secrets[name] ?? []) {
        if (version.stages.length > 0) versionIdsToStages[version.versionId] = [...version.stages];
      }
      return { body: { ...metadata(name), VersionIdsToStages: versionIdsToStages } };
    },
    ListSecrets(body) {
      const filters = body.Filters === undefined ? [] : checkedFilters(body);
      if (!Array.isArray(filters)) return filters;
      const size = body.MaxResults === undefined ? 100 : Number(body.MaxResults);
      if (!Number.isInteger(size) || size < 1 || size > 100) {
        return awsError(
          400,
          "ValidationException",
          "1 validation error detected: Value at 'maxResults' failed to satisfy constraint",
        );
      }
      const names = Object.keys(secrets)
        .filter((name) => body.IncludePlannedDeletion === true || state[name]?.deletedDate === undefined)
        .filter((name) => filters.every((filter) => passes(filter, name, state[name] ?? {})))
        .sort((a, b) => (state[a]?.createdDate ?? 0) - (state[b]?.createdDate ?? 0) || a.localeCompare(b));
      if (body.SortOrder !== "asc") names.reverse();
      const start = Number(body.NextToken ?? 0);
      if (!Number.isInteger(start) || start < 0 || start > names.length) {
        return awsError(400, "InvalidNextTokenException", "The NextToken value is invalid.");
      }
      const next = start + size < names.length ? String(start + size) : undefined;
      return {
        body: {
          SecretList: names.slice(start, start + size).map(metadata),
          ...(next ? { NextToken: next } : {}),
        },
      };
    },
    GetRandomPassword(body) {
      try {
        const password = randomPassword({
          passwordLength: body.PasswordLength as number | undefined,
          excludeCharacters: body.ExcludeCharacters as string | undefined,
          excludeNumbers: body.ExcludeNumbers as boolean | undefined,
          excludePunctuation: body.ExcludePunctuation as boolean | undefined,
          excludeUppercase: body.ExcludeUppercase as boolean | undefined,
          excludeLowercase: body.ExcludeLowercase as boolean | undefined,
          includeSpace: body.IncludeSpace as boolean | undefined,
          requireEachIncludedType: body.RequireEachIncludedType as boolean | undefined,
        });
        return { body: { RandomPassword: password } };
      } catch {
        return invalid("The password can't be generated with these parameters.");
      }
    },
  });
}
