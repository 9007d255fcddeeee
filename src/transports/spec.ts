/**
 * Transport specs: the strings (`sdk`, `agent`, `file:<path>`, ...) that name a built-in transport,
 * so a deployment can switch transports by configuration alone. The one table of specs and the one
 * parser: the client, the CLI and `doctor` all read specs through here, so they agree on every input.
 */
import type { AwsClientFactory } from "../aws/sdk-client.js";
import { ArgumentError, SecretsError } from "../core/errors.js";
import type { Transport } from "../transport/types.js";
import { agentTransport } from "./agent/transport.js";
import { autoTransport } from "./auto.js";
import { envTransport } from "./env.js";
import { fileTransport } from "./file.js";
import { memoryTransport } from "./memory.js";
import { mountTransport } from "./mount/transport.js";
import { sdkTransport } from "./sdk/transport.js";

/**
 * The environment variable that names the default transport (`SECRETWRANGLER_TRANSPORT`).
 * @example
 * ```ts
 * process.env[TRANSPORT_ENV] = 'file:./secrets.local.json'; // before the first quick call
 * ```
 */
export const TRANSPORT_ENV = "SECRETWRANGLER_TRANSPORT";

/** What the transport a spec names is built with. */
export interface TransportBuildOptions {
  /** The session (`AwsSession`) of the AWS transports (`sdk`, and the SDK fallback of `auto`). */
  readonly session?: AwsClientFactory | undefined;
  /** An endpoint override for the AWS transports. */
  readonly endpoint?: string | undefined;
}

/** One row of the spec table. */
interface SpecEntry {
  /** What follows `name:`, if the spec takes it (`file:<path>`). */
  readonly argument?: string;
  /** Whether `session` and `endpoint` apply. */
  readonly aws: boolean;
  /** Why the CLI cannot use it, if it cannot. */
  readonly notForCli?: string;
  /** Why it cannot write, if it cannot: the `CONFIG` error of a write through it says so. */
  readonly readOnly?: string;
  readonly build: (argument: string, options: TransportBuildOptions) => Transport;
}

/** The names of the built-in transports; with {@link SpecWithArgument}, the spec strings. */
type SpecName = "sdk" | "agent" | "auto" | "memory" | "file" | "mount" | "env";
/** The names that take an argument after a colon (`file:<path>`). */
type SpecWithArgument = "file" | "mount";

/** Every built-in transport a spec can name. A new built-in transport adds its row here and its name above. */
const SPECS: Readonly<Record<SpecName, SpecEntry>> = {
  sdk: { aws: true, build: (_, { session, endpoint }): Transport => sdkTransport({ session, endpoint }) },
  agent: {
    aws: false,
    readOnly:
      "the agent transport is read-only: the Secrets Manager Agent cannot write; write through the sdk transport",
    build: (): Transport => agentTransport(),
  },
  auto: { aws: true, build: (_, { session, endpoint }): Transport => autoTransport({ sdk: { session, endpoint } }) },
  memory: {
    aws: false,
    notForCli: 'the memory transport starts empty in every run; use "file:<path>" for local values',
    build: (): Transport => memoryTransport(),
  },
  file: { argument: "path", aws: false, build: (path): Transport => fileTransport(path) },
  mount: {
    argument: "dir",
    aws: false,
    readOnly: "the mount transport is read-only: the mounted files are the driver's; write through the sdk transport",
    build: (dir): Transport => mountTransport({ dir }),
  },
  env: {
    aws: false,
    readOnly:
      "the env transport is read-only: the environment is set when the process starts; write through the sdk transport",
    build: (): Transport => envTransport(),
  },
};

/**
 * Why the built-in transport of this name cannot write (`agent`, `mount`, `env`), or `undefined`.
 * The client puts it in the `CONFIG` error of a write the transport lacks.
 */
export function readOnlyReason(transportName: string): string | undefined {
  return Object.hasOwn(SPECS, transportName) ? SPECS[transportName as SpecName].readOnly : undefined;
}

/** A transport named by a string: `"sdk"`, `"agent"`, `"auto"`, `"memory"`, `"file:<path>"`, `"mount:<dir>"` or `"env"`. */
export type TransportSpec = Exclude<SpecName, SpecWithArgument> | `${SpecWithArgument}:${string}`;

/** Where a spec came from: an option in code, a CLI flag, or the environment variable. */
export type SpecSource = "option" | "flag" | "env";

/** A parsed spec: which table row, and its argument. */
export interface ParsedSpec {
  readonly name: SpecName;
  /** The argument after `name:`; empty for specs without one. */
  readonly argument: string;
  /** Whether `session` and `endpoint` apply. */
  readonly aws: boolean;
  /** Why the CLI cannot use it, if it cannot. */
  readonly notForCli: string | undefined;
}

/** The specs, as help texts list them: `sdk | agent | auto | memory | file:<path>`. */
export function transportSpecList(forCli = false): string {
  return (Object.entries(SPECS) as [SpecName, SpecEntry][])
    .filter(([, entry]) => !(forCli && entry.notForCli))
    .map(([name, entry]) => (entry.argument ? `${name}:<${entry.argument}>` : name))
    .join(" | ");
}

/** A refused spec: a programming or usage mistake from an option or flag, a setup problem from the environment. */
function refuse(source: SpecSource, detail: string): never {
  const hint = `Use ${transportSpecList(source === "flag")}`;
  if (source !== "env") throw new ArgumentError(`transport: ${detail}. ${hint}`);
  throw new SecretsError({
    code: "CONFIG",
    operation: "resolveTransport",
    detail: `${TRANSPORT_ENV}: ${detail}`,
    hint,
  });
}

/**
 * Parses a spec. Blank (unset, empty or spaces) means `sdk`, wherever it comes from. An unknown spec
 * is an `ArgumentError` from an option or a flag, and `CONFIG` from the environment variable.
 */
export function parseTransportSpec(spec: string | undefined, source: SpecSource): ParsedSpec {
  if (spec !== undefined && typeof spec !== "string")
    throw new ArgumentError("transport must be a string or a Transport");
  const text = (spec ?? "").trim() || "sdk";
  const colon = text.indexOf(":");
  const name = colon === -1 ? text : text.slice(0, colon);
  const argument = colon === -1 ? "" : text.slice(colon + 1);
  const entry = Object.hasOwn(SPECS, name) ? SPECS[name as SpecName] : undefined;
  if (entry === undefined) refuse(source, `unknown transport "${text}"`);
  if (entry.argument !== undefined && argument === "") refuse(source, `"${name}:" needs a ${entry.argument}`);
  if (entry.argument === undefined && colon !== -1) refuse(source, `"${name}" takes no argument`);
  return { name: name as SpecName, argument, aws: entry.aws, notForCli: entry.notForCli };
}

/** The spec in effect: the given one, else `SECRETWRANGLER_TRANSPORT`, parsed with its source. */
export function effectiveTransportSpec(spec: string | undefined, source: Exclude<SpecSource, "env">): ParsedSpec {
  return spec === undefined ? parseTransportSpec(process.env[TRANSPORT_ENV], "env") : parseTransportSpec(spec, source);
}

/** Builds the transport of a parsed spec. */
export function buildTransport(parsed: ParsedSpec, options: TransportBuildOptions = {}): Transport {
  return SPECS[parsed.name].build(parsed.argument, options);
}

/**
 * The transport a spec names; without a spec, the one `SECRETWRANGLER_TRANSPORT` names, else `sdk`.
 *
 * @example
 * ```ts
 * resolveTransport('file:./secrets.local.json');
 * ```
 */
export function resolveTransport(spec?: string, options: TransportBuildOptions = {}): Transport {
  return buildTransport(effectiveTransportSpec(spec, "option"), options);
}
