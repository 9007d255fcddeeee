/**
 * The one way a reader gives up on a promise it may share with others (a cache load, a coalesced
 * call): its own `AbortSignal` rejects its own wait with `ABORTED`, and the work goes on for the
 * rest. Used by the cache, the coalescer and the client.
 */
import { SecretsError } from "./errors.js";

/**
 * What an `ABORTED` error names: the operation, and the secret id and transport when known.
 *
 * @example
 * ```ts
 * const context: AbortContext = { operation: 'getSecretValue', secretId: 'prod/db', transport: 'sdk' };
 * ```
 */
export interface AbortContext {
  /** The operation that was given up, e.g. `getSecretValue`. */
  readonly operation: string;
  /** The secret id, parameter name or path, if the operation is about one. */
  readonly secretId?: string | undefined;
  /** The transport that served it, if any. */
  readonly transport?: string | undefined;
}

/**
 * The `ABORTED` error of a fired signal: value-free, not retryable, with the signal's `reason` as
 * its `cause`.
 *
 * @example
 * ```ts
 * if (signal.aborted) throw abortedError(signal, { operation: 'getSecretValue', secretId: id });
 * ```
 */
export function abortedError(signal: AbortSignal, context: AbortContext): SecretsError {
  return new SecretsError({
    code: "ABORTED",
    operation: context.operation,
    secretId: context.secretId,
    transport: context.transport,
    detail: "the signal fired",
    cause: signal.reason,
  });
}

function ignore(): void {}

/**
 * `work` as this reader sees it: its outcome, or an `ABORTED` {@link SecretsError} as soon as
 * `signal` fires, whichever comes first. A signal that has fired already rejects at once, and then
 * `work`, when it is a function, is not even started. The listener is removed when `work` settles,
 * so a long-lived signal collects none. Giving up never cancels `work` itself: other readers may be
 * waiting for it. Without a signal, `work` (or what it returns) comes back as it is, allocating
 * nothing.
 *
 * @param work - a promise, or a function that starts it (not called when the signal fired already)
 * @param signal - the reader's signal, if any
 * @param context - what the `ABORTED` error names
 *
 * @example
 * ```ts
 * const record = await abortable(shared, signal, { operation: 'getSecretValue', secretId: id, transport: 'sdk' });
 * const other = await abortable(() => load(id), signal, { operation: 'getSecretValue', secretId: id });
 * ```
 */
export function abortable<T>(
  work: Promise<T> | (() => Promise<T>),
  signal: AbortSignal | undefined,
  context: AbortContext,
): Promise<T> {
  if (signal?.aborted) {
    // A promise handed in already runs; its outcome no longer matters to this reader.
    if (typeof work !== "function") work.catch(ignore);
    return Promise.reject(abortedError(signal, context));
  }
  let promise: Promise<T>;
  try {
    promise = typeof work === "function" ? work() : work;
  } catch (error) {
    return Promise.reject(error);
  }
  if (signal === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortedError(signal, context));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
