/**
 * Caches temporary credentials and refreshes them before they expire. Concurrent callers share one
 * refresh (single flight). A refresh that fails while the cached credentials are still valid serves
 * those; once they have expired (or before any load succeeded), the failure reaches the caller. Either
 * way the next load waits for a jittered backoff: meanwhile callers get the cached credentials, or
 * the last failure again, without a call.
 */

import { jitteredBackoff } from "../../core/backoff.js";
import type { AwsCredentialsInput } from "../sdk-client.js";

/** Credentials as the AWS SDK uses them; `expiration` is absent for long-term keys. */
export type AwsCredentials = Exclude<AwsCredentialsInput, (...args: never[]) => unknown>;

/** A function that resolves credentials, as the SDK's `credentials` option accepts it. */
export type AwsCredentialsProvider = () => Promise<AwsCredentials>;

/** How {@link cachedCredentials} decides that credentials are due for a refresh. */
export interface CredentialCacheOptions {
  /** Refresh this many milliseconds before `expiration`. */
  readonly refreshBeforeMs: number;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
}

/** Backoff between failed loads (0.5-1 s after the first, doubling, at most 60 s). */
const RETRY_BASE_MS = 1_000;
const RETRY_MAX_MS = 60_000;

/**
 * Wraps `load` so it runs once, and again only when the credentials it returned are about to expire:
 * `refreshBeforeMs` before expiry, but never earlier than half their lifetime (so 15-minute role
 * credentials with a 15-minute window are not fetched on every call). After a failed load, `load` is
 * not called again until a jittered backoff passes: the still-valid credentials are served meanwhile,
 * or, without any, the last failure is thrown again.
 */
export function cachedCredentials(
  load: AwsCredentialsProvider,
  options: CredentialCacheOptions,
): AwsCredentialsProvider {
  let current: AwsCredentials | undefined;
  let refreshWindowMs = 0;
  let refreshing: Promise<AwsCredentials> | undefined;
  let failures = 0;
  let retryAt = 0;
  let lastError: unknown;
  const remainingMs = (credentials: AwsCredentials) =>
    credentials.expiration === undefined ? Number.POSITIVE_INFINITY : credentials.expiration.getTime() - options.now();

  return async () => {
    if (current) {
      const remaining = remainingMs(current);
      if (remaining > refreshWindowMs) return current;
      if (remaining > 0 && options.now() < retryAt) return current;
    }
    // Expired or never loaded, and the last load failed a moment ago: the same answer, no new call.
    if (!refreshing && failures > 0 && options.now() < retryAt) throw lastError;
    refreshing ??= load()
      .then((credentials) => {
        current = credentials;
        refreshWindowMs = Math.min(options.refreshBeforeMs, remainingMs(credentials) / 2);
        failures = 0;
        lastError = undefined;
        return credentials;
      })
      .catch((error: unknown) => {
        retryAt = options.now() + jitteredBackoff(failures++, RETRY_BASE_MS, RETRY_MAX_MS);
        lastError = error;
        throw error;
      })
      .finally(() => {
        refreshing = undefined;
      });
    try {
      return await refreshing;
    } catch (error) {
      if (current && remainingMs(current) > 0) return current;
      throw error;
    }
  };
}
