/**
 * What the cache and the coalescer share: the keys of identical reads, the frozen copies readers
 * share, and the split of one batch call into one promise per id. Internal.
 */
import { SecretsError } from "../core/errors.js";
import { deepFreeze } from "../core/freeze.js";
import { settle } from "../transport/batch.js";
import { secretNameCandidates } from "../transport/secret-id.js";
import type { BatchResult, ParameterRequest, SecretRecord, Transport } from "../transport/types.js";

const SEPARATOR = "\u0000";

/** The key of a secret read: the id alone for the current version, which is the common case. */
export function secretKey(id: string, versionId: string | undefined, versionStage: string | undefined): string {
  return versionId === undefined && versionStage === undefined
    ? id
    : `${id}${SEPARATOR}${versionId ?? ""}${SEPARATOR}${versionStage ?? ""}`;
}

/** The key of a parameter read within one `decrypt` value: the name alone when no version or label is asked for. */
export function parameterKey(request: ParameterRequest): string {
  return request.version === undefined && request.label === undefined
    ? request.name
    : `${request.name}${SEPARATOR}${request.version ?? ""}${SEPARATOR}${request.label ?? ""}`;
}

/** The key of a path read: the path, `recursive` and `decrypt` (unset is a value of its own). */
export function pathKey(path: string, recursive: boolean | undefined, decrypt: boolean | undefined): string {
  return `${path}${SEPARATOR}${String(recursive)}${SEPARATOR}${String(decrypt)}`;
}

/**
 * Whether what was read by `entryId` (and returned `record`, once it has arrived) is the secret or
 * parameter `id` names: the same id, the same secret by another id (name, full or partial ARN), or
 * a record of that name or ARN. What a cache forgets, and a coalescer stops sharing, after a write.
 */
export function concerns(id: string, entryId: string, record?: unknown): boolean {
  const names = secretNameCandidates(id);
  if (entryId === id || secretNameCandidates(entryId).some((name) => names.includes(name))) return true;
  const { arn, name } = (typeof record === "object" && record !== null ? record : {}) as Partial<SecretRecord>;
  return arn === id || (name !== undefined && names.includes(name));
}

/** A frozen copy: the transport's own objects stay its own, and no reader can change another's value. */
export function frozenCopy<T>(value: T): T {
  return deepFreeze(structuredClone(value));
}

/** One promise per id, each settling with that id's record or error from one batch call. */
export function shares<V>(
  batch: Promise<BatchResult<V>[]>,
  ids: readonly string[],
  missing: (id: string) => unknown,
): Promise<V>[] {
  const byId = batch.then((results) => new Map(results.map((result) => [result.id, result])));
  return ids.map((id) =>
    byId.then((results) => {
      const result = results.get(id);
      if (result?.ok) return result.value;
      throw result ? result.error : missing(id);
    }),
  );
}

/** A batch outcome per id: a value or a `SecretsError`; anything else fails the batch. */
export function toBatchResults<V>(ids: readonly string[], outcomes: Promise<V>[]): Promise<BatchResult<V>[]> {
  return Promise.all(outcomes.map((outcome, index) => settle(ids[index] as string, outcome)));
}

/** The error of a load that did not settle within `loadTimeoutMs`: retryable and value-free. */
export function loadTimeoutError(
  operation: string,
  id: string | undefined,
  transport: string | undefined,
  loadTimeoutMs: number,
): SecretsError {
  return new SecretsError({
    code: "TIMEOUT",
    operation,
    secretId: id,
    transport,
    retryable: true,
    detail: `no answer within ${loadTimeoutMs} ms (loadTimeoutMs); a later read asks again`,
  });
}

/**
 * Gives a decorator (the cache, the coalescer) the methods of `inner` it passes on untouched: the
 * rotation schedule and the change notices, which are not values to cache or share.
 */
export function forwardUntouched(inner: Transport, outer: Transport): void {
  if (inner.describeSecret) outer.describeSecret = inner.describeSecret.bind(inner);
  if (inner.watchChanges) outer.watchChanges = inner.watchChanges.bind(inner);
  // A read by filter: always a call (which secrets match is the backend's to say), nothing to share.
  if (inner.batchGetSecretValueByFilter)
    outer.batchGetSecretValueByFilter = inner.batchGetSecretValueByFilter.bind(inner);
}
