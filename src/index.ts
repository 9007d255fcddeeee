/**
 * secretwrangler: typed, fast, safe secrets for Node from AWS Secrets Manager, SSM Parameter Store
 * and the Secrets Manager Agent / Lambda extension.
 *
 * Every public export is listed here by name.
 *
 * @module secretwrangler
 */

export type { CachedReadOptions, CachedTransport, CacheReadOptions } from "./cache/cached-transport.js";
export { cachedTransport } from "./cache/cached-transport.js";
export type { CacheErrorEvent, CacheOptions } from "./cache/options.js";
// DB secrets (schemas, adapters, getDbSecret, connectWithDbSecret) live in "secretwrangler/db": they load zod.
export type { SecretsErrorCode, SecretsErrorIssue, SecretsErrorOptions } from "./errors.js";
export { ArgumentError, isSecretsError, SecretsError } from "./errors.js";
export type { LocalParameterValue, SetParameterOptions } from "./parameters/local-store.js";
export type {
  ParameterKeyStyle,
  ParameterMap,
  ParameterReadOptions,
  ParametersByPathReadOptions,
  ParametersReadOptions,
  ParameterTree,
  ParameterValue,
  ParameterValueOf,
} from "./parameters/types.js";
export type { InferSchemaOutput, StandardSchemaV1 } from "./schema.js";
export type {
  BatchReadOptions,
  ReadOptions,
  SchemaReadOptions,
  SecretsClient,
  SecretsClientOptions,
  SecretValue,
} from "./secrets/client.js";
export { createSecretsClient } from "./secrets/client.js";
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
} from "./secrets/default-client.js";
export type { Arn } from "./session/arn.js";
export { buildArn, iamRoleArn, parseArn } from "./session/arn.js";
export type { AwsCredentials } from "./session/credential-cache.js";
export type { AwsPartition } from "./session/partition.js";
export { AWS_PARTITIONS, isAwsPartition, partitionDnsSuffix, partitionForRegion } from "./session/partition.js";
export type {
  AssumeRoleOptions,
  AssumeRoleTarget,
  AwsSessionOptions,
  AwsSessionSettings,
} from "./session/session.js";
export { AwsSession } from "./session/session.js";
export type { CallerIdentity } from "./session/sts.js";
export type { AgentFlavor, AgentTransport, AgentTransportOptions } from "./transports/agent.js";
export { agentTransport } from "./transports/agent.js";
export type { AutoTransportDecision, AutoTransportOptions } from "./transports/auto.js";
export { autoTransport } from "./transports/auto.js";
export type {
  AwsClientConfigOptions,
  AwsClientFactory,
  AwsClientInstanceOption,
  AwsClientOptions,
  AwsCredentialsInput,
} from "./transports/aws-client.js";
export type { SecretsFile } from "./transports/file.js";
export { fileTransport } from "./transports/file.js";
export type { ResolveTransportOptions, TransportSpec } from "./transports/from-env.js";
export { resolveTransport, TRANSPORT_ENV } from "./transports/from-env.js";
export type { MemoryTransport, MemoryTransportOptions } from "./transports/memory.js";
export { memoryTransport } from "./transports/memory.js";
export type { LocalSecretValue, SetSecretOptions } from "./transports/memory-store.js";
export type { SdkTransportClientOptions, SdkTransportConfigOptions, SdkTransportOptions } from "./transports/sdk.js";
export { sdkTransport } from "./transports/sdk.js";
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
} from "./transports/types.js";
