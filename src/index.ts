/**
 * secretwrangler: typed, fast, safe secrets for Node from AWS Secrets Manager, SSM Parameter Store
 * and the Secrets Manager Agent / Lambda extension.
 *
 * Every public export is listed here by name: the client and the quick functions, the errors, the
 * built-in transports and the cache. The rest lives in subpaths: `secretwrangler/transports` (the
 * transport contract and each transport's options), `secretwrangler/aws` (AwsSession options,
 * partitions, ARNs), `secretwrangler/agent` (agent-only reads for small Lambda bundles),
 * `secretwrangler/db` (database logins) and `secretwrangler/otel` (OpenTelemetry). The diagnostics
 * channels ({@link CHANNELS}) and their payloads are here (docs/observability.md).
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
export type {
  CreateSecretOptions,
  DeleteSecretOptions,
  LabelParameterVersionOptions,
  ListSecretsOptions,
  PutParameterOptions,
  PutSecretValueOptions,
  RotateSecretOptions,
  SecretWrites,
  UpdateSecretOptions,
  UpdateSecretVersionStageOptions,
} from "./client/writes.js";
export type {
  BackendEvent,
  CacheOutcome,
  CredentialsEvent,
  ReadEvent,
  RefreshEvent,
  ServedFields,
  TraceResult,
} from "./core/diagnostics.js";
export { CHANNELS } from "./core/diagnostics.js";
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
export type { SecretFilter, SecretFilterKey } from "./transport/filters.js";
export type {
  BatchOptions,
  BatchResult,
  ParameterRecord,
  ParameterType,
  SecretDescription,
  SecretRecord,
  Transport,
} from "./transport/types.js";
export type {
  DeleteSecretResult,
  GetRandomPasswordRequest,
  LabelParameterVersionResult,
  ParameterTier,
  PutParameterResult,
  RotationRules,
  SecretIdentity,
  SecretListEntry,
  SecretTags,
  SecretWriteResult,
  SecretWriteValue,
  WriteCallOptions,
} from "./transport/writes.js";
export { agentTransport } from "./transports/agent/transport.js";
export { autoTransport } from "./transports/auto.js";
export { fileTransport } from "./transports/file.js";
export { memoryTransport } from "./transports/memory.js";
export { sdkTransport } from "./transports/sdk/transport.js";
export type { WatchHandle } from "./watch/types.js";
