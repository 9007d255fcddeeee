/**
 * The value of a write (`put`, `create`, `put-parameter`): from stdin or `--file`, never from an
 * argument unless asked, because arguments end up in shell history and in `ps`. Reads are bounded;
 * errors name the source (stdin, the file's path), never a byte of the value.
 *
 * Refused input follows the CLI's rule: a mistake in the flags or the value (two sources, `--value`
 * without `--allow-argument-value`, a terminal for stdin, too many bytes, no bytes, text that is not
 * UTF-8) is an `ArgumentError`, exit 2, as the client refuses a value over its limit; a value that
 * cannot be read (a missing or unreadable file, not a regular file, a failing stdin) is `CONFIG`, exit 22.
 */
import { ArgumentError, SecretsError } from "../core/errors.js";
import { formatBytes, LocalFileRefused, quotePath, readRegularFile } from "../core/regular-file.js";
import { PARAMETER_MAX_BYTES, SECRET_VALUE_MAX_BYTES } from "../transport/writes.js";
import { UsageError } from "./options.js";
import type { CliIo } from "./output.js";

/** The flags of {@link valueSource}, for a command's `parseCommand`. */
export const VALUE_OPTIONS: {
  readonly file: { readonly type: "string" };
  readonly value: { readonly type: "string" };
  readonly "allow-argument-value": { readonly type: "boolean" };
  readonly "keep-newline": { readonly type: "boolean" };
} = {
  file: { type: "string" },
  value: { type: "string" },
  "allow-argument-value": { type: "boolean" },
  "keep-newline": { type: "boolean" },
} as const;

/** Help lines for {@link VALUE_OPTIONS} (and `more`, e.g. `--binary`), with the value's limit. */
function valueHelp(limit: string, more = ""): string {
  return `Value: from stdin (piped, or "-") or --file, never from an argument by default: arguments end
up in shell history and in the process list (ps). At most ${limit}; an empty value is refused.
  -                        read stdin (the default; a terminal is refused)
  --file <path>            read a regular file instead
  --keep-newline           keep a trailing newline ("\\n" or "\\r\\n", as echo and editors add): one
                           is removed from text by default
  --value <v>              the value as an argument: refused unless --allow-argument-value
  --allow-argument-value   accept --value, knowing that it shows in shell history and ps${more}`;
}

/** The parsed {@link VALUE_OPTIONS}. */
export interface ValueFlags {
  readonly file?: string | undefined;
  readonly value?: string | undefined;
  readonly "allow-argument-value"?: boolean | undefined;
  readonly "keep-newline"?: boolean | undefined;
}

/** The positionals of a write: the id or name it writes, and whether `-` (stdin) follows it. */
export function writeTarget(
  positionals: readonly string[],
  what: string,
): { readonly target: string; readonly dash: boolean } {
  const [target, dash, ...extra] = positionals;
  if (target === undefined || target === "-" || (dash !== undefined && dash !== "-") || extra.length > 0) {
    // The extra arguments are not quoted: one of them may be a value typed where it does not belong.
    throw new UsageError(`expected one ${what}, then "-" or nothing (the value comes from stdin or --file)`);
  }
  return { target, dash: dash === "-" };
}

/** Where a value comes from, once the flags are checked. */
export type ValueSource =
  | { readonly from: "argument"; readonly text: string }
  | ({ readonly from: "file"; readonly path: string } & ReadFlags)
  | ({ readonly from: "stdin" } & ReadFlags);

/** How the bytes of stdin or a file become the value. */
interface ReadFlags {
  /** Bytes as read (`--binary`), else UTF-8 text. */
  readonly binary: boolean;
  readonly keepNewline: boolean;
}

/**
 * Checks the value flags of `command` (and whether the positional `-` was given) and says where the
 * value comes from; `binary` is `--binary`, which takes bytes from stdin or a file only.
 */
export function valueSource(command: string, flags: ValueFlags, dash: boolean, binary = false): ValueSource {
  const given = [dash && "-", flags.file !== undefined && "--file", flags.value !== undefined && "--value"].filter(
    (source) => source !== false,
  );
  if (given.length > 1) throw new ArgumentError(`give the value one way: ${given.join(" or ")}, not both`);
  if (flags["allow-argument-value"] && flags.value === undefined) {
    throw new ArgumentError("--allow-argument-value goes with --value");
  }
  if (flags.value !== undefined) {
    if (!flags["allow-argument-value"]) {
      throw new ArgumentError(
        `--value puts the value in your shell history and in the process list (ps), where other users of the machine see it. Pipe it instead ("secretwrangler ${command} ... < value.txt") or use --file <path>; add --allow-argument-value to accept the risk`,
      );
    }
    if (binary) throw new ArgumentError("--binary reads bytes from stdin or --file, not from --value");
    if (flags["keep-newline"])
      throw new ArgumentError("--keep-newline is for stdin and --file: --value is sent as given");
    if (flags.value === "") throw new ArgumentError("--value is empty; an empty value is refused");
    return { from: "argument", text: flags.value };
  }
  if (binary && flags["keep-newline"]) {
    throw new ArgumentError("--keep-newline is for text: --binary sends the bytes exactly as read");
  }
  const keepNewline = binary || flags["keep-newline"] === true;
  if (flags.file !== undefined) {
    if (flags.file === "") throw new ArgumentError("--file takes a file path");
    return { from: "file", path: flags.file, binary, keepNewline };
  }
  return { from: "stdin", binary, keepNewline };
}

/** What a value read is for: the command (for messages), the id it is written to, its limit. */
export interface ValueRead {
  readonly command: string;
  readonly id: string;
  /** The largest value, in bytes (what the service accepts). */
  readonly maxBytes: number;
  /** What to do instead when the bytes are not UTF-8 text. */
  readonly notText: string;
}

/** The value cannot be read: the environment's problem. */
function unreadable(read: ValueRead, source: string, detail: string): SecretsError {
  return new SecretsError({ code: "CONFIG", operation: `${read.command} ${source}`, secretId: read.id, detail });
}

/** The value read is not one the command can send: the caller's mistake, as the client judges it. */
function refused(read: ValueRead, source: string, problem: string): ArgumentError {
  return new ArgumentError(`${read.command} "${read.id}": the value from ${source} ${problem}`);
}

function tooLarge(read: ValueRead, source: string): ArgumentError {
  return refused(read, source, `is larger than the limit of ${formatBytes(read.maxBytes)}`);
}

/** Up to `maxBytes + 1` bytes of a stream; more is refused. The chunks read are zeroed. */
async function readStream(stream: NodeJS.ReadableStream, read: ValueRead): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of stream) {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
      chunks.push(bytes);
      length += bytes.length;
      if (length > read.maxBytes) throw tooLarge(read, "stdin");
    }
    return Buffer.concat(chunks, length);
  } catch (error) {
    if (error instanceof ArgumentError) throw error;
    const code = (error as { code?: unknown }).code;
    throw unreadable(read, "stdin", `cannot read stdin${typeof code === "string" ? ` (${code})` : ""}`);
  } finally {
    for (const chunk of chunks) chunk.fill(0);
  }
}

async function readFile(path: string, read: ValueRead): Promise<Buffer> {
  try {
    return (await readRegularFile(path, read.maxBytes)).bytes;
  } catch (error) {
    if (!(error instanceof LocalFileRefused)) throw error;
    if (error.reason === "size") throw tooLarge(read, `--file ${quotePath(path)}`);
    const what = error.reason === "type" ? "the path" : "the file";
    throw unreadable(read, "--file", `${quotePath(path)}: ${what} ${error.detail}`);
  }
}

/** Removes one trailing `\n` or `\r\n`. */
function withoutNewline(text: string): string {
  if (text.endsWith("\r\n")) return text.slice(0, -2);
  return text.endsWith("\n") ? text.slice(0, -1) : text;
}

/**
 * The value from `source`: bytes for `--binary`, else UTF-8 text with one trailing newline removed
 * (unless the source keeps it). Stdin that is a terminal is refused, so that a forgotten pipe does
 * not wait for typing (and echo a secret on the screen).
 */
export async function readValue(io: CliIo, source: ValueSource, read: ValueRead): Promise<string | Uint8Array> {
  if (source.from === "argument") return source.text;
  const stdin = io.stdin ?? process.stdin;
  if (source.from === "stdin" && stdin.isTTY) {
    throw new ArgumentError(
      `${read.command} reads the value from stdin, which is a terminal: pipe the value in ("secretwrangler ${read.command} ... < value.txt") or give --file <path>`,
    );
  }
  const origin = source.from === "file" ? "--file" : "stdin";
  const bytes = source.from === "file" ? await readFile(source.path, read) : await readStream(stdin, read);
  try {
    if (bytes.length === 0) throw refused(read, origin, "is empty (no bytes); an empty value is refused");
    if (source.binary) return Uint8Array.from(bytes);
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      throw refused(read, origin, `is not UTF-8 text. ${read.notText}`);
    }
    const value = source.keepNewline ? text : withoutNewline(text);
    if (value === "") throw refused(read, origin, "is empty (only a newline); an empty value is refused");
    return value;
  } finally {
    bytes.fill(0);
  }
}

/** {@link VALUE_OPTIONS} and `--binary`, for the secret writes (`put`, `create`). */
export const SECRET_VALUE_OPTIONS: typeof VALUE_OPTIONS & { readonly binary: { readonly type: "boolean" } } = {
  ...VALUE_OPTIONS,
  binary: { type: "boolean" },
} as const;

/** Help lines for {@link SECRET_VALUE_OPTIONS}. */
export const SECRET_VALUE_HELP: string = valueHelp(
  formatBytes(SECRET_VALUE_MAX_BYTES),
  "\n  --binary                 store the bytes exactly as read, as a binary secret (SecretBinary)",
);

/** {@link valueSource} for a secret write: `--binary` from the flags. */
export function secretValueSource(
  command: string,
  flags: ValueFlags & { readonly binary?: boolean | undefined },
  dash: boolean,
): ValueSource {
  return valueSource(command, flags, dash, flags.binary === true);
}

/** {@link readValue} for a secret write: at most 64 KiB, text or (with `--binary`) bytes. */
export function readSecretValue(
  io: CliIo,
  command: string,
  id: string,
  source: ValueSource,
): Promise<string | Uint8Array> {
  return readValue(io, source, {
    command,
    id,
    maxBytes: SECRET_VALUE_MAX_BYTES,
    notText: "Add --binary to store the bytes as a binary secret",
  });
}

/** The most bytes read for a parameter: what the Advanced tier stores (the client checks the tier asked for). */
const PARAMETER_READ_MAX_BYTES = PARAMETER_MAX_BYTES.Advanced;

/** Help lines of a parameter write's value (`put-parameter`). */
export const PARAMETER_VALUE_HELP: string = valueHelp(
  `${formatBytes(PARAMETER_READ_MAX_BYTES)} (${formatBytes(PARAMETER_MAX_BYTES.Standard)} in the Standard tier)`,
);

/** {@link readValue} for a parameter write: text of at most 8 KiB. */
export async function readParameterValue(
  io: CliIo,
  command: string,
  name: string,
  source: ValueSource,
): Promise<string> {
  const value = await readValue(io, source, {
    command,
    id: name,
    maxBytes: PARAMETER_READ_MAX_BYTES,
    notText: "A parameter holds text: store bytes as a binary secret (secretwrangler create <id> --binary)",
  });
  // Text: valueSource is never given --binary for a parameter.
  return value as string;
}
