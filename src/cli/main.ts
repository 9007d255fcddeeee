/** The CLI's dispatcher: picks the command, runs it, and turns errors into one stderr line and an exit code. */
import { ArgumentError, isSecretsError } from "../core/errors.js";
import { doctorCommand } from "./commands/doctor.js";
import { execCommand } from "./commands/exec.js";
import { getCommand } from "./commands/get.js";
import { getParameterCommand, getParametersByPathCommand } from "./commands/parameters.js";
import { EXIT_CODES, EXIT_UNEXPECTED, EXIT_USAGE } from "./exit-codes.js";
import { COMMON_HELP, UsageError } from "./options.js";
import type { CliIo } from "./output.js";

type Command = (args: readonly string[], io: CliIo) => Promise<number>;

const COMMANDS: Readonly<Record<string, Command>> = {
  get: getCommand,
  "get-parameter": getParameterCommand,
  "get-parameters-by-path": getParametersByPathCommand,
  exec: execCommand,
  doctor: doctorCommand,
};

/** Help text of the CLI as a whole. */
export const MAIN_HELP: string = `Usage: secretwrangler <command> [options]

Commands:
  get <id>                       print a secret's value
  get-parameter <name>           print an SSM parameter's value
  get-parameters-by-path <path>  print the parameters under a path as JSON
  exec [options] -- <command>    run a command with secrets as environment variables
  doctor                         check the transport, agent, credentials and identity

Run "secretwrangler <command> --help" for a command's options.

${COMMON_HELP}

Exit codes: 0 ok, 1 unexpected, 2 usage, 10+ one per error code (see the CLI docs).`;

/** Runs the CLI with `args` (without the node and script paths); returns the exit code. */
export async function main(args: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout.write(`${MAIN_HELP}\n`);
    return name === undefined ? EXIT_USAGE : 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  try {
    if (!command) throw new UsageError(`unknown command "${name}"`);
    return await command(rest, io);
  } catch (error) {
    // The library refusing an argument (an empty id, a path without "/") is a usage error. Any other
    // error's message may quote a value (Node's and V8's do), so it is not printed.
    if (error instanceof UsageError || error instanceof ArgumentError) {
      io.stderr.write(`secretwrangler: ${error.message}\nRun "secretwrangler ${command ? `${name} ` : ""}--help".\n`);
      return EXIT_USAGE;
    }
    if (isSecretsError(error)) {
      io.stderr.write(`secretwrangler: ${error.code}: ${error.message}\n`);
      return EXIT_CODES[error.code];
    }
    // Only the kind of error: its message could quote a value.
    const kind =
      error instanceof Error ? `${error.name}${"code" in error ? ` ${String(error.code)}` : ""}` : typeof error;
    io.stderr.write(`secretwrangler: unexpected error (${kind})\n`);
    return EXIT_UNEXPECTED;
  }
}
