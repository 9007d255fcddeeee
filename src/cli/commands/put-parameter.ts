/** `secretwrangler put-parameter <name>`: writes an SSM parameter, its value from stdin or a file. */
import { ArgumentError } from "../../core/errors.js";
import { isParameterType, PARAMETER_TYPES } from "../../transport/parameter-type.js";
import type { ParameterTier } from "../../transport/writes.js";
import { COMMON_HELP, parseCommand, withClient } from "../options.js";
import { type CliIo, writeHelp, writeResult } from "../output.js";
import { PARAMETER_VALUE_HELP, readParameterValue, VALUE_OPTIONS, valueSource, writeTarget } from "../value-input.js";

/** Help text of `put-parameter`. */
export const PUT_PARAMETER_HELP: string = `Usage: secretwrangler put-parameter <name> [-] [options]

Writes an SSM parameter (PutParameter): a new parameter, or with --overwrite a new version of one
(without it, a parameter that exists is ALREADY_EXISTS, exit 25). Prints nothing; with --json,
{"version", "tier"}.

${PARAMETER_VALUE_HELP}

Options:
  --type <t>              ${PARAMETER_TYPES.join(", ")} (default String); a StringList is its
                          items comma-separated
  --kms-key-id <k>        the KMS key of a SecureString (default: aws/ssm)
  --overwrite             replace the value of a parameter that exists
  --tier <t>              Standard, Advanced or Intelligent-Tiering (default Standard)
  --description <d>       the parameter's description
  --data-type <d>         text, aws:ec2:image or aws:ssm:integration (default text)
  --allowed-pattern <re>  a regular expression the value must match
  --json                  print the result as JSON

${COMMON_HELP}`;

/** Runs `put-parameter`; returns the exit code. */
export async function putParameterCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    ...VALUE_OPTIONS,
    type: { type: "string" },
    "kms-key-id": { type: "string" },
    overwrite: { type: "boolean" },
    tier: { type: "string" },
    description: { type: "string" },
    "data-type": { type: "string" },
    "allowed-pattern": { type: "string" },
    json: { type: "boolean" },
  });
  if (values.help) return writeHelp(io, PUT_PARAMETER_HELP);
  const { target: name, dash } = writeTarget(positionals, "parameter name");
  const type = values.type ?? "String";
  if (!isParameterType(type)) throw new ArgumentError(`--type takes ${PARAMETER_TYPES.join(", ")}`);
  const source = valueSource("put-parameter", values, dash);
  return withClient(values, async (client) => {
    const value = await readParameterValue(io, "put-parameter", name, source);
    const result = await client.putParameter(name, value, {
      type,
      kmsKeyId: values["kms-key-id"],
      overwrite: values.overwrite,
      // Checked by the client, as are --kms-key-id (SecureString only), --data-type and the size.
      tier: values.tier as ParameterTier | undefined,
      description: values.description,
      dataType: values["data-type"],
      allowedPattern: values["allowed-pattern"],
    });
    return writeResult(io, values.json, result);
  });
}
