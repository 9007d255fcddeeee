/**
 * `secretwrangler/agent`: secrets through the AWS Secrets Manager Agent or the AWS Parameters and
 * Secrets Lambda Extension, and nothing else. A subpath of its own because the root entry's client
 * brings the cache, Parameter Store, the other transports and the AWS SDK loaders: a Lambda handler
 * bundled from this entry stays a few KB. It loads neither the AWS SDK nor zod.
 *
 * Every public export is listed here by name.
 *
 * @module secretwrangler/agent
 */

export type { AgentReader } from "./client/agent-reader.js";
export { createAgentReader } from "./client/agent-reader.js";
export type { SecretsErrorCode, SecretsErrorIssue } from "./core/errors.js";
export { ArgumentError, isSecretsError, SecretsError } from "./core/errors.js";
export type { InferSchemaOutput, StandardSchemaV1 } from "./core/schema.js";
export type { DeepReadonly, ReadOptions } from "./read/options.js";
export type {
  Freshness,
  ParameterRecord,
  ParameterRequest,
  ParameterType,
  SecretRecord,
  SecretRequest,
  SecretVersionOptions,
  Transport,
} from "./transport/types.js";
export type { AgentFlavor, AgentTransport, AgentTransportOptions } from "./transports/agent/transport.js";
export { agentTransport } from "./transports/agent/transport.js";
