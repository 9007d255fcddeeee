/**
 * The CLI's secret reads: one `getSecretValue`, then text or JSON, with errors that name the CLI
 * operation (`get --json`, `exec --secret`) and give CLI advice, not library API names.
 */
import type { SecretsClient } from "../client/client.js";
import { SecretsError } from "../core/errors.js";
import { parseJsonText } from "../read/decode.js";
import type { SecretVersionOptions } from "../transport/types.js";

/** What a CLI read is for: its operation name, and what to do with a binary secret instead. */
export interface CliRead {
  /** The CLI operation, e.g. `get --json`, `exec --secret`. */
  readonly operation: string;
  /** Why a binary secret does not fit, e.g. `a binary secret cannot be printed as JSON`. */
  readonly binary: string;
}

/** The advice for a binary secret: `get` without `--json`/`--field` writes its bytes. */
const BINARY_HINT =
  'Run "secretwrangler get <id>" without --json or --field: it writes the raw bytes to stdout (redirect them to a file)';

/** A secret's text; a binary secret is `WRONG_TYPE` with CLI advice. */
export async function readText(
  client: SecretsClient,
  id: string,
  read: CliRead,
  version: SecretVersionOptions = {},
): Promise<string> {
  const record = await client.getSecretValue(id, version);
  if (typeof record.secretString === "string") return record.secretString;
  throw new SecretsError({
    code: "WRONG_TYPE",
    operation: read.operation,
    secretId: id,
    transport: client.transport.name,
    detail: record.secretBinary ? `the secret is binary, and ${read.binary}` : "the secret has no value",
    hint: record.secretBinary ? BINARY_HINT : undefined,
  });
}

/** A secret's parsed JSON; text that is not JSON is `NOT_JSON` (where parsing stopped, never the text). */
export async function readJson(
  client: SecretsClient,
  id: string,
  read: CliRead & { readonly notJsonHint?: string },
  version: SecretVersionOptions = {},
): Promise<unknown> {
  const text = await readText(client, id, read, version);
  try {
    return parseJsonText(text, { secretId: id, transport: client.transport.name, operation: read.operation });
  } catch (error) {
    if (!(error instanceof SecretsError) || read.notJsonHint === undefined) throw error;
    throw new SecretsError({
      code: error.code,
      operation: error.operation,
      secretId: id,
      transport: error.transport,
      detail: error.detail,
      hint: read.notJsonHint,
    });
  }
}
