/**
 * Bounds on every HTTP attempt of an SDK client the library builds: one deadline that covers connect,
 * headers and the whole body, and a cap on the body size. The SDK's own `requestTimeout` stops at the
 * headers, so a server that sends headers and then dribbles (or stalls) the body would hold a read
 * forever. The client's request handler is wrapped after the client is built, so no `@smithy/*`
 * package is imported and a `requestHandler` of the caller's (e.g. from a session's `clientConfig`)
 * is kept, only bounded.
 */
import { Transform } from "node:stream";

/** Milliseconds one HTTP attempt may take, connect to last body byte, unless `requestTimeoutMs` says otherwise. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/**
 * The largest response body an SDK client of the library reads: 8 MiB. The biggest legitimate answer
 * is a BatchGetSecretValue page of 20 secrets of 64 KiB each (Secrets Manager's limit per value);
 * JSON escapes a control character as six bytes (`\u0001`), so 20 x 64 KiB x 6 = 7.5 MiB plus the
 * metadata of each secret. SSM values are at most 8 KiB, 10 per page; STS answers are a few KiB.
 */
export const MAX_RESPONSE_BYTES: number = 8 * 1024 * 1024;

/** The largest delay `setTimeout` honours; longer ones fire at once. */
export const MAX_TIMEOUT_MS = 2_147_483_647;

/**
 * An attempt that did not complete within its deadline. Named `TimeoutError`, so the SDK's retry
 * strategy retries it within `maxAttempts`, and mapped to `TIMEOUT`.
 */
export class AttemptTimeoutError extends Error {
  override readonly name = "TimeoutError";
  readonly code = "ETIMEDOUT";
  readonly timeoutMs: number;
  constructor(timeoutMs: number) {
    super(`no complete response within ${timeoutMs} ms`);
    this.timeoutMs = timeoutMs;
  }
}

/** A response body over the cap. Not retried by the SDK (its name is no transient one). */
export class ResponseTooLargeError extends Error {
  override readonly name = "ResponseTooLargeError";
  readonly limitBytes: number;
  constructor(limitBytes: number) {
    super(`response body over ${limitBytes} bytes`);
    this.limitBytes = limitBytes;
  }
}

/** The per-attempt bounds. */
export interface RequestLimits {
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
}

interface SignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener?(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener?(type: "abort", listener: () => void): void;
}

interface HandlerOptionsLike {
  readonly abortSignal?: SignalLike | undefined;
  readonly [key: string]: unknown;
}

interface NodeReadableLike {
  pipe(destination: Transform): unknown;
  on(event: string, listener: (...args: never[]) => void): unknown;
  destroy(error?: Error): unknown;
}

interface ResponseLike {
  headers?: Record<string, string | undefined>;
  body?: unknown;
}

/** The part of a smithy `HttpHandler` the wrapper uses and passes on. */
interface HttpHandlerLike {
  handle(request: unknown, options?: HandlerOptionsLike): Promise<{ response: ResponseLike }>;
  destroy?(): void;
  updateHttpClientConfig?(key: never, value: never): void;
  httpHandlerConfigs?(): unknown;
  readonly metadata?: unknown;
}

function isNodeReadable(body: unknown): body is NodeReadableLike {
  return (
    typeof body === "object" &&
    body !== null &&
    typeof (body as NodeReadableLike).pipe === "function" &&
    typeof (body as NodeReadableLike).on === "function" &&
    typeof (body as NodeReadableLike).destroy === "function"
  );
}

function abortError(signal: SignalLike): Error {
  const error = new Error("Request aborted", signal.reason instanceof Error ? { cause: signal.reason } : undefined);
  error.name = "AbortError";
  return error;
}

/** `inner`, with one deadline per attempt (connect, headers and body) and a capped body. */
export function limitedHandler(inner: HttpHandlerLike, limits: RequestLimits): HttpHandlerLike {
  return {
    metadata: inner.metadata,
    destroy: () => inner.destroy?.(),
    updateHttpClientConfig: (key, value) => inner.updateHttpClientConfig?.(key, value),
    httpHandlerConfigs: () => inner.httpHandlerConfigs?.() ?? {},
    async handle(request, options = {}) {
      const controller = new AbortController();
      const outer = options.abortSignal;
      let body: Transform | undefined;
      let source: NodeReadableLike | undefined;
      let timedOut = false;
      const onOuterAbort = () => {
        if (outer === undefined) return;
        body?.destroy(abortError(outer));
        controller.abort(outer.reason);
      };
      const timer = setTimeout(() => {
        timedOut = true;
        const error = new AttemptTimeoutError(limits.timeoutMs);
        body?.destroy(error);
        source?.destroy();
        controller.abort(error);
      }, limits.timeoutMs);
      timer.unref?.();
      const done = () => {
        clearTimeout(timer);
        outer?.removeEventListener?.("abort", onOuterAbort);
      };
      if (outer?.aborted) controller.abort(outer.reason);
      else outer?.addEventListener?.("abort", onOuterAbort, { once: true });

      let result: { response: ResponseLike };
      try {
        result = await inner.handle(request, { ...options, abortSignal: controller.signal });
      } catch (error) {
        done();
        throw timedOut ? new AttemptTimeoutError(limits.timeoutMs) : error;
      }
      const { response } = result;
      const stream = response.body;
      if (!isNodeReadable(stream)) {
        done();
        return result;
      }
      source = stream;
      const declared = Number(response.headers?.["content-length"] ?? Number.NaN);
      if (declared > limits.maxBodyBytes) {
        done();
        stream.destroy();
        throw new ResponseTooLargeError(limits.maxBodyBytes);
      }
      let received = 0;
      const limited = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          received += chunk.length;
          if (received > limits.maxBodyBytes) {
            // Destroyed here, before the socket: a callback error lands a tick later, after the reset.
            const error = new ResponseTooLargeError(limits.maxBodyBytes);
            limited.destroy(error);
            stream.destroy();
            callback(error);
            return;
          }
          callback(null, chunk);
        },
      });
      body = limited;
      limited.on("close", done);
      limited.on("end", done);
      stream.on("error", (error: Error) => limited.destroy(error));
      stream.on("aborted", () => limited.destroy(Object.assign(new Error("aborted"), { code: "ECONNRESET" })));
      stream.pipe(limited);
      response.body = limited;
      return result;
    },
  };
}

/**
 * Wraps the request handler of a client the library built (its `config.requestHandler`, which the
 * SDK reads on every `send`) with {@link limitedHandler}. A client without one is left as it is.
 */
export function applyRequestLimits(client: unknown, limits: RequestLimits): void {
  const config = (client as { config?: { requestHandler?: unknown } } | null)?.config;
  const inner = config?.requestHandler as HttpHandlerLike | undefined;
  if (config === undefined || typeof inner?.handle !== "function") return;
  config.requestHandler = limitedHandler(inner, limits);
}
