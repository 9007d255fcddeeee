/**
 * The flags every command shares, and the client they build. The CLI reads through the same client
 * and transports as the library; its cache is off, since each run makes one read.
 *
 * Refused input follows one rule: a mistake in an argument or a flag (a malformed value, flags that
 * do not go together) is an {@link ArgumentError}, exit 2 (usage); a problem of the environment (an
 * unknown `SECRETWRANGLER_TRANSPORT`, a missing package, an unreadable file) is `CONFIG`, exit 22.
 */
import { type ParseArgsConfig, parseArgs } from "node:util";
import { parseArn } from "../aws/arn.js";
import { AwsSession } from "../aws/session/session.js";
import { createSecretsClient, type SecretsClient, type SecretsClientOptions } from "../client/client.js";
import { ArgumentError, SecretsError } from "../core/errors.js";
import type { Transport } from "../transport/types.js";
import {
  buildTransport,
  effectiveTransportSpec,
  type ParsedSpec,
  TRANSPORT_ENV,
  transportSpecList,
} from "../transports/spec.js";

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
  readonly verbose: { readonly type: "boolean" };
  readonly help: { readonly type: "boolean"; readonly short: "h" };
} = {
  transport: { type: "string" },
  region: { type: "string" },
  profile: { type: "string" },
  "role-arn": { type: "string" },
  endpoint: { type: "string" },
  verbose: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies ParseArgsConfig["options"];

/** Help lines for {@link COMMON_OPTIONS}; the transports listed are the spec table's. */
export const COMMON_HELP: string = `Common options:
  --transport <t>   ${transportSpecList(true)} (default: $${TRANSPORT_ENV}, else sdk)
  --region <r>      AWS region (default: the SDK's resolution, e.g. AWS_REGION)
  --profile <p>     shared-config profile for the sdk transport
  --role-arn <arn>  role to assume for the sdk transport
  --endpoint <url>  endpoint override (Secrets Manager and SSM) for the sdk transport
  --verbose         print each read and backend call (what, from where, how long) to stderr; never values
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

/** The one positional of a command (`what` names it in the error, e.g. `secret id`). */
export function onePositional(positionals: readonly string[], what: string): string {
  const [value, ...extra] = positionals;
  if (value === undefined || extra.length > 0) throw new UsageError(`expected exactly one ${what}`);
  return value;
}

/** A flag's positive whole number (`--version 3`), or `undefined` when the flag is not given. */
export function positiveWholeNumber(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[1-9][0-9]{0,8}$/.test(text)) throw new UsageError(`--${flag} takes a positive whole number`);
  return Number(text);
}

/** The two sides of a repeatable `--flag key=value` (split at the first `=`; the key is not empty). */
export function keyValue(flag: string, text: string): readonly [string, string] {
  const at = text.indexOf("=");
  if (at <= 0) throw new UsageError(`--${flag} takes key=value, got "${text}"`);
  return [text.slice(0, at), text.slice(at + 1)];
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

/** The transport spec in effect for a run, and where it came from. */
export interface CliTransportSpec {
  readonly spec: ParsedSpec;
  /** `--transport`, `SECRETWRANGLER_TRANSPORT` or `the default`. */
  readonly from: string;
  /** Whether the `--transport` flag chose it (then a refusal is a usage error). */
  readonly fromFlag: boolean;
}

/** The spec as text, e.g. `file:./x.json`. */
export function specText(spec: ParsedSpec): string {
  return spec.argument === "" ? spec.name : `${spec.name}:${spec.argument}`;
}

/**
 * Refuses a transport setup: a usage error when the `--transport` flag chose the transport, `CONFIG`
 * when the environment variable did.
 */
function refuseSetup(fromFlag: boolean, detail: string): never {
  if (fromFlag) throw new ArgumentError(detail);
  throw new SecretsError({ code: "CONFIG", operation: "resolveTransport", detail: `${TRANSPORT_ENV}: ${detail}` });
}

/**
 * The spec the flags (or `SECRETWRANGLER_TRANSPORT`) select, read by the library's one parser: blank
 * means `sdk`; an unknown spec is a usage error from the flag and `CONFIG` from the variable; a spec
 * the CLI cannot use (`memory`) likewise.
 */
export function transportFromFlags(flags: CommonFlags): CliTransportSpec {
  const fromFlag = flags.transport !== undefined;
  const spec = effectiveTransportSpec(flags.transport, "flag");
  const from = fromFlag ? "--transport" : process.env[TRANSPORT_ENV] === undefined ? "the default" : TRANSPORT_ENV;
  if (spec.notForCli !== undefined) refuseSetup(fromFlag, `transport "${spec.name}": ${spec.notForCli}`);
  return { spec, from, fromFlag };
}

/** A region as AWS names them: lower-case letters, digits and dashes (`us-east-1`). */
const REGION = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
/** Control characters, which no profile name holds. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: that is what it matches
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Checks the values of the AWS flags; a malformed one is a usage error (exit 2). */
function checkAwsFlags(flags: CommonFlags): void {
  if (flags.region !== undefined && !REGION.test(flags.region)) {
    throw new ArgumentError("--region takes a region name such as us-east-1 (lower-case letters, digits, -)");
  }
  if (flags.profile !== undefined && (flags.profile === "" || CONTROL.test(flags.profile))) {
    throw new ArgumentError("--profile takes a profile name (not empty, no control characters)");
  }
  const roleArn = flags["role-arn"];
  if (roleArn !== undefined) {
    let ok: boolean;
    try {
      const arn = parseArn(roleArn);
      ok = arn.service === "iam" && arn.resource.startsWith("role/") && arn.resource.length > "role/".length;
    } catch {
      ok = false;
    }
    if (!ok) throw new ArgumentError("--role-arn takes an IAM role ARN (arn:<partition>:iam::<account>:role/<name>)");
  }
  if (flags.endpoint !== undefined) {
    let ok: boolean;
    try {
      const url = new URL(flags.endpoint);
      ok = (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
    } catch {
      ok = false;
    }
    if (!ok) throw new ArgumentError("--endpoint takes an http:// or https:// URL");
  }
}

/** The session the flags describe, if any: a region, a profile, a role assumed on top of them. */
export function sessionFromFlags(flags: CommonFlags): AwsSession | undefined {
  checkAwsFlags(flags);
  if (flags.region === undefined && flags.profile === undefined && flags["role-arn"] === undefined) return undefined;
  const session = new AwsSession({ region: flags.region, profile: flags.profile });
  return flags["role-arn"] === undefined ? session : session.assumeRole({ roleArn: flags["role-arn"] });
}

/** Whether any of the AWS flags is given. */
function hasAwsFlags(flags: CommonFlags): boolean {
  return (
    flags.region !== undefined ||
    flags.profile !== undefined ||
    flags["role-arn"] !== undefined ||
    flags.endpoint !== undefined
  );
}

/** What a run reads through: the spec, where it came from, and the session the AWS flags build. */
export interface CliSetup extends CliTransportSpec {
  readonly session: AwsSession | undefined;
  readonly endpoint: string | undefined;
}

/** Checks the flags and the spec together: the AWS flags apply to the AWS transports only. */
export function setupFromFlags(flags: CommonFlags): CliSetup {
  const chosen = transportFromFlags(flags);
  checkAwsFlags(flags);
  if (hasAwsFlags(flags) && !chosen.spec.aws) {
    refuseSetup(
      chosen.fromFlag,
      `--region, --profile, --role-arn and --endpoint apply to the AWS transports, not "${chosen.spec.name}"`,
    );
  }
  return { ...chosen, session: sessionFromFlags(flags), endpoint: flags.endpoint };
}

/** The transport of a setup, built by the spec table. */
export function transportOf(setup: CliSetup): Transport {
  return buildTransport(setup.spec, { session: setup.session, endpoint: setup.endpoint });
}

/** The client options the flags (or the environment) select. */
export function clientOptionsFromFlags(flags: CommonFlags): SecretsClientOptions {
  // One read per run: a cache would only add work.
  return { transport: transportOf(setupFromFlags(flags)), cache: false };
}

/** A cache-less client for one CLI run. */
export function clientFromFlags(flags: CommonFlags): SecretsClient {
  return createSecretsClient(clientOptionsFromFlags(flags));
}

/** Runs `call` with the client of {@link clientFromFlags}, and closes the client after. */
export async function withClient<T>(flags: CommonFlags, call: (client: SecretsClient) => Promise<T>): Promise<T> {
  const client = clientFromFlags(flags);
  try {
    return await call(client);
  } finally {
    await client.close();
  }
}
