/**
 * Resolves the SSRF token the agent expects, the way the agent itself reads it at startup: the first
 * variable of a list that is set (even to an empty string) wins, and a `file://` value names a file
 * whose trimmed contents are the token. The file is read asynchronously, only if it is a regular
 * file, and only up to {@link MAX_TOKEN_FILE_BYTES}: a token pointed at a FIFO, a device or a huge
 * file fails at once instead of stalling the process.
 */
import { SecretsError, type SecretsErrorCode } from "../../core/errors.js";
import { formatBytes, LocalFileRefused, quotePath, readRegularFile } from "../../core/regular-file.js";

/** The variables the Secrets Manager Agent reads its token from, in its order. */
export const AGENT_TOKEN_ENV: readonly string[] = [
  "AWS_TOKEN",
  "AWS_SESSION_TOKEN",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN",
];

/** The variables the Lambda extension's token comes from: the function's session token. */
export const EXTENSION_TOKEN_ENV: readonly string[] = ["AWS_SESSION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN"];

/**
 * The largest token file read: 64 KiB. The agent's installer writes 64 hex characters, a Lambda
 * session token is a few KiB, and the agent's own request buffer is 321 KiB: a larger file is not
 * a token file.
 */
export const MAX_TOKEN_FILE_BYTES: number = 64 * 1024;

const FILE_PREFIX = "file://";

/** The read the token is needed for, for errors. */
export interface TokenContext {
  readonly operation: string;
  readonly secretId?: string | undefined;
  readonly transport: string;
}

/** Why no token was found, without the context of the read that needed it. Never holds a token. */
export interface TokenProblem {
  /** `AGENT_TOKEN`: nothing set, or the file cannot be opened; `CONFIG`: not a regular file, or too large. */
  readonly code: Extract<SecretsErrorCode, "AGENT_TOKEN" | "CONFIG">;
  readonly detail: string;
  readonly hint: string;
  /** The fs error of a failed open (it names the path and the errno), never file contents. */
  readonly cause?: unknown;
}

/** The token, or why there is none. */
export type TokenOutcome =
  | { readonly ok: true; readonly token: string }
  | { readonly ok: false; readonly problem: TokenProblem };

/** The error for a problem, in the context of one read. */
export function agentTokenError(context: TokenContext, problem: TokenProblem): SecretsError {
  return new SecretsError({ ...context, ...problem });
}

/** The characters node:http refuses in a header value (it would throw at the first request). */
const INVALID_HEADER_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

/** Whether a string can be sent as an HTTP header value. */
export function isHeaderValue(value: string): boolean {
  return !INVALID_HEADER_CHAR.test(value);
}

/** Whether a token (option or variable value) names a file. */
export function isTokenFile(value: string): boolean {
  return value.startsWith(FILE_PREFIX);
}

function fileProblem(path: string, source: string, refused: LocalFileRefused): TokenProblem {
  const file = `the token file ${quotePath(path)} named by ${source}`;
  if (refused.reason === "io") {
    return {
      code: "AGENT_TOKEN",
      detail: `cannot read ${file}: ${refused.detail}`,
      hint: "Check the path and its permissions",
      cause: refused.cause,
    };
  }
  if (refused.reason === "type") {
    return {
      code: "CONFIG",
      detail: `${file} ${refused.detail}`,
      hint: "Point it at a regular file that holds the token",
    };
  }
  return {
    code: "CONFIG",
    detail: `${file} ${refused.detail}`,
    hint: `A token file holds a short token (the agent's installer writes 64 hex characters); at most ${formatBytes(MAX_TOKEN_FILE_BYTES)} is read`,
  };
}

/**
 * The token: `explicit` if given, else the first of `names` set in `env` (looked up at once, before
 * any await). A `file://<path>` value is read and trimmed; a value taken directly from a variable is
 * used as is. Never throws: a problem names the variables and the path, never a value.
 */
export async function findAgentToken(
  explicit: string | undefined,
  names: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<TokenOutcome> {
  let value = explicit;
  let source = "the token option";
  if (value === undefined) {
    const name = names.find((candidate) => env[candidate] !== undefined);
    if (name === undefined) {
      return {
        ok: false,
        problem: {
          code: "AGENT_TOKEN",
          detail: `no token: none of ${names.join(", ")} is set`,
          hint: "Set one of them as the agent was started with (e.g. AWS_TOKEN=file:///var/run/awssmatoken), or pass token",
        },
      };
    }
    value = env[name] as string;
    source = name;
  }
  if (!isTokenFile(value)) return checked(value, source);
  const path = value.slice(FILE_PREFIX.length);
  let bytes: Buffer;
  try {
    bytes = (await readRegularFile(path, MAX_TOKEN_FILE_BYTES)).bytes;
  } catch (error) {
    if (error instanceof LocalFileRefused) return { ok: false, problem: fileProblem(path, source, error) };
    throw error;
  }
  const token = bytes.toString("utf8").trim();
  bytes.fill(0);
  return checked(token, `the token file ${quotePath(path)} named by ${source}`);
}

/** The token, unless it could not be sent (node:http would throw at every request). */
function checked(token: string, source: string): TokenOutcome {
  if (isHeaderValue(token)) return { ok: true, token };
  return {
    ok: false,
    problem: {
      code: "CONFIG",
      detail: `the token from ${source} holds a character that an HTTP header cannot carry (a control character)`,
      hint: "Set the token the agent was started with",
    },
  };
}

/**
 * The token, as {@link findAgentToken} finds it. Throws `AGENT_TOKEN` naming the variables (never a
 * value) when none is set or the file cannot be opened, and `CONFIG` naming the path and the limit
 * for a token file that is not a regular file or is over {@link MAX_TOKEN_FILE_BYTES}.
 */
export async function resolveAgentToken(
  explicit: string | undefined,
  names: readonly string[],
  context: TokenContext,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const outcome = await findAgentToken(explicit, names, env);
  if (!outcome.ok) throw agentTokenError(context, outcome.problem);
  return outcome.token;
}
