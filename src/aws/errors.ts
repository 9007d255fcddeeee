/**
 * Maps AWS error names (SDK exceptions, `__type` values of JSON error bodies, BatchGetSecretValue
 * `ErrorCode`s) to {@link SecretsErrorCode}s. Shared by every transport that talks to AWS, directly or
 * through the agent.
 */
import { SecretsError, type SecretsErrorCode } from "../core/errors.js";

const CODES_BY_AWS_NAME: Readonly<Record<string, SecretsErrorCode>> = {
  // Secrets Manager
  ResourceNotFoundException: "NOT_FOUND",
  DecryptionFailure: "DECRYPTION_FAILED",
  InvalidParameterException: "INVALID_REQUEST",
  InvalidRequestException: "INVALID_REQUEST",
  InvalidNextTokenException: "INVALID_REQUEST",
  InternalServiceError: "TRANSPORT",
  // SSM Parameter Store
  ParameterNotFound: "NOT_FOUND",
  ParameterVersionNotFound: "NOT_FOUND",
  InvalidKeyId: "DECRYPTION_FAILED",
  InternalServerError: "TRANSPORT",
  InvalidFilterKey: "INVALID_REQUEST",
  InvalidFilterOption: "INVALID_REQUEST",
  InvalidFilterValue: "INVALID_REQUEST",
  ValidationException: "INVALID_REQUEST",
  // Common to every AWS service
  AccessDeniedException: "ACCESS_DENIED",
  AccessDenied: "ACCESS_DENIED",
  UnrecognizedClientException: "ACCESS_DENIED",
  InvalidSignatureException: "ACCESS_DENIED",
  SignatureDoesNotMatch: "ACCESS_DENIED",
  IncompleteSignature: "ACCESS_DENIED",
  MissingAuthenticationToken: "ACCESS_DENIED",
  InvalidClientTokenId: "ACCESS_DENIED",
  ExpiredToken: "CREDENTIALS",
  ExpiredTokenException: "CREDENTIALS",
  KMSAccessDeniedException: "DECRYPTION_FAILED",
  KMSDisabledException: "DECRYPTION_FAILED",
  KMSInvalidStateException: "DECRYPTION_FAILED",
  ThrottlingException: "THROTTLED",
  Throttling: "THROTTLED",
  ThrottledException: "THROTTLED",
  TooManyRequestsException: "THROTTLED",
  RequestLimitExceeded: "THROTTLED",
  ProvisionedThroughputExceededException: "THROTTLED",
  SlowDown: "THROTTLED",
  RequestTimeout: "TIMEOUT",
  RequestTimeoutException: "TIMEOUT",
  TimeoutError: "TIMEOUT",
  AbortError: "ABORTED",
  CredentialsProviderError: "CREDENTIALS",
  ServiceUnavailable: "TRANSPORT",
  ServiceUnavailableException: "TRANSPORT",
  InternalFailure: "TRANSPORT",
  // Node network errors (error.code)
  ECONNREFUSED: "TRANSPORT",
  ECONNRESET: "TRANSPORT",
  ETIMEDOUT: "TIMEOUT",
  ENOTFOUND: "TRANSPORT",
  EAI_AGAIN: "TRANSPORT",
  EPIPE: "TRANSPORT",
  EHOSTUNREACH: "TRANSPORT",
  ENETUNREACH: "TRANSPORT",
  ECONNABORTED: "TRANSPORT",
};

/**
 * The Node socket error code of an error or of one of its causes. The SDK's HTTP handler renames a
 * reset socket (`ECONNRESET`, `EPIPE`) to `TimeoutError` but keeps its `code`.
 */
function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    // The Node socket codes of the table above: ECONNRESET, ECONNREFUSED, ETIMEDOUT, ...
    if (typeof code === "string" && /^E[A-Z_]+$/.test(code) && CODES_BY_AWS_NAME[code]) return code;
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
  const code = bare === undefined ? undefined : CODES_BY_AWS_NAME[bare];
  if (code) return code;
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
