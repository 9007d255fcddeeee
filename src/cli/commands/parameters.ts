/** `secretwrangler get-parameter <name>` and `get-parameters-by-path <path>`. */
import {
  COMMON_HELP,
  clientFromFlags,
  onePositional,
  parseCommand,
  positiveWholeNumber,
  UsageError,
} from "../options.js";
import { type CliIo, writeValue } from "../output.js";

/** Help text of `get-parameter`. */
export const GET_PARAMETER_HELP: string = `Usage: secretwrangler get-parameter <name> [options]

Prints an SSM parameter's value: a String or SecureString as is, a StringList as a JSON array.

Options:
  --no-decrypt            do not decrypt a SecureString (decrypted by default)
  --version <N>           read a version
  --label <L>             read a label

${COMMON_HELP}`;

/** Help text of `get-parameters-by-path`. */
export const GET_PARAMETERS_BY_PATH_HELP: string = `Usage: secretwrangler get-parameters-by-path <path> [options]

Prints every parameter under a path as JSON: a nested object by default.

Options:
  --flat                  print a flat object of names relative to the path instead
  --no-recursive          only the parameters directly under the path
  --no-decrypt            do not decrypt SecureStrings (decrypted by default)

${COMMON_HELP}`;

/** Runs `get-parameter`. */
export async function getParameterCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    "no-decrypt": { type: "boolean" },
    version: { type: "string" },
    label: { type: "string" },
  });
  if (values.help) {
    io.stdout.write(`${GET_PARAMETER_HELP}\n`);
    return 0;
  }
  const name = onePositional(positionals, "parameter name");
  if (values.version !== undefined && values.label !== undefined) throw new UsageError("give --version or --label");
  const version = positiveWholeNumber("version", values.version);
  const client = clientFromFlags(values);
  try {
    const value = await client.getParameter(name, { decrypt: !values["no-decrypt"], version, label: values.label });
    writeValue(io, value);
    return 0;
  } finally {
    await client.close();
  }
}

/** Runs `get-parameters-by-path`. */
export async function getParametersByPathCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    flat: { type: "boolean" },
    "no-recursive": { type: "boolean" },
    "no-decrypt": { type: "boolean" },
  });
  if (values.help) {
    io.stdout.write(`${GET_PARAMETERS_BY_PATH_HELP}\n`);
    return 0;
  }
  const path = onePositional(positionals, "path");
  const client = clientFromFlags(values);
  try {
    const tree = await client.getParametersByPath(path, {
      recursive: !values["no-recursive"],
      decrypt: !values["no-decrypt"],
      shape: values.flat ? "flat" : "tree",
    });
    writeValue(io, tree, true);
    return 0;
  } finally {
    await client.close();
  }
}
