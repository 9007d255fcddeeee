/**
 * Turns a transport spec string (`sdk`, `memory`, `file:<path>`, ...) into a transport, so a
 * deployment can switch transports by configuration alone.
 */

import type { AwsClientFactory } from "../aws/sdk-client.js";
import { SecretsError } from "../core/errors.js";
import type { Transport } from "../transport/types.js";
import { agentTransport } from "./agent/transport.js";
import { autoTransport } from "./auto.js";
import { fileTransport } from "./file.js";
import { memoryTransport } from "./memory.js";
import { sdkTransport } from "./sdk/transport.js";

/**
 * The environment variable that names the default transport (`SECRETWRANGLER_TRANSPORT`).
 * @example
 * ```ts
 * process.env[TRANSPORT_ENV] = 'file:./secrets.local.json'; // before the first quick call
 * ```
 */
export const TRANSPORT_ENV = "SECRETWRANGLER_TRANSPORT";

/** A transport named by a string: `"sdk"`, `"agent"`, `"auto"`, `"memory"` or `"file:<path>"`. */
export type TransportSpec = "sdk" | "agent" | "auto" | "memory" | `file:${string}`;

/** What the transports a spec names are built with. */
export interface ResolveTransportOptions {
  /** The session (`AwsSession`) the `sdk` transport, and `auto`'s SDK fallback, call AWS with. */
  readonly session?: AwsClientFactory | undefined;
}

/**
 * The transport a spec names; without a spec, the one `SECRETWRANGLER_TRANSPORT` names, else `sdk`.
 *
 * @example
 * ```ts
 * resolveTransport('file:./secrets.local.json');
 * ```
 */
export function resolveTransport(
  spec: string | undefined = process.env[TRANSPORT_ENV],
  options: ResolveTransportOptions = {},
): Transport {
  const value = (spec ?? "").trim() || "sdk";
  if (value === "sdk") return sdkTransport({ session: options.session });
  if (value === "agent") return agentTransport();
  if (value === "auto") return autoTransport({ sdk: { session: options.session } });
  if (value === "memory") return memoryTransport();
  if (value.startsWith("file:") && value.length > "file:".length) return fileTransport(value.slice("file:".length));
  throw new SecretsError({
    code: "CONFIG",
    operation: "resolveTransport",
    detail: `unknown transport "${value}"`,
    hint: 'Use "sdk", "agent", "auto", "memory" or "file:<path>"',
  });
}
