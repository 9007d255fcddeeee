/**
 * The module-level quick functions, backed by one client created lazily from the environment
 * (`SECRETWRANGLER_TRANSPORT`, the usual AWS variables) on first use. Each is typed as the client
 * method it calls, overloads included.
 */
import { createSecretsClient, type SecretsClient } from "./client.js";

let defaultClient: SecretsClient | undefined;

/**
 * The client behind the quick functions, created on first use.
 * @example
 * ```ts
 * getDefaultClient().invalidate('prod/db'); // after a rotation
 * ```
 */
export function getDefaultClient(): SecretsClient {
  defaultClient ??= createSecretsClient();
  return defaultClient;
}

/**
 * Closes and forgets the default client (its cache included), so the next quick call builds a new
 * one from the environment as it is then. For tests.
 * @example
 * ```ts
 * afterEach(() => resetDefaultClient());
 * ```
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
export const getSecret: SecretsClient["getSecret"] = (id, options) => getDefaultClient().getSecret(id, options);

/**
 * Reads, parses and (given a schema) validates a JSON secret with the default client. The result is
 * deep-frozen and typed from the schema.
 * @example
 * ```ts
 * const db = await getSecretJson('prod/db', { schema: DbSchema });
 * ```
 */
export const getSecretJson: SecretsClient["getSecretJson"] = (id: string, options?: object) =>
  getDefaultClient().getSecretJson(id, options as never);

/**
 * Reads a binary secret with the default client.
 * @example
 * ```ts
 * const key = await getSecretBinary('tls/key');
 * ```
 */
export const getSecretBinary: SecretsClient["getSecretBinary"] = (id, options) =>
  getDefaultClient().getSecretBinary(id, options);

/**
 * Reads an SSM parameter with the default client: a string, or a string array for a `StringList`.
 * @example
 * ```ts
 * const apiUrl = await getParameter('/my-app/prod/api-url', { type: 'String' });
 * ```
 */
export const getParameter: SecretsClient["getParameter"] = (name: string, options?: object) =>
  getDefaultClient().getParameter(name, options as never) as never;

/**
 * Reads many SSM parameters with the default client, one result per name.
 * @example
 * ```ts
 * const [apiUrl, hosts] = await getParameters(['/my-app/prod/api-url', '/my-app/prod/hosts']);
 * ```
 */
export const getParameters: SecretsClient["getParameters"] = (names, options) =>
  getDefaultClient().getParameters(names, options);

/**
 * Reads every SSM parameter under a path with the default client, as a tree, a flat map or a
 * schema's output.
 * @example
 * ```ts
 * const config = await getParametersByPath('/my-app/prod', { keys: 'camelCase', schema: AppConfig });
 * ```
 */
export const getParametersByPath: SecretsClient["getParametersByPath"] = (path: string, options?: object) =>
  getDefaultClient().getParametersByPath(path, options as never) as never;
