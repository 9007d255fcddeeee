/**
 * The agent transport: secrets (and, on the Lambda extension, SSM parameters) from the AWS Secrets
 * Manager Agent or the AWS Parameters and Secrets Lambda Extension, over plain HTTP on loopback. It
 * uses only `node:http`: an application on this transport never loads the AWS SDK.
 *
 * Wire protocol: docs/transports/agent-protocol.md (query-style route, SSRF token header, the three
 * date forms, the 61 s connection lifetime, the extension's generic 400).
 */
import { isIP } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { jitteredBackoff } from "../../core/backoff.js";
import { ArgumentError, SecretsError } from "../../core/errors.js";
import type {
  ParameterRecord,
  ParameterRequest,
  SecretRecord,
  SecretRequest,
  Transport,
} from "../../transport/types.js";
import { type AgentHttp, type AgentHttpResponse, createAgentHttp } from "./http.js";
import {
  type AgentCallContext,
  type AgentFlavor,
  decodeParameter,
  decodeSecret,
  isRetryableAttempt,
  networkError,
  responseError,
} from "./response.js";
import {
  AGENT_TOKEN_ENV,
  agentTokenError,
  EXTENSION_TOKEN_ENV,
  findAgentToken,
  isHeaderValue,
  isTokenFile,
  type TokenOutcome,
} from "./token.js";

export type { AgentFlavor } from "./response.js";

const TRANSPORT_NAME = "agent";

/** The TTL of the client cache in front of the agent, unless the client is given `cache`. */
const CLIENT_CACHE_TTL_MS = 5_000;

/** The variable the Lambda extension reads its port from; the agent transport honours it too. */
const AGENT_PORT_ENV = "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT";

const DEFAULTS = {
  host: "127.0.0.1",
  port: 2773,
  header: "X-Aws-Parameters-Secrets-Token",
  timeoutMs: 5_000,
  retries: 3,
  retryDelayMs: 100,
  maxSockets: 16,
} as const;

/** Backoff delays never exceed this, whatever `retryDelayMs` and the attempt number. */
const MAX_RETRY_DELAY_MS = 2_000;
const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** The agent's own check of `roleArn` (parse.rs), with ASCII `\w` and `\d` (IAM names are ASCII). */
const ROLE_ARN = /^arn:[\w-]+:iam::\d{12}:role\/[\w+=,.@/-]+$/;

/**
 * Options of {@link agentTransport}. Every option has a default that matches the agent's own.
 *
 * @example
 * ```ts
 * agentTransport({ port: 2775, tokenEnv: 'MY_AGENT_TOKEN', timeoutMs: 2_000 });
 * ```
 */
export interface AgentTransportOptions {
  /**
   * The agent's port. When given, `PARAMETERS_SECRETS_EXTENSION_HTTP_PORT` is not read.
   * @default `PARAMETERS_SECRETS_EXTENSION_HTTP_PORT`, else 2773
   */
  readonly port?: number | undefined;
  /**
   * The agent's host. The agent binds `127.0.0.1` only, so `localhost` (which may resolve to `::1`)
   * can fail. A host that is not a loopback address is refused unless `allowRemoteHost` is set.
   * @default "127.0.0.1"
   */
  readonly host?: string | undefined;
  /**
   * Allow a host that is not a loopback address. The SSRF token then leaves this machine, in clear
   * text (the agent speaks plain HTTP): only for a sidecar reached over a private network you trust.
   * @default false
   */
  readonly allowRemoteHost?: boolean | undefined;
  /** The SSRF token, or `file://<path>` of a file holding it. @default read from `tokenEnv` */
  readonly token?: string | undefined;
  /**
   * The variables to read the token from; the first one set wins, and a `file://<path>` value names a
   * file whose trimmed contents are the token (the agent's own rule).
   * @default ["AWS_TOKEN", "AWS_SESSION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN"]; for the Lambda extension flavour, without AWS_TOKEN
   */
  readonly tokenEnv?: string | readonly string[] | undefined;
  /** The header that carries the token. @default "X-Aws-Parameters-Secrets-Token" */
  readonly header?: string | undefined;
  /** Time limit of one attempt, in milliseconds. @default 5000 */
  readonly timeoutMs?: number | undefined;
  /**
   * Retries after the first attempt, with jittered exponential backoff, on connection refused (an
   * agent or extension that starts late), resets, 429, 5xx and throttling. Never on 403 or not-found.
   * @default 3
   */
  readonly retries?: number | undefined;
  /** The first backoff delay; each retry doubles it (capped at 2 s), half of it jittered. @default 100 */
  readonly retryDelayMs?: number | undefined;
  /** Concurrent sockets to the agent (the agent allows 800 connections in all). @default 16 */
  readonly maxSockets?: number | undefined;
  /**
   * Which program listens: the open-source Secrets Manager Agent or the AWS Lambda extension. Only
   * `forceRefresh` depends on it (`refreshNow=true` exists on the agent only). Without it, the flavour
   * is guessed (the extension inside Lambda, else the agent) and then learned from the first response.
   * @default guessed, then learned
   */
  readonly flavor?: AgentFlavor | undefined;
  /**
   * An IAM role the agent reads every secret as: sent as `roleArn`, the agent assumes it with its own
   * credentials (STS AssumeRole) and keeps a separate cache for it. Needs the open-source agent 3.0
   * (aws/aws-workload-credentials-provider) or later: not the Lambda extension, nor SSM parameters.
   * Checked as the agent checks it: `arn:<partition>:iam::<12-digit account>:role/<path/name>`.
   * @default the `assumedRoleArn` of `session`, else none: the agent's own identity
   */
  readonly roleArn?: string | undefined;
  /**
   * A session whose role the agent reads as: its `assumedRoleArn` (a role session of
   * `assumeRole`, or a profile with `role_arn`) is sent as `roleArn`, with the same needs. The agent
   * uses its own credentials to assume it, never the session's, so a session without a role is
   * refused, as is a `roleArn` that names another role. Any object with `assumedRoleArn` will do: the
   * agent entry does not load `AwsSession`.
   * @default none
   */
  readonly session?: { readonly assumedRoleArn: string | undefined } | undefined;
  /** Waits between retries. Replace it in tests to take time out of them. @default a timer */
  readonly sleep?: ((ms: number, signal?: AbortSignal) => Promise<void>) | undefined;
}

/**
 * The agent transport: a {@link Transport} plus its endpoint and a health probe.
 *
 * @example
 * ```ts
 * const agent = agentTransport();
 * if (!(await agent.ping())) console.warn(`no agent on ${agent.endpoint}`);
 * ```
 */
export interface AgentTransport extends Transport {
  /** `http://<host>:<port>`, for logs. */
  readonly endpoint: string;
  /**
   * Whether anything speaks HTTP on the agent's port, within `timeoutMs` (default 250). One try, no
   * token needed: the agent answers `GET /ping` with `healthy`; the extension's answer is undocumented
   * but any answer counts. Never throws.
   */
  ping(options?: { readonly timeoutMs?: number; readonly signal?: AbortSignal }): Promise<boolean>;
  getParameter(request: ParameterRequest): Promise<ParameterRecord>;
  /** Destroys the keep-alive sockets. */
  close(): void;
}

interface NormalizedOptions {
  readonly host: string;
  readonly port: number;
  readonly token: string | undefined;
  readonly tokenEnv: readonly string[];
  readonly header: string;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly retryDelayMs: number;
  readonly maxSockets: number;
  readonly flavor: AgentFlavor | undefined;
  readonly roleArn: string | undefined;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Whether a host is a loopback address (127.0.0.0/8, ::1, localhost). */
function isLoopbackHost(host: string): boolean {
  if (host === "localhost" || host === "::1") return true;
  return isIP(host) === 4 && host.startsWith("127.");
}

function integerOption(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ArgumentError(`agentTransport: "${name}" must be an integer from ${min} to ${max}`);
  }
  return value;
}

/** Decimal digits only: no sign, exponent, hex prefix or fraction (`Number()` would take all four). */
const DECIMAL_PORT = /^[0-9]+$/;
/** How much of a malformed port variable an error quotes. */
const QUOTED_PORT_CHARS = 8;

/**
 * The port from `PARAMETERS_SECRETS_EXTENSION_HTTP_PORT`: decimal digits from 1 to 65535, surrounding
 * whitespace ignored; unset or blank means "not given". Anything else is CONFIG (the environment is
 * wrong, not the code), quoting at most a few characters of the value.
 */
function portFromEnv(): number | undefined {
  const raw = process.env[AGENT_PORT_ENV]?.trim();
  if (!raw) return undefined;
  const port = DECIMAL_PORT.test(raw) ? Number(raw) : Number.NaN;
  if (!(port >= 1 && port <= 65_535)) {
    const quoted = `${JSON.stringify(raw.slice(0, QUOTED_PORT_CHARS))}${raw.length > QUOTED_PORT_CHARS ? "..." : ""}`;
    throw new SecretsError({
      code: "CONFIG",
      operation: "createTransport",
      transport: TRANSPORT_NAME,
      detail: `${AGENT_PORT_ENV} must be a decimal port number from 1 to 65535, not ${quoted}`,
    });
  }
  return port;
}

/** The variables the token is read from, for these options. */
export function agentTokenEnv(options: AgentTransportOptions): readonly string[] {
  if (typeof options.tokenEnv === "string") return [options.tokenEnv];
  return options.tokenEnv ?? (options.flavor === "lambda-extension" ? EXTENSION_TOKEN_ENV : AGENT_TOKEN_ENV);
}

function optionError(text: string): ArgumentError {
  return new ArgumentError(`agentTransport: ${text}`);
}

/** The token option: a string that can be sent as a header value (never quoted in the error). */
function tokenOption(token: unknown): string | undefined {
  if (token === undefined) return undefined;
  if (typeof token !== "string") throw optionError('"token" must be a string');
  if (isTokenFile(token)) {
    if (token.length === "file://".length) throw optionError('"token" must name a file after file://');
  } else if (!isHeaderValue(token)) {
    throw optionError('"token" holds a character that an HTTP header cannot carry (a control character)');
  }
  return token;
}

/** The role to send: the `roleArn` option, else the role of the `session` option (the two must agree). */
function roleOption({ roleArn, session }: AgentTransportOptions): string | undefined {
  if (session === undefined) return roleArn;
  if (typeof session !== "object" || session === null) throw optionError('"session" must be an AwsSession');
  const role = session.assumedRoleArn;
  if (role === undefined) {
    throw optionError(
      '"session" has no role to pass on (a role session or a profile with role_arn): the agent reads with its own credentials, never the session\'s',
    );
  }
  if (typeof role !== "string" || !ROLE_ARN.test(role))
    throw optionError('"session" has an assumedRoleArn that is not an IAM role ARN');
  if (roleArn !== undefined && roleArn !== role) throw optionError('"roleArn" and the role of "session" differ');
  return role;
}

function normalizeAgentOptions(options: AgentTransportOptions): NormalizedOptions {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw optionError("the options must be an object");
  }
  if (options.host !== undefined && typeof options.host !== "string") throw optionError('"host" must be a string');
  const host = (options.host ?? DEFAULTS.host).replace(/^\[(.*)\]$/, "$1");
  if (host === "" || /[/\s@?#]/.test(host) || (host.includes(":") && isIP(host) !== 6)) {
    throw optionError('"host" must be a host name or IP address, without scheme or port');
  }
  if (options.allowRemoteHost !== undefined && typeof options.allowRemoteHost !== "boolean") {
    throw optionError('"allowRemoteHost" must be a boolean');
  }
  if (!isLoopbackHost(host) && options.allowRemoteHost !== true) {
    // An option value, so a programming error: the environment plays no part in it.
    throw optionError(
      `"host" ${JSON.stringify(host)} is not a loopback address, and the token would leave this machine in clear text. Use 127.0.0.1, or pass allowRemoteHost: true for a sidecar on a private network you trust`,
    );
  }
  const header = options.header ?? DEFAULTS.header;
  if (typeof header !== "string" || !HTTP_TOKEN.test(header) || header.toLowerCase() === "x-forwarded-for") {
    throw optionError('"header" must be a valid HTTP header name other than X-Forwarded-For');
  }
  const token = tokenOption(options.token);
  const tokenEnv: unknown = agentTokenEnv(options);
  if (
    !Array.isArray(tokenEnv) ||
    tokenEnv.length === 0 ||
    tokenEnv.some((name) => typeof name !== "string" || name === "")
  ) {
    throw optionError('"tokenEnv" must name at least one variable');
  }
  if (options.flavor !== undefined && options.flavor !== "agent" && options.flavor !== "lambda-extension") {
    throw optionError('"flavor" must be "agent" or "lambda-extension"');
  }
  const roleArn = roleOption(options);
  if (roleArn !== undefined && (typeof roleArn !== "string" || !ROLE_ARN.test(roleArn))) {
    throw optionError('"roleArn" must be an IAM role ARN: arn:<partition>:iam::<account>:role/<name>');
  }
  if (roleArn !== undefined && options.flavor === "lambda-extension") {
    throw optionError('"roleArn" needs the agent flavor');
  }
  if (options.sleep !== undefined && typeof options.sleep !== "function") {
    throw optionError('"sleep" must be a function');
  }
  return {
    host,
    // The variable is read only when no port is given: a malformed one must not break an explicit port.
    port:
      options.port === undefined
        ? (portFromEnv() ?? DEFAULTS.port)
        : integerOption("port", options.port, DEFAULTS.port, 1, 65_535),
    token,
    tokenEnv: tokenEnv as readonly string[],
    header,
    timeoutMs: integerOption("timeoutMs", options.timeoutMs, DEFAULTS.timeoutMs, 1, 600_000),
    retries: integerOption("retries", options.retries, DEFAULTS.retries, 0, 10),
    retryDelayMs: integerOption("retryDelayMs", options.retryDelayMs, DEFAULTS.retryDelayMs, 0, MAX_RETRY_DELAY_MS),
    maxSockets: integerOption("maxSockets", options.maxSockets, DEFAULTS.maxSockets, 1, 256),
    flavor: options.flavor,
    roleArn,
    sleep: options.sleep ?? ((ms, signal) => delay(ms, undefined, { signal })),
  };
}

function query(pairs: readonly (readonly [string, string | number | undefined])[]): string {
  let text = "";
  for (const [key, value] of pairs) {
    if (value === undefined) continue;
    text += `${text ? "&" : "?"}${key}=${encodeURIComponent(value)}`;
  }
  return text;
}

/**
 * A transport that reads through the AWS Secrets Manager Agent (a sidecar or daemon on
 * `127.0.0.1:2773`) or the AWS Parameters and Secrets Lambda Extension. Both already cache, so the
 * client adds no cache of its own on this transport unless you pass `cache`. The token is resolved on
 * the first read, the way the agent resolves it (docs/transports/agent.md).
 *
 * @example
 * ```ts
 * const secrets = createSecretsClient({ transport: agentTransport() });
 * const db = await secrets.getSecretJson('prod/db', { schema: DbSchema });
 * ```
 */
export function agentTransport(options: AgentTransportOptions = {}): AgentTransport {
  const config = normalizeAgentOptions(options);
  const endpoint = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${config.port}`;
  const http: AgentHttp = createAgentHttp({ host: config.host, port: config.port, maxSockets: config.maxSockets });
  /** The header object of the resolved token, built once per token; undefined until the first read. */
  let tokenHeaders: Record<string, string> | undefined;
  /** The token read in progress, shared by every read that waits for it (first read, or after a 403). */
  let tokenRead: Promise<TokenOutcome> | undefined;
  // Only the agent knows roleArn: with one, an agent is expected even inside Lambda.
  let flavor: AgentFlavor =
    config.flavor ?? (process.env.AWS_LAMBDA_FUNCTION_NAME && !config.roleArn ? "lambda-extension" : "agent");
  const learnFlavor = config.flavor === undefined;

  /** Reads the token once for all the reads waiting now, and keeps a token that changed. */
  function readToken(): Promise<TokenOutcome> {
    tokenRead ??= findAgentToken(config.token, config.tokenEnv)
      .then((outcome) => {
        if (outcome.ok && tokenHeaders?.[config.header] !== outcome.token) {
          tokenHeaders = { [config.header]: outcome.token };
        }
        return outcome;
      })
      .finally(() => {
        tokenRead = undefined;
      });
    return tokenRead;
  }

  async function headers(context: AgentCallContext): Promise<Record<string, string>> {
    if (tokenHeaders) return tokenHeaders;
    const outcome = await readToken();
    // Each waiting read gets an error about itself, not about the read that started the lookup.
    if (!outcome.ok) throw agentTokenError(context, outcome.problem);
    return tokenHeaders ?? { [config.header]: outcome.token };
  }

  /**
   * After a 403 on `sent`, whether a different token is now known (an agent restarted with a new
   * token file): another read may have picked it up already, else the token is read again, once for
   * all the reads that got a 403 meanwhile. A failed read keeps the old token.
   */
  async function tokenChanged(sent: Record<string, string>): Promise<boolean> {
    if (config.token !== undefined && !isTokenFile(config.token)) return false;
    if (tokenHeaders !== sent) return tokenHeaders !== undefined;
    await readToken();
    return tokenHeaders !== sent;
  }

  async function call(
    path: string,
    context: AgentCallContext,
    signal: AbortSignal | undefined,
  ): Promise<AgentHttpResponse> {
    let refreshedToken = false;
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw networkError(undefined, context, signal);
      let response: AgentHttpResponse | undefined;
      let failure: unknown;
      const sent = tokenHeaders ?? (await headers(context));
      try {
        response = await http.get({ path, headers: sent, timeoutMs: config.timeoutMs, signal });
      } catch (error) {
        if (error instanceof SecretsError) throw error;
        failure = error;
      }
      if (response?.status === 200) return response;
      // A JSON 403 is AWS's (say a role the agent may not assume), never about the token.
      if (response?.status === 403 && response.body[0] !== "{" && !refreshedToken && (await tokenChanged(sent))) {
        refreshedToken = true;
        attempt--;
        continue;
      }
      const outcome = response ? { response } : { error: failure };
      if (attempt >= config.retries || signal?.aborted || !isRetryableAttempt(outcome)) {
        if (response) return response;
        throw networkError(failure, context, signal);
      }
      try {
        await config.sleep(jitteredBackoff(attempt, config.retryDelayMs, MAX_RETRY_DELAY_MS), signal);
      } catch {
        throw networkError(undefined, context, signal);
      }
    }
  }

  function context(operation: AgentCallContext["operation"], secretId: string): AgentCallContext {
    return { operation, secretId, transport: TRANSPORT_NAME, endpoint, roleArn: config.roleArn };
  }

  async function getSecretValue(request: SecretRequest): Promise<SecretRecord> {
    const callContext = context("getSecretValue", request.id);
    const path = `/secretsmanager/get${query([
      ["secretId", request.id],
      ["versionId", request.versionId],
      ["versionStage", request.versionStage],
      ["refreshNow", request.forceRefresh && flavor === "agent" ? "true" : undefined],
      ["roleArn", config.roleArn],
    ])}`;
    const response = await call(path, callContext, request.signal);
    if (response.status !== 200) throw responseError(response, callContext, config.tokenEnv);
    const decoded = decodeSecret(response.body, callContext);
    if (learnFlavor) flavor = decoded.flavor;
    return decoded.record;
  }

  async function getParameter(request: ParameterRequest): Promise<ParameterRecord> {
    const callContext = context("getParameter", request.name);
    const refused =
      request.version !== undefined && request.label !== undefined
        ? "give either version or label, not both"
        : // The SSM route would read as the extension's own role, not as roleArn.
          config.roleArn && "roleArn applies to secrets only";
    if (refused) {
      throw new SecretsError({
        code: "INVALID_REQUEST",
        operation: "getParameter",
        secretId: request.name,
        transport: TRANSPORT_NAME,
        detail: refused,
      });
    }
    const path = `/systemsmanager/parameters/get${query([
      ["name", request.name],
      ["version", request.version],
      ["label", request.label],
      // Sent always: the extension's default is false (ciphertext), the Transport contract's is true.
      ["withDecryption", String(request.decrypt !== false)],
    ])}`;
    const response = await call(path, callContext, request.signal);
    if (response.status !== 200) throw responseError(response, callContext, config.tokenEnv);
    return decodeParameter(response.body, callContext);
  }

  async function ping(probe: { readonly timeoutMs?: number; readonly signal?: AbortSignal } = {}): Promise<boolean> {
    try {
      await http.get({ path: "/ping", headers: {}, timeoutMs: probe.timeoutMs ?? 250, signal: probe.signal });
      return true;
    } catch {
      return false;
    }
  }

  return {
    name: TRANSPORT_NAME,
    // The agent caches (5 minutes by default); a few seconds in memory keep hot reads off the loopback.
    cacheByDefault: { ttlMs: CLIENT_CACHE_TTL_MS },
    endpoint,
    getSecretValue,
    getParameter,
    ping,
    close: () => http.close(),
  };
}
