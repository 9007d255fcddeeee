/** The CLI's exit codes: one per error code, so scripts can branch without parsing stderr. */
import type { SecretsErrorCode } from "../core/errors.js";

/** A usage error: unknown command or flag, missing argument. */
export const EXIT_USAGE = 2;
/** Anything that is not a {@link SecretsError}. */
export const EXIT_UNEXPECTED = 1;

/**
 * Exit code per {@link SecretsErrorCode}. A `Record`, so a new code cannot be added without one.
 */
export const EXIT_CODES: Readonly<Record<SecretsErrorCode, number>> = {
  NOT_FOUND: 10,
  ACCESS_DENIED: 11,
  CREDENTIALS: 12,
  THROTTLED: 13,
  DECRYPTION_FAILED: 14,
  INVALID_REQUEST: 15,
  NOT_JSON: 16,
  SCHEMA_MISMATCH: 17,
  WRONG_TYPE: 18,
  TIMEOUT: 19,
  ABORTED: 20,
  TRANSPORT: 21,
  CONFIG: 22,
  AGENT_UNREACHABLE: 23,
  AGENT_TOKEN: 24,
  ALREADY_EXISTS: 25,
  LIMIT_EXCEEDED: 26,
};
