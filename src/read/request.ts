/** Builds the request a transport gets from a caller's id and read options. */
import { ArgumentError } from "../core/errors.js";
import type { SecretRequest, SecretVersionOptions } from "../transport/types.js";

/** The read options a request carries: version, cancellation and freshness. */
export interface SecretRequestOptions extends SecretVersionOptions {
  readonly signal?: AbortSignal | undefined;
  readonly forceRefresh?: boolean | undefined;
  readonly maxAgeMs?: number | undefined;
}

/**
 * The transport request for `id`; throws a `TypeError` for an empty or non-string id (a programming
 * error, not a failed read). `maxAgeMs` rides along for a cache on the way.
 */
export function secretRequest(
  id: string,
  options: SecretRequestOptions = {},
): SecretRequest & Pick<SecretRequestOptions, "maxAgeMs"> {
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
