/**
 * `secretwrangler doctor`: checks what a read needs, the way a read does it, and agrees with `get`
 * on every setup: the transport spec (through the library's one parser); for the agent, that it
 * answers and accepts the token (one read of an id no secret can have, which the agent
 * authenticates); for a file, that it is readable and well-formed; for the SDK, that its client
 * package loads, the region and the credentials resolve as the client resolves them, and, when
 * `@aws-sdk/client-sts` is installed, who the caller is. Prints no secret, key or token.
 */
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { partitionForRegion } from "../../aws/partition.js";
import { lazySdk } from "../../aws/sdk-client.js";
import { sdkError } from "../../aws/sdk-errors.js";
import { AwsSession } from "../../aws/session/session.js";
import { isSecretsError, type SecretsErrorCode } from "../../core/errors.js";
import { escapeControl } from "../../core/text.js";
import type { Transport } from "../../transport/types.js";
import { type AgentTransport, agentTokenEnv, agentTransport } from "../../transports/agent/transport.js";
import { chooseAgentOrSdk } from "../../transports/auto.js";
import { SECRETS_MANAGER_SDK, SSM_SDK } from "../../transports/sdk/transport.js";
import { EXIT_CODES, EXIT_USAGE } from "../exit-codes.js";
import { type CliSetup, COMMON_HELP, parseCommand, setupFromFlags, specText, transportOf } from "../options.js";
import type { CliIo } from "../output.js";

/** Help text of `doctor`. */
export const DOCTOR_HELP: string = `Usage: secretwrangler doctor [options]

Checks what a read needs, the way a read does it, without reading any secret:
  - the transport that would be used and why (for auto: which one it would choose);
  - agent: that it answers on its port and accepts the token (one request for an id no secret
    can have: the agent checks the token first);
  - file: that the file is readable and well-formed;
  - sdk: that @aws-sdk/client-secrets-manager loads, that the region and the credentials resolve
    as the SDK client resolves them, and the caller identity (STS GetCallerIdentity; skipped
    without @aws-sdk/client-sts, which reads do not need).
Prints no secret, key or token. Exits 0 when every check passes, else with the exit code of the
first failure: the code "get" would exit with on the same setup.

${COMMON_HELP}`;

/** An id no secret can have (a space and parentheses are not allowed in secret names). */
export const DOCTOR_PROBE_ID = "secretwrangler doctor probe (no such secret)";

interface Report {
  readonly lines: string[];
  firstFailure: SecretsErrorCode | undefined;
}

function line(report: Report, label: string, text: string): void {
  // Escaped: an id, a spec or a path with control characters would forge report lines.
  report.lines.push(`${`${label}:`.padEnd(13)}${escapeControl(text)}`);
}

function fail(report: Report, label: string, code: SecretsErrorCode, text: string): void {
  line(report, label, `FAIL (${code}) ${text}`);
  report.firstFailure ??= code;
}

/** Runs a check; a library error is a failed line with its code, anything else is rethrown. */
async function attempt(report: Report, label: string, check: () => Promise<void>): Promise<boolean> {
  try {
    await check();
    return true;
  } catch (error) {
    if (!isSecretsError(error)) throw error;
    fail(report, label, error.code, error.message);
    return false;
  }
}

/** Answers to the probe that mean the agent took the token and went on to the id. */
const TOKEN_ACCEPTED: ReadonlySet<SecretsErrorCode> = new Set(["NOT_FOUND", "INVALID_REQUEST", "ACCESS_DENIED"]);

/** The agent checks: it answers, and it accepts the token, as a read would send it. */
async function checkAgent(report: Report, agent: AgentTransport): Promise<void> {
  const names = agentTokenEnv({});
  const tokenName = names.find((name) => process.env[name] !== undefined);
  if (!(await agent.ping({ timeoutMs: 1_000 }))) {
    fail(report, "agent", "AGENT_UNREACHABLE", `nothing answers on ${agent.endpoint}`);
    return;
  }
  line(report, "agent", `answers on ${agent.endpoint}`);
  try {
    // The agent checks the token before anything else: a not-found (or a refused id) means it took it.
    await agent.getSecretValue({ id: DOCTOR_PROBE_ID });
  } catch (error) {
    if (!isSecretsError(error)) throw error;
    const { code, message } = error;
    if (!TOKEN_ACCEPTED.has(code)) {
      fail(report, "agent token", code, message);
      return;
    }
  }
  line(report, "agent token", `accepted by the agent${tokenName === undefined ? "" : ` (from ${tokenName})`}`);
}

/** The file check: a read of an id no file holds; NOT_FOUND means the file is there and well-formed. */
async function checkFile(report: Report, transport: Transport): Promise<void> {
  try {
    await transport.getSecretValue({ id: DOCTOR_PROBE_ID });
    line(report, "file", "readable and well-formed");
  } catch (error) {
    if (!isSecretsError(error)) throw error;
    if (error.code === "NOT_FOUND") line(report, "file", "readable and well-formed");
    else fail(report, "file", error.code, error.message);
  }
}

/**
 * The SDK checks, on the Secrets Manager client built as the sdk transport builds it (the same
 * package, session and endpoint): the package loads, the region and the credentials resolve.
 */
async function checkSdk(report: Report, setup: CliSetup): Promise<void> {
  const sdk = lazySdk(SECRETS_MANAGER_SDK, { session: setup.session, endpoint: setup.endpoint });
  try {
    let client: SecretsManagerClient | undefined;
    const loaded = await attempt(report, "sdk", async () => {
      client = (await sdk.get()).client;
      line(report, "sdk", `${SECRETS_MANAGER_SDK.packageName} loads`);
    });
    if (!loaded || client === undefined) return;
    await checkSsmPackage(report);
    const config = client.config;
    let region: string | undefined;
    const regionOk = await attempt(report, "region", async () => {
      try {
        region = await config.region();
      } catch (error) {
        throw sdkError(error, { operation: "resolveRegion", transport: "sdk" });
      }
      const partition = region === undefined ? "unknown" : partitionForRegion(region);
      line(report, "region", `${region} (partition ${partition})`);
    });
    if (!regionOk) return;
    const provider = config.credentials;
    const source = setup.session?.toJSON().source ?? "the SDK default chain";
    const credentialsOk = await attempt(report, "credentials", async () => {
      try {
        await provider();
      } catch (error) {
        throw sdkError(error, { operation: "loadCredentials", transport: "sdk" });
      }
      line(report, "credentials", `${source}: resolved`);
    });
    if (!credentialsOk) return;
    await checkIdentity(report, setup.session ?? new AwsSession({ region, credentials: () => provider() }));
  } finally {
    sdk.close();
  }
}

/** Reports whether `@aws-sdk/client-ssm` loads: only the parameter commands need it. */
async function checkSsmPackage(report: Report): Promise<void> {
  try {
    await SSM_SDK.load();
    line(report, "ssm", `${SSM_SDK.packageName} loads`);
  } catch {
    line(report, "ssm", "skipped: install @aws-sdk/client-ssm for get-parameter, get-parameters-by-path, --parameters");
  }
}

/**
 * The caller identity. Reads do not call STS, so only an answer that says the credentials are
 * rejected (GetCallerIdentity needs no permission: `ACCESS_DENIED` there is a rejected key, as a read
 * would meet it) fails; a missing `@aws-sdk/client-sts` or an unreachable STS skips the check.
 */
async function checkIdentity(report: Report, session: AwsSession): Promise<void> {
  try {
    const identity = await session.whoami();
    line(report, "identity", `${identity.arn} (account ${identity.account})`);
  } catch (error) {
    if (!isSecretsError(error)) throw error;
    if (error.code === "CONFIG" && error.operation === "loadSdk") {
      line(report, "identity", "skipped: install @aws-sdk/client-sts to check the identity");
    } else if (error.code === "CREDENTIALS" || error.code === "ACCESS_DENIED") {
      fail(report, "identity", error.code, error.message);
    } else {
      line(report, "identity", `not checked (${error.code}; reads do not call STS): ${error.message}`);
    }
  }
}

/** Runs `doctor`. */
export async function doctorCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand(args, {});
  if (values.help || positionals.length > 0) {
    io.stdout.write(`${DOCTOR_HELP}\n`);
    return values.help ? 0 : EXIT_USAGE;
  }
  const report: Report = { lines: [], firstFailure: undefined };
  const done = (): number => {
    io.stdout.write(`${report.lines.join("\n")}\n`);
    return report.firstFailure === undefined ? 0 : EXIT_CODES[report.firstFailure];
  };
  // The same checks as every other command: a refused flag is a usage error (exit 2) from main.
  let setup: CliSetup;
  try {
    setup = setupFromFlags(values);
  } catch (error) {
    if (!isSecretsError(error)) throw error;
    fail(report, "transport", error.code, error.message);
    return done();
  }
  line(report, "transport", `${specText(setup.spec)} (from ${setup.from})`);
  const name = setup.spec.name;
  if (name === "file") {
    const transport = transportOf(setup);
    try {
      await checkFile(report, transport);
    } finally {
      await transport.close?.();
    }
  } else if (name === "agent" || name === "auto") {
    let agent: AgentTransport;
    try {
      agent = agentTransport();
    } catch (error) {
      // A malformed PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: the agent cannot be built (auto then uses the SDK).
      if (!isSecretsError(error) || name === "agent") throw error;
      line(report, "auto", `would use sdk (invalid agent setup: ${error.message})`);
      await checkSdk(report, setup);
      return done();
    }
    try {
      let use: "agent" | "sdk" = "agent";
      if (name === "auto") {
        const decision = await chooseAgentOrSdk(agent);
        use = decision.transport;
        line(report, "auto", `would use ${use} (${decision.reason})`);
      }
      if (use === "agent") await checkAgent(report, agent);
      else await checkSdk(report, setup);
    } finally {
      agent.close();
    }
  } else {
    await checkSdk(report, setup);
  }
  return done();
}
