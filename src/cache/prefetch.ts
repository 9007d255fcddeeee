/**
 * Warming a cache at start-up: {@link prefetch} reads secrets by id, by filter (a name prefix, tags)
 * and parameter paths through a transport, so that the cache in it holds them exactly as if they
 * had been read (same keys, same TTL) before the first request needs them.
 */
import { abortable } from "../core/abort.js";
import { ArgumentError, isSecretsError, type SecretsError, unsupportedOperation } from "../core/errors.js";
import { readSecretBatch } from "../transport/batch.js";
import { checkFilters, type SecretFilter } from "../transport/filters.js";
import type { Transport } from "../transport/types.js";

/**
 * What to warm: any of secret ids, secrets by filter (`namePrefix` is the filter `name`), and SSM
 * parameter paths. At least one must be given.
 *
 * @example
 * ```ts
 * const request: PrefetchRequest = {
 *   ids: ['prod/db', 'prod/api-key'],
 *   namePrefix: 'prod/payments/',
 *   paths: ['/my-app/prod'],
 * };
 * ```
 */
export interface PrefetchRequest {
  /** Secret ids (names or ARNs), read with BatchGetSecretValue where the transport has it (20 per call). */
  readonly ids?: readonly string[] | undefined;
  /**
   * Every secret whose name starts with this (BatchGetSecretValue with the filter `name`), stored
   * under its name. Needs a transport that reads by filter (`batchGetSecretValueByFilter`: sdk).
   */
  readonly namePrefix?: string | undefined;
  /**
   * Secrets by BatchGetSecretValue `Filters` (keys `name`, `tag-key`, `tag-value`, `description`,
   * `primary-region`, `owning-service`, `all`; prefix matches; every filter must match), stored under
   * their names. With `namePrefix`, both apply. Needs a transport that reads by filter.
   */
  readonly filters?: readonly SecretFilter[] | undefined;
  /** SSM parameter paths, each read as `getParametersByPath(path, { recursive, decrypt })` would. */
  readonly paths?: readonly string[] | undefined;
  /** For `paths`: descend into sub-paths. @default true */
  readonly recursive?: boolean | undefined;
  /** For `paths`: decrypt `SecureString` values. @default true */
  readonly decrypt?: boolean | undefined;
  /** Cancels the prefetch: its reads still in flight end with `ABORTED` results. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * The outcome for one thing prefetched: a secret id (`source: 'id'`), a secret found by filter (its
 * name; a filter call that failed as a whole gives one result whose `id` describes the filters), or a
 * parameter path. It never holds a value.
 *
 * @example
 * ```ts
 * const failed = results.filter((result: PrefetchResult) => !result.ok);
 * ```
 */
export type PrefetchResult =
  | { readonly source: "id" | "filter" | "path"; readonly id: string; readonly ok: true }
  | {
      readonly source: "id" | "filter" | "path";
      readonly id: string;
      readonly ok: false;
      readonly error: SecretsError;
    };

function checkStrings(value: unknown, label: string): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== "string" || item.length === 0)) {
    throw new ArgumentError(`${label} must be an array of non-empty strings`);
  }
  return value as readonly string[];
}

function checkBoolean(value: unknown, label: string): void {
  if (value !== undefined && typeof value !== "boolean") {
    throw new ArgumentError(`${label} must be a boolean, got ${typeof value}`);
  }
}

/** The checked request: what to read, with `namePrefix` folded into the filters. */
function checkRequest(request: unknown): {
  readonly ids: readonly string[];
  readonly filters: readonly SecretFilter[] | undefined;
  readonly paths: readonly string[];
} {
  if (typeof request !== "object" || request === null) {
    throw new ArgumentError("prefetch needs a request object: { ids, namePrefix, filters, paths }");
  }
  const { ids, namePrefix, filters, paths, recursive, decrypt, signal } = request as Record<string, unknown>;
  const idList = checkStrings(ids, "prefetch.ids");
  const pathList = checkStrings(paths, "prefetch.paths");
  if (namePrefix !== undefined && (typeof namePrefix !== "string" || namePrefix.length === 0)) {
    throw new ArgumentError("prefetch.namePrefix must be a non-empty string");
  }
  const allFilters = [
    ...(namePrefix === undefined ? [] : [{ key: "name", values: [namePrefix] }]),
    ...(filters === undefined ? [] : Array.isArray(filters) ? filters : [filters]),
  ];
  if (filters !== undefined && (!Array.isArray(filters) || filters.length === 0)) {
    throw new ArgumentError("prefetch.filters must be a non-empty array of { key, values }");
  }
  const checked =
    allFilters.length === 0
      ? undefined
      : checkFilters(allFilters, filters === undefined ? "prefetch.namePrefix" : "prefetch.filters");
  checkBoolean(recursive, "prefetch.recursive");
  checkBoolean(decrypt, "prefetch.decrypt");
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new ArgumentError("prefetch.signal must be an AbortSignal");
  }
  if (idList === undefined && checked === undefined && pathList === undefined) {
    throw new ArgumentError("prefetch needs at least one of ids, namePrefix, filters and paths");
  }
  return { ids: idList ?? [], filters: checked, paths: pathList ?? [] };
}

/** A failure as a result: a `SecretsError` as it is; anything else (a bug) is rethrown. */
function failed(source: PrefetchResult["source"], id: string, error: unknown): PrefetchResult {
  if (isSecretsError(error)) return { source, id, ok: false, error };
  throw error;
}

/** How a filter list reads in a result's `id`: `name=prod/,tag-key=team`. */
function describeFilters(filters: readonly SecretFilter[]): string {
  return filters.map(({ key, values }) => `${key}=${values.join("|")}`).join(",");
}

/**
 * Reads what `request` names through `transport` (a cached transport, or a client's transport),
 * all at once, so that its cache holds every value as a read would have left it. One result per
 * id, per secret a filter found (or one for a filter call that failed) and per path, in that order;
 * failures are results, never a thrown batch. Only a bad request throws (`ArgumentError`), before
 * any call. A transport without a filter read (or without paths) gets a `CONFIG` result for them.
 *
 * @example
 * ```ts
 * const results = await prefetch(secrets.transport, { ids: ['prod/db'], paths: ['/my-app/prod'] });
 * for (const result of results) if (!result.ok) log.warn({ id: result.id, code: result.error.code });
 * ```
 */
export function prefetch(transport: Transport, request: PrefetchRequest): Promise<PrefetchResult[]> {
  const { ids, filters, paths } = checkRequest(request);
  // As the client's path reads default them (read/parameters.ts), so the keys are the same.
  const { recursive = true, decrypt = true, signal } = request;
  const context = { operation: "prefetch", transport: transport.name };

  const byId = (async (): Promise<PrefetchResult[]> => {
    if (ids.length === 0) return [];
    try {
      const results = await readSecretBatch(transport, ids, { signal });
      return results.map((result) =>
        result.ok ? { source: "id", id: result.id, ok: true } : failed("id", result.id, result.error),
      );
    } catch (error) {
      return ids.map((id) => failed("id", id, error));
    }
  })();

  const byFilter = (async (): Promise<PrefetchResult[]> => {
    if (filters === undefined) return [];
    const described = describeFilters(filters);
    const read = transport.batchGetSecretValueByFilter;
    if (read === undefined) {
      return [
        failed(
          "filter",
          described,
          unsupportedOperation(transport.name, "batchGetSecretValueByFilter", undefined, "Prefetch by ids instead"),
        ),
      ];
    }
    try {
      const results = await abortable(() => read.call(transport, filters, { signal }), signal, context);
      return results.map((result) =>
        result.ok ? { source: "filter", id: result.id, ok: true } : failed("filter", result.id, result.error),
      );
    } catch (error) {
      return [failed("filter", described, error)];
    }
  })();

  const byPath = Promise.all(
    paths.map(async (path): Promise<PrefetchResult> => {
      const { getParametersByPath } = transport;
      if (getParametersByPath === undefined) {
        return failed("path", path, unsupportedOperation(transport.name, "getParametersByPath", path));
      }
      try {
        await getParametersByPath.call(transport, path, { recursive, decrypt, signal });
        return { source: "path", id: path, ok: true };
      } catch (error) {
        return failed("path", path, error);
      }
    }),
  );

  return Promise.all([byId, byFilter, byPath]).then((groups) => groups.flat());
}
