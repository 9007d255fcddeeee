/** `secretwrangler delete <id>`: schedules a secret's deletion (or deletes it at once, if asked). */
import { COMMON_HELP, onePositional, parseCommand, positiveWholeNumber, withClient } from "../options.js";
import { type CliIo, writeHelp, writeResult } from "../output.js";

/** Help text of `delete`. */
export const DELETE_HELP: string = `Usage: secretwrangler delete <id> [options]

Deletes a secret (DeleteSecret): after a recovery window (30 days by default), during which
"secretwrangler restore <id>" brings it back. Prints nothing; with --json, {"name", "arn",
"deletionDate"} (ISO 8601).

Options:
  --recovery-window-days <N>        days before the deletion, 7 to 30 (default 30)
  --force-delete-without-recovery   delete at once, with no way back
  --json                            print the result as JSON

${COMMON_HELP}`;

/** Runs `delete`; returns the exit code. */
export async function deleteCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    "recovery-window-days": { type: "string" },
    "force-delete-without-recovery": { type: "boolean" },
    json: { type: "boolean" },
  });
  if (values.help) return writeHelp(io, DELETE_HELP);
  const id = onePositional(positionals, "secret id");
  // The range (7 to 30) and the two flags together are refused by the client's checks (exit 2).
  const recoveryWindowInDays = positiveWholeNumber("recovery-window-days", values["recovery-window-days"]);
  const options = { recoveryWindowInDays, forceDeleteWithoutRecovery: values["force-delete-without-recovery"] };
  return withClient(values, async (client) => writeResult(io, values.json, await client.deleteSecret(id, options)));
}
