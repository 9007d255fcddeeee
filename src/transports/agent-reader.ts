/**
 * The typed reads of the client (text, JSON with a schema, bytes, metadata) on an agent transport
 * alone, for `secretwrangler/agent`. The full client brings the cache, Parameter Store trees, the
 * transports named by `SECRETWRANGLER_TRANSPORT` and the AWS SDK loaders with it; a Lambda bundle
 * that reads through the agent needs none of them. Decoding and validation are the client's own
 * helpers, so both paths fail with the same value-free errors.
 */
import { type InferSchemaOutput, type StandardSchemaV1, validateWithSchema } from "../schema.js";
import { type DecodeContext, parseJsonText, secretBytes, secretText } from "../secrets/decode.js";
import { deepFreeze } from "../secrets/freeze.js";
import { type AgentTransport, type AgentTransportOptions, agentTransport } from "./agent.js";
import type { SecretRecord, SecretVersionOptions } from "./types.js";

/**
 * Options of one read through an {@link AgentReader}.
 *
 * @example
 * ```ts
 * await reader.getSecret('prod/db', { versionStage: 'AWSPREVIOUS', signal: AbortSignal.timeout(1_000) });
 * ```
 */
export interface AgentReadOptions extends SecretVersionOptions {
  /** Cancels the read. */
  readonly signal?: AbortSignal | undefined;
  /** Bypass the agent's cache (`refreshNow=true`; the Lambda extension has no such switch). */
  readonly forceRefresh?: boolean | undefined;
}

/**
 * Typed reads through one agent transport; see {@link createAgentReader}.
 *
 * @example
 * ```ts
 * const reader: AgentReader = createAgentReader({ port: 2775 });
 * const apiKey = await reader.getSecret('partner/api-key');
 * ```
 */
export interface AgentReader {
  /** The transport the reads go through. */
  readonly transport: AgentTransport;
  /** Reads a secret's text. */
  getSecret(id: string, options?: AgentReadOptions): Promise<string>;
  /** Reads a JSON secret, deep-frozen, validated by the schema when one is given. */
  getSecretJson<S extends StandardSchemaV1>(
    id: string,
    options: AgentReadOptions & { readonly schema: S },
  ): Promise<InferSchemaOutput<S>>;
  getSecretJson<T = unknown>(id: string, options?: AgentReadOptions & { readonly schema?: undefined }): Promise<T>;
  /** Reads a binary secret's bytes. */
  getSecretBinary(id: string, options?: AgentReadOptions): Promise<Uint8Array>;
  /** Reads a secret version with its metadata. */
  getSecretValue(id: string, options?: AgentReadOptions): Promise<SecretRecord>;
  /** Closes the transport's keep-alive sockets. */
  close(): void;
}

/**
 * Typed secret reads through the agent (or the Lambda extension) without the full client: what an
 * AWS Lambda handler needs, in a bundle of a few KB. No cache of its own: the agent caches. Give it
 * agent options, or a transport you built.
 *
 * @example
 * ```ts
 * import { createAgentReader } from 'secretwrangler/agent';
 *
 * const secrets = createAgentReader();
 * export const handler = async () => {
 *   const db = await secrets.getSecretJson('prod/db', { schema: DbSchema });
 * };
 * ```
 */
export function createAgentReader(
  options: AgentTransportOptions | { readonly transport: AgentTransport } = {},
): AgentReader {
  const transport = "transport" in options ? options.transport : agentTransport(options);
  const context = (id: string): DecodeContext => ({ secretId: id, transport: transport.name });
  const fetch = (id: string, read: AgentReadOptions = {}): Promise<SecretRecord> => {
    if (typeof id !== "string" || id === "")
      return Promise.reject(new TypeError("secret id must be a non-empty string"));
    return transport.getSecretValue({
      id,
      versionId: read.versionId,
      versionStage: read.versionStage,
      signal: read.signal,
      forceRefresh: read.forceRefresh,
    });
  };

  async function getSecretJson(
    id: string,
    read: AgentReadOptions & { readonly schema?: StandardSchemaV1 | undefined } = {},
  ): Promise<never> {
    const json = deepFreeze(parseJsonText(secretText(await fetch(id, read), context(id)), context(id)));
    if (read.schema === undefined) return json as never;
    return deepFreeze(await validateWithSchema(read.schema, json, context(id))) as never;
  }

  return {
    transport,
    getSecret: async (id, read) => secretText(await fetch(id, read), context(id)),
    getSecretJson,
    getSecretBinary: async (id, read) => secretBytes(await fetch(id, read), context(id)),
    getSecretValue: (id, read) => fetch(id, read),
    close: () => transport.close(),
  };
}
