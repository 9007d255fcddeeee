/**
 * Caches temporary credentials and refreshes them before they expire. Concurrent callers share one
 * refresh (single flight). A refresh that fails while the cached credentials are still valid serves
 * those; once they have expired, the failure reaches the caller.
 */

import type { AwsCredentialsInput } from "../transports/aws-client.js";

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

/** Wraps `load` so it runs once, and again only when the credentials it returned are about to expire. */
export function cachedCredentials(
  load: AwsCredentialsProvider,
  options: CredentialCacheOptions,
): AwsCredentialsProvider {
  let current: AwsCredentials | undefined;
  let refreshing: Promise<AwsCredentials> | undefined;
  const remainingMs = (credentials: AwsCredentials) =>
    credentials.expiration === undefined ? Number.POSITIVE_INFINITY : credentials.expiration.getTime() - options.now();

  return async () => {
    if (current && remainingMs(current) > options.refreshBeforeMs) return current;
    refreshing ??= load()
      .then((credentials) => {
        current = credentials;
        return credentials;
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
