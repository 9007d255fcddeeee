/**
 * The flags every command shares, and the client they build. The CLI reads through the same client
 * and transports as the library; its cache is off, since each run makes one read.
 */
import { type ParseArgsConfig, parseArgs } from "node:util";
import { AwsSession } from "../aws/session/session.js";
import { createSecretsClient, type SecretsClient, type SecretsClientOptions } from "../client/client.js";
import { SecretsError } from "../core/errors.js";
import { autoTransport } from "../transports/auto.js";
import { sdkTransport } from "../transports/sdk/transport.js";
import { TRANSPORT_ENV, type TransportSpec } from "../transports/spec.js";

interface StringFlag {
  readonly type: "string";
}

/** Flags shared by every command. */
export const COMMON_OPTIONS: {
  readonly transport: StringFlag;
  readonly region: StringFlag;
  readonly profile: StringFlag;
  readonly "role-arn": StringFlag;
  readonly endpoint: StringFlag;
  readonly help: { readonly type: "boolean"; readonly short: "h" };
} = {
  transport: { type: "string" },
  region: { type: "string" },
  profile: { type: "string" },
  "role-arn": { type: "string" },
  endpoint: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const satisfies ParseArgsConfig["options"];

/** Help lines for {@link COMMON_OPTIONS}. */
export const COMMON_HELP: string = `Common options:
  --transport <t>   sdk | agent | auto | file:<path> (default: $${TRANSPORT_ENV}, else sdk)
  --region <r>      AWS region (default: the SDK's resolution, e.g. AWS_REGION)
  --profile <p>     shared-config profile for the sdk transport
  --role-arn <arn>  role to assume for the sdk transport
  --endpoint <url>  endpoint override (Secrets Manager and SSM) for the sdk transport
  -h, --help        show help`;

/** The parsed common flags. */
export interface CommonFlags {
  readonly transport?: string | undefined;
  readonly region?: string | undefined;
  readonly profile?: string | undefined;
  readonly "role-arn"?: string | undefined;
  readonly endpoint?: string | undefined;
}

/** A usage error: exit code 2 and the command's help. */
export class UsageError extends Error {
  override readonly name = "UsageError" as const;
}

/** Parses a command's flags (its own plus the common ones); unknown flags are usage errors. */
export function parseCommand<O extends ParseArgsConfig["options"]>(
  args: readonly string[],
  options: O,
): ReturnType<typeof parseArgs<{ args: string[]; options: O & typeof COMMON_OPTIONS; allowPositionals: true }>> {
  try {
    return parseArgs({ args: [...args], options: { ...options, ...COMMON_OPTIONS }, allowPositionals: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** The session the flags describe, if any: a region, a profile, a role assumed on top of them. */
export function sessionFromFlags(flags: CommonFlags): AwsSession | undefined {
  if (flags.region === undefined && flags.profile === undefined && flags["role-arn"] === undefined) return undefined;
  const session = new AwsSession({ region: flags.region, profile: flags.profile });
  return flags["role-arn"] === undefined ? session : session.assumeRole({ roleArn: flags["role-arn"] });
}

/** The client options the flags (or the environment) select. */
export function clientOptionsFromFlags(flags: CommonFlags): SecretsClientOptions {
  const spec = (flags.transport ?? process.env[TRANSPORT_ENV] ?? "sdk").trim();
  if (spec === "memory") {
    throw new SecretsError({
      code: "CONFIG",
      operation: "cli",
      detail: 'the memory transport starts empty in every run; use "file:<path>" for local values',
    });
  }
  const session = sessionFromFlags(flags);
  if ((session !== undefined || flags.endpoint !== undefined) && spec !== "sdk" && spec !== "auto") {
    throw new SecretsError({
      code: "CONFIG",
      operation: "cli",
      detail: `--region, --profile, --role-arn and --endpoint apply to the sdk and auto transports, not "${spec}"`,
    });
  }
  // One read per run: a cache would only add work.
  if (flags.endpoint === undefined) return { transport: spec as TransportSpec, session, cache: false };
  const sdk = { endpoint: flags.endpoint, session };
  return { transport: spec === "auto" ? autoTransport({ sdk }) : sdkTransport(sdk), cache: false };
}

/** A cache-less client for one CLI run. */
export function clientFromFlags(flags: CommonFlags): SecretsClient {
  return createSecretsClient(clientOptionsFromFlags(flags));
}
