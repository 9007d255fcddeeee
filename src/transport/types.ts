/**
 * The transport contract. A transport is a plain object that reads secrets (and, optionally,
 * parameters) from one backend. Only {@link Transport.getSecretValue} is required; an optional
 * method that is absent says "this backend can't do that", and the client falls back or reports
 * `CONFIG`.
 */
import type { SecretsError } from "../core/errors.js";
import type { SecretFilter } from "./filters.js";
import type { ParameterType } from "./parameter-type.js";
import type {
  CreateSecretRequest,
  DeleteParameterRequest,
  DeleteSecretRequest,
  DeleteSecretResult,
  GetRandomPasswordRequest,
  LabelParameterVersionRequest,
  LabelParameterVersionResult,
  ListSecretsRequest,
  PutParameterRequest,
  PutParameterResult,
  PutSecretValueRequest,
  RotateSecretRequest,
  SecretIdentity,
  SecretIdRequest,
  SecretListEntry,
  SecretListPage,
  SecretWriteResult,
  TagSecretRequest,
  UntagSecretRequest,
  UpdateSecretRequest,
  UpdateSecretVersionStageRequest,
} from "./writes.js";

export { isParameterType, PARAMETER_TYPES, type ParameterType } from "./parameter-type.js";

/** Which version of a secret to read. Give at most one of `versionId` and `versionStage`. */
export interface SecretVersionOptions {
  /** A version id (a UUID). */
  readonly versionId?: string | undefined;
  /** A staging label such as `AWSCURRENT` (the default), `AWSPREVIOUS` or `AWSPENDING`. */
  readonly versionStage?: string | undefined;
}

/** How fresh a value must be: what a read asks of the caches on the way. Transports without one ignore it. */
export interface Freshness {
  /** Bypass every cache on the way, including the backend's own (the agent's `refreshNow=true`). */
  readonly forceRefresh?: boolean | undefined;
  /** Accept a cached value only if it was fetched less than this many milliseconds ago. */
  readonly maxAgeMs?: number | undefined;
}

/** One read of one secret, as the client hands it to a transport. */
export interface SecretRequest extends SecretVersionOptions, Freshness {
  /** Name, full ARN or partial ARN. */
  readonly id: string;
  /** Cancels the read. */
  readonly signal?: AbortSignal | undefined;
}

/** A secret version as a transport returns it. Exactly one of `secretString` / `secretBinary` is set. */
export interface SecretRecord {
  /** The secret's name. */
  readonly name: string;
  /** The secret's full ARN, when the backend reports it. */
  readonly arn?: string | undefined;
  /** The version id, when the backend reports it. */
  readonly versionId?: string | undefined;
  /** The staging labels of this version. */
  readonly versionStages?: readonly string[] | undefined;
  /** When this version was created, when the backend reports it. */
  readonly createdDate?: Date | undefined;
  /** The text value. */
  readonly secretString?: string | undefined;
  /** The binary value. */
  readonly secretBinary?: Uint8Array | undefined;
  /** The AWS region that served this value, when the backend tells (the sdk transport: a replica's after a failover). */
  readonly region?: string | undefined;
}

/** Options shared by the batch calls. */
export interface BatchOptions {
  readonly signal?: AbortSignal | undefined;
}

/** The outcome for one id of a batch: a value or a typed error, never a thrown batch. */
export type BatchResult<T> =
  | { readonly id: string; readonly ok: true; readonly value: T }
  | { readonly id: string; readonly ok: false; readonly error: SecretsError };

/** One read of one SSM parameter. Give at most one of `version` and `label`. */
export interface ParameterRequest extends Freshness {
  /** Parameter name (`/my-app/prod/api-url`) or ARN. */
  readonly name: string;
  /** A version number. */
  readonly version?: number | undefined;
  /** A label attached to a version. */
  readonly label?: string | undefined;
  /** Decrypt a `SecureString` (`WithDecryption`). @default true */
  readonly decrypt?: boolean | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** An SSM parameter as a transport returns it. */
export interface ParameterRecord {
  readonly name: string;
  readonly type: ParameterType;
  /** The raw value; a `StringList` is still comma-joined here. */
  readonly value: string;
  readonly version?: number | undefined;
  readonly arn?: string | undefined;
  readonly lastModifiedDate?: Date | undefined;
  readonly dataType?: string | undefined;
  /** `:3` or `:label` when the request named one. */
  readonly selector?: string | undefined;
  /** For `/aws/reference/secretsmanager/...` names: the secret's JSON metadata. */
  readonly sourceResult?: string | undefined;
}

/** Options of a path read. */
export interface ParametersByPathOptions extends BatchOptions, Freshness {
  /** Descend into sub-paths. @default true */
  readonly recursive?: boolean | undefined;
  /** Decrypt `SecureString` values. @default true */
  readonly decrypt?: boolean | undefined;
}

/**
 * A secret's metadata besides its value: its rotation schedule, description, key, tags and which
 * version holds which staging label. The SDK transport reads it with DescribeSecret.
 *
 * @example
 * ```ts
 * const description: SecretDescription = { name: 'prod/db', rotationEnabled: true, nextRotationDate: new Date('2030-01-01') };
 * ```
 */
export interface SecretDescription extends SecretListEntry {
  /** The staging labels of each version that has one, by version id. */
  readonly versionIdsToStages?: Readonly<Record<string, readonly string[]>> | undefined;
}

/**
 * One `describeSecret` call.
 *
 * @example
 * ```ts
 * const request: DescribeSecretRequest = { id: 'prod/db', signal: AbortSignal.timeout(5_000) };
 * ```
 */
export interface DescribeSecretRequest {
  /** Name, full ARN or partial ARN. */
  readonly id: string;
  /** Cancels the call. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * A backend that serves secrets. Write your own by returning an object of this shape from a factory.
 *
 * @example
 * ```ts
 * const vaultTransport = (): Transport => ({
 *   name: 'vault',
 *   async getSecretValue({ id }) {
 *     return { name: id, secretString: await readFromVault(id) };
 *   },
 * });
 * ```
 */
export interface Transport {
  /** Short name used in errors and logs, e.g. `sdk`, `agent`, `memory`. */
  readonly name: string;
  /**
   * The cache the client puts in front of this transport when its `cache` option is not given:
   * `true` for the default cache (5 minutes), `false` for none (a local backend such as memory or
   * file: there is no round trip to save), or `{ ttlMs }` for a backend that caches already (the
   * agent: a few seconds, so that hot reads stay in memory and at most that much staleness is
   * added to the backend's own). A `cache` option given to the client is laid over `{ ttlMs }`.
   * @default true
   */
  readonly cacheByDefault?: boolean | { readonly ttlMs: number };
  /** Reads one secret version. Throws {@link SecretsError} on failure. */
  getSecretValue(request: SecretRequest): Promise<SecretRecord>;
  /**
   * The record a read could have right now without waiting, or `undefined` (then call
   * {@link Transport.getSecretValue}): the synchronous hit path of a cache. What it returns is
   * frozen and may be shared between readers.
   */
  peekSecretValue?(id: string, options?: SecretVersionOptions & Freshness): SecretRecord | undefined;
  /** Reads many secrets (AWSCURRENT) in as few calls as the backend allows, one result per id. */
  batchGetSecretValue?(ids: readonly string[], options?: BatchOptions): Promise<BatchResult<SecretRecord>[]>;
  /**
   * Reads the current value of every secret the filters choose (BatchGetSecretValue with `Filters`,
   * every page; every filter must match, see {@link SecretFilter}): one result per secret found, its
   * `id` the secret's name. A secret found but not readable (say `ACCESS_DENIED` on its key) is a
   * failed result; a call that fails as a whole throws {@link SecretsError}; bad filters throw
   * `ArgumentError` before any call. Used by `prefetch({ namePrefix, filters })`.
   *
   * @example
   * ```ts
   * const found = await transport.batchGetSecretValueByFilter?.([{ key: 'tag-key', values: ['team'] }]);
   * ```
   */
  batchGetSecretValueByFilter?(
    filters: readonly SecretFilter[],
    options?: BatchOptions,
  ): Promise<BatchResult<SecretRecord>[]>;
  /** Reads one SSM parameter. */
  getParameter?(request: ParameterRequest): Promise<ParameterRecord>;
  /** Like {@link Transport.peekSecretValue}, for a parameter. */
  peekParameter?(request: ParameterRequest): ParameterRecord | undefined;
  /** Reads many SSM parameters, one result per name; a name may carry a selector (`/a:3`). `decrypt` defaults to true. */
  getParameters?(
    names: readonly string[],
    options?: BatchOptions & { readonly decrypt?: boolean | undefined },
  ): Promise<BatchResult<ParameterRecord>[]>;
  /** Reads every parameter under a path, all pages. */
  getParametersByPath?(path: string, options?: ParametersByPathOptions): Promise<ParameterRecord[]>;
  /**
   * The secret's rotation schedule (Secrets Manager's DescribeSecret), so that watchers can read
   * again soon after a rotation is due. Backends that cannot tell leave it out. Throws
   * {@link SecretsError} on failure.
   */
  describeSecret?(request: DescribeSecretRequest): Promise<SecretDescription>;
  /**
   * Tells `onChange` whenever the backend's values may have changed (a file edited, a mounted
   * volume swapped), so that watchers read again at once instead of at their next refresh. Returns
   * a function that stops the notifications. Backends that cannot tell leave it out.
   */
  watchChanges?(onChange: () => void): () => void;
  /**
   * Forgets what a cache on the way holds for this secret id, parameter name or path, so the next
   * read fetches. Transports that are not caches leave it out.
   */
  invalidate?(id: string): void;
  /** Forgets everything a cache on the way holds. */
  clear?(): void;
  /** Releases sockets, clients and timers. Safe to call more than once. */
  close?(): void | Promise<void>;

  // The writes (see docs/writes.md): each checks its request with `checkWriteRequest` first. A
  // backend that cannot write leaves them out; the client then reports `CONFIG`.
  /** CreateSecret. A secret of that name is `ALREADY_EXISTS`. */
  createSecret?(request: CreateSecretRequest): Promise<SecretWriteResult>;
  /** PutSecretValue: a new version, its staging labels moved as Secrets Manager moves them. */
  putSecretValue?(request: PutSecretValueRequest): Promise<SecretWriteResult>;
  /** UpdateSecret: the description and the KMS key. */
  updateSecret?(request: UpdateSecretRequest): Promise<SecretWriteResult>;
  /** TagResource on a secret. */
  tagSecret?(request: TagSecretRequest): Promise<void>;
  /** UntagResource on a secret. */
  untagSecret?(request: UntagSecretRequest): Promise<void>;
  /** DeleteSecret: scheduled after the recovery window, or forced. */
  deleteSecret?(request: DeleteSecretRequest): Promise<DeleteSecretResult>;
  /** RestoreSecret: cancels a scheduled deletion. */
  restoreSecret?(request: SecretIdRequest): Promise<SecretIdentity>;
  /** RotateSecret: sets the rotation and, by default, starts one. */
  rotateSecret?(request: RotateSecretRequest): Promise<SecretWriteResult>;
  /** UpdateSecretVersionStage: moves a staging label between versions. */
  updateSecretVersionStage?(request: UpdateSecretVersionStageRequest): Promise<SecretIdentity>;
  /** GetRandomPassword. */
  getRandomPassword?(request: GetRandomPasswordRequest): Promise<string>;
  /** One page of ListSecrets (metadata only, never values); pass `nextToken` for the next. */
  listSecrets?(request: ListSecretsRequest): Promise<SecretListPage>;
  /** PutParameter. An existing parameter without `overwrite` is `ALREADY_EXISTS`. */
  putParameter?(request: PutParameterRequest): Promise<PutParameterResult>;
  /** LabelParameterVersion. */
  labelParameterVersion?(request: LabelParameterVersionRequest): Promise<LabelParameterVersionResult>;
  /** DeleteParameter. */
  deleteParameter?(request: DeleteParameterRequest): Promise<void>;
}
