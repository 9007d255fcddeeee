/**
 * Turns a transport spec string (`sdk`, `memory`, `file:<path>`, ...) into a transport, so a
 * deployment can switch transports by configuration alone.
 */
import { SecretsError } from "../errors.js";
import { fileTransport } from "./file.js";
import { memoryTransport } from "./memory.js";
import { sdkTransport } from "./sdk.js";
import type { Transport } from "./types.js";

/** The environment variable that names the default transport. */
export const TRANSPORT_ENV = "SECRETWRANGLER_TRANSPORT";

/** A transport named by a string: `"sdk"`, `"memory"` or `"file:<path>"`. */
export type TransportSpec = "sdk" | "memory" | `file:${string}`;

/**
 * The transport a spec names; without a spec, the one `SECRETWRANGLER_TRANSPORT` names, else `sdk`.
 *
 * @example
 * ```ts
 * resolveTransport('file:./secrets.local.json');
 * ```
 */
export function resolveTransport(spec: string | undefined = process.env[TRANSPORT_ENV]): Transport {
  const value = (spec ?? "").trim() || "sdk";
  if (value === "sdk") return sdkTransport();
  if (value === "memory") return memoryTransport();
  if (value.startsWith("file:") && value.length > "file:".length) return fileTransport(value.slice("file:".length));
  throw new SecretsError({
    code: "CONFIG",
    operation: "resolveTransport",
    detail: `unknown transport "${value}"`,
    hint: 'Use "sdk", "memory" or "file:<path>"',
  });
}
