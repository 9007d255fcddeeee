/**
 * Turns what the agent or the Lambda extension answered into records or {@link SecretsError}s. Both
 * programs are handled by one code path: the agent's compact JSON with epoch-second date strings and
 * pass-through AWS errors, and the extension's Go-marshalled JSON (alphabetical keys, `null`s, RFC 3339
 * dates, `ResultMetadata`) with one generic plain-text 400 for every error.
 *
 * Bodies are never quoted into errors, except the agent's own fixed protocol texts and the AWS error
 * name and message of an upstream error (AWS messages name resources, never values), capped.
 */

import { codeForAwsName } from "../../aws/errors.js";
import { SecretsError, type SecretsErrorCode } from "../../core/errors.js";
import { isParameterType, type ParameterRecord, type SecretRecord } from "../../transport/types.js";
import { AgentBodyTooLarge, type AgentHttpResponse, AgentRequestTimeout } from "./http.js";

/**
 * Which program answers: the open-source Secrets Manager Agent or the AWS Lambda extension.
 *
 * @example
 * ```ts
 * agentTransport({ flavor: 'lambda-extension' });
 * ```
 */
export type AgentFlavor = "agent" | "lambda-extension";

/** Where a response came from, for errors. */
export interface AgentCallContext {
  readonly operation: "getSecretValue" | "getParameter";
  readonly secretId: string;
  readonly transport: string;
  /** `http://host:port`, for hints. */
  readonly endpoint: string;
  /** The `roleArn` sent, if any. */
  readonly roleArn?: string | undefined;
}

/** The extension's answer to every failed request. */
const EXTENSION_GENERIC_ERROR = "an unexpected error occurred while executing request";
/** Plain-text bodies that are safe to quote: the agent's and the extension's fixed protocol texts. */
const KNOWN_TEXT =
  /^(?:Bad Token|Not found|Not allowed|Forwarded|Connection limit exceeded|missing parameter secretId|missing secret ID|invalid refreshNow value|unknown parameter: [A-Za-z0-9_]{1,64}|an unexpected error occurred while executing request)$/;
const AWS_NAME = /^[A-Za-z0-9_.#:-]{1,128}$/;
const MAX_MESSAGE_CHARS = 300;

function agentError(
  context: AgentCallContext,
  code: SecretsErrorCode,
  detail: string,
  extra: { status?: number; hint?: string | undefined; cause?: unknown; retryable?: boolean } = {},
): SecretsError {
  return new SecretsError({
    code,
    operation: context.operation,
    secretId: context.secretId,
    transport: context.transport,
    detail,
    ...extra,
  });
}

function malformed(context: AgentCallContext, what: string): SecretsError {
  return agentError(context, "TRANSPORT", `unexpected 200 response from ${context.endpoint}: ${what}`);
}

/** Parses a 200 body; JSON.parse's own message quotes the body (the secret), so it is dropped. */
function parseObject(body: string, context: AgentCallContext): Record<string, unknown> {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    throw malformed(context, `the body is not valid JSON (${body.length} characters)`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw malformed(context, "not a JSON object");
  return data as Record<string, unknown>;
}

/** A string field, or undefined for absent and `null` (the extension writes absent fields as null). */
function text(data: Record<string, unknown>, key: string): string | undefined {
  const value = data[key];
  return typeof value === "string" ? value : undefined;
}

/**
 * A date in any of the three forms seen: a number of epoch seconds (the AWS API), a string of epoch
 * seconds (the agent, `"1569534789.046"`) or an RFC 3339 string (the extension).
 */
export function parseAgentDate(value: unknown): Date | undefined {
  let millis: number;
  if (typeof value === "number") millis = value * 1000;
  else if (typeof value === "string" && value !== "") {
    const seconds = Number(value);
    millis = Number.isNaN(seconds) ? Date.parse(value) : seconds * 1000;
  } else return undefined;
  return Number.isFinite(millis) ? new Date(millis) : undefined;
}

function stringList(value: unknown): readonly string[] | undefined {
  return Array.isArray(value) && value.every((item) => typeof item === "string") ? (value as string[]) : undefined;
}

/** A decoded secret and the flavour its body revealed. */
export interface DecodedSecret {
  readonly record: SecretRecord;
  readonly flavor: AgentFlavor;
}

/** Decodes a 200 `GetSecretValue` body of either flavour. */
export function decodeSecret(body: string, context: AgentCallContext): DecodedSecret {
  const data = parseObject(body, context);
  const secretString = text(data, "SecretString");
  const binary = text(data, "SecretBinary");
  if (secretString === undefined && binary === undefined) throw malformed(context, "no SecretString or SecretBinary");
  const record: SecretRecord = {
    name: text(data, "Name") ?? context.secretId,
    arn: text(data, "ARN"),
    versionId: text(data, "VersionId"),
    versionStages: stringList(data.VersionStages),
    createdDate: parseAgentDate(data.CreatedDate),
    secretString,
    // A copy, never a view: Buffer.from may return a slice of a pool shared with other data.
    secretBinary: secretString === undefined ? Uint8Array.from(Buffer.from(binary as string, "base64")) : undefined,
  };
  return { record, flavor: "ResultMetadata" in data ? "lambda-extension" : "agent" };
}

/** Decodes a 200 `GetParameter` body (Lambda extension). */
export function decodeParameter(body: string, context: AgentCallContext): ParameterRecord {
  const parameter = parseObject(body, context).Parameter;
  if (typeof parameter !== "object" || parameter === null) throw malformed(context, "no Parameter object");
  const data = parameter as Record<string, unknown>;
  const type = text(data, "Type");
  const value = text(data, "Value");
  if (!isParameterType(type) || value === undefined) {
    throw malformed(context, "Parameter has no valid Type and Value");
  }
  return {
    name: text(data, "Name") ?? context.secretId,
    type,
    value,
    version: typeof data.Version === "number" ? data.Version : undefined,
    arn: text(data, "ARN"),
    lastModifiedDate: parseAgentDate(data.LastModifiedDate),
    dataType: text(data, "DataType"),
    selector: text(data, "Selector"),
    sourceResult: text(data, "SourceResult"),
  };
}

/**
 * The AWS error in a body of the form `{"__type":"Name","message":"..."}`. The agent pastes the
 * message in unescaped, so a message with a quote makes the JSON invalid: then the name and the
 * message are cut out of the raw text.
 */
function upstreamError(body: string): { name: string; message: string } | undefined {
  if (!body.trimStart().startsWith("{")) return undefined;
  let name: unknown;
  let message: unknown;
  try {
    const data = JSON.parse(body) as Record<string, unknown>;
    name = data.__type;
    message = data.message ?? data.Message;
  } catch {
    name = /^\s*\{\s*"__type"\s*:\s*"([^"\\]*)"/.exec(body)?.[1];
    message = /"message"\s*:\s*"([\s\S]*)"\s*\}\s*$/.exec(body)?.[1];
  }
  if (typeof name !== "string" || !AWS_NAME.test(name)) return undefined;
  const capped = typeof message === "string" ? message.slice(0, MAX_MESSAGE_CHARS) : "";
  return { name, message: capped };
}

/** The error for a non-200 response. */
export function responseError(
  response: AgentHttpResponse,
  context: AgentCallContext,
  tokenSources: readonly string[],
): SecretsError {
  const { status, body } = response;
  const upstream = upstreamError(body);
  if (upstream) {
    // What toSecretsError makes of this error, without its SDK-only handling (sockets, `$response`).
    const cause = Object.assign(new Error(upstream.message), {
      name: upstream.name,
      $metadata: { httpStatusCode: status },
    });
    // MaxRolesExceeded: the agent's max_roles (at most 20) is used up until it restarts, its setup's fault.
    const maxRoles = upstream.name === "MaxRolesExceeded";
    return agentError(
      context,
      maxRoles ? "CONFIG" : codeForAwsName(upstream.name, status),
      `${status} ${upstream.name}`,
      {
        status,
        cause,
        hint: maxRoles
          ? "The agent keeps each role it assumed until restarted: raise its max_roles or restart it"
          : undefined,
      },
    );
  }
  const quoted = KNOWN_TEXT.test(body) ? body : undefined;
  const detail = `${status}${quoted ? ` ${quoted}` : body ? ` (a ${body.length}-character body)` : ""}`;
  if (status === 401 || status === 403) {
    return agentError(context, "AGENT_TOKEN", `${detail}: the agent rejected the token`, {
      status,
      hint: `Send the token the agent was started with (from ${tokenSources.join(", ")} or the token option)`,
    });
  }
  if (context.roleArn && (body === "unknown parameter: roleArn" || body === EXTENSION_GENERIC_ERROR)) {
    return agentError(context, "CONFIG", detail, {
      status,
      hint: "roleArn needs Secrets Manager Agent 3.0+, not an older agent or the Lambda extension",
    });
  }
  if (status === 429)
    return agentError(context, "THROTTLED", `${status} too many connections to the agent`, { status });
  if (status === 404 && context.operation === "getParameter") {
    return agentError(context, "CONFIG", detail, {
      status,
      hint: "The Secrets Manager Agent has no SSM route; use the Lambda extension or the sdk transport",
    });
  }
  if (status === 404) {
    return agentError(context, "CONFIG", detail, {
      status,
      hint: `${context.endpoint} has no /secretsmanager/get route; is it the Secrets Manager Agent or the Lambda extension?`,
    });
  }
  if (body === EXTENSION_GENERIC_ERROR) {
    // Reported as NOT_FOUND (the likeliest cause, and what the contract asks of a missing secret), but
    // the extension sends this one body for every failure, so the message must not claim more.
    return agentError(context, "NOT_FOUND", detail, {
      status,
      hint: "Not necessarily missing: the Lambda extension answers every failure this way (a missing secret or parameter, access denied by IAM or KMS, an unknown version or label, a transient AWS error); the details are in the function's CloudWatch logs",
    });
  }
  if (status === 400 && body === "Forwarded") {
    return agentError(context, "CONFIG", detail, {
      status,
      hint: "Something added an X-Forwarded-For header, which the agent refuses",
    });
  }
  if (status === 400 && quoted) return agentError(context, "INVALID_REQUEST", detail, { status });
  return agentError(context, status >= 500 ? "TRANSPORT" : "INVALID_REQUEST", detail, { status });
}

/** The error for a request that got no response. */
export function networkError(error: unknown, context: AgentCallContext, signal: AbortSignal | undefined): SecretsError {
  if (signal?.aborted) return agentError(context, "ABORTED", "the signal fired", { cause: signal.reason });
  if (error instanceof AgentRequestTimeout) return agentError(context, "TIMEOUT", error.message);
  if (error instanceof AgentBodyTooLarge) return agentError(context, "TRANSPORT", error.message);
  const code = (error as { code?: unknown }).code;
  if (code === "ECONNREFUSED") {
    return agentError(context, "AGENT_UNREACHABLE", `nothing answers on ${context.endpoint} (ECONNREFUSED)`, {
      cause: error,
      hint: "Start the Secrets Manager Agent or add the Lambda extension layer, or switch transport (SECRETWRANGLER_TRANSPORT=sdk)",
    });
  }
  const name = typeof code === "string" ? code : "connection error";
  return agentError(context, "TRANSPORT", `${name} talking to ${context.endpoint}`, { cause: error, retryable: true });
}

/** Whether a failed attempt is worth another try: refused (late start), resets, 429, 5xx, throttling. */
export function isRetryableAttempt(outcome: { response?: AgentHttpResponse; error?: unknown }): boolean {
  if (outcome.response) {
    const { status, body } = outcome.response;
    if (status === 429 || status >= 500) return true;
    return status === 400 && upstreamError(body)?.name === "ThrottlingException";
  }
  const error = outcome.error;
  if (error instanceof AgentRequestTimeout || error instanceof AgentBodyTooLarge) return false;
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === "ECONNREFUSED" || code === "ECONNRESET" || code === "EPIPE" || code === "ECONNABORTED";
}
