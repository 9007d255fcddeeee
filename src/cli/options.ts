/**
 * The flags every command shares, and the client they build. The CLI reads through the same client
 * and transports as the library; its cache is off, since each run makes one read.
 */
import { type ParseArgsConfig, parseArgs } from "node:util";
import { SecretsError } from "../errors.js";
import { createSecretsClient, type SecretsClient } from "../secrets/client.js";
import { resolveTransport, TRANSPORT_ENV } from "../transports/from-env.js";
import { sdkTransport } from "../transports/sdk.js";
import type { Transport } from "../transports/types.js";

/** Flags shared by every command. */
export const COMMON_OPTIONS = {
  transport: { type: "string" },
  region: { type: "string" },
  profile: { type: "string" },
  "role-arn": { type: "string" },
  endpoint: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const satisfies ParseArgsConfig["options"];

/** Help lines for {@link COMMON_OPTIONS}. */
export const COMMON_HELP = `Common options:
  --transport <t>   sdk | agent | auto | file:<path> (default: $${TRANSPORT_ENV}, else sdk)
  --region <r>      AWS region (default: the SDK's resolution, e.g. AWS_REGION)
  --profile <p>     shared-config profile for the sdk transport
  --role-arn <arn>  role to assume for the sdk transport
  --endpoint <url>  endpoint override for the sdk transport
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

function sdkFlagsGiven(flags: CommonFlags): boolean {
  return [flags.region, flags.profile, flags["role-arn"], flags.endpoint].some((value) => value !== undefined);
}

/** The transport the flags (or the environment) select. */
export function transportFromFlags(flags: CommonFlags): Transport {
  const spec = flags.transport ?? process.env[TRANSPORT_ENV] ?? "sdk";
  if (spec === "sdk" && sdkFlagsGiven(flags)) {
    return sdkTransport({ region: flags.region, endpoint: flags.endpoint });
  }
  if (spec !== "sdk" && sdkFlagsGiven(flags)) {
    throw new SecretsError({
      code: "CONFIG",
      operation: "cli",
      detail: `--region, --profile, --role-arn and --endpoint apply to the sdk transport, not "${spec}"`,
    });
  }
  return resolveTransport(spec);
}

/** A cache-less client for one CLI run. */
export function clientFromFlags(flags: CommonFlags): SecretsClient {
  return createSecretsClient({ transport: transportFromFlags(flags) });
}
