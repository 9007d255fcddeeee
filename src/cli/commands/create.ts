/** `secretwrangler create <id>`: creates a secret, its value from stdin or a file. */
import { ArgumentError } from "../../core/errors.js";
import { COMMON_HELP, keyValue, parseCommand, withClient } from "../options.js";
import { type CliIo, writeHelp, writeResult } from "../output.js";
import {
  readSecretValue,
  SECRET_VALUE_HELP,
  SECRET_VALUE_OPTIONS,
  secretValueSource,
  writeTarget,
} from "../value-input.js";

/** Help text of `create`. */
export const CREATE_HELP: string = `Usage: secretwrangler create <id> [-] [options]

Creates a secret with its first version (CreateSecret); a secret of that name is ALREADY_EXISTS
(exit 25: use "put" for a new version). Prints nothing; with --json, the secret (never the value).

${SECRET_VALUE_HELP}

Options:
  --description <d>           the secret's description
  --kms-key-id <k>            the KMS key (id, ARN or alias) that encrypts it (default: aws/secretsmanager)
  --tag <key=value>           a tag (repeatable)
  --client-request-token <T>  an idempotency token (32 to 64 characters) for the first version
  --json                      print {"name", "arn", "versionId", "versionStages"}

${COMMON_HELP}`;

/** The `--tag key=value` flags as tags; a key given twice is a usage error. */
function tagsOf(pairs: readonly string[] | undefined): Record<string, string> | undefined {
  if (pairs === undefined) return undefined;
  const tags: Record<string, string> = {};
  for (const pair of pairs) {
    const [key, value] = keyValue("tag", pair);
    if (Object.hasOwn(tags, key)) throw new ArgumentError(`--tag ${key} is given twice`);
    tags[key] = value;
  }
  return tags;
}

/** Runs `create`; returns the exit code. */
export async function createCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    ...SECRET_VALUE_OPTIONS,
    description: { type: "string" },
    "kms-key-id": { type: "string" },
    tag: { type: "string", multiple: true },
    "client-request-token": { type: "string" },
    json: { type: "boolean" },
  });
  if (values.help) return writeHelp(io, CREATE_HELP);
  const { target: id, dash } = writeTarget(positionals, "secret id");
  const tags = tagsOf(values.tag);
  const source = secretValueSource("create", values, dash);
  return withClient(values, async (client) => {
    const value = await readSecretValue(io, "create", id, source);
    const result = await client.createSecret(id, value, {
      description: values.description,
      kmsKeyId: values["kms-key-id"],
      tags,
      clientRequestToken: values["client-request-token"],
    });
    return writeResult(io, values.json, result);
  });
}
