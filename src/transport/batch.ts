/**
 * Batch reads, one result per id: settling single reads into {@link BatchResult}s, running batch
 * calls in chunks with a concurrency cap, and the error for an id a batch left unanswered. Shared by
 * the transports and the client, so every batch reports failures the same way: per id, never by
 * failing the whole batch (except on abort or a bug).
 */
import { isSecretsError, SecretsError, unsupportedOperation } from "../core/errors.js";
import { splitSelector } from "./parameter-name.js";
import type { BatchOptions, BatchResult, ParameterRecord, SecretRecord, Transport } from "./types.js";

/** How many batch calls of one batch read may be in flight at once (e.g. 4 x BatchGetSecretValue). */
export const CHUNK_CONCURRENCY = 4;

/**
 * The outcome of one read as a batch result: its value, or the {@link SecretsError} it rejected
 * with. Any other rejection is a bug, not a per-id failure, and is rethrown.
 *
 * @example
 * ```ts
 * const result = await settle('prod/db', transport.getSecretValue({ id: 'prod/db' }));
 * ```
 */
export function settle<T>(id: string, promise: Promise<T>): Promise<BatchResult<T>> {
  return promise.then(
    (value): BatchResult<T> => ({ id, ok: true, value }),
    (error: unknown): BatchResult<T> => {
      if (isSecretsError(error)) return { id, ok: false, error };
      throw error;
    },
  );
}

/**
 * Runs `run` over `items` with at most `concurrency` calls in flight, results in input order. The
 * first rejection rejects the whole run, and no further item is started after it.
 */
async function mapLimited<T, R>(items: readonly T[], concurrency: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  async function worker(): Promise<void> {
    while (next < items.length && !failed) {
      const index = next++;
      try {
        results[index] = await run(items[index] as T);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  }
  const workers = Math.max(1, Math.min(concurrency, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}

/**
 * One result per id from single reads, for a backend without a batch call; at most `concurrency`
 * reads at a time (all at once by default).
 *
 * @example
 * ```ts
 * const results = await settleEach(['a', 'b'], (id) => transport.getSecretValue({ id }));
 * ```
 */
export function settleEach<T>(
  ids: readonly string[],
  read: (id: string) => Promise<T>,
  concurrency: number = ids.length,
): Promise<BatchResult<T>[]> {
  return mapLimited(ids, concurrency, (id) => settle(id, read(id)));
}

/**
 * Reads `ids` in chunks of at most `size` with one batch call each, at most `concurrency` calls in
 * flight, and returns the chunks' results in order. A chunk whose call rejects with a
 * {@link SecretsError} (e.g. `THROTTLED` after the SDK's retries) gives that error to each of its ids;
 * the other chunks keep their results. An `ABORTED` error, or any other rejection, rejects the whole
 * read: the caller cancelled it, or something is broken.
 *
 * @example
 * ```ts
 * const results = await settleChunks(ids, 20, CHUNK_CONCURRENCY, (chunk) => batchCall(chunk));
 * ```
 */
export async function settleChunks<T>(
  ids: readonly string[],
  size: number,
  concurrency: number,
  read: (chunk: readonly string[]) => Promise<BatchResult<T>[]>,
): Promise<BatchResult<T>[]> {
  const chunks: string[][] = [];
  for (let start = 0; start < ids.length; start += size) chunks.push(ids.slice(start, start + size));
  const results = await mapLimited(chunks, concurrency, (chunk) =>
    read(chunk).catch((error: unknown) => {
      if (!isSecretsError(error) || error.code === "ABORTED") throw error;
      return chunk.map((id): BatchResult<T> => ({ id, ok: false, error }));
    }),
  );
  return results.flat();
}

/**
 * The `NOT_FOUND` error for an id a batch answered without a result for it: the backend's response
 * (or a transport's result list) left it out, so it counts as not found.
 *
 * @example
 * ```ts
 * const result = byId.get(id) ?? { id, ok: false, error: missingResultError('sdk', 'batchGetSecretValue', id) };
 * ```
 */
export function missingResultError(
  transport: string,
  operation: string,
  id: string,
  detail = "the transport returned no result for this id",
): SecretsError {
  return new SecretsError({ code: "NOT_FOUND", operation, secretId: id, transport, detail });
}

/**
 * The one read-many fallback for secrets: the transport's batch call, else one read per id (all at
 * once). Results in the order of `ids`.
 *
 * @example
 * ```ts
 * const results = await readSecretBatch(transport, ['a', 'b'], { signal });
 * ```
 */
export function readSecretBatch(
  transport: Transport,
  ids: readonly string[],
  options: BatchOptions = {},
): Promise<BatchResult<SecretRecord>[]> {
  if (transport.batchGetSecretValue) return transport.batchGetSecretValue(ids, options);
  return settleEach(ids, (id) => transport.getSecretValue({ id, signal: options.signal }));
}

/**
 * The one read-many fallback for parameters: the transport's batch call, else one read per name
 * (a name may carry a selector, `/app/flag:3`), else `CONFIG` for a transport without parameters.
 *
 * @example
 * ```ts
 * const results = await readParameterBatch(transport, ['/a', '/b:3'], { decrypt: true });
 * ```
 */
export function readParameterBatch(
  transport: Transport,
  names: readonly string[],
  options: BatchOptions & { readonly decrypt?: boolean | undefined } = {},
): Promise<BatchResult<ParameterRecord>[]> {
  if (transport.getParameters) return transport.getParameters(names, options);
  const { getParameter } = transport;
  if (!getParameter) {
    throw unsupportedOperation(transport.name, "getParameters", undefined, "Use the sdk transport (sdkTransport())");
  }
  const { decrypt, signal } = options;
  return settleEach(names, (name) => getParameter.call(transport, { ...splitSelector(name), decrypt, signal }));
}
