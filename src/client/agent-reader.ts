/**
 * The typed reads of the client (text, JSON with a schema, bytes, metadata) on an agent transport
 * alone, for `secretwrangler/agent`. The full client brings the cache, Parameter Store trees, the
 * transports named by `SECRETWRANGLER_TRANSPORT` and the AWS SDK loaders with it; a Lambda bundle
 * that reads through the agent needs none of them. Decoding and validation are the client's own
 * helpers, so both paths fail with the same value-free errors.
 */

import { deepFreeze } from "../core/freeze.js";
import { type StandardSchemaV1, validateWithSchema } from "../core/schema.js";
import { type DecodeContext, parseJsonText, secretBytes, secretText } from "../read/decode.js";
import { secretRequest } from "../read/request.js";
import type { SecretRecord } from "../transport/types.js";
import { type AgentTransport, type AgentTransportOptions, agentTransport } from "../transports/agent/transport.js";
import type { ReadOptions, SecretsClient } from "./client.js";

/**
 * Options of one read through an {@link AgentReader}: the client's `ReadOptions`. `forceRefresh`
 * sends `refreshNow=true` (the Lambda extension has no such switch); `maxAgeMs` is always met, since
 * the reader keeps no cache and every value comes from the agent.
 *
 * @example
 * ```ts
 * await reader.getSecret('prod/db', { versionStage: 'AWSPREVIOUS', signal: AbortSignal.timeout(1_000) });
 * ```
 */
export type AgentReadOptions = ReadOptions;

/**
 * Typed reads through one agent transport; see {@link createAgentReader}. The reads are the
 * `SecretsClient`'s own signatures, so code written against one runs on the other.
 *
 * @example
 * ```ts
 * const reader: AgentReader = createAgentReader({ port: 2775 });
 * const apiKey = await reader.getSecret('partner/api-key');
 * ```
 */
export interface AgentReader
  extends Pick<SecretsClient, "getSecret" | "getSecretJson" | "getSecretBinary" | "getSecretValue"> {
  /** The transport the reads go through. */
  readonly transport: AgentTransport;
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
  const fetch = async (id: string, read?: AgentReadOptions): Promise<SecretRecord> =>
    transport.getSecretValue(secretRequest(id, read));

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
