/** `secretwrangler put <id>`: stores a new version of a secret, its value from stdin or a file. */
import { COMMON_HELP, parseCommand, withClient } from "../options.js";
import { type CliIo, writeHelp, writeResult } from "../output.js";
import {
  readSecretValue,
  SECRET_VALUE_HELP,
  SECRET_VALUE_OPTIONS,
  secretValueSource,
  writeTarget,
} from "../value-input.js";

/** Help text of `put`. */
export const PUT_HELP: string = `Usage: secretwrangler put <id> [-] [options]

Stores a new version of an existing secret (PutSecretValue): it becomes AWSCURRENT unless
--version-stage says otherwise. Prints nothing; with --json, the new version (never the value).

${SECRET_VALUE_HELP}

Options:
  --version-stage <S>         a staging label for the new version (repeatable; default AWSCURRENT)
  --client-request-token <T>  an idempotency token (32 to 64 characters): a retry with the same
                              token and value stores no second version
  --json                      print {"name", "arn", "versionId", "versionStages"}

${COMMON_HELP}`;

/** Runs `put`; returns the exit code. */
export async function putCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    ...SECRET_VALUE_OPTIONS,
    "version-stage": { type: "string", multiple: true },
    "client-request-token": { type: "string" },
    json: { type: "boolean" },
  });
  if (values.help) return writeHelp(io, PUT_HELP);
  const { target: id, dash } = writeTarget(positionals, "secret id");
  const source = secretValueSource("put", values, dash);
  return withClient(values, async (client) => {
    const value = await readSecretValue(io, "put", id, source);
    const result = await client.putSecretValue(id, value, {
      versionStages: values["version-stage"],
      clientRequestToken: values["client-request-token"],
    });
    return writeResult(io, values.json, result);
  });
}
