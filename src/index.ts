/**
 * secretwrangler: typed, fast, safe secrets for Node from AWS Secrets Manager, SSM Parameter Store
 * and the Secrets Manager Agent / Lambda extension.
 *
 * Every public export is listed here by name.
 */

export type { SecretsErrorCode, SecretsErrorIssue, SecretsErrorOptions } from "./errors.js";
export { isSecretsError, SecretsError } from "./errors.js";
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
  getDefaultClient,
  getSecret,
  getSecretBinary,
  getSecretJson,
  resetDefaultClient,
} from "./secrets/default-client.js";
export type {
  AwsClientConfigOptions,
  AwsClientFactory,
  AwsClientInstanceOption,
  AwsClientOptions,
  AwsCredentialsInput,
} from "./transports/aws-client.js";
export type { SecretsFile } from "./transports/file.js";
export { fileTransport } from "./transports/file.js";
export type { TransportSpec } from "./transports/from-env.js";
export { resolveTransport, TRANSPORT_ENV } from "./transports/from-env.js";
export type { MemoryTransport } from "./transports/memory.js";
export { memoryTransport } from "./transports/memory.js";
export type { LocalSecretValue, SetSecretOptions } from "./transports/memory-store.js";
export type { SdkTransportOptions } from "./transports/sdk.js";
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
