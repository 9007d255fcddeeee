/**
 * Resolves the SSRF token the agent expects, the way the agent itself reads it at startup: the first
 * variable of a list that is set (even to an empty string) wins, and a `file://` value names a file
 * whose trimmed contents are the token.
 */
import { readFileSync } from "node:fs";
import { SecretsError } from "../../core/errors.js";

/** The variables the Secrets Manager Agent reads its token from, in its order. */
export const AGENT_TOKEN_ENV: readonly string[] = [
  "AWS_TOKEN",
  "AWS_SESSION_TOKEN",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN",
];

/** The variables the Lambda extension's token comes from: the function's session token. */
export const EXTENSION_TOKEN_ENV: readonly string[] = ["AWS_SESSION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN"];

const FILE_PREFIX = "file://";

/** The read the token is needed for, for errors. */
export interface TokenContext {
  readonly operation: string;
  readonly secretId?: string | undefined;
  readonly transport: string;
}

function tokenError(context: TokenContext, detail: string, hint: string, cause?: unknown): SecretsError {
  return new SecretsError({ code: "AGENT_TOKEN", ...context, detail, hint, cause });
}

/**
 * The token: `explicit` if given, else the first of `names` set in `env`. A `file://<path>` value is
 * read and trimmed; a value taken directly from a variable is used as is. Throws `AGENT_TOKEN` naming
 * the variables (never a value) when none is set or the file cannot be read.
 */
export function resolveAgentToken(
  explicit: string | undefined,
  names: readonly string[],
  context: TokenContext,
  env: NodeJS.ProcessEnv = process.env,
): string {
  let value = explicit;
  let source = "the token option";
  if (value === undefined) {
    const name = names.find((candidate) => env[candidate] !== undefined);
    if (name === undefined) {
      throw tokenError(
        context,
        `no token: none of ${names.join(", ")} is set`,
        "Set one of them as the agent was started with (e.g. AWS_TOKEN=file:///var/run/awssmatoken), or pass token",
      );
    }
    value = env[name] as string;
    source = name;
  }
  if (!value.startsWith(FILE_PREFIX)) return value;
  const path = value.slice(FILE_PREFIX.length);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    // The fs error names the path and the errno, never the file's contents.
    throw tokenError(
      context,
      `cannot read the token file ${path} named by ${source}`,
      "Check the path and its permissions",
      error,
    );
  }
  return text.trim();
}
