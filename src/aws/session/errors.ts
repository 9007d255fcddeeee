/** How sessions report failures: the same value-free errors as the transports, named `session`. */
import { SecretsError } from "../../core/errors.js";
import { toSecretsError } from "../errors.js";

/** The `transport` every session error names. */
export const SESSION = "session";

/** Wraps anything a session's AWS call threw; a `SecretsError` passes unchanged. */
export function sessionError(error: unknown, operation: string, subject?: string): SecretsError {
  return toSecretsError(error, { operation, secretId: subject, transport: SESSION });
}

/** A `CONFIG` error about how a session was set up. */
export function configError(operation: string, detail: string, hint?: string): SecretsError {
  return new SecretsError({ code: "CONFIG", operation, transport: SESSION, detail, hint });
}
