/**
 * A loopback HTTP server that speaks the AWS JSON 1.1 protocol (Secrets Manager, SSM): requests are
 * POSTs with an `X-Amz-Target: <prefix>.<Operation>` header and a JSON body; errors are JSON bodies
 * with `__type`. Tests point a real SDK client at it, so serialization, signing, retries and error
 * parsing all run. Every request is recorded.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the server received. */
export interface RecordedRequest {
  readonly operation: string;
  readonly body: Record<string, unknown>;
  readonly headers: IncomingHttpHeaders;
}

/** What a handler answers: a JSON body (200), an AWS error, or raw text (e.g. a broken body). */
export type AwsJsonReply =
  | { readonly status?: number; readonly body: unknown }
  | { readonly status: number; readonly error: string; readonly message?: string }
  | { readonly status?: number; readonly raw: string };

/** Handles one operation; may be async. Throwing answers 500. */
export type AwsJsonHandler = (
  body: Record<string, unknown>,
  request: RecordedRequest,
) => AwsJsonReply | Promise<AwsJsonReply>;

/** A running server. */
export interface AwsJsonServer {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** Every request so far, oldest first. */
  readonly requests: RecordedRequest[];
  /** Requests for one operation. */
  calls(operation: string): RecordedRequest[];
  /** Replaces or adds handlers. */
  handle(handlers: Record<string, AwsJsonHandler>): void;
  close(): Promise<void>;
}

/** An AWS error reply. */
export function awsError(status: number, error: string, message = error): AwsJsonReply {
  return { status, error, message };
}

/** Starts the server on 127.0.0.1 and a free port. Stop it with `close()`. */
export async function startAwsJsonServer(handlers: Record<string, AwsJsonHandler> = {}): Promise<AwsJsonServer> {
  const routes = new Map(Object.entries(handlers));
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const target = String(req.headers["x-amz-target"] ?? "");
      const operation = target.slice(target.lastIndexOf(".") + 1);
      const text = Buffer.concat(chunks).toString("utf8");
      const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      const recorded: RecordedRequest = { operation, body, headers: req.headers };
      requests.push(recorded);
      let reply: AwsJsonReply;
      try {
        const handler = routes.get(operation);
        reply = handler ? await handler(body, recorded) : awsError(400, "UnknownOperationException", operation);
      } catch (error) {
        reply = awsError(500, "InternalServiceError", String(error));
      }
      const json =
        "raw" in reply
          ? reply.raw
          : JSON.stringify(
              "error" in reply ? { __type: reply.error, message: reply.message ?? reply.error } : (reply.body ?? {}),
            );
      res.writeHead(reply.status ?? 200, {
        "content-type": "application/x-amz-json-1.1",
        "content-length": Buffer.byteLength(json),
        "x-amzn-requestid": `req-${requests.length}`,
        ...("error" in reply ? { "x-amzn-errortype": reply.error } : {}),
      });
      res.end(json);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    calls: (operation) => requests.filter((request) => request.operation === operation),
    handle(more) {
      for (const [operation, handler] of Object.entries(more)) routes.set(operation, handler);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
