/**
 * Maps AWS error names (SDK exceptions, `__type` values of JSON error bodies, BatchGetSecretValue
 * `ErrorCode`s) to {@link SecretsErrorCode}s. Shared by every transport that talks to AWS, directly or
 * through the agent.
 */
import { SecretsError, type SecretsErrorCode } from "../core/errors.js";

/**
 * AWS error names by pattern, first match first: the services' names for one kind of failure share a
 * word (`...NotFound...`, `Throttl...`, `KMS...`), so a pattern also covers the variants of services
 * not listed. Patterns are exact (`^...$`) where a broader one would catch a different failure
 * (`LimitExceededException` is a quota, not throttling). Every name of the former table (Secrets
 * Manager, SSM, STS, the SDK's own) maps to the same code.
 */
const CODE_PATTERNS: readonly (readonly [SecretsErrorCode, RegExp])[] = [
  // Before ACCESS_DENIED: KMSAccessDeniedException is KMS refusing to decrypt.
  ["DECRYPTION_FAILED", /^KMS|^(?:DecryptionFailure|EncryptionFailure|InvalidKeyId)$/],
  [
    "ACCESS_DENIED",
    /AccessDenied|Signature|^(?:UnrecognizedClientException|MissingAuthenticationToken|InvalidClientTokenId)$/,
  ],
  ["CREDENTIALS", /^(?:ExpiredToken(?:Exception)?|CredentialsProviderError)$/],
  ["NOT_FOUND", /NotFound/],
  ["THROTTLED", /Throttl|^(?:TooManyRequestsException|RequestLimitExceeded|SlowDown)$|ThroughputExceeded/],
  ["TIMEOUT", /Timeout/],
  // After THROTTLED: RequestLimitExceeded is a rate, these are quotas (secrets, versions, labels, tags).
  ["LIMIT_EXCEEDED", /LimitExceeded|^TooManyTagsError$/],
  ["ALREADY_EXISTS", /^(?:ResourceExistsException|ParameterAlreadyExists|AlreadyExistsException)$/],
  ["ABORTED", /^AbortError$/],
  ["INVALID_REQUEST", /^Invalid|^ValidationException$/],
  ["TRANSPORT", /^(?:Internal(?:ServiceError|ServerError|Failure)|ServiceUnavailable(?:Exception)?)$/],
];

/** The Node socket error codes mapped by their code (ETIMEDOUT to TIMEOUT, the others to TRANSPORT). */
const SOCKET_CODE = /^E(?:CONN(?:REFUSED|RESET|ABORTED)|TIMEDOUT|NOTFOUND|AI_AGAIN|PIPE|(?:HOST|NET)UNREACH)$/;

/**
 * The Node socket error code of an error or of one of its causes. The SDK's HTTP handler renames a
 * reset socket (`ECONNRESET`, `EPIPE`) to `TimeoutError` but keeps its `code`.
 */
function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && SOCKET_CODE.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * The code for an AWS error name such as `ResourceNotFoundException`. The name may carry a
 * namespace prefix (`com.amazonaws...#Name`) or a suffix (`Name:http://...`), as `__type` does.
 */
export function codeForAwsName(name: string | undefined, status?: number): SecretsErrorCode {
  const bare = name?.split("#").pop()?.split(":")[0];
  if (bare !== undefined) {
    if (SOCKET_CODE.test(bare)) return bare === "ETIMEDOUT" ? "TIMEOUT" : "TRANSPORT";
    for (const [code, pattern] of CODE_PATTERNS) if (pattern.test(bare)) return code;
  }
  if (status === 429) return "THROTTLED";
  if (status === 403) return "ACCESS_DENIED";
  if (status === 404) return "NOT_FOUND";
  if (status === 408) return "TIMEOUT";
  if (status !== undefined && status >= 400 && status < 500) return "INVALID_REQUEST";
  return "TRANSPORT";
}

interface AwsErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  $retryable?: unknown;
}

/** Where an AWS call failed, for {@link toSecretsError}. */
export interface AwsErrorContext {
  readonly operation: string;
  readonly secretId?: string | undefined;
  readonly transport: string;
}

/** The fields of an SDK error that describe the failure without carrying the HTTP exchange. */
const SAFE_FIELDS = ["name", "code", "$fault", "$metadata", "$retryable"] as const;

/**
 * A copy of an SDK error without `$response` or `$responseBodyText`; other values pass unchanged.
 * The SDK attaches the raw HTTP exchange to its errors as a hidden, undeletable `$response`, whose
 * request headers hold the session token the call was signed with; a response that failed to parse
 * keeps its body text, which may be a secret value (or, for STS, credentials).
 */
export function detachedCause(error: unknown): unknown {
  if (!(error instanceof Error) || !("$response" in error || "$responseBodyText" in error)) return error;
  // A service error (with `$fault`, from a parsed error body) carries AWS's own text. Anything else,
  // e.g. a body that failed to parse (the SDK adds `$metadata` to those too), may quote the body: its
  // message and stack are replaced.
  const serviceError = "$fault" in error && !("$responseBodyText" in error);
  const copy = new Error(serviceError ? error.message : "unreadable AWS response");
  for (const field of SAFE_FIELDS) {
    if (field in error) Object.assign(copy, { [field]: (error as unknown as Record<string, unknown>)[field] });
  }
  copy.stack = serviceError ? error.stack : `${copy.name}: ${copy.message}`;
  return copy;
}

/**
 * Wraps anything an AWS SDK call threw in a {@link SecretsError}. A detached copy of the SDK error is
 * kept as `cause` (see {@link detachedCause}): AWS error messages name resources, never their values.
 */
export function toSecretsError(error: unknown, context: AwsErrorContext): SecretsError {
  if (error instanceof SecretsError) return error;
  const shape = (typeof error === "object" && error !== null ? error : {}) as AwsErrorShape;
  const status = typeof shape.$metadata?.httpStatusCode === "number" ? shape.$metadata.httpStatusCode : undefined;
  const name = typeof shape.name === "string" ? shape.name : undefined;
  const socketCode = name === "AbortError" ? undefined : networkCode(error);
  const nodeCode = socketCode ?? (typeof shape.code === "string" ? shape.code : undefined);
  // A socket error is mapped by its code: a reset or refused connection is TRANSPORT whatever the SDK
  // named it, and only a real timeout (ETIMEDOUT) is TIMEOUT.
  let code = socketCode === undefined ? codeForAwsName(name, status) : codeForAwsName(socketCode);
  if (code === "TRANSPORT" && nodeCode) code = codeForAwsName(nodeCode, status);
  // A Node network error is a plain `Error`: its `code` (ECONNREFUSED, ...) says more than its name.
  const label = socketCode ?? (name === undefined || name === "Error" ? (nodeCode ?? name) : name);
  const detail = [status, label].filter((part) => part !== undefined).join(" ");
  return new SecretsError({
    code,
    operation: context.operation,
    secretId: context.secretId,
    transport: context.transport,
    status,
    detail: detail || undefined,
    cause: detachedCause(error),
  });
}
