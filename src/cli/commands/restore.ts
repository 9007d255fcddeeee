/** `secretwrangler restore <id>`: cancels a secret's scheduled deletion. */
import { COMMON_HELP, onePositional, parseCommand, withClient } from "../options.js";
import { type CliIo, writeHelp, writeResult } from "../output.js";

/** Help text of `restore`. */
export const RESTORE_HELP: string = `Usage: secretwrangler restore <id> [options]

Cancels the scheduled deletion of a secret (RestoreSecret), within its recovery window. Prints
nothing; with --json, {"name", "arn"}.

Options:
  --json    print the result as JSON

${COMMON_HELP}`;

/** Runs `restore`; returns the exit code. */
export async function restoreCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand(args, { json: { type: "boolean" } });
  if (values.help) return writeHelp(io, RESTORE_HELP);
  const id = onePositional(positionals, "secret id");
  return withClient(values, async (client) => writeResult(io, values.json, await client.restoreSecret(id)));
}
