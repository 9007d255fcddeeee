/** `secretwrangler list`: prints the secrets' names (or their metadata as JSON lines), page by page. */
import { escapeControl } from "../../core/text.js";
import { SECRET_FILTER_KEYS, type SecretFilter, type SecretFilterKey } from "../../transport/filters.js";
import type { ListSecretsRequest } from "../../transport/writes.js";
import { COMMON_HELP, keyValue, parseCommand, UsageError, withClient } from "../options.js";
import { type CliIo, writeHelp } from "../output.js";

/** Help text of `list`. */
export const LIST_HELP: string = `Usage: secretwrangler list [options]

Prints the secrets (ListSecrets, every page), one name per line, as the pages arrive; with --json,
one JSON object per line (JSON Lines): {"name", "arn", "description", "kmsKeyId", "tags",
"rotationEnabled", "lastChangedDate", "lastRotatedDate", "nextRotationDate", "deletedDate",
"createdDate"}, dates as ISO 8601 text, absent fields left out. Never a value.

Options:
  --filter <key=value>        only the secrets that match (repeatable); a prefix match, "!" first
                              negates it; values of one key are ORed, different keys ANDed. Keys:
                              ${SECRET_FILTER_KEYS.join(", ")}
  --include-planned-deletion  list the secrets scheduled for deletion too
  --sort-order <asc|desc>     by creation date
  --json                      one JSON object per secret and line

${COMMON_HELP}`;

/**
 * The `--filter key=value` flags as filters, one per key (its values in order). The keys and values
 * are checked by the client (an `ArgumentError`, exit 2), as it checks every filter list.
 */
function filtersOf(pairs: readonly string[] | undefined): SecretFilter[] | undefined {
  if (pairs === undefined) return undefined;
  const byKey = new Map<string, string[]>();
  for (const pair of pairs) {
    const [key, value] = keyValue("filter", pair);
    byKey.set(key, [...(byKey.get(key) ?? []), value]);
  }
  return [...byKey].map(([key, values]) => ({ key: key as SecretFilterKey, values }));
}

/** Runs `list`; returns the exit code. */
export async function listCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    filter: { type: "string", multiple: true },
    "include-planned-deletion": { type: "boolean" },
    "sort-order": { type: "string" },
    json: { type: "boolean" },
  });
  if (values.help) return writeHelp(io, LIST_HELP);
  if (positionals.length > 0) throw new UsageError("list takes no arguments: choose secrets with --filter key=value");
  const filters = filtersOf(values.filter);
  // A reader that has seen enough (`| head`) closes the pipe: stop listing, as `ls | head` does.
  let closed = false;
  let failure: Error | undefined;
  const onError = (error: NodeJS.ErrnoException): void => {
    closed = true;
    if (error.code !== "EPIPE") failure = error;
  };
  io.stdout.on("error", onError);
  try {
    return await withClient(values, async (client) => {
      const entries = client.listSecrets({
        filters,
        includePlannedDeletion: values["include-planned-deletion"],
        // Checked by the client: "asc" or "desc".
        sortOrder: values["sort-order"] as ListSecretsRequest["sortOrder"],
      });
      for await (const entry of entries) {
        if (closed) break;
        // A name from a local file may hold a newline: escaped, one secret stays one line.
        io.stdout.write(`${values.json ? JSON.stringify(entry) : escapeControl(entry.name)}\n`);
      }
      if (failure !== undefined) throw failure;
      return 0;
    });
  } finally {
    io.stdout.off("error", onError);
  }
}
