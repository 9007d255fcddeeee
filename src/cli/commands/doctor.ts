/**
 * `secretwrangler doctor`: which transport would be used and why, whether the agent answers and a
 * token is found, which credentials, region and partition the AWS session resolves, and who the
 * caller is. Prints no secret, key or token.
 */

import { AwsSession } from "../../aws/session/session.js";
import type { SecretsClient } from "../../client/client.js";
import { isSecretsError, type SecretsErrorCode } from "../../core/errors.js";
import { agentTokenEnv, agentTransport } from "../../transports/agent/transport.js";
import { chooseAgentOrSdk } from "../../transports/auto.js";
import { TRANSPORT_ENV } from "../../transports/spec.js";
import { EXIT_CODES } from "../exit-codes.js";
import { COMMON_HELP, type CommonFlags, clientFromFlags, parseCommand, sessionFromFlags } from "../options.js";
import type { CliIo } from "../output.js";

/** Help text of `doctor`. */
export const DOCTOR_HELP: string = `Usage: secretwrangler doctor [options]

Checks the setup without reading any secret: the transport that would be used and why, whether
the agent answers on its port and a token is found, the AWS region, partition and credential
source, and the caller identity (STS GetCallerIdentity). Prints no secret, key or token.
Exits 0 when every check passes, else with the exit code of the first failure.

${COMMON_HELP}`;

interface Report {
  readonly lines: string[];
  firstFailure: SecretsErrorCode | undefined;
}

function line(report: Report, label: string, text: string): void {
  report.lines.push(`${`${label}:`.padEnd(13)}${text}`);
}

function fail(report: Report, label: string, code: SecretsErrorCode, text: string): void {
  line(report, label, `FAIL (${code}) ${text}`);
  report.firstFailure ??= code;
}

/** The agent checks; with `auto`, an absent agent is a normal outcome, not a failure. */
async function checkAgent(report: Report, required: boolean): Promise<"agent" | "sdk"> {
  const agent = agentTransport();
  const problem = (label: string, code: SecretsErrorCode, text: string) =>
    required ? fail(report, label, code, text) : line(report, label, `no: ${text}`);
  try {
    const names = agentTokenEnv({});
    const tokenName = names.find((name) => process.env[name] !== undefined);
    if (tokenName === undefined) problem("agent token", "AGENT_TOKEN", `none of ${names.join(", ")} is set`);
    else line(report, "agent token", `found in ${tokenName}`);
    if (await agent.ping({ timeoutMs: 1_000 })) line(report, "agent", `answers on ${agent.endpoint}`);
    else problem("agent", "AGENT_UNREACHABLE", `nothing answers on ${agent.endpoint}`);
    return (await chooseAgentOrSdk(agent)).transport;
  } finally {
    agent.close();
  }
}

async function checkAws(report: Report, flags: CommonFlags): Promise<void> {
  let session: AwsSession;
  try {
    session = sessionFromFlags(flags) ?? new AwsSession();
    const { region, partition, source } = session.toJSON();
    line(
      report,
      "region",
      region === undefined ? "(none: set AWS_REGION or --region)" : `${region} (partition ${partition})`,
    );
    line(report, "credentials", source);
  } catch (error) {
    if (!isSecretsError(error)) throw error;
    fail(report, "session", error.code, error.message);
    return;
  }
  try {
    const identity = await session.whoami();
    line(report, "identity", `${identity.arn} (account ${identity.account})`);
  } catch (error) {
    if (!isSecretsError(error)) throw error;
    fail(report, "identity", error.code, error.message);
  }
}

/** Runs `doctor`. */
export async function doctorCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand(args, {});
  if (values.help || positionals.length > 0) {
    io.stdout.write(`${DOCTOR_HELP}\n`);
    return values.help ? 0 : 2;
  }
  const report: Report = { lines: [], firstFailure: undefined };
  const spec = (values.transport ?? process.env[TRANSPORT_ENV] ?? "sdk").trim();
  // Escaped: control characters would forge report lines.
  const shown = JSON.stringify(spec).slice(1, -1);
  const why = values.transport ? "--transport" : process.env[TRANSPORT_ENV] ? TRANSPORT_ENV : "the default";
  let client: SecretsClient;
  try {
    // The same checks as every other command: the spec, and which flags go with it.
    client = clientFromFlags(values);
    line(report, "transport", `${shown} (from ${why})`);
  } catch (error) {
    if (!isSecretsError(error)) throw error;
    fail(report, "transport", error.code, `${shown} (from ${why}): ${error.message}`);
    io.stdout.write(`${report.lines.join("\n")}\n`);
    return EXIT_CODES[error.code];
  }
  let effective = spec;
  if (spec === "agent" || spec === "auto") {
    const choice = await checkAgent(report, spec === "agent");
    if (spec === "auto") {
      effective = choice;
      line(report, "auto", `would use ${choice}`);
    }
  }
  if (spec.startsWith("file:")) {
    try {
      // A read of an id no file holds: NOT_FOUND means the file is there and well-formed.
      await client.getSecret("secretwrangler-doctor-probe");
      line(report, "file", "readable");
    } catch (error) {
      if (!isSecretsError(error)) throw error;
      if (error.code === "NOT_FOUND") line(report, "file", "readable and well-formed");
      else fail(report, "file", error.code, error.message);
    }
  }
  await client.close();
  if (effective === "sdk") await checkAws(report, values);
  io.stdout.write(`${report.lines.join("\n")}\n`);
  return report.firstFailure === undefined ? 0 : EXIT_CODES[report.firstFailure];
}
