/**
 * A small, strict dotenv parser and the three output formats of `secretwrangler export`.
 *
 * The grammar is Node 20's `--env-file` (`util.parseEnv`) where Node's behaviour is well defined,
 * and a refusal where Node's answer is an accident of its implementation (a line without `=`, an
 * unterminated quote, text after a closing quote, a name that is no variable name, a name given
 * twice). docs/cli.md lists every rule and every deviation. Error messages give a line number and
 * what is wrong, never the text of the line: a mistyped line may hold a secret.
 */
import { ArgumentError, SecretsError } from "../core/errors.js";

/** One `NAME=value` of a dotenv file. */
export interface DotenvEntry {
  readonly key: string;
  readonly value: string;
  /** The line the entry starts on, from 1. */
  readonly line: number;
}

/** A portable variable name: letters, digits and `_`, not first a digit. */
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** The quotes a value may be wrapped in; single quotes and backticks are literal. */
const QUOTES = new Set(["'", '"', "`"]);
/** A blank line: spaces and tabs only. */
const BLANK = /^[ \t]*$/;
/** The `export ` prefix of a shell-style line, when a name follows it. */
const EXPORT = /^export +(?=[A-Za-z_])/;
/** What may follow a closing quote on its line: spaces, then an optional comment. */
const AFTER_QUOTE = /^[ \t]*(?:#.*)?$/;

/** Spaces only, as Node trims: a tab is part of a name or a value. */
function trimSpaces(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text[start] === " ") start++;
  while (end > start && text[end - 1] === " ") end--;
  return text.slice(start, end);
}

function syntaxError(source: string, line: number, what: string): ArgumentError {
  return new ArgumentError(`${source}: line ${line}: ${what}`);
}

/**
 * Parses dotenv text (see docs/cli.md for the rules): `NAME=value` lines, `export NAME=value`,
 * comments, single-quoted, backtick-quoted and double-quoted values (`\n` is the one escape in
 * double quotes, as in Node), quoted values spanning lines. `source` names the file in errors.
 * Throws an {@link ArgumentError} (a usage error) naming the line of the first malformed line.
 */
export function parseDotenv(text: string, source: string): DotenvEntry[] {
  // As Node: every CR goes (CRLF files read as LF ones). A leading byte-order mark goes too.
  const lines = text
    .replace(/^\uFEFF/, "")
    .replaceAll("\r", "")
    .split("\n");
  const entries: DotenvEntry[] = [];
  const seen = new Map<string, number>();
  for (let index = 0; index < lines.length; index++) {
    const number = index + 1;
    // Leading spaces go; trailing ones only outside quotes (a quoted value may end a line with spaces).
    const line = (lines[index] as string).replace(/^ +/, "");
    if (BLANK.test(line) || line.startsWith("#")) continue;
    const rest = line.replace(EXPORT, "");
    const equals = rest.indexOf("=");
    if (equals === -1) throw syntaxError(source, number, 'expected NAME=value, a comment (#) or a blank line; no "="');
    const key = trimSpaces(rest.slice(0, equals));
    if (!NAME.test(key)) {
      throw syntaxError(
        source,
        number,
        'the name before "=" is not a variable name (letters, digits, _; not first a digit)',
      );
    }
    const first = seen.get(key);
    if (first !== undefined) throw syntaxError(source, number, `${key} is set again (first on line ${first})`);
    seen.set(key, number);
    const raw = rest.slice(equals + 1).replace(/^ +/, "");
    const quote = raw[0];
    if (quote === undefined || !QUOTES.has(quote)) {
      // Unquoted: up to a `#` (a comment, even without a space before it, as Node reads it).
      const hash = raw.indexOf("#");
      entries.push({ key, value: trimSpaces(hash === -1 ? raw : raw.slice(0, hash)), line: number });
      continue;
    }
    // Quoted: up to the next same quote, on this line or a later one.
    let body = raw.slice(1);
    let end = index;
    let close = body.indexOf(quote);
    while (close === -1 && end + 1 < lines.length) {
      end++;
      const next = lines[end] as string;
      const at = next.indexOf(quote);
      close = at === -1 ? -1 : body.length + 1 + at;
      body = `${body}\n${next}`;
    }
    if (close === -1) throw syntaxError(source, number, `the value opened with ${quote} has no closing ${quote}`);
    if (!AFTER_QUOTE.test(body.slice(close + 1))) {
      throw syntaxError(source, end + 1, `text after the closing ${quote} (only a # comment may follow)`);
    }
    const inner = body.slice(0, close);
    entries.push({ key, value: quote === '"' ? inner.replaceAll("\\n", "\n") : inner, line: number });
    index = end;
  }
  return entries;
}

/** The formats `export` writes. */
export type ExportFormat = "dotenv" | "json" | "shell";

/** The names of {@link ExportFormat}, for the help and the flag's check. */
export const EXPORT_FORMATS: readonly ExportFormat[] = ["dotenv", "json", "shell"];

function unrepresentable(key: string, why: string): SecretsError {
  return new SecretsError({
    code: "CONFIG",
    operation: "export",
    detail: `the value of ${key} cannot be written as dotenv: ${why}`,
    hint: "Use --format json or --format shell",
  });
}

/**
 * One value quoted so that Node 20's `--env-file` and {@link parseDotenv} both read it back exactly:
 * single quotes when it holds none (literal, newlines included), else double quotes when it holds
 * no `"` and no backslash-n (newlines written as `\n`), else backticks. A value with all three
 * quotes, or with a CR (which Node drops everywhere), has no dotenv spelling: `CONFIG`, naming the key.
 */
export function dotenvQuote(key: string, value: string): string {
  if (value.includes("\r")) throw unrepresentable(key, "it holds a carriage return, which dotenv readers drop");
  if (!value.includes("'")) return `'${value}'`;
  if (!value.includes('"') && !value.includes("\\n")) return `"${value.replaceAll("\n", "\\n")}"`;
  if (!value.includes("`")) return `\`${value}\``;
  throw unrepresentable(key, "it holds all three quotes (' \" `)");
}

/** POSIX shell single quotes: literal except `'`, written as `'\''`. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

/** The variables as `format` (each format ends with a newline; dotenv and shell give one line per variable and value line). */
export function formatEnv(entries: readonly (readonly [string, string])[], format: ExportFormat): string {
  switch (format) {
    case "json":
      return `${JSON.stringify(Object.fromEntries(entries), null, 2)}\n`;
    case "shell":
      return entries.map(([key, value]) => `export ${key}=${shellQuote(value)}\n`).join("");
    case "dotenv":
      return entries.map(([key, value]) => `${key}=${dotenvQuote(key, value)}\n`).join("");
  }
}
