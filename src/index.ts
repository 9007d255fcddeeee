/**
 * secretwrangler: typed, fast, safe secrets for Node from AWS Secrets Manager, SSM Parameter Store
 * and the Secrets Manager Agent / Lambda extension.
 *
 * Every public export is listed here by name: the client and the quick functions, the errors, the
 * built-in transports and the cache. The rest lives in subpaths: `secretwrangler/transports` (the
 * transport contract and each transport's options), `secretwrangler/aws` (AwsSession options,
 * partitions, ARNs), `secretwrangler/agent` (agent-only reads for small Lambda bundles) and
 * `secretwrangler/db` (database logins).
 *
 * @module secretwrangler
 */

export { AwsSession } from "./aws/session/session.js";
export { cachedTransport } from "./cache/cached-transport.js";
export type { CacheErrorEvent, CacheOptions } from "./cache/options.js";
export type { SecretsClient, SecretsClientOptions } from "./client/client.js";
export { createSecretsClient } from "./client/client.js";
export {
  getDefaultClient,
  getParameter,
  getParameters,
  getParametersByPath,
  getSecret,
  getSecretBinary,
  getSecretJson,
  resetDefaultClient,
} from "./client/default-client.js";
export type { SecretsErrorCode, SecretsErrorIssue } from "./core/errors.js";
export { ArgumentError, isSecretsError, SecretsError } from "./core/errors.js";
export type { InferSchemaOutput, StandardSchemaV1 } from "./core/schema.js";
export type {
  DeepReadonly,
  ParameterMap,
  ParameterReadOptions,
  ParametersByPathReadOptions,
  ParametersReadOptions,
  ParameterTree,
  ParameterValueOf,
  ReadOptions,
} from "./read/options.js";
export type { ReferenceResult, ResolveReferencesOptions } from "./read/references.js";
export type {
  BatchOptions,
  BatchResult,
  ParameterRecord,
  ParameterType,
  SecretRecord,
  Transport,
} from "./transport/types.js";
export { agentTransport } from "./transports/agent/transport.js";
export { autoTransport } from "./transports/auto.js";
export { fileTransport } from "./transports/file.js";
export { memoryTransport } from "./transports/memory.js";
export { sdkTransport } from "./transports/sdk/transport.js";
export type { WatchHandle } from "./watch/types.js";
