/**
 * The typed reads of the client (text, JSON with a schema, bytes, metadata) on an agent transport
 * alone, for `secretwrangler/agent`. The full client brings the cache, Parameter Store trees, the
 * transports named by `SECRETWRANGLER_TRANSPORT` and the AWS SDK loaders with it; a Lambda bundle
 * that reads through the agent needs none of them. The reads are the read pipeline's, the client's
 * own, so both paths fail with the same value-free errors.
 */
import { SecretReader, type SecretReads } from "../read/secret.js";
import { type AgentTransport, type AgentTransportOptions, agentTransport } from "../transports/agent/transport.js";

/**
 * Typed reads through one agent transport; see {@link createAgentReader}. The reads are the
 * `SecretsClient`'s own signatures, so code written against one runs on the other. `forceRefresh`
 * sends `refreshNow=true` (the Lambda extension has no such switch); `maxAgeMs` is always met, since
 * the reader keeps no cache and every value comes from the agent.
 *
 * @example
 * ```ts
 * const reader: AgentReader = createAgentReader({ port: 2775 });
 * const apiKey = await reader.getSecret('partner/api-key');
 * ```
 */
export interface AgentReader
  extends Pick<SecretReads, "getSecret" | "getSecretJson" | "getSecretBinary" | "getSecretValue"> {
  /** The transport the reads go through. */
  readonly transport: AgentTransport;
  /** Closes the transport's keep-alive sockets. */
  close(): void;
}

class DefaultAgentReader extends SecretReader implements AgentReader {
  override readonly transport: AgentTransport;

  constructor(transport: AgentTransport) {
    super(transport);
    this.transport = transport;
  }

  close(): void {
    this.transport.close();
  }
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
  return new DefaultAgentReader("transport" in options ? options.transport : agentTransport(options));
}
