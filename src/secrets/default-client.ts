/**
 * The module-level quick functions, backed by one client created lazily from the environment
 * (`SECRETWRANGLER_TRANSPORT`, the usual AWS variables) on first use.
 */
import type { InferSchemaOutput, StandardSchemaV1 } from "../schema.js";
import { createSecretsClient, type ReadOptions, type SchemaReadOptions, type SecretsClient } from "./client.js";

let defaultClient: SecretsClient | undefined;

/** The client behind the quick functions, created on first use. */
export function getDefaultClient(): SecretsClient {
  defaultClient ??= createSecretsClient();
  return defaultClient;
}

/**
 * Closes and forgets the default client, so the next quick call builds a new one from the
 * environment as it is then. For tests.
 */
export async function resetDefaultClient(): Promise<void> {
  const client = defaultClient;
  defaultClient = undefined;
  await client?.close();
}

/**
 * Reads a secret's text with the default client.
 * @example
 * ```ts
 * const apiKey = await getSecret('alpha-vantage/api-key');
 * ```
 */
export function getSecret(id: string, options?: ReadOptions): Promise<string> {
  return getDefaultClient().getSecret(id, options);
}

/**
 * Reads, parses and (given a schema) validates a JSON secret with the default client.
 * @example
 * ```ts
 * const db = await getSecretJson('prod/db', { schema: DbSchema });
 * ```
 */
export function getSecretJson<S extends StandardSchemaV1>(
  id: string,
  options: SchemaReadOptions<S>,
): Promise<InferSchemaOutput<S>>;
export function getSecretJson<T = unknown>(
  id: string,
  options?: ReadOptions & { readonly schema?: undefined },
): Promise<T>;
export function getSecretJson(
  id: string,
  options?: ReadOptions & { readonly schema?: StandardSchemaV1 | undefined },
): Promise<unknown> {
  return getDefaultClient().getSecretJson(id, options as ReadOptions);
}

/**
 * Reads a binary secret with the default client.
 * @example
 * ```ts
 * const key = await getSecretBinary('tls/key');
 * ```
 */
export function getSecretBinary(id: string, options?: ReadOptions): Promise<Uint8Array> {
  return getDefaultClient().getSecretBinary(id, options);
}
