/**
 * The client's writes (docs/writes.md): Secrets Manager and Parameter Store writes named after the
 * AWS operations, on the client's transport. Write-through: the cache and the coalescer on the way
 * forget what a write changed before it returns (transport/write-forwarding.ts), and the client then
 * has its watch handles on it read again and waits for them (bounded), so that the next read and
 * `handle.current` both show the value written.
 */
import { ArgumentError, SecretsError } from "../core/errors.js";
import { SecretReader } from "../read/secret.js";
import type { ParameterType } from "../transport/parameter-type.js";
import type { SecretDescription, Transport } from "../transport/types.js";
import { writtenSubjects } from "../transport/write-forwarding.js";
import {
  type CreateSecretRequest,
  checkWriteRequest,
  type DeleteSecretRequest,
  type DeleteSecretResult,
  type GetRandomPasswordRequest,
  type LabelParameterVersionRequest,
  type LabelParameterVersionResult,
  type ListSecretsRequest,
  type PutParameterRequest,
  type PutParameterResult,
  type PutSecretValueRequest,
  type RotateSecretRequest,
  type SecretIdentity,
  type SecretListEntry,
  type SecretTags,
  type SecretValueFields,
  type SecretWriteResult,
  type SecretWriteValue,
  secretValueFields,
  type UpdateSecretRequest,
  type UpdateSecretVersionStageRequest,
  type WriteCallOptions,
  type WriteMethod,
} from "../transport/writes.js";
import { readOnlyReason } from "../transports/spec.js";
import { watchRegistry } from "../watch/watch.js";

/**
 * Options of `createSecret`: the request without the name and the value.
 *
 * @example
 * ```ts
 * const options: CreateSecretOptions = { description: 'orders db', tags: { team: 'db' } };
 * ```
 */
export type CreateSecretOptions = Omit<CreateSecretRequest, "id" | keyof SecretValueFields>;
/**
 * Options of `putSecretValue`.
 *
 * @example
 * ```ts
 * const options: PutSecretValueOptions = { versionStages: ['AWSPENDING'], clientRequestToken: token };
 * ```
 */
export type PutSecretValueOptions = Omit<PutSecretValueRequest, "id" | keyof SecretValueFields>;
/**
 * Options of `updateSecret`.
 *
 * @example
 * ```ts
 * const options: UpdateSecretOptions = { kmsKeyId: 'alias/orders' };
 * ```
 */
export type UpdateSecretOptions = Omit<UpdateSecretRequest, "id">;
/**
 * Options of `deleteSecret`.
 *
 * @example
 * ```ts
 * const options: DeleteSecretOptions = { recoveryWindowInDays: 7 };
 * ```
 */
export type DeleteSecretOptions = Omit<DeleteSecretRequest, "id">;
/**
 * Options of `rotateSecret`.
 *
 * @example
 * ```ts
 * const options: RotateSecretOptions = { rotationRules: { automaticallyAfterDays: 30 }, rotateImmediately: false };
 * ```
 */
export type RotateSecretOptions = Omit<RotateSecretRequest, "id">;
/**
 * Options of `updateSecretVersionStage`.
 *
 * @example
 * ```ts
 * const options: UpdateSecretVersionStageOptions = { versionStage: 'AWSCURRENT', moveToVersionId: next, removeFromVersionId: current };
 * ```
 */
export type UpdateSecretVersionStageOptions = Omit<UpdateSecretVersionStageRequest, "id">;
/**
 * Options of `listSecrets`: the request without the page token (the iterator pages itself).
 *
 * @example
 * ```ts
 * const options: ListSecretsOptions = { filters: [{ key: 'name', values: ['prod/'] }], sortOrder: 'asc' };
 * ```
 */
export type ListSecretsOptions = Omit<ListSecretsRequest, "nextToken">;
/**
 * Options of `putParameter`. `type` defaults to `String`, or `StringList` for an array value.
 *
 * @example
 * ```ts
 * const options: PutParameterOptions = { type: 'SecureString', kmsKeyId: 'alias/app', overwrite: true };
 * ```
 */
export type PutParameterOptions = Omit<PutParameterRequest, "name" | "value" | "type"> & {
  readonly type?: ParameterType | undefined;
};
/**
 * Options of `labelParameterVersion`.
 *
 * @example
 * ```ts
 * const options: LabelParameterVersionOptions = { version: 3 };
 * ```
 */
export type LabelParameterVersionOptions = Omit<LabelParameterVersionRequest, "name" | "labels">;

/**
 * The writes of the secrets client, named after the AWS operations. Each checks its arguments
 * first (an `ArgumentError`: a value over the service's size limit is refused before any call,
 * naming the id and the size, never the value), fails with `CONFIG` on a transport that cannot
 * write (agent, mount, env), and maps AWS errors like the reads (`ALREADY_EXISTS`,
 * `LIMIT_EXCEEDED`, `NOT_FOUND`, ...). After a write has succeeded, the next read on this client and
 * its watch handles show the new value. See `docs/writes.md`.
 */
export interface SecretWrites {
  /**
   * CreateSecret: a new secret with its first version (AWSCURRENT). A secret of that name is
   * `ALREADY_EXISTS`.
   * @example
   * ```ts
   * const { arn } = await secrets.createSecret('prod/db', { username: 'app', password }, { tags: { team: 'db' } });
   * ```
   */
  createSecret(id: string, value: SecretWriteValue, options?: CreateSecretOptions): Promise<SecretWriteResult>;
  /**
   * PutSecretValue: a new version, AWSCURRENT by default (the old one becomes AWSPREVIOUS). Retrying
   * with the same `clientRequestToken` and value returns the same version.
   * @example
   * ```ts
   * await secrets.putSecretValue('prod/db', { username: 'app', password: next });
   * await secrets.getSecretJson('prod/db'); // the new value, at once
   * ```
   */
  putSecretValue(id: string, value: SecretWriteValue, options?: PutSecretValueOptions): Promise<SecretWriteResult>;
  /**
   * UpdateSecret: the description and the KMS key (write the value with `putSecretValue`).
   * @example
   * ```ts
   * await secrets.updateSecret('prod/db', { description: 'orders database' });
   * ```
   */
  updateSecret(id: string, options: UpdateSecretOptions): Promise<SecretWriteResult>;
  /**
   * TagResource: adds or replaces tags.
   * @example
   * ```ts
   * await secrets.tagSecret('prod/db', { team: 'db', env: 'prod' });
   * ```
   */
  tagSecret(id: string, tags: SecretTags, options?: WriteCallOptions): Promise<void>;
  /**
   * UntagResource: removes tags by key.
   * @example
   * ```ts
   * await secrets.untagSecret('prod/db', ['env']);
   * ```
   */
  untagSecret(id: string, tagKeys: readonly string[], options?: WriteCallOptions): Promise<void>;
  /**
   * DeleteSecret: scheduled after `recoveryWindowInDays` (7 to 30, default 30; reads fail with
   * `INVALID_REQUEST` meanwhile and `restoreSecret` cancels it), or at once with
   * `forceDeleteWithoutRecovery`.
   * @example
   * ```ts
   * const { deletionDate } = await secrets.deleteSecret('test/tmp', { recoveryWindowInDays: 7 });
   * ```
   */
  deleteSecret(id: string, options?: DeleteSecretOptions): Promise<DeleteSecretResult>;
  /**
   * RestoreSecret: cancels a scheduled deletion.
   * @example
   * ```ts
   * await secrets.restoreSecret('test/tmp');
   * ```
   */
  restoreSecret(id: string, options?: WriteCallOptions): Promise<SecretIdentity>;
  /**
   * RotateSecret: sets the rotation function and schedule and, unless `rotateImmediately: false`,
   * starts a rotation (the sdk transport; the local transports cannot run a rotation function).
   * @example
   * ```ts
   * await secrets.rotateSecret('prod/db', { rotationLambdaArn, rotationRules: { automaticallyAfterDays: 30 } });
   * ```
   */
  rotateSecret(id: string, options?: RotateSecretOptions): Promise<SecretWriteResult>;
  /**
   * UpdateSecretVersionStage: moves a staging label; a label attached to a version is removed from
   * it by naming that version in `removeFromVersionId`.
   * @example
   * ```ts
   * await secrets.updateSecretVersionStage('prod/db', { versionStage: 'AWSCURRENT', moveToVersionId: pending, removeFromVersionId: current });
   * ```
   */
  updateSecretVersionStage(id: string, options: UpdateSecretVersionStageOptions): Promise<SecretIdentity>;
  /**
   * GetRandomPassword (the local transports make one with node:crypto, by the same rules).
   * @example
   * ```ts
   * const password = await secrets.getRandomPassword({ passwordLength: 40, excludePunctuation: true });
   * ```
   */
  getRandomPassword(options?: GetRandomPasswordRequest): Promise<string>;
  /**
   * ListSecrets, every page: the metadata of each secret (never its value). Bad options throw an
   * `ArgumentError` at once; a failed page rejects the iteration.
   * @example
   * ```ts
   * for await (const entry of secrets.listSecrets({ filters: [{ key: 'tag-key', values: ['team'] }] })) {
   *   console.log(entry.name, entry.tags);
   * }
   * ```
   */
  listSecrets(options?: ListSecretsOptions): AsyncIterable<SecretListEntry>;
  /**
   * DescribeSecret: the metadata of one secret (description, key, tags, rotation, stages by version).
   * @example
   * ```ts
   * const { versionIdsToStages, tags } = await secrets.describeSecret('prod/db');
   * ```
   */
  describeSecret(id: string, options?: WriteCallOptions): Promise<SecretDescription>;
  /**
   * PutParameter: a string (`String`, or `SecureString` with `type`) or a string array
   * (`StringList`). An existing parameter without `overwrite: true` is `ALREADY_EXISTS`; a value over
   * the tier's limit (Standard 4096 bytes, Advanced 8192) is refused before the call.
   * @example
   * ```ts
   * await secrets.putParameter('/my-app/prod/flag', 'on', { overwrite: true });
   * await secrets.putParameter('/my-app/prod/db/password', password, { type: 'SecureString', kmsKeyId: 'alias/app' });
   * ```
   */
  putParameter(
    name: string,
    value: string | readonly string[],
    options?: PutParameterOptions,
  ): Promise<PutParameterResult>;
  /**
   * LabelParameterVersion: attaches labels to a version (the latest by default), moving them off
   * any other; labels that break the naming rules come back in `invalidLabels`.
   * @example
   * ```ts
   * const { invalidLabels } = await secrets.labelParameterVersion('/my-app/prod/flag', ['live'], { version: 3 });
   * ```
   */
  labelParameterVersion(
    name: string,
    labels: readonly string[],
    options?: LabelParameterVersionOptions,
  ): Promise<LabelParameterVersionResult>;
  /**
   * DeleteParameter.
   * @example
   * ```ts
   * await secrets.deleteParameter('/my-app/prod/flag');
   * ```
   */
  deleteParameter(name: string, options?: WriteCallOptions): Promise<void>;
}

/** How long a write waits for its watch handles to take the new value, at most. */
const WATCH_REFRESH_BOUND_MS = 10_000;
/** Upper bound on ListSecrets pages, so a misbehaving endpoint cannot loop us forever. */
const MAX_LIST_PAGES = 5_000;

type Call<M extends WriteMethod | "describeSecret"> = NonNullable<Transport[M]>;

/** The `CONFIG` error of a call the transport lacks: for the read-only ones, why. */
function cannotWrite(transport: string, operation: string, secretId: string | undefined): SecretsError {
  return new SecretsError({
    code: "CONFIG",
    operation,
    secretId,
    transport,
    detail: readOnlyReason(transport) ?? `the ${transport} transport cannot ${operation}`,
  });
}

/** The text of a parameter value; a `StringList` from an array. */
function parameterText(name: string, value: string | readonly string[], type: unknown): string {
  if (typeof value === "string") return value;
  if (!Array.isArray(value) || value.some((item) => typeof item !== "string" || item.includes(","))) {
    throw new ArgumentError(
      `[secretwrangler] putParameter "${name}": the value must be a string, or an array of strings without commas`,
    );
  }
  if (type !== "StringList") {
    throw new ArgumentError(`[secretwrangler] putParameter "${name}": an array value is a StringList parameter`);
  }
  return value.join(",");
}

/** The reads of {@link SecretReader} and the writes, on one transport: what the client is built on. */
export class SecretWriter extends SecretReader implements SecretWrites {
  /** The transport's method, or `CONFIG`: the request is checked first, so a bad one is an ArgumentError everywhere. */
  #method<M extends WriteMethod | "describeSecret">(method: M, request: object, subject?: string): Call<M> {
    if (method !== "describeSecret") checkWriteRequest(method as WriteMethod, request);
    const call = this.transport[method];
    if (typeof call !== "function") throw cannotWrite(this.transport.name, method, subject);
    return call.bind(this.transport) as Call<M>;
  }

  /** One write: the call, then its watch handles read again (the cache on the way has forgotten already). */
  async #write<M extends WriteMethod>(
    method: M,
    request: Parameters<Call<M>>[0],
    subject: string,
  ): Promise<Awaited<ReturnType<Call<M>>>> {
    const call = this.#method(method, request, subject) as (request: unknown) => Promise<Awaited<ReturnType<Call<M>>>>;
    const result = await call(request);
    const subjects = writtenSubjects(method, request, result);
    if (subjects !== undefined) await this.#refreshWatches(subjects.kind, subjects.ids);
    return result;
  }

  async #refreshWatches(kind: "secret" | "parameter", ids: readonly string[]): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, WATCH_REFRESH_BOUND_MS);
      timer.unref();
    });
    try {
      await Promise.race([watchRegistry(this.transport).refreshWritten(kind, ids), bound]);
    } finally {
      clearTimeout(timer);
    }
  }

  async createSecret(
    id: string,
    value: SecretWriteValue,
    options: CreateSecretOptions = {},
  ): Promise<SecretWriteResult> {
    return this.#write("createSecret", { ...options, id, ...secretValueFields("createSecret", id, value) }, id);
  }

  async putSecretValue(
    id: string,
    value: SecretWriteValue,
    options: PutSecretValueOptions = {},
  ): Promise<SecretWriteResult> {
    return this.#write("putSecretValue", { ...options, id, ...secretValueFields("putSecretValue", id, value) }, id);
  }

  async updateSecret(id: string, options: UpdateSecretOptions): Promise<SecretWriteResult> {
    return this.#write("updateSecret", { ...options, id }, id);
  }

  async tagSecret(id: string, tags: SecretTags, options: WriteCallOptions = {}): Promise<void> {
    return this.#write("tagSecret", { ...options, id, tags }, id);
  }

  async untagSecret(id: string, tagKeys: readonly string[], options: WriteCallOptions = {}): Promise<void> {
    return this.#write("untagSecret", { ...options, id, tagKeys }, id);
  }

  async deleteSecret(id: string, options: DeleteSecretOptions = {}): Promise<DeleteSecretResult> {
    return this.#write("deleteSecret", { ...options, id }, id);
  }

  async restoreSecret(id: string, options: WriteCallOptions = {}): Promise<SecretIdentity> {
    return this.#write("restoreSecret", { ...options, id }, id);
  }

  async rotateSecret(id: string, options: RotateSecretOptions = {}): Promise<SecretWriteResult> {
    return this.#write("rotateSecret", { ...options, id }, id);
  }

  async updateSecretVersionStage(id: string, options: UpdateSecretVersionStageOptions): Promise<SecretIdentity> {
    return this.#write("updateSecretVersionStage", { ...options, id }, id);
  }

  async getRandomPassword(options: GetRandomPasswordRequest = {}): Promise<string> {
    return this.#method("getRandomPassword", options)(options);
  }

  listSecrets(options: ListSecretsOptions = {}): AsyncIterable<SecretListEntry> {
    const request: ListSecretsRequest = { ...options, nextToken: undefined };
    checkWriteRequest("listSecrets", request);
    const transport = this.transport;
    const list = (): Call<"listSecrets"> => this.#method("listSecrets", request);
    return {
      async *[Symbol.asyncIterator]() {
        const page = list();
        let nextToken: string | undefined;
        for (let count = 0; count < MAX_LIST_PAGES; count++) {
          const result = await page({ ...request, nextToken });
          yield* result.secrets;
          nextToken = result.nextToken;
          if (!nextToken) return;
        }
        throw new SecretsError({
          code: "TRANSPORT",
          operation: "listSecrets",
          transport: transport.name,
          detail: `more than ${MAX_LIST_PAGES} pages; list with filters`,
        });
      },
    };
  }

  async describeSecret(id: string, options: WriteCallOptions = {}): Promise<SecretDescription> {
    if (typeof id !== "string" || id === "") throw new ArgumentError("secret id must be a non-empty string");
    return this.#method("describeSecret", options, id)({ ...options, id });
  }

  async putParameter(
    name: string,
    value: string | readonly string[],
    options: PutParameterOptions = {},
  ): Promise<PutParameterResult> {
    const type = options.type ?? (typeof value === "string" ? "String" : "StringList");
    return this.#write("putParameter", { ...options, name, type, value: parameterText(name, value, type) }, name);
  }

  async labelParameterVersion(
    name: string,
    labels: readonly string[],
    options: LabelParameterVersionOptions = {},
  ): Promise<LabelParameterVersionResult> {
    return this.#write("labelParameterVersion", { ...options, name, labels }, name);
  }

  async deleteParameter(name: string, options: WriteCallOptions = {}): Promise<void> {
    return this.#write("deleteParameter", { ...options, name }, name);
  }
}
