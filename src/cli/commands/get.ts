/** `secretwrangler get <id>`: prints a secret's value. */
import { ArgumentError } from "../../core/errors.js";
import { COMMON_HELP, clientFromFlags, parseCommand, UsageError } from "../options.js";
import { type CliIo, fieldPath, pickField, writeValue } from "../output.js";
import { readJson } from "../reads.js";

/** Help text of `get`. */
export const GET_HELP: string = `Usage: secretwrangler get <id> [options]

Prints a secret's value to stdout: text as stored, a binary secret as raw bytes.

Options:
  --json                  parse the value as JSON and print it indented (not for a binary secret)
  --field <a.b>           print one field of a JSON secret (text as is, anything else as JSON)
  --version-stage <S>     read a staging label, e.g. AWSPREVIOUS
  --version-id <V>        read a version id

${COMMON_HELP}`;

/** Runs `get`; returns the exit code. */
export async function getCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    json: { type: "boolean" },
    field: { type: "string" },
    "version-stage": { type: "string" },
    "version-id": { type: "string" },
  });
  if (values.help) {
    io.stdout.write(`${GET_HELP}\n`);
    return 0;
  }
  const [id, ...extra] = positionals;
  if (id === undefined || extra.length > 0) throw new UsageError("get takes exactly one secret id");
  if (values["version-stage"] !== undefined && values["version-id"] !== undefined) {
    throw new UsageError("give --version-stage or --version-id, not both");
  }
  for (const flag of ["version-stage", "version-id"] as const) {
    if (values[flag] === "") throw new ArgumentError(`--${flag} takes a non-empty value`);
  }
  // Checked before any read, so a typo costs no secret fetch.
  if (values.field !== undefined) fieldPath(values.field);
  const client = clientFromFlags(values);
  try {
    const read = { versionStage: values["version-stage"], versionId: values["version-id"] };
    if (values.json || values.field !== undefined) {
      const operation = values.field === undefined ? "get --json" : "get --field";
      const json = await readJson(client, id, { operation, binary: "a binary secret cannot be printed as JSON" }, read);
      writeValue(
        io,
        values.field === undefined ? json : pickField(json, values.field, id, client.transport.name),
        true,
      );
    } else {
      const record = await client.getSecretValue(id, read);
      writeValue(io, record.secretString ?? record.secretBinary ?? "");
    }
    return 0;
  } finally {
    await client.close();
  }
}
