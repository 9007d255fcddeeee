/**
 * Errors of the SDK-backed code (the sdk transport, sessions and their STS calls) that need more than
 * a name-to-code table: the per-attempt deadline and body cap of request-handler.ts, a missing region
 * (the SDK's bare `Error: Region is missing`), and the SDK default chain finding no credentials (a
 * bare `CredentialsProviderError`). Messages name settings, files and profiles, never a key.
 */
import { SecretsError } from "../core/errors.js";
import { type AwsErrorContext, detachedCause, toSecretsError } from "./errors.js";
import { AttemptTimeoutError, ResponseTooLargeError } from "./request-handler.js";
import { profileExists, sharedConfigPaths } from "./session/shared-config.js";

/** What to do about a missing region, for every place that can miss one. */
export const REGION_HINT =
  'Set AWS_REGION, pass --region (CLI) or the "region" option, or set region in the profile of the shared config file';

/** `CONFIG`, not retryable: no region from the options, `AWS_REGION` or the profile. */
export function missingRegionError(
  transport: string,
  operation: string,
  secretId?: string,
  cause?: unknown,
): SecretsError {
  return new SecretsError({
    code: "CONFIG",
    operation,
    secretId,
    transport,
    retryable: false,
    detail: "no AWS region",
    hint: REGION_HINT,
    cause: cause === undefined ? undefined : detachedCause(cause),
  });
}

/** What the SDK default chain looked at, for a `CREDENTIALS` error: profile, files, variables. */
export function defaultChainAdvice(env: NodeJS.ProcessEnv = process.env): { detail: string; hint: string } {
  const paths = sharedConfigPaths();
  const files = `${paths.config} and ${paths.credentials} (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE)`;
  const profile = env.AWS_PROFILE || undefined;
  if (profile !== undefined && !profileExists(profile)) {
    return { detail: `profile "${profile}" (from AWS_PROFILE) not found`, hint: `Looked in ${files}` };
  }
  if (profile !== undefined) {
    return {
      detail: `profile "${profile}" (from AWS_PROFILE) yields no credentials`,
      hint: `Check its keys, role_arn, sso_session or credential_process in ${files}`,
    };
  }
  const imds = env.AWS_EC2_METADATA_DISABLED === "true" ? " (off: AWS_EC2_METADATA_DISABLED)" : "";
  return {
    detail: "the SDK default chain found no credentials",
    hint:
      `Tried AWS_ACCESS_KEY_ID with AWS_SECRET_ACCESS_KEY; profile "default" in ${files}; ` +
      "web identity (AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN); container credentials " +
      `(AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, AWS_CONTAINER_CREDENTIALS_FULL_URI); instance metadata${imds}. ` +
      'Set one of them, or pass --profile (CLI) or the "credentials" or "session" option',
  };
}

/** The library's own deadline or cap error, wherever the SDK put it (itself or a `cause`). */
function limitError(error: unknown): AttemptTimeoutError | ResponseTooLargeError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current instanceof AttemptTimeoutError || current instanceof ResponseTooLargeError) return current;
    current = current.cause;
  }
  return undefined;
}

/**
 * Wraps anything an SDK-backed call threw in a {@link SecretsError}, as {@link toSecretsError} does,
 * plus: the per-attempt deadline is `TIMEOUT` (retryable), a body over the cap `TRANSPORT` (not
 * retryable), a missing region `CONFIG` (not retryable), and an empty default chain `CREDENTIALS`
 * naming what it tried.
 */
export function sdkError(error: unknown, context: AwsErrorContext): SecretsError {
  if (error instanceof SecretsError) return error;
  const base = { operation: context.operation, secretId: context.secretId, transport: context.transport };
  const limit = limitError(error);
  if (limit instanceof AttemptTimeoutError) {
    return new SecretsError({
      ...base,
      code: "TIMEOUT",
      detail: `no complete response within ${limit.timeoutMs} ms (requestTimeoutMs, per attempt)`,
      cause: detachedCause(error),
    });
  }
  if (limit instanceof ResponseTooLargeError) {
    return new SecretsError({
      ...base,
      code: "TRANSPORT",
      retryable: false,
      detail: `response body over ${limit.limitBytes} bytes, the limit of the sdk transport`,
      cause: detachedCause(error),
    });
  }
  if (error instanceof Error && error.name === "Error" && error.message.startsWith("Region is missing")) {
    return missingRegionError(context.transport, context.operation, context.secretId, error);
  }
  if (error instanceof Error && error.name === "CredentialsProviderError") {
    return new SecretsError({ ...base, code: "CREDENTIALS", ...defaultChainAdvice(), cause: detachedCause(error) });
  }
  return toSecretsError(error, context);
}
