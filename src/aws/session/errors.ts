/** How sessions report failures: the same value-free errors as the transports, named `session`. */
import { ArgumentError, SecretsError } from "../../core/errors.js";
import { sdkError } from "../sdk-errors.js";

/** The `transport` every session error names. */
export const SESSION = "session";

/** Wraps anything a session's AWS call threw; a `SecretsError` passes unchanged. */
export function sessionError(error: unknown, operation: string, subject?: string): SecretsError {
  return sdkError(error, { operation, secretId: subject, transport: SESSION });
}

/** A `CONFIG` error about how a session was set up. */
export function configError(operation: string, detail: string, hint?: string): SecretsError {
  return new SecretsError({ code: "CONFIG", operation, transport: SESSION, detail, hint });
}

/** An `ArgumentError`: an option of a session or of `assumeRole` that is a programming mistake. */
export function argumentError(operation: string, detail: string): ArgumentError {
  return new ArgumentError(`[secretwrangler] [${SESSION}] ${operation}: ${detail}`);
}
