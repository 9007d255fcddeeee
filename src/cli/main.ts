/** The CLI's dispatcher: picks the command, runs it, and turns errors into one stderr line and an exit code. */
import { ArgumentError, isSecretsError } from "../core/errors.js";
import { createCommand } from "./commands/create.js";
import { deleteCommand } from "./commands/delete.js";
import { describeCommand } from "./commands/describe.js";
import { doctorCommand } from "./commands/doctor.js";
import { execCommand } from "./commands/exec.js";
import { exportCommand } from "./commands/export.js";
import { getCommand } from "./commands/get.js";
import { listCommand } from "./commands/list.js";
import { getParameterCommand, getParametersByPathCommand } from "./commands/parameters.js";
import { putCommand } from "./commands/put.js";
import { putParameterCommand } from "./commands/put-parameter.js";
import { randomPasswordCommand } from "./commands/random-password.js";
import { restoreCommand } from "./commands/restore.js";
import { rotateCommand } from "./commands/rotate.js";
import { EXIT_CODES, EXIT_UNEXPECTED, EXIT_USAGE } from "./exit-codes.js";
import { COMMON_HELP, UsageError } from "./options.js";
import { type CliIo, writeError } from "./output.js";
import { wantsVerbose, withVerbose } from "./verbose.js";

type Command = (args: readonly string[], io: CliIo) => Promise<number>;

/** One command: how it is called, what it does, and the function that runs it. */
interface CommandEntry {
  /** The usage line after `secretwrangler`, e.g. `get <id>`. */
  readonly usage: string;
  /** One line for the main help. */
  readonly summary: string;
  readonly run: Command;
}

/** Every command. The main help is generated from this table. */
const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  get: { usage: "get <id>", summary: "print a secret's value", run: getCommand },
  "get-parameter": {
    usage: "get-parameter <name>",
    summary: "print an SSM parameter's value",
    run: getParameterCommand,
  },
  "get-parameters-by-path": {
    usage: "get-parameters-by-path <path>",
    summary: "print the parameters under a path as JSON",
    run: getParametersByPathCommand,
  },
  put: {
    usage: "put <id> [-]",
    summary: "store a new version of a secret (value from stdin or --file)",
    run: putCommand,
  },
  create: { usage: "create <id> [-]", summary: "create a secret (value from stdin or --file)", run: createCommand },
  list: { usage: "list", summary: "print the secrets' names (--json: their metadata)", run: listCommand },
  describe: { usage: "describe <id>", summary: "print a secret's metadata, never its value", run: describeCommand },
  delete: { usage: "delete <id>", summary: "schedule a secret's deletion", run: deleteCommand },
  restore: { usage: "restore <id>", summary: "cancel a secret's scheduled deletion", run: restoreCommand },
  rotate: { usage: "rotate <id>", summary: "set up a secret's rotation and rotate it", run: rotateCommand },
  "random-password": {
    usage: "random-password",
    summary: "print a random password from Secrets Manager",
    run: randomPasswordCommand,
  },
  "put-parameter": {
    usage: "put-parameter <name> [-]",
    summary: "write an SSM parameter (value from stdin or --file)",
    run: putParameterCommand,
  },
  exec: {
    usage: "exec [options] -- <command>",
    summary: "run a command with secrets as environment variables",
    run: execCommand,
  },
  export: {
    usage: "export --env-file <path> [options]",
    summary: "print dotenv files with their secret references resolved",
    run: exportCommand,
  },
  doctor: {
    usage: "doctor",
    summary: "check what a read needs (transport, agent token, SDK, region, credentials)",
    run: doctorCommand,
  },
};

/** The names of the commands, in the order of the help. */
export const COMMAND_NAMES: readonly string[] = Object.keys(COMMANDS);

function commandLines(): string {
  const entries = Object.values(COMMANDS);
  const width = Math.max(...entries.map((entry) => entry.usage.length)) + 2;
  return entries.map((entry) => `  ${entry.usage.padEnd(width)}${entry.summary}`).join("\n");
}

/** Help text of the CLI as a whole. */
export const MAIN_HELP: string = `Usage: secretwrangler <command> [options]

Commands:
${commandLines()}

Run "secretwrangler <command> --help" for a command's options.

${COMMON_HELP}

Exit codes: 0 ok, 1 unexpected, 2 usage, 10+ one per error code, 126/127 for exec's program (see the CLI docs).`;

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
    return await (wantsVerbose(rest) ? withVerbose(io, () => command.run(rest, io)) : command.run(rest, io));
  } catch (error) {
    // The library refusing an argument (an empty id, a path without "/") is a usage error. Any other
    // error's message may quote a value (Node's and V8's do), so it is not printed.
    if (error instanceof UsageError || error instanceof ArgumentError) {
      writeError(io, error.message);
      io.stderr.write(`Run "secretwrangler ${command ? `${name} ` : ""}--help".\n`);
      return EXIT_USAGE;
    }
    if (isSecretsError(error)) {
      writeError(io, `${error.code}: ${error.message}`);
      return EXIT_CODES[error.code];
    }
    // Only the kind of error: its message could quote a value.
    const kind =
      error instanceof Error ? `${error.name}${"code" in error ? ` ${String(error.code)}` : ""}` : typeof error;
    writeError(io, `unexpected error (${kind})`);
    return EXIT_UNEXPECTED;
  }
}
