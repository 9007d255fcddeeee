/**
 * The per-attempt deadline (connect, headers and body), the default timeout, the body cap, and how
 * socket failures map, all through the real SDK clients against fault-injecting loopback servers.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_REQUEST_TIMEOUT_MS, MAX_RESPONSE_BYTES } from "../src/aws/request-handler.js";
import { SecretsError } from "../src/core/errors.js";
import { sdkTransport } from "../src/transports/sdk/transport.js";
import { startAwsJsonServer } from "./helpers/aws-json-server.js";
import { CANARY, expectNoLeak, rejectionOf } from "./helpers/canary.js";

/** The deadline the tests use; every bound below is a multiple of it. */
const DEADLINE_MS = 1_000;
const JSON_HEADERS = { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "req-1" };

type Fault = (req: IncomingMessage, res: ServerResponse, timers: Set<NodeJS.Timeout>) => void;

interface FaultServer {
  readonly endpoint: string;
  /** Requests received so far. */
  readonly count: () => number;
  close(): Promise<void>;
}

const servers: FaultServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A loopback server that reads each request, then misbehaves as `fault` says. */
async function startFaultServer(fault: Fault): Promise<FaultServer> {
  let count = 0;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      count++;
      fault(req, res, timers);
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const handle: FaultServer = {
    endpoint: `http://127.0.0.1:${port}`,
    count: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearInterval(timer);
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  servers.push(handle);
  return handle;
}

/** Headers and the start of a body, then nothing. */
const stalledBody: Fault = (_req, res) => {
  res.writeHead(200, { ...JSON_HEADERS, "content-length": 1_000 });
  res.write(`{"Name":"x","SecretString":"${CANARY}`);
};

/** One byte every 200 ms, never reaching the declared length within the deadline. */
const dribblingBody: Fault = (_req, res, timers) => {
  const body = `{"Name":"x","SecretString":"${"a".repeat(500)}"}`;
  res.writeHead(200, { ...JSON_HEADERS, "content-length": Buffer.byteLength(body) });
  let sent = 0;
  const timer = setInterval(() => {
    if (sent >= body.length || res.destroyed) {
      clearInterval(timer);
      timers.delete(timer);
      return;
    }
    res.write(body[sent++]);
  }, 200);
  timers.add(timer);
};

/** No answer at all: the request is read, the response never starts. */
const noHeaders: Fault = () => {};

/** A body over the cap, declared in content-length. */
function declaredOversizedBody(bytes: number): Fault {
  return (_req, res) => {
    res.writeHead(200, { ...JSON_HEADERS, "content-length": bytes });
    res.end(Buffer.alloc(bytes, 0x20));
  };
}

/** A body over the cap without content-length (chunked), written until the client hangs up. */
function chunkedOversizedBody(bytes: number): Fault {
  return (_req, res) => {
    res.writeHead(200, JSON_HEADERS);
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let written = 0;
    const pump = () => {
      while (written < bytes && !res.destroyed) {
        written += chunk.length;
        if (!res.write(chunk)) return void res.once("drain", pump);
      }
      if (!res.destroyed) res.end();
    };
    res.write('{"Name":"x","SecretString":"');
    pump();
  };
}

/** Destroys the socket without answering. */
const resetBeforeHeaders: Fault = (req) => {
  req.socket.destroy();
};

/** Sends headers and part of the body, then destroys the socket. */
const resetDuringBody: Fault = (_req, res) => {
  res.writeHead(200, { ...JSON_HEADERS, "content-length": 1_000 });
  res.write('{"Name":"x",', () => res.socket?.destroy());
};

async function timed(promise: Promise<unknown>): Promise<{ error: unknown; elapsedMs: number }> {
  const started = performance.now();
  const error = await rejectionOf(promise);
  return { error, elapsedMs: performance.now() - started };
}

function transport(endpoint: string, options: { requestTimeoutMs?: number; maxAttempts?: number } = {}) {
  return sdkTransport({ endpoint, region: "us-east-1", maxAttempts: 1, requestTimeoutMs: DEADLINE_MS, ...options });
}

describe("sdk transport: one deadline per attempt, connect to last body byte", () => {
  const cases: [string, Fault][] = [
    ["a stalled body", stalledBody],
    ["a dribbling body (one byte every 200 ms)", dribblingBody],
    ["no response headers", noHeaders],
  ];
  for (const [label, fault] of cases) {
    it(`fails ${label} with TIMEOUT (retryable) within the deadline: Secrets Manager`, async () => {
      const server = await startFaultServer(fault);

      const { error, elapsedMs } = await timed(transport(server.endpoint).getSecretValue({ id: "x" }));

      expect(error).toBeInstanceOf(SecretsError);
      expect(error).toMatchObject({ code: "TIMEOUT", retryable: true, operation: "getSecretValue" });
      expect((error as Error).message).toContain(`within ${DEADLINE_MS} ms`);
      expect(elapsedMs).toBeGreaterThanOrEqual(DEADLINE_MS * 0.9);
      expect(elapsedMs).toBeLessThan(DEADLINE_MS * 3);
      expectNoLeak(error);
    });

    it(`fails ${label} with TIMEOUT (retryable) within the deadline: SSM`, async () => {
      const server = await startFaultServer(fault);

      const { error, elapsedMs } = await timed(
        transport(server.endpoint).getParameter?.({ name: "/x" }) as Promise<unknown>,
      );

      expect(error).toMatchObject({ code: "TIMEOUT", retryable: true, operation: "getParameter" });
      expect(elapsedMs).toBeLessThan(DEADLINE_MS * 3);
      expectNoLeak(error);
    });
  }

  it("retries a timed-out attempt within maxAttempts, each attempt with its own deadline", async () => {
    const server = await startFaultServer(stalledBody);

    const { error, elapsedMs } = await timed(
      transport(server.endpoint, { maxAttempts: 2 }).getSecretValue({ id: "x" }),
    );

    expect(error).toMatchObject({ code: "TIMEOUT", retryable: true });
    expect(server.count()).toBe(2);
    expect(elapsedMs).toBeGreaterThanOrEqual(DEADLINE_MS * 2 * 0.9);
    expect(elapsedMs).toBeLessThan(DEADLINE_MS * 2 * 3);
  });

  it("bounds BatchGetSecretValue and GetParametersByPath the same way", async () => {
    const server = await startFaultServer(stalledBody);
    const sdk = transport(server.endpoint);

    const started = performance.now();
    const batch = await sdk.batchGetSecretValue?.(["a", "b"]);
    const batchMs = performance.now() - started;
    const byPath = await timed(sdk.getParametersByPath?.("/app") as Promise<unknown>);

    expect(batch?.map((result) => (result.ok ? "ok" : result.error.code))).toEqual(["TIMEOUT", "TIMEOUT"]);
    expect(byPath.error).toMatchObject({ code: "TIMEOUT" });
    expect(batchMs).toBeLessThan(DEADLINE_MS * 3);
    expect(byPath.elapsedMs).toBeLessThan(DEADLINE_MS * 3);
  });

  it(
    `applies a default deadline of ${DEFAULT_REQUEST_TIMEOUT_MS} ms when requestTimeoutMs is not given`,
    async () => {
      const server = await startFaultServer(stalledBody);
      const sdk = sdkTransport({ endpoint: server.endpoint, region: "us-east-1", maxAttempts: 1 });

      const { error, elapsedMs } = await timed(sdk.getSecretValue({ id: "x" }));

      expect(error).toMatchObject({ code: "TIMEOUT", retryable: true });
      expect((error as Error).message).toContain(`within ${DEFAULT_REQUEST_TIMEOUT_MS} ms`);
      expect(elapsedMs).toBeGreaterThanOrEqual(DEFAULT_REQUEST_TIMEOUT_MS * 0.9);
      expect(elapsedMs).toBeLessThan(DEFAULT_REQUEST_TIMEOUT_MS * 1.5);
    },
    DEFAULT_REQUEST_TIMEOUT_MS * 3,
  );

  it("reports the caller's abort during a stalled body as ABORTED, at once", async () => {
    const server = await startFaultServer(stalledBody);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), DEADLINE_MS / 4);

    const { error, elapsedMs } = await timed(
      transport(server.endpoint, { maxAttempts: 3 }).getSecretValue({ id: "x", signal: controller.signal }),
    );

    expect(error).toMatchObject({ code: "ABORTED" });
    expect(elapsedMs).toBeLessThan(DEADLINE_MS);
    expect(server.count()).toBe(1);
  });

  it("reads a normal answer well inside the deadline", async () => {
    const server = await startAwsJsonServer({ GetSecretValue: () => ({ body: { Name: "x", SecretString: "ok" } }) });
    try {
      const record = await transport(server.endpoint).getSecretValue({ id: "x" });

      expect(record.secretString).toBe("ok");
    } finally {
      await server.close();
    }
  });
});

describe(`sdk transport: response bodies are capped at ${MAX_RESPONSE_BYTES} bytes`, () => {
  const oversized = MAX_RESPONSE_BYTES + 1;
  const cases: [string, Fault][] = [
    ["declared in content-length", declaredOversizedBody(oversized)],
    ["sent chunked, without content-length", chunkedOversizedBody(oversized + 64 * 1024)],
  ];
  for (const [label, fault] of cases) {
    it(`refuses a body over the cap ${label}: TRANSPORT, not retried`, async () => {
      const server = await startFaultServer(fault);

      const { error, elapsedMs } = await timed(
        transport(server.endpoint, { maxAttempts: 3, requestTimeoutMs: 20_000 }).getSecretValue({ id: "x" }),
      );

      expect(error).toMatchObject({ code: "TRANSPORT", retryable: false });
      expect((error as Error).message).toContain(`response body over ${MAX_RESPONSE_BYTES} bytes`);
      expect(server.count()).toBe(1);
      expect(elapsedMs).toBeLessThan(10_000);
    });

    it(`refuses a body over the cap ${label} from SSM`, async () => {
      const server = await startFaultServer(fault);

      const error = await rejectionOf(
        transport(server.endpoint, { requestTimeoutMs: 20_000 }).getParameter?.({ name: "/x" }) as Promise<unknown>,
      );

      expect(error).toMatchObject({ code: "TRANSPORT", retryable: false });
      expect((error as Error).message).toContain(`response body over ${MAX_RESPONSE_BYTES} bytes`);
    });
  }

  it("still reads the largest legitimate answer: 20 secrets of 64 KiB, each character JSON-escaped to 6 bytes", async () => {
    // \u0001 is written as the six bytes `\u0001`: the worst case of JSON escaping.
    const value = "\u0001".repeat(64 * 1024);
    const ids = Array.from({ length: 20 }, (_, index) => `big/${index}`);
    const server = await startAwsJsonServer({
      BatchGetSecretValue: () => ({
        body: {
          SecretValues: ids.map((id) => ({
            Name: id,
            ARN: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${id}-AbCdEf`,
            SecretString: value,
          })),
          Errors: [],
        },
      }),
    });
    try {
      const results = await transport(server.endpoint, { requestTimeoutMs: 20_000 }).batchGetSecretValue?.(ids);

      expect(results?.every((result) => result.ok && result.value.secretString === value)).toBe(true);
      const bytes = Buffer.byteLength(JSON.stringify({ SecretValues: [{ SecretString: value }] })) * ids.length;
      expect(bytes).toBeGreaterThan(20 * 64 * 1024 * 5);
      expect(bytes).toBeLessThan(MAX_RESPONSE_BYTES);
    } finally {
      await server.close();
    }
  });
});

describe("sdk transport: socket failures map by their cause", () => {
  it("reports a connection reset before any answer as TRANSPORT, not TIMEOUT", async () => {
    const server = await startFaultServer(resetBeforeHeaders);

    const { error, elapsedMs } = await timed(transport(server.endpoint).getSecretValue({ id: "x" }));

    expect(error).toMatchObject({ code: "TRANSPORT", retryable: true });
    expect((error as Error).message).toContain("ECONNRESET");
    expect(elapsedMs).toBeLessThan(DEADLINE_MS);
  });

  it("reports a connection reset in the middle of the body as TRANSPORT", async () => {
    const server = await startFaultServer(resetDuringBody);

    const error = await rejectionOf(transport(server.endpoint).getSecretValue({ id: "x" }));

    expect(error).toMatchObject({ code: "TRANSPORT", retryable: true });
  });

  it("reports a reset from SSM as TRANSPORT too", async () => {
    const server = await startFaultServer(resetBeforeHeaders);

    const error = await rejectionOf(transport(server.endpoint).getParameter?.({ name: "/x" }) as Promise<unknown>);

    expect(error).toMatchObject({ code: "TRANSPORT" });
  });

  it("reports a refused connection as TRANSPORT naming ECONNREFUSED", async () => {
    const server = await startFaultServer(noHeaders);
    const { endpoint } = server;
    await server.close();

    const error = await rejectionOf(transport(endpoint).getSecretValue({ id: "x" }));

    expect(error).toMatchObject({ code: "TRANSPORT", retryable: true });
    expect((error as Error).message).toContain("ECONNREFUSED");
  });
});
