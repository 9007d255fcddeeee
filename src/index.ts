/**
 * secretwrangler: typed, fast, safe secrets for Node from AWS Secrets Manager, SSM Parameter Store
 * and the Secrets Manager Agent / Lambda extension.
 *
 * Every public export is listed here by name.
 *
 * @module secretwrangler
 */

export type { Arn } from "./aws/arn.js";
export { buildArn, iamRoleArn, parseArn } from "./aws/arn.js";
export type { AwsPartition } from "./aws/partition.js";
export { AWS_PARTITIONS, isAwsPartition, partitionDnsSuffix, partitionForRegion } from "./aws/partition.js";
export type {
  AwsClientConfigOptions,
  AwsClientFactory,
  AwsClientInstanceOption,
  AwsClientOptions,
  AwsCredentialsInput,
} from "./aws/sdk-client.js";
export type { AwsCredentials } from "./aws/session/credential-cache.js";
export type {
  AssumeRoleOptions,
  AssumeRoleTarget,
  AwsSessionOptions,
  AwsSessionSettings,
} from "./aws/session/session.js";
export { AwsSession } from "./aws/session/session.js";
export type { CallerIdentity } from "./aws/session/sts.js";
export type { CachedReadOptions, CachedTransport, CacheReadOptions } from "./cache/cached-transport.js";
export { cachedTransport } from "./cache/cached-transport.js";
export type { CacheErrorEvent, CacheOptions } from "./cache/options.js";
export type {
  BatchReadOptions,
  ReadOptions,
  SchemaReadOptions,
  SecretsClient,
  SecretsClientOptions,
  SecretValue,
} from "./client/client.js";
export { createSecretsClient } from "./client/client.js";
export {
  clearCaches,
  getDefaultClient,
  getParameter,
  getParameters,
  getParametersByPath,
  getSecret,
  getSecretBinary,
  getSecretJson,
  resetDefaultClient,
} from "./client/default-client.js";
// DB secrets (schemas, adapters, getDbSecret, connectWithDbSecret) live in "secretwrangler/db": they load zod.
export type { SecretsErrorCode, SecretsErrorIssue, SecretsErrorOptions } from "./core/errors.js";
export { ArgumentError, isSecretsError, SecretsError } from "./core/errors.js";
export type { InferSchemaOutput, StandardSchemaV1 } from "./core/schema.js";
export type {
  ParameterKeyStyle,
  ParameterMap,
  ParameterReadOptions,
  ParametersByPathReadOptions,
  ParametersReadOptions,
  ParameterTree,
  ParameterValue,
  ParameterValueOf,
} from "./read/parameter-options.js";
export type {
  BatchOptions,
  BatchResult,
  ParameterRecord,
  ParameterRequest,
  ParametersByPathOptions,
  ParameterType,
  SecretRecord,
  SecretRequest,
  SecretVersionOptions,
  Transport,
} from "./transport/types.js";
export type { AgentFlavor, AgentTransport, AgentTransportOptions } from "./transports/agent/transport.js";
export { agentTransport } from "./transports/agent/transport.js";
export type { AutoTransportDecision, AutoTransportOptions } from "./transports/auto.js";
export { autoTransport } from "./transports/auto.js";
export type { SecretsFile } from "./transports/file.js";
export { fileTransport } from "./transports/file.js";
export type { LocalParameterValue, SetParameterOptions } from "./transports/local/parameter-store.js";
export type { LocalSecretValue, SetSecretOptions } from "./transports/local/secret-store.js";
export type { MemoryTransport, MemoryTransportOptions } from "./transports/memory.js";
export { memoryTransport } from "./transports/memory.js";
export type {
  SdkTransportClientOptions,
  SdkTransportConfigOptions,
  SdkTransportOptions,
} from "./transports/sdk/transport.js";
export { sdkTransport } from "./transports/sdk/transport.js";
export type { ResolveTransportOptions, TransportSpec } from "./transports/spec.js";
export { resolveTransport, TRANSPORT_ENV } from "./transports/spec.js";
