/** `secretwrangler describe <id>`: prints a secret's metadata (DescribeSecret), never its value. */
import { escapeControl } from "../../core/text.js";
import type { SecretDescription } from "../../transport/types.js";
import { COMMON_HELP, onePositional, parseCommand, withClient } from "../options.js";
import { type CliIo, writeHelp, writeResult } from "../output.js";

/** Help text of `describe`. */
export const DESCRIBE_HELP: string = `Usage: secretwrangler describe <id> [options]

Prints a secret's metadata (DescribeSecret), never its value: one "label: value" line per field
known, a line per tag and per version with its staging labels.

Options:
  --json    print it as one JSON object: {"name", "arn", "description", "kmsKeyId", "tags",
            "rotationEnabled", "lastRotatedDate", "nextRotationDate", "lastChangedDate",
            "createdDate", "deletedDate", "versionIdsToStages"}, dates as ISO 8601 text

${COMMON_HELP}`;

/** The lines of the text form: what the backend reported, in a fixed order. */
function lines(description: SecretDescription): string[] {
  const date = (value: Date | undefined) => value?.toISOString();
  const rows: [string, string | undefined][] = [
    ["name", description.name],
    ["arn", description.arn],
    ["description", description.description],
    ["kms key", description.kmsKeyId],
    ["rotation", description.rotationEnabled === undefined ? undefined : description.rotationEnabled ? "on" : "off"],
    ["last rotated", date(description.lastRotatedDate)],
    ["next rotation", date(description.nextRotationDate)],
    ["last changed", date(description.lastChangedDate)],
    ["created", date(description.createdDate)],
    ["deleted", date(description.deletedDate)],
    ...Object.entries(description.tags ?? {}).map(([key, value]): [string, string] => ["tag", `${key}=${value}`]),
    ...Object.entries(description.versionIdsToStages ?? {}).map(([id, stages]): [string, string] => [
      "version",
      `${id} ${stages.join(",")}`,
    ]),
  ];
  // Escaped: a description or a tag holding control characters must not forge lines.
  return rows
    .filter(([, text]) => text !== undefined)
    .map(([label, text]) => `${`${label}:`.padEnd(15)}${escapeControl(text as string)}`);
}

/** Runs `describe`; returns the exit code. */
export async function describeCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand(args, { json: { type: "boolean" } });
  if (values.help) return writeHelp(io, DESCRIBE_HELP);
  const id = onePositional(positionals, "secret id");
  return withClient(values, async (client) => {
    const description = await client.describeSecret(id);
    if (values.json) return writeResult(io, true, description);
    io.stdout.write(`${lines(description).join("\n")}\n`);
    return 0;
  });
}
