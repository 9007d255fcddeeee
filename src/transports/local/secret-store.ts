/**
 * The in-memory model behind the memory and file transports: secrets with versions and staging
 * labels that move the way Secrets Manager moves them (a new AWSCURRENT turns the old one into
 * AWSPREVIOUS), and the Secrets Manager writes on them: create, put, update, tags, deletion
 * (scheduled or forced) and restore, label moves, describe and list.
 */
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { ArgumentError, SecretsError, type SecretsErrorCode } from "../../core/errors.js";
import type { SecretFilter } from "../../transport/filters.js";
import { secretNameCandidates } from "../../transport/secret-id.js";
import type { SecretDescription, SecretRecord, SecretRequest } from "../../transport/types.js";
import type {
  CreateSecretRequest,
  DeleteSecretRequest,
  DeleteSecretResult,
  ListSecretsRequest,
  PutSecretValueRequest,
  SecretIdentity,
  SecretIdRequest,
  SecretListEntry,
  SecretListPage,
  SecretWriteResult,
  TagSecretRequest,
  UntagSecretRequest,
  UpdateSecretRequest,
  UpdateSecretVersionStageRequest,
} from "../../transport/writes.js";

/**
 * A value for the memory and file transports: a string is stored as `SecretString`, a `Uint8Array`
 * as `SecretBinary`, anything else as its JSON text.
 */
export type LocalSecretValue = string | Uint8Array | number | boolean | null | object;

/** Where a new value goes. */
export interface SetSecretOptions {
  /** Staging labels of the new version. @default ["AWSCURRENT"] */
  readonly versionStages?: readonly string[] | undefined;
  /** Version id of the new version. @default a random UUID */
  readonly versionId?: string | undefined;
}

interface StoredVersion {
  readonly versionId: string;
  readonly stages: Set<string>;
  readonly createdDate: Date;
  readonly secretString?: string | undefined;
  readonly secretBinary?: Uint8Array | undefined;
}

/** What a secret holds besides its versions. */
interface SecretMeta {
  description?: string | undefined;
  kmsKeyId?: string | undefined;
  readonly tags: Map<string, string>;
  readonly createdDate: Date;
  lastChangedDate: Date;
  /** When it was scheduled for deletion, and when the deletion is due. */
  deletedDate?: Date | undefined;
  deletionDate?: Date | undefined;
}

const CURRENT = "AWSCURRENT";
const PREVIOUS = "AWSPREVIOUS";
const DAY_MS = 86_400_000;
const DEFAULT_RECOVERY_DAYS = 30;
const DEFAULT_PAGE_SIZE = 100;

function sameContent(version: StoredVersion, content: SecretContent): boolean {
  if ("secretString" in content) return version.secretString === content.secretString;
  const bytes = version.secretBinary;
  return bytes !== undefined && Buffer.from(bytes).equals(Buffer.from(content.secretBinary));
}

/** Whether one value of a filter matches: a prefix (`description` not case-sensitive), `!` negates. */
function filterMatches(filter: SecretFilter, name: string, meta: SecretMeta): boolean {
  const tags = [...meta.tags];
  const fields: Readonly<Record<SecretFilter["key"], readonly string[]>> = {
    name: [name],
    description: meta.description === undefined ? [] : [meta.description.toLowerCase()],
    "tag-key": tags.map(([key]) => key),
    "tag-value": tags.map(([, value]) => value),
    "primary-region": [],
    "owning-service": [],
    all: [name, meta.description ?? "", ...tags.flat()],
  };
  return filter.values.some((raw) => {
    const negated = raw.startsWith("!");
    const value = negated ? raw.slice(1) : raw;
    const prefix = filter.key === "description" ? value.toLowerCase() : value;
    const words = filter.key === "all" ? prefix.split(/\s+/).filter(Boolean) : [prefix];
    const found = words.every((word) => fields[filter.key].some((field) => field.startsWith(word)));
    return negated ? !found : found;
  });
}

/** The per-process key of {@link contentVersionId}, made on first use. */
let versionKey: Buffer | undefined;

/**
 * A version id derived from the name and the value, shaped like the UUIDs Secrets Manager uses, so
 * that an unchanged secret keeps its id when a file is read again. Keyed (HMAC with a random
 * per-process key), so a logged version id cannot be used to guess a short value offline.
 */
function contentVersionId(id: string, content: SecretContent): string {
  versionKey ??= randomBytes(32);
  const hash = createHmac("sha256", versionKey).update(id).update("\0");
  hash.update("secretBinary" in content ? content.secretBinary : content.secretString);
  const hex = hash.digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** What a version holds: a string or bytes. */
export type SecretContent = { readonly secretString: string } | { readonly secretBinary: Uint8Array };

/** The value of a (checked) write request. */
function requestContent(request: CreateSecretRequest | PutSecretValueRequest): SecretContent {
  return request.secretBinary === undefined
    ? { secretString: request.secretString }
    : { secretBinary: Uint8Array.from(request.secretBinary) };
}

/**
 * What a value is stored as. A value JSON cannot represent (undefined, a function, a symbol, a
 * bigint, a cycle) is an {@link ArgumentError} naming the secret, never quoting the value.
 */
function secretContent(id: string, value: LocalSecretValue): SecretContent {
  if (typeof value === "string") return { secretString: value };
  if (value instanceof Uint8Array) return { secretBinary: Uint8Array.from(value) };
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    // The message of JSON.stringify's TypeError may name the value's contents: dropped.
    text = undefined;
  }
  if (typeof text !== "string") {
    throw new ArgumentError(
      `secret "${id}": the value must be a string, a Uint8Array or a JSON-serialisable value (no undefined, function, symbol, bigint or cycle)`,
    );
  }
  return { secretString: text };
}

function checkedId(id: unknown): string {
  if (typeof id !== "string" || id === "") throw new ArgumentError("secret id must be a non-empty string");
  return id;
}

/** Secrets held in memory, with versions. */
export class LocalSecretStore {
  readonly #secrets = new Map<string, StoredVersion[]>();
  readonly #meta = new Map<string, SecretMeta>();
  readonly #transport: string;

  constructor(transport: string, initial: Readonly<Record<string, LocalSecretValue>> = {}) {
    if (typeof initial !== "object" || initial === null || Array.isArray(initial) || initial instanceof Uint8Array) {
      throw new ArgumentError("the secrets must be an object of id -> value");
    }
    this.#transport = transport;
    for (const [id, value] of Object.entries(initial)) {
      const content = secretContent(checkedId(id), value);
      this.#add(id, content, [CURRENT], contentVersionId(id, content));
    }
  }

  /** Stores a new version of `id`, moving its staging labels off older versions. */
  set(id: string, value: LocalSecretValue, options: SetSecretOptions = {}): void {
    checkedId(id);
    if (typeof options !== "object" || options === null) {
      throw new ArgumentError(`secret "${id}": the options must be an object`);
    }
    const { versionStages, versionId } = options;
    if (
      versionStages !== undefined &&
      (!Array.isArray(versionStages) || versionStages.some((stage) => typeof stage !== "string" || stage === ""))
    ) {
      throw new ArgumentError(`secret "${id}": "versionStages" must be an array of non-empty strings`);
    }
    if (versionId !== undefined && (typeof versionId !== "string" || versionId === "")) {
      throw new ArgumentError(`secret "${id}": "versionId" must be a non-empty string`);
    }
    this.#add(id, secretContent(id, value), versionStages ?? [CURRENT], versionId ?? randomUUID());
  }

  #add(id: string, content: SecretContent, versionStages: readonly string[], versionId: string): void {
    const stages = new Set(versionStages);
    const versions = this.#secrets.get(id) ?? [];
    for (const version of versions) {
      if (stages.has(CURRENT) && version.stages.has(CURRENT)) {
        version.stages.delete(CURRENT);
        for (const other of versions) other.stages.delete(PREVIOUS);
        version.stages.add(PREVIOUS);
      }
      for (const stage of stages) if (stage !== CURRENT) version.stages.delete(stage);
    }
    const now = new Date();
    versions.push({ versionId, stages, createdDate: now, ...content });
    this.#secrets.set(id, versions);
    const meta = this.#meta.get(id);
    if (meta) meta.lastChangedDate = now;
    else this.#meta.set(id, { tags: new Map(), createdDate: now, lastChangedDate: now });
  }

  /** Removes `id` and all its versions. */
  delete(id: string): void {
    this.#secrets.delete(id);
    this.#meta.delete(id);
  }

  #error(code: SecretsErrorCode, operation: string, id: string, detail: string): SecretsError {
    return new SecretsError({ code, operation, secretId: id, transport: this.#transport, detail });
  }

  /** The stored name an id stands for, or `undefined`. */
  #nameOf(id: string): string | undefined {
    return secretNameCandidates(id).find((candidate) => this.#secrets.has(candidate));
  }

  /** The name of a secret a write may change: `NOT_FOUND` if missing, `INVALID_REQUEST` if deleted (unless `deleted` is allowed). */
  #existing(id: string, operation: string, deleted: "refuse" | "allow" = "refuse"): [string, SecretMeta] {
    const name = this.#nameOf(id);
    const meta = name === undefined ? undefined : this.#meta.get(name);
    if (name === undefined || meta === undefined) throw this.#error("NOT_FOUND", operation, id, "no such secret");
    if (deleted === "refuse" && meta.deletedDate !== undefined) {
      throw this.#error(
        "INVALID_REQUEST",
        operation,
        id,
        "the secret is scheduled for deletion (restoreSecret cancels it)",
      );
    }
    return [name, meta];
  }

  #written(name: string, version: StoredVersion): SecretWriteResult {
    return { name, versionId: version.versionId, versionStages: [...version.stages] };
  }

  /**
   * A new version with `token` as its id: the version that has it already, if its value is the same
   * (an idempotent retry), `ALREADY_EXISTS` if not.
   */
  #put(
    name: string,
    content: SecretContent,
    stages: readonly string[],
    token: string | undefined,
    operation: string,
  ): SecretWriteResult {
    const existing = token === undefined ? undefined : this.#secrets.get(name)?.find((v) => v.versionId === token);
    if (existing !== undefined) {
      if (sameContent(existing, content)) return this.#written(name, existing);
      throw this.#error("ALREADY_EXISTS", operation, name, "a version with this clientRequestToken has another value");
    }
    this.#add(name, content, stages, token ?? randomUUID());
    return this.#written(name, this.#secrets.get(name)?.at(-1) as StoredVersion);
  }

  /** CreateSecret. */
  create(request: CreateSecretRequest): SecretWriteResult {
    const { id } = request;
    const meta = this.#meta.get(id);
    if (meta?.deletedDate !== undefined) {
      throw this.#error("INVALID_REQUEST", "createSecret", id, "a secret of this name is scheduled for deletion");
    }
    const content = requestContent(request);
    if (meta !== undefined) {
      const retried = this.#secrets.get(id)?.find((version) => version.versionId === request.clientRequestToken);
      if (retried !== undefined && sameContent(retried, content)) return this.#written(id, retried);
      throw this.#error("ALREADY_EXISTS", "createSecret", id, "a secret of this name exists");
    }
    const result = this.#put(id, content, [CURRENT], request.clientRequestToken, "createSecret");
    const created = this.#meta.get(id) as SecretMeta;
    created.description = request.description;
    created.kmsKeyId = request.kmsKeyId;
    for (const [key, value] of Object.entries(request.tags ?? {})) created.tags.set(key, value);
    return result;
  }

  /** PutSecretValue. */
  putValue(request: PutSecretValueRequest): SecretWriteResult {
    const [name] = this.#existing(request.id, "putSecretValue");
    const stages = request.versionStages ?? [CURRENT];
    return this.#put(name, requestContent(request), stages, request.clientRequestToken, "putSecretValue");
  }

  /** UpdateSecret (description, KMS key). */
  update(request: UpdateSecretRequest): SecretWriteResult {
    const [name, meta] = this.#existing(request.id, "updateSecret");
    if (request.description !== undefined) meta.description = request.description;
    if (request.kmsKeyId !== undefined) meta.kmsKeyId = request.kmsKeyId;
    meta.lastChangedDate = new Date();
    return { name };
  }

  /** TagResource. */
  tag(request: TagSecretRequest): void {
    const [, meta] = this.#existing(request.id, "tagSecret");
    for (const [key, value] of Object.entries(request.tags)) meta.tags.set(key, value);
    if (meta.tags.size > 50) {
      for (const key of Object.keys(request.tags)) meta.tags.delete(key);
      throw this.#error("LIMIT_EXCEEDED", "tagSecret", request.id, "a secret has at most 50 tags");
    }
    meta.lastChangedDate = new Date();
  }

  /** UntagResource. */
  untag(request: UntagSecretRequest): void {
    const [, meta] = this.#existing(request.id, "untagSecret");
    for (const key of request.tagKeys) meta.tags.delete(key);
    meta.lastChangedDate = new Date();
  }

  /** DeleteSecret: scheduled `recoveryWindowInDays` out (30 by default), or forced at once. */
  scheduleDeletion(request: DeleteSecretRequest): DeleteSecretResult {
    const [name, meta] = this.#existing(request.id, "deleteSecret", "allow");
    const now = new Date();
    if (request.forceDeleteWithoutRecovery === true) {
      this.delete(name);
      return { name, deletionDate: now };
    }
    if (meta.deletedDate !== undefined) {
      throw this.#error("INVALID_REQUEST", "deleteSecret", request.id, "the secret is scheduled for deletion already");
    }
    meta.deletedDate = now;
    meta.deletionDate = new Date(now.getTime() + (request.recoveryWindowInDays ?? DEFAULT_RECOVERY_DAYS) * DAY_MS);
    return { name, deletionDate: meta.deletionDate };
  }

  /** RestoreSecret: cancels a scheduled deletion. */
  restore(request: SecretIdRequest): SecretIdentity {
    const [name, meta] = this.#existing(request.id, "restoreSecret", "allow");
    meta.deletedDate = undefined;
    meta.deletionDate = undefined;
    return { name };
  }

  /** UpdateSecretVersionStage, with Secrets Manager's rule: a label is removed from the version that has it by naming it. */
  moveStage(request: UpdateSecretVersionStageRequest): SecretIdentity {
    const operation = "updateSecretVersionStage";
    const [name] = this.#existing(request.id, operation);
    const { versionStage: stage, moveToVersionId: to, removeFromVersionId: from } = request;
    const versions = this.#secrets.get(name) as StoredVersion[];
    const target = to === undefined ? undefined : versions.find((version) => version.versionId === to);
    if (to !== undefined && target === undefined)
      throw this.#error("NOT_FOUND", operation, request.id, "no such version");
    const holder = versions.find((version) => version.stages.has(stage));
    if (holder !== undefined && holder.versionId !== to && holder.versionId !== from) {
      throw this.#error(
        "INVALID_REQUEST",
        operation,
        request.id,
        `${stage} is attached to version ${holder.versionId}: name it in removeFromVersionId`,
      );
    }
    if (from !== undefined && holder?.versionId !== from) {
      throw this.#error("INVALID_REQUEST", operation, request.id, `${stage} is not attached to version ${from}`);
    }
    if (target === undefined) holder?.stages.delete(stage);
    else if (target !== holder) {
      holder?.stages.delete(stage);
      target.stages.add(stage);
      if (stage === CURRENT && holder !== undefined) {
        for (const version of versions) version.stages.delete(PREVIOUS);
        holder.stages.add(PREVIOUS);
      }
    }
    (this.#meta.get(name) as SecretMeta).lastChangedDate = new Date();
    return { name };
  }

  #entry(name: string, meta: SecretMeta): SecretListEntry {
    return {
      name,
      description: meta.description,
      kmsKeyId: meta.kmsKeyId,
      tags: Object.fromEntries(meta.tags),
      rotationEnabled: false,
      lastChangedDate: meta.lastChangedDate,
      deletedDate: meta.deletedDate,
      createdDate: meta.createdDate,
    };
  }

  /** DescribeSecret: also for a secret scheduled for deletion. */
  describe(request: SecretIdRequest): SecretDescription {
    const [name, meta] = this.#existing(request.id, "describeSecret", "allow");
    const versionIdsToStages: Record<string, string[]> = {};
    for (const version of this.#secrets.get(name) ?? []) {
      if (version.stages.size > 0) versionIdsToStages[version.versionId] = [...version.stages];
    }
    return { ...this.#entry(name, meta), versionIdsToStages };
  }

  /** One page of ListSecrets, by creation date; `nextToken` is the offset of the next page. */
  list(request: ListSecretsRequest): SecretListPage {
    const start = request.nextToken === undefined ? 0 : Number(request.nextToken);
    if (!Number.isInteger(start) || start < 0) {
      throw new SecretsError({
        code: "INVALID_REQUEST",
        operation: "listSecrets",
        transport: this.#transport,
        detail: "the nextToken is not one this transport returned",
      });
    }
    const matching = [...this.#meta]
      .filter(([, meta]) => request.includePlannedDeletion === true || meta.deletedDate === undefined)
      .filter(([name, meta]) => (request.filters ?? []).every((filter) => filterMatches(filter, name, meta)))
      .sort(([a, left], [b, right]) => left.createdDate.getTime() - right.createdDate.getTime() || a.localeCompare(b));
    if (request.sortOrder !== "asc") matching.reverse();
    const end = start + (request.pageSize ?? DEFAULT_PAGE_SIZE);
    return {
      secrets: matching.slice(start, end).map(([name, meta]) => this.#entry(name, meta)),
      nextToken: end < matching.length ? String(end) : undefined,
    };
  }

  /** The AWSCURRENT value of every secret not scheduled for deletion, for the file transport to write out. */
  currentValues(): Map<string, SecretContent> {
    const values = new Map<string, SecretContent>();
    for (const [name, versions] of this.#secrets) {
      const current = versions.find((version) => version.stages.has(CURRENT));
      if (current === undefined || this.#meta.get(name)?.deletedDate !== undefined) continue;
      values.set(
        name,
        current.secretBinary === undefined
          ? { secretString: current.secretString as string }
          : { secretBinary: current.secretBinary },
      );
    }
    return values;
  }

  /** The version a request asks for, or `NOT_FOUND`. */
  get(request: SecretRequest): SecretRecord {
    const name = this.#nameOf(request.id) ?? request.id;
    if (this.#meta.get(name)?.deletedDate !== undefined) {
      throw this.#error("INVALID_REQUEST", "getSecretValue", request.id, "the secret is scheduled for deletion");
    }
    const versions = this.#secrets.get(name);
    const stage = request.versionStage ?? (request.versionId === undefined ? CURRENT : undefined);
    const version = versions?.find(
      (candidate) =>
        (request.versionId === undefined || candidate.versionId === request.versionId) &&
        (stage === undefined || candidate.stages.has(stage)),
    );
    if (!version) {
      throw new SecretsError({
        code: "NOT_FOUND",
        operation: "getSecretValue",
        secretId: request.id,
        transport: this.#transport,
        detail: versions ? "no such version" : "no such secret",
      });
    }
    return {
      name,
      versionId: version.versionId,
      versionStages: [...version.stages],
      createdDate: version.createdDate,
      secretString: version.secretString,
      secretBinary: version.secretBinary && Uint8Array.from(version.secretBinary),
    };
  }
}
