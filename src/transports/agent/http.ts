/**
 * The agent transport's socket layer: plain-HTTP GETs to a loopback port over a bounded keep-alive
 * pool. It knows nothing of secrets; it returns a status and a body, or throws the network error.
 *
 * The agent drops every connection 61 s after it was accepted, idle or not, without a response. So no
 * socket older than 50 s is handed to a request: the age is checked when a pooled socket is about to
 * be reused (an old one is destroyed and the request gets a younger or a new socket), and a socket
 * that is already that old when its request ends is not pooled at all. Idle sockets are also closed
 * after 30 s. A GET is retried once, at once, when a reused socket turns out to be dead anyway.
 */

import { once as onceEvent } from "node:events";
import {
  Agent,
  type ClientRequest,
  type ClientRequestArgs,
  request as httpRequest,
  type IncomingMessage,
} from "node:http";
import type { Duplex } from "node:stream";

/** Idle keep-alive sockets are closed after this long: well under the agent's 61 s. */
const IDLE_TIMEOUT_MS = 30_000;
/**
 * No socket older than this is reused: a request sent on it then has over 10 s (twice the default
 * `timeoutMs`) before the agent's 61 s cut-off.
 */
const MAX_SOCKET_AGE_MS = 50_000;
/**
 * How often the requests in flight are checked against their deadlines: one coarse timer per pool
 * instead of a timer per request (a timer costs about as much as the rest of a warm request's client
 * side). A timeout fires up to this much late.
 */
const WATCHDOG_TICK_MS = 20;
/** Larger bodies are refused: a secret is at most 64 KiB, so its base64 form fits many times over. */
const MAX_BODY_BYTES = 1024 * 1024;

/** What the agent answered. */
export interface AgentHttpResponse {
  readonly status: number;
  /** The body as text; empty for a 429, whose socket is closed instead of read. */
  readonly body: string;
}

/** The per-attempt timer fired. */
export class AgentRequestTimeout extends Error {
  override readonly name = "AgentRequestTimeout";
  constructor(readonly timeoutMs: number) {
    super(`no response within ${timeoutMs} ms`);
  }
}

/** The body was larger than {@link MAX_BODY_BYTES}. */
export class AgentBodyTooLarge extends Error {
  override readonly name = "AgentBodyTooLarge";
  constructor() {
    super(`response body over ${MAX_BODY_BYTES} bytes`);
  }
}

/** Marks a reset of a pooled socket, which {@link createAgentHttp} retries once. */
class DeadReusedSocket extends Error {
  override readonly name = "DeadReusedSocket";
  constructor(cause: unknown) {
    super("a reused keep-alive socket was closed by the agent", { cause });
  }
}

/** Where and how to connect. */
export interface AgentHttpOptions {
  readonly host: string;
  readonly port: number;
  readonly maxSockets: number;
  /** Sockets older than this are not reused. @default 50000 */
  readonly maxSocketAgeMs?: number | undefined;
  /** The clock socket ages are measured with, in milliseconds; tests replace it. @default performance.now */
  readonly now?: (() => number) | undefined;
}

/** One GET. */
export interface AgentGet {
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
}

/** A keep-alive pool that never hands out a socket near the end of the agent's connection lifetime. */
class AgentPool extends Agent {
  readonly #bornAt = new WeakMap<Duplex, number>();
  readonly #maxAgeMs: number;
  readonly #now: () => number;

  constructor(options: AgentHttpOptions) {
    super({
      keepAlive: true,
      timeout: IDLE_TIMEOUT_MS,
      maxSockets: options.maxSockets,
      maxFreeSockets: options.maxSockets,
      scheduling: "lifo",
    });
    this.#maxAgeMs = options.maxSocketAgeMs ?? MAX_SOCKET_AGE_MS;
    this.#now = options.now ?? (() => performance.now());
  }

  #tooOld(socket: Duplex): boolean {
    const bornAt = this.#bornAt.get(socket);
    return bornAt !== undefined && this.#now() - bornAt > this.#maxAgeMs;
  }

  override createConnection(
    options: ClientRequestArgs,
    callback?: (error: Error | null, socket: Duplex) => void,
  ): Duplex | null | undefined {
    const socket = super.createConnection(options, callback);
    if (socket) this.#bornAt.set(socket, this.#now());
    return socket;
  }

  override keepSocketAlive(socket: Duplex): boolean {
    if (this.#tooOld(socket)) return false;
    return (Agent.prototype.keepSocketAlive as (socket: Duplex) => boolean).call(this, socket);
  }

  /**
   * Destroys the pooled sockets that grew too old while idle, so the next request cannot be given
   * one. Returns a promise that settles once the pool has dropped them (on their `close`), or
   * undefined when none was too old: the common case stays synchronous.
   */
  retireOldSockets(): Promise<unknown> | undefined {
    const closing: Promise<unknown>[] = [];
    for (const sockets of Object.values(this.freeSockets)) {
      for (const socket of sockets ?? []) {
        if (socket.closed || !this.#tooOld(socket)) continue;
        closing.push(onceEvent(socket, "close"));
        socket.destroy();
      }
    }
    return closing.length > 0 ? Promise.all(closing) : undefined;
  }
}

function isDeadReusedSocket(error: unknown, request: ClientRequest): boolean {
  const code = (error as { code?: unknown }).code;
  return request.reusedSocket && (code === "ECONNRESET" || code === "EPIPE");
}

/** Sends GETs to one host and port. */
export interface AgentHttp {
  /** Sends one GET (plus one immediate retry on a dead reused socket). Throws the network error. */
  get(options: AgentGet): Promise<AgentHttpResponse>;
  /** Destroys every pooled socket. */
  close(): void;
}

/** A client for one agent endpoint, with its own keep-alive pool. */
export function createAgentHttp(options: AgentHttpOptions): AgentHttp {
  const pool = new AgentPool(options);

  /** The requests in flight and when each one times out (`performance.now()` milliseconds). */
  const deadlines = new Map<ClientRequest, { readonly at: number; readonly timeoutMs: number }>();
  let watchdog: NodeJS.Timeout | undefined;

  function checkDeadlines(): void {
    if (deadlines.size === 0) {
      clearInterval(watchdog);
      watchdog = undefined;
      return;
    }
    const now = performance.now();
    for (const [request, deadline] of deadlines) {
      if (now < deadline.at) continue;
      deadlines.delete(request);
      request.destroy(new AgentRequestTimeout(deadline.timeoutMs));
    }
  }

  function once(get: AgentGet): Promise<AgentHttpResponse> {
    return new Promise((resolve, reject) => {
      const request = httpRequest({
        agent: pool,
        host: options.host,
        port: options.port,
        path: get.path,
        method: "GET",
        headers: get.headers,
      });
      const finish = () => {
        deadlines.delete(request);
        get.signal?.removeEventListener("abort", onAbort);
      };
      const onAbort = () => request.destroy(get.signal?.reason as Error);
      deadlines.set(request, { at: performance.now() + get.timeoutMs, timeoutMs: get.timeoutMs });
      watchdog ??= setInterval(checkDeadlines, WATCHDOG_TICK_MS).unref();
      get.signal?.addEventListener("abort", onAbort, { once: true });
      request.on("error", (error) => {
        finish();
        reject(isDeadReusedSocket(error, request) ? new DeadReusedSocket(error) : error);
      });
      request.on("response", (response: IncomingMessage) => {
        const status = response.statusCode ?? 0;
        if (status === 429) {
          // The agent answers 429 to every request of a connection accepted over its limit: close it.
          finish();
          response.destroy();
          resolve({ status, body: "" });
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY_BYTES) request.destroy(new AgentBodyTooLarge());
          else chunks.push(chunk);
        });
        response.on("end", () => {
          finish();
          resolve({ status, body: Buffer.concat(chunks).toString("utf8") });
        });
        response.on("error", (error) => {
          finish();
          reject(error);
        });
      });
      if (get.signal?.aborted) onAbort();
      request.end();
    });
  }

  /** One GET on a socket young enough. */
  function send(get: AgentGet): Promise<AgentHttpResponse> {
    const retiring = pool.retireOldSockets();
    return retiring ? retiring.then(() => once(get)) : once(get);
  }

  return {
    get(get: AgentGet): Promise<AgentHttpResponse> {
      return send(get).catch((error: unknown) => {
        if (!(error instanceof DeadReusedSocket)) throw error;
        return send(get).catch((retryError: unknown) => {
          throw retryError instanceof DeadReusedSocket ? retryError.cause : retryError;
        });
      });
    },
    close() {
      clearInterval(watchdog);
      watchdog = undefined;
      pool.destroy();
    },
  };
}
