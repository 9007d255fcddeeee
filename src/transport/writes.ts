/**
 * The write half of the transport contract: the requests and results of the Secrets Manager and
 * Parameter Store writes (named after the AWS operations), and their one check. The check refuses,
 * before any call, what the service would refuse for its shape (a value over the size limit, a bad
 * recovery window, too many tags) with an `ArgumentError` that names the secret or parameter and
 * the size, never the value. Every transport that writes and the client run it.
 */
import { ArgumentError } from "../core/errors.js";
import { checkFilters, type SecretFilter } from "./filters.js";
import { isParameterType, type ParameterType } from "./parameter-type.js";

/**
 * A secret value to write: a string (stored as `SecretString`), bytes (`SecretBinary`), or a plain
 * JSON object or array (stored as its `JSON.stringify` text, so `getSecretJson` reads it back).
 *
 * @example
 * ```ts
 * const value: SecretWriteValue = { username: 'app', password: await secrets.getRandomPassword() };
 * ```
 */
export type SecretWriteValue = string | Uint8Array | { readonly [key: string]: unknown } | readonly unknown[];

/**
 * The value of a write request as a transport gets it: exactly one of `secretString` and
 * `secretBinary`.
 *
 * @example
 * ```ts
 * const fields: SecretValueFields = { secretString: '{"password":"pw"}' };
 * ```
 */
export type SecretValueFields =
  | { readonly secretString: string; readonly secretBinary?: undefined }
  | { readonly secretBinary: Uint8Array; readonly secretString?: undefined };

/**
 * What every write request (and every write's options on the client) carries: a signal that
 * cancels it.
 *
 * @example
 * ```ts
 * await secrets.restoreSecret('test/tmp', { signal: AbortSignal.timeout(5_000) });
 * ```
 */
export interface WriteCallOptions {
  /** Cancels the call (`ABORTED`); a write the service has received may still have happened. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Tags of a secret or parameter: keys of 1 to 128 characters (not starting with `aws:`), values of
 * at most 256, at most 50 tags.
 *
 * @example
 * ```ts
 * const tags: SecretTags = { team: 'payments', env: 'prod' };
 * ```
 */
export type SecretTags = Readonly<Record<string, string>>;

/**
 * CreateSecret.
 *
 * @example
 * ```ts
 * const request: CreateSecretRequest = { id: 'prod/db', secretString: '{"password":"pw"}', tags: { team: 'db' } };
 * ```
 */
export type CreateSecretRequest = SecretValueFields &
  WriteCallOptions & {
    /** The new secret's name: 1 to 512 characters of `A-Z a-z 0-9 / _ + = . @ -`. */
    readonly id: string;
    /** At most 2048 characters. */
    readonly description?: string | undefined;
    /** The KMS key that encrypts the value (id, ARN or alias). @default aws/secretsmanager */
    readonly kmsKeyId?: string | undefined;
    readonly tags?: SecretTags | undefined;
    /** The first version's id, 32 to 64 characters; the same token makes a retry idempotent. @default a random UUID */
    readonly clientRequestToken?: string | undefined;
  };

/**
 * PutSecretValue: a new version of an existing secret.
 *
 * @example
 * ```ts
 * const request: PutSecretValueRequest = { id: 'prod/db', secretString: 'new', versionStages: ['AWSPENDING'] };
 * ```
 */
export type PutSecretValueRequest = SecretValueFields &
  WriteCallOptions & {
    /** Name, full ARN or partial ARN. */
    readonly id: string;
    /** The new version's staging labels; `AWSCURRENT` moves the old current version to `AWSPREVIOUS`. @default ["AWSCURRENT"] */
    readonly versionStages?: readonly string[] | undefined;
    /**
     * The new version's id, 32 to 64 characters. A retry with the same token and value returns the
     * same version; the same token with another value is `ALREADY_EXISTS`. @default a random UUID
     */
    readonly clientRequestToken?: string | undefined;
  };

/**
 * UpdateSecret, for the metadata: the description and the KMS key.
 *
 * @example
 * ```ts
 * const request: UpdateSecretRequest = { id: 'prod/db', description: 'the orders database' };
 * ```
 */
export interface UpdateSecretRequest extends WriteCallOptions {
  readonly id: string;
  readonly description?: string | undefined;
  readonly kmsKeyId?: string | undefined;
}

/**
 * TagResource on a secret.
 *
 * @example
 * ```ts
 * const request: TagSecretRequest = { id: 'prod/db', tags: { team: 'db' } };
 * ```
 */
export interface TagSecretRequest extends WriteCallOptions {
  readonly id: string;
  readonly tags: SecretTags;
}

/**
 * UntagResource on a secret.
 *
 * @example
 * ```ts
 * const request: UntagSecretRequest = { id: 'prod/db', tagKeys: ['team'] };
 * ```
 */
export interface UntagSecretRequest extends WriteCallOptions {
  readonly id: string;
  readonly tagKeys: readonly string[];
}

/**
 * DeleteSecret: scheduled after a recovery window, or at once.
 *
 * @example
 * ```ts
 * const request: DeleteSecretRequest = { id: 'test/tmp', recoveryWindowInDays: 7 };
 * ```
 */
export interface DeleteSecretRequest extends WriteCallOptions {
  readonly id: string;
  /** Days until the deletion, 7 to 30; `restoreSecret` cancels it meanwhile. @default 30 */
  readonly recoveryWindowInDays?: number | undefined;
  /** Deletes at once, without recovery. Not with `recoveryWindowInDays`. */
  readonly forceDeleteWithoutRecovery?: boolean | undefined;
}

/**
 * RestoreSecret, DescribeSecret: a request about one secret.
 *
 * @example
 * ```ts
 * const request: SecretIdRequest = { id: 'test/tmp' };
 * ```
 */
export interface SecretIdRequest extends WriteCallOptions {
  readonly id: string;
}

/**
 * When a secret rotates (RotateSecret's `RotationRules`): every `automaticallyAfterDays` (1 to
 * 1000) or on a `scheduleExpression` (`rate(10 days)`, `cron(0 16 1,15 * ? *)`), within `duration`
 * (`3h`).
 *
 * @example
 * ```ts
 * const rules: RotationRules = { automaticallyAfterDays: 30 };
 * ```
 */
export interface RotationRules {
  readonly automaticallyAfterDays?: number | undefined;
  readonly scheduleExpression?: string | undefined;
  readonly duration?: string | undefined;
}

/**
 * RotateSecret.
 *
 * @example
 * ```ts
 * const request: RotateSecretRequest = { id: 'prod/db', rotationRules: { automaticallyAfterDays: 30 } };
 * ```
 */
export interface RotateSecretRequest extends WriteCallOptions {
  readonly id: string;
  /** The rotation function; needed unless the secret has one (or is managed by a service). */
  readonly rotationLambdaArn?: string | undefined;
  readonly rotationRules?: RotationRules | undefined;
  /** Rotate now rather than at the next scheduled time. @default true */
  readonly rotateImmediately?: boolean | undefined;
  /** The id of the new (AWSPENDING) version, 32 to 64 characters. @default a random UUID */
  readonly clientRequestToken?: string | undefined;
}

/**
 * UpdateSecretVersionStage: moves a staging label. A label attached to a version must be removed
 * from it by naming it in `removeFromVersionId`.
 *
 * @example
 * ```ts
 * const request: UpdateSecretVersionStageRequest = {
 *   id: 'prod/db', versionStage: 'AWSCURRENT', moveToVersionId: pending, removeFromVersionId: current,
 * };
 * ```
 */
export interface UpdateSecretVersionStageRequest extends WriteCallOptions {
  readonly id: string;
  readonly versionStage: string;
  readonly moveToVersionId?: string | undefined;
  readonly removeFromVersionId?: string | undefined;
}

/**
 * GetRandomPassword: what goes into the password. Every character type is included unless
 * excluded; with `requireEachIncludedType` (the default) each included type appears at least once.
 *
 * @example
 * ```ts
 * const request: GetRandomPasswordRequest = { passwordLength: 40, excludePunctuation: true };
 * ```
 */
export interface GetRandomPasswordRequest extends WriteCallOptions {
  /** 1 to 4096. @default 32 */
  readonly passwordLength?: number | undefined;
  /** Characters never used, at most 4096. */
  readonly excludeCharacters?: string | undefined;
  readonly excludeNumbers?: boolean | undefined;
  /** Leaves out ``!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~``. */
  readonly excludePunctuation?: boolean | undefined;
  readonly excludeUppercase?: boolean | undefined;
  readonly excludeLowercase?: boolean | undefined;
  /** @default false */
  readonly includeSpace?: boolean | undefined;
  /** @default true */
  readonly requireEachIncludedType?: boolean | undefined;
}

/**
 * ListSecrets: which secrets, in which order, how many per page.
 *
 * @example
 * ```ts
 * const request: ListSecretsRequest = { filters: [{ key: 'tag-key', values: ['team'] }], pageSize: 50 };
 * ```
 */
export interface ListSecretsRequest extends WriteCallOptions {
  /** Every filter must match (see {@link SecretFilter}). @default every secret */
  readonly filters?: readonly SecretFilter[] | undefined;
  /** List secrets scheduled for deletion too. @default false */
  readonly includePlannedDeletion?: boolean | undefined;
  /** By creation date. @default "desc" */
  readonly sortOrder?: "asc" | "desc" | undefined;
  /** Secrets per call, 1 to 100. @default 100 */
  readonly pageSize?: number | undefined;
  /** The page after the one that returned this token (transports only; the client pages itself). */
  readonly nextToken?: string | undefined;
}

/**
 * A secret's metadata as ListSecrets returns it: never its value.
 *
 * @example
 * ```ts
 * for await (const entry of secrets.listSecrets()) console.log(entry.name, entry.lastChangedDate);
 * ```
 */
export interface SecretListEntry {
  /** The secret's name. */
  readonly name: string;
  /** The secret's full ARN, when the backend reports it. */
  readonly arn?: string | undefined;
  readonly description?: string | undefined;
  /** The KMS key that encrypts the value, when it is not the default `aws/secretsmanager`. */
  readonly kmsKeyId?: string | undefined;
  readonly tags?: SecretTags | undefined;
  /** Whether rotation is turned on. */
  readonly rotationEnabled?: boolean | undefined;
  /** When the secret (its value or its metadata) last changed. */
  readonly lastChangedDate?: Date | undefined;
  /** When the secret was last rotated. */
  readonly lastRotatedDate?: Date | undefined;
  /** When the next rotation is due (Secrets Manager rotates on or before it), if one is scheduled. */
  readonly nextRotationDate?: Date | undefined;
  /**
   * When the secret was scheduled for deletion (listed with `includePlannedDeletion`); reads fail
   * with `INVALID_REQUEST` until `restoreSecret`.
   */
  readonly deletedDate?: Date | undefined;
  readonly createdDate?: Date | undefined;
}

/**
 * One page of ListSecrets, as a transport returns it.
 *
 * @example
 * ```ts
 * const page: SecretListPage = { secrets: [{ name: 'prod/db' }], nextToken: undefined };
 * ```
 */
export interface SecretListPage {
  readonly secrets: readonly SecretListEntry[];
  /** Where the next page starts; absent on the last page. */
  readonly nextToken?: string | undefined;
}

/**
 * Which secret a write changed.
 *
 * @example
 * ```ts
 * const { name, arn }: SecretIdentity = await secrets.restoreSecret('test/tmp');
 * ```
 */
export interface SecretIdentity {
  readonly name: string;
  /** When the backend reports it (the local transports have no ARNs). */
  readonly arn?: string | undefined;
}

/**
 * What a write of a secret returns: the secret and, when the write made one, the new version.
 *
 * @example
 * ```ts
 * const { versionId }: SecretWriteResult = await secrets.putSecretValue('prod/db', { password: 'new' });
 * ```
 */
export interface SecretWriteResult extends SecretIdentity {
  readonly versionId?: string | undefined;
  readonly versionStages?: readonly string[] | undefined;
}

/**
 * What DeleteSecret returns: when the secret will be (or was) deleted.
 *
 * @example
 * ```ts
 * const { deletionDate }: DeleteSecretResult = await secrets.deleteSecret('test/tmp', { recoveryWindowInDays: 7 });
 * ```
 */
export interface DeleteSecretResult extends SecretIdentity {
  readonly deletionDate?: Date | undefined;
}

/**
 * A Parameter Store tier: Standard (values up to 4 KB), Advanced (8 KB, charged) or
 * Intelligent-Tiering (Advanced only when the value needs it).
 *
 * @example
 * ```ts
 * const tier: ParameterTier = 'Advanced';
 * ```
 */
export type ParameterTier = "Standard" | "Advanced" | "Intelligent-Tiering";

/**
 * PutParameter, as a transport gets it (a `StringList` comma-joined already).
 *
 * @example
 * ```ts
 * const request: PutParameterRequest = { name: '/my-app/prod/flag', value: 'on', type: 'String', overwrite: true };
 * ```
 */
export interface PutParameterRequest extends WriteCallOptions {
  /** Name (`/my-app/prod/flag`), at most 2048 characters. */
  readonly name: string;
  readonly value: string;
  readonly type: ParameterType;
  /** The KMS key of a `SecureString`. @default alias/aws/ssm */
  readonly kmsKeyId?: string | undefined;
  /** Replace an existing parameter (a new version); without it, one that exists is `ALREADY_EXISTS`. @default false */
  readonly overwrite?: boolean | undefined;
  /** @default "Standard" */
  readonly tier?: ParameterTier | undefined;
  /** At most 1024 characters. */
  readonly description?: string | undefined;
  /** `text`, `aws:ec2:image` or `aws:ssm:integration`. @default "text" */
  readonly dataType?: string | undefined;
  /** A regular expression the value must match, at most 1024 characters. */
  readonly allowedPattern?: string | undefined;
  /** Tags of a new parameter (not with `overwrite`: tag an existing parameter with AddTagsToResource). */
  readonly tags?: SecretTags | undefined;
}

/**
 * What PutParameter returns.
 *
 * @example
 * ```ts
 * const { version }: PutParameterResult = await secrets.putParameter('/my-app/prod/flag', 'on', { overwrite: true });
 * ```
 */
export interface PutParameterResult {
  readonly version: number;
  readonly tier?: string | undefined;
}

/**
 * LabelParameterVersion.
 *
 * @example
 * ```ts
 * const request: LabelParameterVersionRequest = { name: '/my-app/prod/flag', labels: ['live'], version: 3 };
 * ```
 */
export interface LabelParameterVersionRequest extends WriteCallOptions {
  readonly name: string;
  /** 1 to 10 labels of at most 100 characters; they move off any other version. */
  readonly labels: readonly string[];
  /** @default the latest version */
  readonly version?: number | undefined;
}

/**
 * What LabelParameterVersion returns: the labels the service refused (by its naming rules) and the
 * version labelled.
 *
 * @example
 * ```ts
 * const { invalidLabels }: LabelParameterVersionResult = await secrets.labelParameterVersion('/a', ['live']);
 * ```
 */
export interface LabelParameterVersionResult {
  readonly invalidLabels: readonly string[];
  readonly parameterVersion?: number | undefined;
}

/**
 * DeleteParameter.
 *
 * @example
 * ```ts
 * const request: DeleteParameterRequest = { name: '/my-app/prod/flag' };
 * ```
 */
export interface DeleteParameterRequest extends WriteCallOptions {
  readonly name: string;
}

/** The largest SecretString or SecretBinary Secrets Manager stores. */
export const SECRET_VALUE_MAX_BYTES = 65_536;
/** The largest parameter value per tier, in bytes. */
export const PARAMETER_MAX_BYTES = { Standard: 4096, Advanced: 8192, "Intelligent-Tiering": 8192 } as const;
const PARAMETER_TIERS = Object.keys(PARAMETER_MAX_BYTES);
const PARAMETER_DATA_TYPES = ["text", "aws:ec2:image", "aws:ssm:integration"];
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const MAX_TAGS = 50;

function refuse(operation: string, subject: string | undefined, problem: string): never {
  const about = subject === undefined ? "" : ` "${subject}"`;
  throw new ArgumentError(`[secretwrangler] ${operation}${about}: ${problem}`);
}

function checkObject(value: unknown, operation: string): asserts value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    refuse(operation, undefined, "the request must be an object");
  }
}

/** A string option of at most `max` characters (at least `min`), or absent. */
function checkText(
  value: unknown,
  option: string,
  max: number,
  operation: string,
  subject: string | undefined,
  min = 0,
): void {
  if (value === undefined) return;
  if (typeof value !== "string" || value.length < min || value.length > max) {
    refuse(operation, subject, `"${option}" must be a string of ${min} to ${max} characters`);
  }
}

function checkBoolean(value: unknown, option: string, operation: string, subject: string | undefined): void {
  if (value !== undefined && typeof value !== "boolean") refuse(operation, subject, `"${option}" must be a boolean`);
}

function checkInteger(
  value: unknown,
  option: string,
  [min, max]: readonly [number, number],
  operation: string,
  subject: string | undefined,
): void {
  if (value === undefined) return;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    refuse(operation, subject, `"${option}" must be an integer from ${min} to ${max}`);
  }
}

function checkId(id: unknown, operation: string, option = "id"): string {
  if (typeof id !== "string" || id === "" || id.length > 2048) {
    refuse(operation, undefined, `"${option}" must be a non-empty string of at most 2048 characters`);
  }
  return id;
}

/** Tag keys and values are metadata, not secrets: the message may name them. */
function checkTags(tags: unknown, operation: string, subject: string): void {
  if (tags === undefined) return;
  if (typeof tags !== "object" || tags === null || Array.isArray(tags)) {
    refuse(operation, subject, '"tags" must be an object of key -> value');
  }
  const entries = Object.entries(tags);
  if (entries.length > MAX_TAGS) refuse(operation, subject, `at most ${MAX_TAGS} tags, got ${entries.length}`);
  for (const [key, value] of entries) checkTag(key, value, operation, subject);
}

function checkTag(key: string, value: unknown, operation: string, subject: string): void {
  if (key.length < 1 || key.length > 128 || key.toLowerCase().startsWith("aws:")) {
    refuse(operation, subject, `tag key ${JSON.stringify(key)} must be 1 to 128 characters, not starting with "aws:"`);
  }
  if (typeof value !== "string" || value.length > 256) {
    refuse(operation, subject, `the value of tag ${JSON.stringify(key)} must be a string of at most 256 characters`);
  }
}

function checkToken(token: unknown, operation: string, subject: string): void {
  checkText(token, "clientRequestToken", 64, operation, subject, 32);
}

/**
 * The value of a client write as a request's fields: a string, a copy of the bytes, or the JSON
 * text of a plain object or array. Anything else (a number, a class instance, a value JSON cannot
 * represent) is an `ArgumentError` naming the secret, never quoting the value.
 *
 * @example
 * ```ts
 * const fields = secretValueFields('putSecretValue', 'prod/db', { password: 'pw' }); // { secretString: '{"password":"pw"}' }
 * ```
 */
export function secretValueFields(operation: string, id: string, value: SecretWriteValue): SecretValueFields {
  if (typeof value === "string") return { secretString: value };
  if (value instanceof Uint8Array) return { secretBinary: Uint8Array.from(value) };
  const prototype = typeof value === "object" && value !== null ? Object.getPrototypeOf(value) : undefined;
  let text: string | undefined;
  if (Array.isArray(value) || prototype === Object.prototype || prototype === null) {
    try {
      text = JSON.stringify(value);
    } catch {
      // JSON.stringify's message may quote the value (a BigInt's digits): dropped.
      text = undefined;
    }
  }
  if (typeof text !== "string") {
    refuse(
      operation,
      id,
      "the value must be a string, a Uint8Array, or a plain object or array JSON can represent (no BigInt, cycle, function)",
    );
  }
  return { secretString: text };
}

/** Exactly one value field, of the right type and at most 64 KiB. */
function checkSecretValue(request: Record<string, unknown>, operation: string, id: string): void {
  const { secretString, secretBinary } = request;
  if ((secretString === undefined) === (secretBinary === undefined)) {
    refuse(operation, id, 'give exactly one of "secretString" and "secretBinary"');
  }
  if (secretString !== undefined && typeof secretString !== "string") {
    refuse(operation, id, '"secretString" must be a string');
  }
  if (secretBinary !== undefined && !(secretBinary instanceof Uint8Array)) {
    refuse(operation, id, '"secretBinary" must be a Uint8Array');
  }
  const bytes =
    typeof secretString === "string" ? Buffer.byteLength(secretString) : (secretBinary as Uint8Array).length;
  if (bytes > SECRET_VALUE_MAX_BYTES) {
    refuse(operation, id, `the value is ${bytes} bytes; Secrets Manager stores at most ${SECRET_VALUE_MAX_BYTES}`);
  }
}

function checkVersionStages(stages: unknown, operation: string, id: string): void {
  if (stages === undefined) return;
  if (
    !Array.isArray(stages) ||
    stages.length < 1 ||
    stages.length > 20 ||
    stages.some((stage) => typeof stage !== "string" || stage.length < 1 || stage.length > 256)
  ) {
    refuse(operation, id, '"versionStages" must be 1 to 20 labels of 1 to 256 characters');
  }
}

function checkRotationRules(rules: unknown, operation: string, id: string): void {
  if (rules === undefined) return;
  checkObject(rules, operation);
  checkInteger(rules.automaticallyAfterDays, "rotationRules.automaticallyAfterDays", [1, 1000], operation, id);
  checkText(rules.scheduleExpression, "rotationRules.scheduleExpression", 256, operation, id, 1);
  checkText(rules.duration, "rotationRules.duration", 3, operation, id, 2);
  if (rules.automaticallyAfterDays !== undefined && rules.scheduleExpression !== undefined) {
    refuse(operation, id, 'give "automaticallyAfterDays" or "scheduleExpression", not both');
  }
}

/**
 * The transport methods of the write half of the contract (and the two management reads that go
 * with it, `listSecrets` and `getRandomPassword`), by name.
 *
 * @example
 * ```ts
 * const method: WriteMethod = 'putSecretValue';
 * ```
 */
export type WriteMethod =
  | "createSecret"
  | "putSecretValue"
  | "updateSecret"
  | "tagSecret"
  | "untagSecret"
  | "deleteSecret"
  | "restoreSecret"
  | "rotateSecret"
  | "updateSecretVersionStage"
  | "getRandomPassword"
  | "listSecrets"
  | "putParameter"
  | "labelParameterVersion"
  | "deleteParameter";

/** The checks of each write, by transport method. */
const CHECKS: Readonly<Record<WriteMethod, (request: Record<string, unknown>, operation: string) => void>> = {
  createSecret(request: Record<string, unknown>, operation: string): void {
    const id = checkId(request.id, operation);
    if (!SECRET_NAME.test(id)) {
      refuse(operation, id, "a secret name is 1 to 512 characters of A-Z a-z 0-9 / _ + = . @ -");
    }
    checkSecretValue(request, operation, id);
    checkText(request.description, "description", 2048, operation, id);
    checkText(request.kmsKeyId, "kmsKeyId", 2048, operation, id, 1);
    checkTags(request.tags, operation, id);
    checkToken(request.clientRequestToken, operation, id);
  },
  putSecretValue(request: Record<string, unknown>, operation: string): void {
    const id = checkId(request.id, operation);
    checkSecretValue(request, operation, id);
    checkVersionStages(request.versionStages, operation, id);
    checkToken(request.clientRequestToken, operation, id);
  },
  updateSecret(request: Record<string, unknown>, operation: string): void {
    const id = checkId(request.id, operation);
    checkText(request.description, "description", 2048, operation, id);
    checkText(request.kmsKeyId, "kmsKeyId", 2048, operation, id, 1);
    if (request.description === undefined && request.kmsKeyId === undefined) {
      refuse(operation, id, 'give "description", "kmsKeyId" or both');
    }
  },
  tagSecret(request: Record<string, unknown>, operation: string): void {
    const id = checkId(request.id, operation);
    if (request.tags === undefined || Object.keys(request.tags as object).length === 0) {
      refuse(operation, id, '"tags" must hold at least one tag');
    }
    checkTags(request.tags, operation, id);
  },
  untagSecret(request: Record<string, unknown>, operation: string): void {
    const id = checkId(request.id, operation);
    const keys = request.tagKeys;
    if (
      !Array.isArray(keys) ||
      keys.length === 0 ||
      keys.some((key) => typeof key !== "string" || key.length < 1 || key.length > 128)
    ) {
      refuse(operation, id, '"tagKeys" must be a non-empty array of tag keys (1 to 128 characters)');
    }
  },
  deleteSecret(request: Record<string, unknown>, operation: string): void {
    const id = checkId(request.id, operation);
    checkInteger(request.recoveryWindowInDays, "recoveryWindowInDays", [7, 30], operation, id);
    checkBoolean(request.forceDeleteWithoutRecovery, "forceDeleteWithoutRecovery", operation, id);
    if (request.recoveryWindowInDays !== undefined && request.forceDeleteWithoutRecovery === true) {
      refuse(operation, id, 'give "recoveryWindowInDays" or "forceDeleteWithoutRecovery", not both');
    }
  },
  restoreSecret(request: Record<string, unknown>, operation: string): void {
    checkId(request.id, operation);
  },
  rotateSecret(request: Record<string, unknown>, operation: string): void {
    const id = checkId(request.id, operation);
    checkText(request.rotationLambdaArn, "rotationLambdaArn", 2048, operation, id, 1);
    checkRotationRules(request.rotationRules, operation, id);
    checkBoolean(request.rotateImmediately, "rotateImmediately", operation, id);
    checkToken(request.clientRequestToken, operation, id);
  },
  updateSecretVersionStage(request: Record<string, unknown>, operation: string): void {
    const id = checkId(request.id, operation);
    checkText(request.versionStage, "versionStage", 256, operation, id, 1);
    if (request.versionStage === undefined) refuse(operation, id, '"versionStage" is required');
    checkText(request.moveToVersionId, "moveToVersionId", 64, operation, id, 32);
    checkText(request.removeFromVersionId, "removeFromVersionId", 64, operation, id, 32);
    if (request.moveToVersionId === undefined && request.removeFromVersionId === undefined) {
      refuse(operation, id, 'give "moveToVersionId", "removeFromVersionId" or both');
    }
  },
  getRandomPassword(request: Record<string, unknown>, operation: string): void {
    checkInteger(request.passwordLength, "passwordLength", [1, 4096], operation, undefined);
    checkText(request.excludeCharacters, "excludeCharacters", 4096, operation, undefined);
    for (const option of [
      "excludeNumbers",
      "excludePunctuation",
      "excludeUppercase",
      "excludeLowercase",
      "includeSpace",
      "requireEachIncludedType",
    ]) {
      checkBoolean(request[option], option, operation, undefined);
    }
  },
  listSecrets(request: Record<string, unknown>, operation: string): void {
    if (request.filters !== undefined) checkFilters(request.filters, `${operation}: "filters"`);
    checkBoolean(request.includePlannedDeletion, "includePlannedDeletion", operation, undefined);
    if (request.sortOrder !== undefined && request.sortOrder !== "asc" && request.sortOrder !== "desc") {
      refuse(operation, undefined, '"sortOrder" must be "asc" or "desc"');
    }
    checkInteger(request.pageSize, "pageSize", [1, 100], operation, undefined);
    checkText(request.nextToken, "nextToken", 4096, operation, undefined, 1);
  },
  putParameter(request: Record<string, unknown>, operation: string): void {
    const name = checkId(request.name, operation, "name");
    if (!isParameterType(request.type)) {
      refuse(operation, name, '"type" must be "String", "StringList" or "SecureString"');
    }
    if (request.tier !== undefined && !PARAMETER_TIERS.includes(request.tier as string)) {
      refuse(operation, name, `"tier" must be one of ${PARAMETER_TIERS.join(", ")}`);
    }
    if (typeof request.value !== "string" || request.value === "") {
      refuse(operation, name, "the value must be a non-empty string");
    }
    const tier = (request.tier ?? "Standard") as ParameterTier;
    const bytes = Buffer.byteLength(request.value);
    if (bytes > PARAMETER_MAX_BYTES[tier]) {
      refuse(
        operation,
        name,
        `the value is ${bytes} bytes; a ${tier} parameter holds at most ${PARAMETER_MAX_BYTES[tier]}${tier === "Standard" ? ' (the "Advanced" tier holds 8192)' : ""}`,
      );
    }
    checkText(request.kmsKeyId, "kmsKeyId", 2048, operation, name, 1);
    if (request.kmsKeyId !== undefined && request.type !== "SecureString") {
      refuse(operation, name, '"kmsKeyId" is for a SecureString only');
    }
    checkBoolean(request.overwrite, "overwrite", operation, name);
    checkText(request.description, "description", 1024, operation, name);
    checkText(request.allowedPattern, "allowedPattern", 1024, operation, name);
    if (request.dataType !== undefined && !PARAMETER_DATA_TYPES.includes(request.dataType as string)) {
      refuse(operation, name, `"dataType" must be one of ${PARAMETER_DATA_TYPES.join(", ")}`);
    }
    checkTags(request.tags, operation, name);
    if (request.tags !== undefined && request.overwrite === true) {
      refuse(operation, name, '"tags" and "overwrite" cannot be used together (tag an existing parameter apart)');
    }
  },
  labelParameterVersion(request: Record<string, unknown>, operation: string): void {
    const name = checkId(request.name, operation, "name");
    const labels = request.labels;
    if (
      !Array.isArray(labels) ||
      labels.length < 1 ||
      labels.length > 10 ||
      labels.some((label) => typeof label !== "string" || label.length < 1 || label.length > 100)
    ) {
      refuse(operation, name, '"labels" must be 1 to 10 labels of 1 to 100 characters');
    }
    checkInteger(request.version, "version", [1, Number.MAX_SAFE_INTEGER], operation, name);
  },
  deleteParameter(request: Record<string, unknown>, operation: string): void {
    checkId(request.name, operation, "name");
  },
};

/**
 * Every {@link WriteMethod}.
 *
 * @example
 * ```ts
 * const writable = WRITE_METHODS.filter((method) => typeof transport[method] === 'function');
 * ```
 */
export const WRITE_METHODS: readonly WriteMethod[] = Object.keys(CHECKS) as WriteMethod[];

/**
 * Checks a write request as the service would check its shape, before any call: throws an
 * `ArgumentError` that names the option, the secret or parameter and, for a value over the limit,
 * its size; never the value.
 *
 * @example
 * ```ts
 * checkWriteRequest('putSecretValue', { id: 'prod/db', secretString: value }); // throws past 65536 bytes
 * ```
 */
export function checkWriteRequest(method: WriteMethod, request: unknown): void {
  checkObject(request, method);
  CHECKS[method](request, method);
}
