/**
 * `secretwrangler/transports`: what it takes to build, configure or write a transport. The
 * transport contract (requests, records, freshness), each built-in transport's options, the spec
 * strings and their parser, and `SecretsErrorOptions` for errors of your own. The factories are
 * exported from the root entry too.
 *
 * Every public export is listed here by name.
 *
 * @module secretwrangler/transports
 */

export type { CachedTransport } from "./cache/cached-transport.js";
export { cachedTransport } from "./cache/cached-transport.js";
export type { PrefetchRequest, PrefetchResult } from "./cache/prefetch.js";
export type { SecretsErrorOptions } from "./core/errors.js";
export type { SecretFilter, SecretFilterKey } from "./transport/filters.js";
export type {
  BatchOptions,
  BatchResult,
  DescribeSecretRequest,
  Freshness,
  ParameterRecord,
  ParameterRequest,
  ParametersByPathOptions,
  ParameterType,
  SecretDescription,
  SecretRecord,
  SecretRequest,
  SecretVersionOptions,
  Transport,
} from "./transport/types.js";
export type {
  CreateSecretRequest,
  DeleteParameterRequest,
  DeleteSecretRequest,
  DeleteSecretResult,
  GetRandomPasswordRequest,
  LabelParameterVersionRequest,
  LabelParameterVersionResult,
  ListSecretsRequest,
  ParameterTier,
  PutParameterRequest,
  PutParameterResult,
  PutSecretValueRequest,
  RotateSecretRequest,
  RotationRules,
  SecretIdentity,
  SecretIdRequest,
  SecretListEntry,
  SecretListPage,
  SecretTags,
  SecretValueFields,
  SecretWriteResult,
  TagSecretRequest,
  UntagSecretRequest,
  UpdateSecretRequest,
  UpdateSecretVersionStageRequest,
  WriteMethod,
} from "./transport/writes.js";
export { checkWriteRequest } from "./transport/writes.js";
export type { AgentFlavor, AgentTransport, AgentTransportOptions } from "./transports/agent/transport.js";
export { agentTransport } from "./transports/agent/transport.js";
export type { AutoTransportDecision, AutoTransportOptions } from "./transports/auto.js";
export { autoTransport } from "./transports/auto.js";
export type { EnvTransportOptions } from "./transports/env.js";
export { ENV_MAP_VARIABLE, envTransport } from "./transports/env.js";
export type { FileTransportOptions, SecretsFile } from "./transports/file.js";
export { fileTransport } from "./transports/file.js";
export type { LocalParameterValue, SetParameterOptions } from "./transports/local/parameter-store.js";
export type { LocalSecretValue, SetSecretOptions } from "./transports/local/secret-store.js";
export type { MemoryTransport, MemoryTransportOptions } from "./transports/memory.js";
export { memoryTransport } from "./transports/memory.js";
export type {
  MountedFile,
  MountedFileType,
  MountTransport,
  MountTransportOptions,
} from "./transports/mount/transport.js";
export { mountTransport } from "./transports/mount/transport.js";
export type {
  SdkFailoverRegion,
  SdkTransportClientOptions,
  SdkTransportConfigOptions,
  SdkTransportOptions,
} from "./transports/sdk/transport.js";
export { sdkTransport } from "./transports/sdk/transport.js";
export type { TransportBuildOptions, TransportSpec } from "./transports/spec.js";
export { resolveTransport, TRANSPORT_ENV } from "./transports/spec.js";
