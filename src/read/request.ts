/** Builds the request a transport gets from a caller's id and read options. */
import { ArgumentError } from "../core/errors.js";
import type { SecretRequest } from "../transport/types.js";
import type { ReadOptions } from "./options.js";

/**
 * The transport request for `id`; throws an `ArgumentError` for an empty or non-string id (a
 * programming error, not a failed read).
 */
export function secretRequest(id: string, options: ReadOptions = {}): SecretRequest {
  if (typeof id !== "string" || id === "") throw new ArgumentError("secret id must be a non-empty string");
  return {
    id,
    versionId: options.versionId,
    versionStage: options.versionStage,
    signal: options.signal,
    forceRefresh: options.forceRefresh,
    maxAgeMs: options.maxAgeMs,
  };
}
