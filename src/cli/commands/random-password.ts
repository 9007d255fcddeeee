/** `secretwrangler random-password`: prints a password from Secrets Manager's generator. */
import { COMMON_HELP, parseCommand, positiveWholeNumber, UsageError, withClient } from "../options.js";
import { type CliIo, writeHelp, writeValue } from "../output.js";

/** Help text of `random-password`. */
export const RANDOM_PASSWORD_HELP: string = `Usage: secretwrangler random-password [options]

Prints a random password (GetRandomPassword) to stdout, as "get" prints a value: a newline is added
only for a terminal. With --json, {"password"}. Default: 32 characters, with letters of both cases,
digits and punctuation, at least one of each.

Options:
  --length <N>                         the password's length, 1 to 4096 (default 32)
  --exclude-characters <chars>         characters never to use
  --exclude-numbers                    no digits
  --exclude-punctuation                no punctuation (!"#$%&'()*+,-./:;<=>?@[\\]^_\`{|}~)
  --exclude-uppercase                  no upper-case letters
  --exclude-lowercase                  no lower-case letters
  --include-space                      may use a space
  --no-require-each-included-type      do not require one character of each included type
  --json                               print {"password"}

${COMMON_HELP}`;

/** Runs `random-password`; returns the exit code. */
export async function randomPasswordCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    length: { type: "string" },
    "exclude-characters": { type: "string" },
    "exclude-numbers": { type: "boolean" },
    "exclude-punctuation": { type: "boolean" },
    "exclude-uppercase": { type: "boolean" },
    "exclude-lowercase": { type: "boolean" },
    "include-space": { type: "boolean" },
    "no-require-each-included-type": { type: "boolean" },
    json: { type: "boolean" },
  });
  if (values.help) return writeHelp(io, RANDOM_PASSWORD_HELP);
  if (positionals.length > 0)
    throw new UsageError("random-password takes no arguments: give the length with --length N");
  const passwordLength = positiveWholeNumber("length", values.length);
  const options = {
    passwordLength,
    excludeCharacters: values["exclude-characters"],
    excludeNumbers: values["exclude-numbers"],
    excludePunctuation: values["exclude-punctuation"],
    excludeUppercase: values["exclude-uppercase"],
    excludeLowercase: values["exclude-lowercase"],
    includeSpace: values["include-space"],
    requireEachIncludedType: values["no-require-each-included-type"] ? false : undefined,
  };
  return withClient(values, async (client) => {
    const password = await client.getRandomPassword(options);
    // The password is the output: printed as `get` prints a value.
    writeValue(io, values.json ? { password } : password, true);
    return 0;
  });
}
