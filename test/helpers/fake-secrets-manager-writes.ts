/**
 * Write operations for the loopback fake Secrets Manager, added with its `handle()` over the same
 * (mutable) fixtures object GetSecretValue reads: PutSecretValue, UpdateSecretVersionStage,
 * DescribeSecret (with VersionIdsToStages and rotation dates) and GetRandomPassword, as the AWS API
 * reference describes them (request fields, response fields, the labels' moves, the errors).
 */
import { randomInt, randomUUID } from "node:crypto";
import { type AwsJsonServer, awsError } from "./aws-json-server.js";
import { fakeArn } from "./fake-secrets-manager.js";
import type { Fixtures, FixtureVersion } from "./fixtures.js";

/** What the fake keeps per secret besides its versions. */
export interface FakeRotationState {
  rotationEnabled?: boolean;
  lastRotatedDate?: number;
  nextRotationDate?: number;
}

const notFound = () => awsError(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
const invalid = (message: string) => awsError(400, "InvalidParameterException", message);

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

const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DIGITS = "0123456789";
const PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

/** GetRandomPassword's generator, with its defaults (32 characters, every type, each type at least once). */
export function randomPassword(body: Record<string, unknown>): string {
  const length = body.PasswordLength === undefined ? 32 : Number(body.PasswordLength);
  if (!Number.isInteger(length) || length < 1 || length > 4096) throw new RangeError("PasswordLength");
  const exclude = String(body.ExcludeCharacters ?? "");
  const classes = [
    body.ExcludeLowercase ? "" : LOWER,
    body.ExcludeUppercase ? "" : UPPER,
    body.ExcludeNumbers ? "" : DIGITS,
    body.ExcludePunctuation ? "" : PUNCTUATION,
    body.IncludeSpace ? " " : "",
  ]
    .map((chars) => [...chars].filter((char) => !exclude.includes(char)).join(""))
    .filter((chars) => chars.length > 0);
  const all = classes.join("");
  if (all.length === 0) throw new RangeError("no characters left");
  const requireEach = body.RequireEachIncludedType !== false;
  if (requireEach && classes.length > length) throw new RangeError("too short for each type");
  const chars = requireEach ? classes.map((set) => set[randomInt(set.length)] as string) : [];
  while (chars.length < length) chars.push(all[randomInt(all.length)] as string);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
  }
  return chars.join("");
}

/**
 * Adds PutSecretValue, UpdateSecretVersionStage, DescribeSecret and GetRandomPassword to `server`,
 * over `fixtures` (the object the server's GetSecretValue reads; changed in place).
 */
export function addSecretsManagerWrites(
  server: AwsJsonServer,
  fixtures: Fixtures,
  rotation: Record<string, FakeRotationState> = {},
): void {
  const secrets = fixtures as MutableFixtures;
  server.handle({
    PutSecretValue(body) {
      const name = resolveName(secrets, String(body.SecretId));
      if (!name) return notFound();
      const hasString = typeof body.SecretString === "string";
      const hasBinary = typeof body.SecretBinary === "string";
      if (hasString === hasBinary) return invalid("You must provide either SecretString or SecretBinary, not both.");
      const token = body.ClientRequestToken === undefined ? randomUUID() : String(body.ClientRequestToken);
      if (token.length < 32 || token.length > 64) return invalid("ClientRequestToken must be 32 to 64 characters.");
      const stages = (body.VersionStages as string[] | undefined) ?? ["AWSCURRENT"];
      const value: string | Uint8Array = hasString
        ? String(body.SecretString)
        : Uint8Array.from(Buffer.from(String(body.SecretBinary), "base64"));
      let versions = secrets[name] ?? [];
      const existing = versions.find((version) => version.versionId === token);
      if (existing) {
        const same =
          typeof existing.value === "string" && typeof value === "string"
            ? existing.value === value
            : Buffer.compare(Buffer.from(existing.value), Buffer.from(value)) === 0;
        if (!same) {
          return awsError(400, "ResourceExistsException", "A resource with the ID you requested already exists.");
        }
        return { body: { ARN: fakeArn(name), Name: name, VersionId: token, VersionStages: existing.stages } };
      }
      versions = [...versions, { versionId: token, stages: [], value }];
      for (const stage of stages) {
        versions =
          stage === "AWSCURRENT" ? moveCurrent(versions, token) : attach(detach(versions, stage, token), stage, token);
      }
      secrets[name] = versions;
      const stored = versions.find((version) => version.versionId === token);
      return { body: { ARN: fakeArn(name), Name: name, VersionId: token, VersionStages: stored?.stages ?? [] } };
    },
    UpdateSecretVersionStage(body) {
      const name = resolveName(secrets, String(body.SecretId));
      if (!name) return notFound();
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
      if (stage === "AWSCURRENT" && move !== undefined && rotation[name]) rotation[name].lastRotatedDate = Date.now();
      return { body: { ARN: fakeArn(name), Name: name } };
    },
    DescribeSecret(body) {
      const name = resolveName(secrets, String(body.SecretId));
      if (!name) return notFound();
      const state = rotation[name] ?? {};
      const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);
      const versionIdsToStages: Record<string, string[]> = {};
      for (const version of secrets[name] ?? []) {
        if (version.stages.length > 0) versionIdsToStages[version.versionId] = [...version.stages];
      }
      return {
        body: {
          ARN: fakeArn(name),
          Name: name,
          RotationEnabled: state.rotationEnabled ?? false,
          LastRotatedDate: seconds(state.lastRotatedDate),
          NextRotationDate: seconds(state.nextRotationDate),
          LastChangedDate: 1_700_000_000.5,
          VersionIdsToStages: versionIdsToStages,
        },
      };
    },
    GetRandomPassword(body) {
      try {
        return { body: { RandomPassword: randomPassword(body) } };
      } catch {
        return invalid("The password can't be generated with these parameters.");
      }
    },
  });
}
