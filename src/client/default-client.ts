/**
 * The module-level quick functions, backed by one client created lazily from the environment
 * (`SECRETWRANGLER_TRANSPORT`, the usual AWS variables) on first use.
 */

import type { InferSchemaOutput, StandardSchemaV1 } from "../core/schema.js";
import type {
  ParameterMap,
  ParameterReadOptions,
  ParametersByPathReadOptions,
  ParametersReadOptions,
  ParameterTree,
  ParameterValueOf,
} from "../read/parameter-options.js";
import type { BatchResult, ParameterType } from "../transport/types.js";
import { createSecretsClient, type ReadOptions, type SchemaReadOptions, type SecretsClient } from "./client.js";

let defaultClient: SecretsClient | undefined;

/**
 * The client behind the quick functions, created on first use.
 * @example
 * ```ts
 * getDefaultClient().transport.name; // 'sdk', or what SECRETWRANGLER_TRANSPORT names
 * ```
 */
export function getDefaultClient(): SecretsClient {
  defaultClient ??= createSecretsClient();
  return defaultClient;
}

/**
 * Closes and forgets the default client, so the next quick call builds a new one from the
 * environment as it is then. For tests.
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
 * Forgets everything the default client has cached (it is not recreated), e.g. between tests or
 * after a rotation.
 * @example
 * ```ts
 * afterEach(() => clearCaches());
 * ```
 */
export function clearCaches(): void {
  defaultClient?.clearCache();
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

/**
 * Reads an SSM parameter with the default client: a string, or a string array for a `StringList`.
 * @example
 * ```ts
 * const apiUrl = await getParameter('/my-app/prod/api-url', { type: 'String' });
 * ```
 */
export function getParameter<T extends ParameterType>(
  name: string,
  options: ParameterReadOptions & { readonly type: T },
): Promise<ParameterValueOf<T>>;
export function getParameter(name: string, options?: ParameterReadOptions): Promise<string | string[]>;
export function getParameter(name: string, options?: ParameterReadOptions): Promise<string | string[]> {
  return getDefaultClient().getParameter(name, options);
}

/**
 * Reads many SSM parameters with the default client, one result per name.
 * @example
 * ```ts
 * const [apiUrl, hosts] = await getParameters(['/my-app/prod/api-url', '/my-app/prod/hosts']);
 * ```
 */
export function getParameters(
  names: readonly string[],
  options?: ParametersReadOptions,
): Promise<BatchResult<string | string[]>[]> {
  return getDefaultClient().getParameters(names, options);
}

/**
 * Reads every SSM parameter under a path with the default client, as a tree, a flat map or a
 * schema's output.
 * @example
 * ```ts
 * const config = await getParametersByPath('/my-app/prod', { keys: 'camelCase', schema: AppConfig });
 * ```
 */
export function getParametersByPath<S extends StandardSchemaV1>(
  path: string,
  options: ParametersByPathReadOptions & { readonly schema: S },
): Promise<InferSchemaOutput<S>>;
export function getParametersByPath(
  path: string,
  options: ParametersByPathReadOptions & { readonly shape: "flat"; readonly schema?: undefined },
): Promise<ParameterMap>;
export function getParametersByPath(
  path: string,
  options?: ParametersByPathReadOptions & { readonly shape?: "tree" | undefined; readonly schema?: undefined },
): Promise<ParameterTree>;
export function getParametersByPath(
  path: string,
  options?: ParametersByPathReadOptions & { readonly schema?: undefined },
): Promise<ParameterTree | ParameterMap>;
export function getParametersByPath(path: string, options?: ParametersByPathReadOptions): Promise<unknown> {
  return getDefaultClient().getParametersByPath(path, options as ParametersByPathReadOptions & { schema?: undefined });
}
