/**
 * Every error the library throws is a {@link SecretsError} with a stable {@link SecretsErrorCode}.
 *
 * Secret values never appear in an error: not in `message`, `stack`, `cause`, `issues`,
 * `util.inspect(err)` or `JSON.stringify(err)`. Messages name the operation, the secret id and the
 * transport, nothing else.
 */

import { escapeControl } from "./text.js";

/**
 * The stable codes callers branch on.
 *
 * - `NOT_FOUND`: the secret, version or parameter does not exist.
 * - `ACCESS_DENIED`: the credentials are not allowed to read it (or were rejected).
 * - `CREDENTIALS`: no credentials could be loaded for the AWS call, or they have expired.
 * - `THROTTLED`: the service or agent asked us to slow down, after retries.
 * - `DECRYPTION_FAILED`: KMS could not decrypt the value (or, for a write, encrypt it).
 * - `INVALID_REQUEST`: the request is not valid now (bad parameter, secret scheduled for deletion).
 * - `NOT_JSON`: the value is not valid JSON.
 * - `SCHEMA_MISMATCH`: the value does not match the schema; see {@link SecretsError.issues}.
 * - `WRONG_TYPE`: a binary secret read as text, or the reverse.
 * - `TIMEOUT`: the call did not finish in time.
 * - `ABORTED`: the caller's `AbortSignal` fired.
 * - `TRANSPORT`: the backend failed (5xx, connection reset, unexpected response).
 * - `CONFIG`: the library was configured wrongly.
 * - `AGENT_UNREACHABLE`: nothing answers on the agent's port.
 * - `AGENT_TOKEN`: no SSRF token was found, or the agent rejected it.
 * - `ALREADY_EXISTS`: a write would create what exists already (a secret of that name, a parameter
 *   without `overwrite`, a version with that `clientRequestToken` and another value).
 * - `LIMIT_EXCEEDED`: a write went over a quota of the service (secrets, versions, labels, tags).
 */
export type SecretsErrorCode =
  | "NOT_FOUND"
  | "ACCESS_DENIED"
  | "CREDENTIALS"
  | "THROTTLED"
  | "DECRYPTION_FAILED"
  | "INVALID_REQUEST"
  | "NOT_JSON"
  | "SCHEMA_MISMATCH"
  | "WRONG_TYPE"
  | "TIMEOUT"
  | "ABORTED"
  | "TRANSPORT"
  | "CONFIG"
  | "AGENT_UNREACHABLE"
  | "AGENT_TOKEN"
  | "ALREADY_EXISTS"
  | "LIMIT_EXCEEDED";

/** One problem reported by a schema: where it is and what is wrong, never the received value. */
export interface SecretsErrorIssue {
  /** Path of the offending field, e.g. `["db", "port"]`. Empty for the root. */
  readonly path: readonly (string | number)[];
  /** The validator's message, e.g. `Invalid input: expected number, received string`. */
  readonly message: string;
}

/** What {@link SecretsError} is built from. */
export interface SecretsErrorOptions {
  readonly code: SecretsErrorCode;
  /** The operation that failed, e.g. `getSecretValue`, `getParameter`, `parseJson`. */
  readonly operation: string;
  /** The secret id or parameter name the operation was about, if any. */
  readonly secretId?: string | undefined;
  /** The transport that served the operation (`sdk`, `agent`, `memory`, ...), if any. */
  readonly transport?: string | undefined;
  /** Whether trying again later may succeed. Defaults from the code (throttling, timeouts, transport). */
  readonly retryable?: boolean | undefined;
  /** HTTP status of the failed response, when there was one. */
  readonly status?: number | undefined;
  /** Schema issues (paths and messages), for `SCHEMA_MISMATCH`. */
  readonly issues?: readonly SecretsErrorIssue[] | undefined;
  /** The underlying error. Never an error whose message may quote a secret value. */
  readonly cause?: unknown;
  /** A short, value-free detail appended to the message, e.g. `404 Not Found`. */
  readonly detail?: string | undefined;
  /** A hint on what to do next, appended to the message. */
  readonly hint?: string | undefined;
}

const RETRYABLE_CODES: ReadonlySet<SecretsErrorCode> = new Set([
  "THROTTLED",
  "TIMEOUT",
  "TRANSPORT",
  "AGENT_UNREACHABLE",
]);

const VERBS: Readonly<Record<string, string>> = {
  parseJson: "parse secret",
  validate: "validate secret",
};

/**
 * The message: every part that may come from a caller, a file or a backend (the id, the transport
 * spec, the detail, the hint) has its control characters escaped, so it cannot inject into a log line
 * or a terminal. The properties (`secretId`, `detail`, ...) keep the raw text.
 */
function describe(options: SecretsErrorOptions): string {
  const parts = ["[secretwrangler]"];
  if (options.transport) parts.push(`[${escapeControl(options.transport)}]`);
  const verb = escapeControl(VERBS[options.operation] ?? String(options.operation));
  let text =
    options.secretId === undefined ? `${verb} failed` : `${verb} "${escapeControl(String(options.secretId))}" failed`;
  text += ` (${escapeControl(String(options.code))})`;
  if (options.detail) text += `: ${escapeControl(options.detail)}`;
  if (options.hint) text += `. ${escapeControl(options.hint)}`;
  parts.push(text);
  return parts.join(" ");
}

/**
 * The one error class of the library. Branch on {@link SecretsError.code}.
 *
 * @example
 * ```ts
 * try {
 *   await getSecretJson('prod/db', { schema: DbSchema });
 * } catch (error) {
 *   if (isSecretsError(error, 'NOT_FOUND')) return defaults;
 *   throw error;
 * }
 * ```
 */
export class SecretsError extends Error {
  override readonly name = "SecretsError" as const;
  /** Stable code; see {@link SecretsErrorCode}. */
  readonly code: SecretsErrorCode;
  /** The operation that failed, e.g. `getSecretValue`. */
  readonly operation: string;
  /** The secret id or parameter name, when the failure concerns one. */
  readonly secretId: string | undefined;
  /** The transport that served the call, when known. */
  readonly transport: string | undefined;
  /** Whether a later attempt may succeed (throttling, timeouts, 5xx, connection failures). */
  readonly retryable: boolean;
  /** HTTP status of the failed response, when there was one. */
  readonly status: number | undefined;
  /** For `SCHEMA_MISMATCH`: paths and messages of the problems, never the values. */
  readonly issues: readonly SecretsErrorIssue[] | undefined;
  /** The value-free detail the message ends with, e.g. `404 Not Found`. */
  readonly detail: string | undefined;
  /** What to do next, as the message says it. */
  readonly hint: string | undefined;

  constructor(options: SecretsErrorOptions) {
    super(describe(options), options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.operation = options.operation;
    this.secretId = options.secretId;
    this.transport = options.transport;
    this.retryable = options.retryable ?? RETRYABLE_CODES.has(options.code);
    this.status = options.status;
    this.issues = options.issues;
    this.detail = options.detail;
    this.hint = options.hint;
  }

  /** A plain, value-free view for structured loggers; `JSON.stringify(error)` uses it. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      operation: this.operation,
      secretId: this.secretId,
      transport: this.transport,
      retryable: this.retryable,
      status: this.status,
      issues: this.issues,
    };
  }
}

/**
 * Type guard for {@link SecretsError}, optionally narrowed to one or more codes. Compares `name` too,
 * so it also recognizes errors from another copy of the library.
 *
 * @example
 * ```ts
 * if (isSecretsError(error, 'THROTTLED', 'TIMEOUT')) retryLater();
 * ```
 */
export function isSecretsError(error: unknown, ...codes: SecretsErrorCode[]): error is SecretsError {
  const matches =
    error instanceof SecretsError ||
    (error instanceof Error && error.name === "SecretsError" && typeof (error as SecretsError).code === "string");
  return matches && (codes.length === 0 || codes.includes((error as SecretsError).code));
}

/**
 * A `CONFIG` error for a call the transport cannot serve: it lacks the optional method (e.g. the
 * agent has no `getParametersByPath`). Internal: transports and readers share it.
 */
export function unsupportedOperation(
  transport: string,
  operation: string,
  secretId?: string,
  hint?: string,
): SecretsError {
  return new SecretsError({
    code: "CONFIG",
    operation,
    secretId,
    transport,
    detail: `the ${transport} transport cannot ${operation}`,
    hint,
  });
}

/**
 * A caller passed an argument or option the library refuses (an empty id, a path without a leading
 * `/`, a negative TTL): a programming error, not a failed read. A `TypeError`, so `instanceof
 * TypeError` holds; the CLI reports it as a usage error. Its message names the argument, never a
 * secret value.
 *
 * @example
 * ```ts
 * try { await secrets.getSecret(''); } catch (error) { if (error instanceof ArgumentError) usage(error.message); }
 * ```
 */
export class ArgumentError extends TypeError {
  override readonly name = "ArgumentError" as const;

  /** The message has its control characters escaped: it may name a caller's id, path or spec. */
  constructor(message: string, options?: ErrorOptions) {
    super(escapeControl(String(message)), options);
  }
}
