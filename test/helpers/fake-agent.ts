/**
 * A loopback fake of the AWS Secrets Manager Agent and of the AWS Parameters and Secrets Lambda
 * Extension, written from docs/transports/agent-protocol.md:
 *
 * - `agent` flavour: the order of checks ("Routes and parameters": X-Forwarded-For, SSRF token on
 *   either header, GET only, routes), the query- and path-style parameters with their plain-text
 *   400s, compact bodies with `CreatedDate` as a string of epoch seconds ("Success bodies"),
 *   upstream errors as the agent's hand-built `{"__type":"C", "message":"M"}` ("Errors"),
 *   `refreshNow` and a 404 for the SSM route.
 * - `lambda-extension` flavour: Go-style bodies (alphabetical keys, `null`s, RFC 3339 dates,
 *   `ResultMetadata`), one generic plain-text 400 for every failure, and the SSM route.
 * - what agent 3.0 (aws/aws-workload-credentials-provider, `aws_secretsmanager_provider/src/`) added:
 *   `roleArn` on both routes, checked with parse.rs's pattern after the other parameters
 *   (`400 invalid roleArn format, ...`); `max_roles` distinct roles at most, never forgotten
 *   (`400 MaxRolesExceeded`, cache_manager.rs); a role the agent cannot assume
 *   (`403 AccessDeniedException`); those two bodies escaped with serde_json as 3.0 writes them.
 *   `maxConnections` is server.rs's `max_conn`: a connection accepted while more than that many are
 *   open (itself included; two more for `/ping`) gets `429 Connection limit exceeded` on every request,
 *   and stays open. `prefetch` (prefetch.rs) marks secrets as already in the agent's cache, which
 *   each recorded read reports in `fromAgentCache`.
 *
 * Failures are injected with {@link FakeAgent.failNext}; every request is recorded.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { fakeArn } from "./fake-secrets-manager.js";
import type { Fixtures, FixtureVersion } from "./fixtures.js";

/** The token the fake expects unless told otherwise. Searched for in errors, like a secret. */
export const AGENT_TOKEN_CANARY = "TOKEN-9d41e2-agent-never-log-me";

/** The extension's body for every failure. */
export const EXTENSION_GENERIC_ERROR = "an unexpected error occurred while executing request";

/** Which program the fake plays. */
export type FakeAgentFlavor = "agent" | "lambda-extension";

/** One version of a fake SSM parameter. */
export interface FakeParameterVersion {
  readonly version: number;
  readonly value: string;
  readonly labels?: readonly string[];
}

/** A fake SSM parameter: its type and versions (the last is the current one). */
export interface FakeParameter {
  readonly type: "String" | "StringList" | "SecureString";
  readonly versions: readonly FakeParameterVersion[];
}

/** What an injected failure does to one request. */
export type FakeAgentReply =
  /** Answers with this status and raw body (no content type, like the agent). */
  | { readonly status: number; readonly body: string }
  /** Drops the connection without a response, as the agent does at its 61 s limit. */
  | { readonly reset: true }
  /** Never answers (until the client gives up or the fake closes). */
  | { readonly hang: true };

/** One request the fake received. */
export interface FakeAgentRequest {
  readonly method: string;
  /** The raw path with its query, as sent. */
  readonly url: string;
  readonly pathname: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** Which connection carried it: 1 for the first connection the fake accepted, and so on. */
  readonly connection: number;
  /** The `roleArn` parameter, if sent. */
  readonly roleArn: string | undefined;
  /**
   * For a secret the agent served: whether its own cache had it (prefetched, or read before with the
   * same role and ids, and no `refreshNow`). Undefined for anything else.
   */
  readonly fromAgentCache: boolean | undefined;
}

/** A secret the agent prefetches at start-up (`[[capabilities.secrets_manager.prefetch.secrets]]`). */
export interface FakePrefetch {
  readonly secretId: string;
  readonly roleArn?: string;
}

/** How to start the fake. */
export interface FakeAgentOptions {
  readonly flavor?: FakeAgentFlavor;
  /** The secrets it serves. */
  readonly fixtures?: Fixtures;
  /** The SSM parameters it serves (Lambda extension only). */
  readonly parameters?: Readonly<Record<string, FakeParameter>>;
  /** The token it expects. @default AGENT_TOKEN_CANARY */
  readonly token?: string;
  /** A fixed port, e.g. to start the fake where a client already tried to connect. @default a free one */
  readonly port?: number;
  /** Record requests; benchmarks turn it off to keep memory flat. @default true */
  readonly record?: boolean;
  /** The agent's `max_conn`: open connections it serves; later ones get 429. @default unlimited */
  readonly maxConnections?: number;
  /** The agent's `max_roles`: distinct roles it assumes, ever. @default 20 */
  readonly maxRoles?: number;
  /** Roles the agent's credentials may not assume (403 AccessDeniedException). */
  readonly deniedRoles?: readonly string[];
  /** What a role sees, by role ARN. @default the same `fixtures` */
  readonly roleFixtures?: Readonly<Record<string, Fixtures>>;
  /** Secrets the agent prefetched at start-up (agent flavour). */
  readonly prefetch?: readonly FakePrefetch[];
}

/** A running fake. */
export interface FakeAgent {
  readonly flavor: FakeAgentFlavor;
  readonly port: number;
  readonly endpoint: string;
  /** Every request so far, oldest first (`/ping` included). */
  readonly requests: FakeAgentRequest[];
  /** Requests other than `/ping`. */
  reads(): FakeAgentRequest[];
  /** The next requests (not `/ping`) get these replies instead of the normal ones, one each. */
  failNext(...replies: FakeAgentReply[]): void;
  /** Replaces one secret's versions, e.g. for a rotation. */
  setSecret(name: string, versions: readonly FixtureVersion[]): void;
  /** Connections accepted so far. */
  connections(): number;
  /** Connections open now. */
  openConnections(): number;
  /** The roles the agent has assumed, in order (prefetch roles first). */
  assumedRoles(): readonly string[];
  close(): Promise<void>;
}

const CREATED_SECONDS = 1_569_534_789.046;
const AGENT_PARAMETERS = new Set(["secretId", "versionId", "versionStage", "refreshNow", "roleArn"]);
const AGENT_PATH_PARAMETERS = new Set(["versionId", "versionStage", "refreshNow", "roleArn"]);
/** parse.rs's pattern, with the Unicode `\w` and `\d` of Rust's regex crate (JS's are ASCII). */
const W = String.raw`\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}`;
const ROLE_ARN = new RegExp(String.raw`^arn:[${W}-]+:iam::\p{Nd}{12}:role/[${W}+=,.@/-]+$`, "u");
const INVALID_ROLE_ARN = "invalid roleArn format, expected arn:<partition>:iam::<account>:role/<name>";
const EXTENSION_SECRET_PARAMETERS = new Set(["secretId", "versionId", "versionStage"]);
const EXTENSION_PARAMETER_PARAMETERS = new Set(["name", "version", "label", "withDecryption"]);

type Reply = { status: number; body: string };

const text = (status: number, body: string): Reply => ({ status, body });

function findVersion(
  fixtures: Record<string, readonly FixtureVersion[]>,
  id: string,
  versionId: string | undefined,
  versionStage: string | undefined,
): { name: string; version: FixtureVersion } | undefined {
  const name = fixtures[id] ? id : Object.keys(fixtures).find((candidate) => fakeArn(candidate) === id);
  if (name === undefined) return undefined;
  const stage = versionStage ?? (versionId ? undefined : "AWSCURRENT");
  const version = fixtures[name]?.find(
    (candidate) =>
      (versionId === undefined || candidate.versionId === versionId) &&
      (stage === undefined || candidate.stages.includes(stage)),
  );
  return version ? { name, version } : undefined;
}

function agentSecretBody(name: string, version: FixtureVersion): string {
  // Built key by key: the agent's serialiser writes exactly this order, and leaves out the absent value.
  const value =
    typeof version.value === "string"
      ? { SecretString: version.value }
      : { SecretBinary: Buffer.from(version.value).toString("base64") };
  return JSON.stringify({
    ARN: fakeArn(name),
    Name: name,
    VersionId: version.versionId,
    ...value,
    VersionStages: version.stages,
    CreatedDate: String(CREATED_SECONDS),
  });
}

function extensionSecretBody(name: string, version: FixtureVersion): string {
  const binary = typeof version.value === "string" ? null : Buffer.from(version.value).toString("base64");
  return JSON.stringify({
    ARN: fakeArn(name),
    CreatedDate: new Date(CREATED_SECONDS * 1000).toISOString(),
    Name: name,
    SecretBinary: binary,
    SecretString: typeof version.value === "string" ? version.value : null,
    VersionId: version.versionId,
    VersionStages: version.stages,
    ResultMetadata: {},
  });
}

/** The agent's upstream error: hand-built, a space after the comma, the message not escaped. */
function upstreamError(status: number, type: string, message: string): Reply {
  return text(status, `{"__type":"${type}", "message":"${message}"}`);
}

function firstUnknown(query: URLSearchParams, allowed: ReadonlySet<string>): string | undefined {
  for (const key of query.keys()) if (!allowed.has(key)) return key;
  return undefined;
}

/** An error body as agent 3.0 writes it: serde_json, escaped, no space. */
function jsonError(status: number, type: string, message: string): Reply {
  return text(status, JSON.stringify({ __type: type, message }));
}

/** Starts the fake on 127.0.0.1. Stop it with `close()`. */
export async function startFakeAgent(options: FakeAgentOptions = {}): Promise<FakeAgent> {
  const flavor = options.flavor ?? "agent";
  const token = options.token ?? AGENT_TOKEN_CANARY;
  const fixtures: Record<string, readonly FixtureVersion[]> = { ...(options.fixtures ?? {}) };
  const parameters = options.parameters ?? {};
  const requests: FakeAgentRequest[] = [];
  const injected: FakeAgentReply[] = [];
  const sockets = new Set<Socket>();
  let accepted = 0;
  const connectionIds = new WeakMap<Socket, number>();
  /** Connections open when each was accepted, itself included. */
  const openAtAccept = new WeakMap<Socket, number>();
  const maxRoles = options.maxRoles ?? 20;
  const roles: string[] = [];
  /** What the agent's caches hold: role, id, versionId, versionStage. */
  const cached = new Set<string>();
  const cacheKey = (role: string | null, id: string, versionId: string | null, stage: string | null) =>
    JSON.stringify([role, id, versionId, stage]);
  for (const entry of options.prefetch ?? []) {
    if (entry.roleArn !== undefined && !roles.includes(entry.roleArn)) roles.push(entry.roleArn);
    cached.add(cacheKey(entry.roleArn ?? null, entry.secretId, null, null));
  }
  /** Set by agentRead for the request being answered. */
  let servedFromCache: boolean | undefined;

  function tokenMatches(headers: IncomingHttpHeaders): boolean {
    const names =
      flavor === "agent" ? ["x-aws-parameters-secrets-token", "x-vault-token"] : ["x-aws-parameters-secrets-token"];
    return names.some((name) => {
      const value = headers[name];
      return (Array.isArray(value) ? value[0] : value) === token;
    });
  }

  function agentRead(method: string, path: string, query: URLSearchParams): Reply {
    if (method !== "GET") return text(405, "Not allowed");
    if (path === "/ping") return text(200, "healthy");
    const unknownIn = (allowed: ReadonlySet<string>) => {
      for (const [key, value] of query) {
        if (!allowed.has(key)) return text(400, `unknown parameter: ${key}`);
        if (key === "refreshNow" && !/^(true|false|1|0)$/i.test(value)) return text(400, "invalid refreshNow value");
      }
      return undefined;
    };
    let id: string | null;
    // parse.rs: the pairs in order (unknown name, bad refreshNow), then the id, then roleArn's format.
    if (path === "/secretsmanager/get") {
      const refused = unknownIn(AGENT_PARAMETERS);
      if (refused) return refused;
      id = query.get("secretId");
      if (!id) return text(400, "missing parameter secretId");
    } else if (path.startsWith("/v1/")) {
      id = path.slice("/v1/".length);
      if (!id) return text(400, "missing secret ID");
      const refused = unknownIn(AGENT_PATH_PARAMETERS);
      if (refused) return refused;
    } else {
      return text(404, "Not found");
    }
    // Several values: the last one wins, as in parse.rs's loop.
    const role = query.getAll("roleArn").at(-1) ?? null;
    if (role !== null && !ROLE_ARN.test(role)) return text(400, INVALID_ROLE_ARN);
    if (role !== null && !roles.includes(role)) {
      // cache_manager.rs: the limit first, then AssumeRole; a failed AssumeRole takes no slot.
      if (roles.length >= maxRoles) {
        return jsonError(
          400,
          "MaxRolesExceeded",
          `The maximum number of assumed roles (${maxRoles}) has been reached. Unable to assume the following role to create a client: ${role}`,
        );
      }
      if (options.deniedRoles?.includes(role)) {
        return jsonError(403, "AccessDeniedException", `Failed to create caching client from role: ${role}`);
      }
      roles.push(role);
    }
    const visible: Record<string, readonly FixtureVersion[]> =
      role !== null && options.roleFixtures?.[role] ? { ...options.roleFixtures[role] } : fixtures;
    const versionId = query.get("versionId");
    const versionStage = query.get("versionStage");
    const found = findVersion(visible, id, versionId ?? undefined, versionStage ?? undefined);
    if (!found) {
      return upstreamError(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
    }
    const key = cacheKey(role, id, versionId, versionStage);
    servedFromCache = cached.has(key) && !/^(true|1)$/i.test(query.get("refreshNow") ?? "");
    cached.add(key);
    return text(200, agentSecretBody(found.name, found.version));
  }

  function extensionParameter(query: URLSearchParams): Reply {
    const generic = text(400, EXTENSION_GENERIC_ERROR);
    if (firstUnknown(query, EXTENSION_PARAMETER_PARAMETERS) !== undefined) return generic;
    const name = query.get("name") ?? "";
    const parameter = parameters[name];
    if (!parameter) return generic;
    const versionText = query.get("version");
    const label = query.get("label");
    const version = versionText
      ? parameter.versions.find((candidate) => String(candidate.version) === versionText)
      : label
        ? parameter.versions.find((candidate) => candidate.labels?.includes(label))
        : parameter.versions.at(-1);
    if (!version) return generic;
    const decrypt = (query.get("withDecryption") ?? "false").toLowerCase() === "true";
    const value =
      parameter.type === "SecureString" && !decrypt
        ? `AQICAH${Buffer.from(version.value).toString("base64").length}encrypted`
        : version.value;
    return text(
      200,
      JSON.stringify({
        Parameter: {
          ARN: `arn:aws:ssm:us-east-1:123456789012:parameter${name.startsWith("/") ? "" : "/"}${name}`,
          DataType: "text",
          LastModifiedDate: "2024-05-06T07:08:09.123Z",
          Name: name,
          Selector: versionText ? `:${versionText}` : label ? `:${label}` : null,
          SourceResult: null,
          Type: parameter.type,
          Value: value,
          Version: version.version,
        },
        ResultMetadata: {},
      }),
    );
  }

  function extensionRead(method: string, path: string, query: URLSearchParams): Reply {
    const generic = text(400, EXTENSION_GENERIC_ERROR);
    if (method !== "GET") return generic;
    if (path === "/systemsmanager/parameters/get" || path === "/systemsmanager/parameters/get/") {
      return extensionParameter(query);
    }
    if (path !== "/secretsmanager/get") return generic;
    if (firstUnknown(query, EXTENSION_SECRET_PARAMETERS) !== undefined) return generic;
    const id = query.get("secretId");
    const found = id
      ? findVersion(fixtures, id, query.get("versionId") ?? undefined, query.get("versionStage") ?? undefined)
      : undefined;
    return found ? text(200, extensionSecretBody(found.name, found.version)) : generic;
  }

  function answer(
    method: string,
    path: string,
    query: URLSearchParams,
    headers: IncomingHttpHeaders,
    socket: Socket,
  ): Reply {
    if (flavor === "agent") {
      // server.rs: the connection limit comes first, counted when the connection was accepted.
      const limit = (options.maxConnections ?? Number.POSITIVE_INFINITY) + (path === "/ping" ? 2 : 0);
      if ((openAtAccept.get(socket) ?? 0) > limit) return text(429, "Connection limit exceeded");
      if (path !== "/ping") {
        if (headers["x-forwarded-for"] !== undefined) return text(400, "Forwarded");
        if (!tokenMatches(headers)) return text(403, "Bad Token");
      }
      return agentRead(method, path, query);
    }
    // Undocumented for the extension: a 401 with its generic text is our guess.
    if (path !== "/ping" && !tokenMatches(headers)) return text(401, EXTENSION_GENERIC_ERROR);
    return extensionRead(method, path, query);
  }

  function send(res: ServerResponse, reply: Reply): void {
    // No content type, like both programs; node adds content-length and date.
    res.writeHead(reply.status, { "content-length": Buffer.byteLength(reply.body) });
    res.end(reply.body);
  }

  const server: Server = createServer((req, res) => {
    const url = req.url ?? "/";
    const queryStart = url.indexOf("?");
    const pathname = queryStart === -1 ? url : url.slice(0, queryStart);
    const query = new URLSearchParams(queryStart === -1 ? "" : url.slice(queryStart + 1));
    const method = req.method ?? "GET";
    req.resume();
    const failure = pathname === "/ping" ? undefined : injected.shift();
    servedFromCache = undefined;
    const reply = failure ? undefined : answer(method, pathname, query, req.headers, req.socket);
    if (options.record !== false) {
      requests.push({
        method,
        url,
        pathname,
        query,
        headers: req.headers,
        connection: connectionIds.get(req.socket) ?? 0,
        roleArn: query.get("roleArn") ?? undefined,
        fromAgentCache: servedFromCache,
      });
    }
    if (failure && "reset" in failure) {
      req.socket.destroy();
      return;
    }
    if (failure && "hang" in failure) return;
    send(res, failure ?? (reply as Reply));
  });
  server.on("connection", (socket: Socket) => {
    accepted++;
    connectionIds.set(socket, accepted);
    sockets.add(socket);
    openAtAccept.set(socket, sockets.size);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    flavor,
    port,
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    reads: () => requests.filter((request) => request.pathname !== "/ping"),
    failNext: (...replies) => injected.push(...replies),
    setSecret(name, versions) {
      fixtures[name] = versions;
    },
    connections: () => accepted,
    openConnections: () => sockets.size,
    assumedRoles: () => [...roles],
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port nothing listens on (bound for a moment, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
