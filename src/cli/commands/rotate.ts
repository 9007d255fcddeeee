/** `secretwrangler rotate <id>`: sets up a secret's rotation and starts one (RotateSecret). */
import { ArgumentError } from "../../core/errors.js";
import { COMMON_HELP, onePositional, parseCommand, positiveWholeNumber, withClient } from "../options.js";
import { type CliIo, writeHelp, writeResult } from "../output.js";

/** Help text of `rotate`. */
export const ROTATE_HELP: string = `Usage: secretwrangler rotate <id> [options]

Rotates a secret (RotateSecret): turns rotation on with the Lambda function and schedule given (or
the ones it has), and starts a rotation now unless --no-rotate-immediately. Prints nothing; with
--json, {"name", "arn", "versionId"} (the version the rotation creates).

Options:
  --rotation-lambda-arn <arn>     the Lambda function that rotates the secret
  --after-days <N>                rotate every N days
  --schedule-expression <expr>    rotate on a schedule: rate(10 days), cron(0 16 1,15 * ? *)
  --duration <d>                  the rotation window, e.g. 3h (with --after-days or --schedule-expression)
  --no-rotate-immediately         only set the schedule: the next rotation is the scheduled one
  --client-request-token <T>      an idempotency token (32 to 64 characters) for the new version
  --json                          print the result as JSON

${COMMON_HELP}`;

/** Runs `rotate`; returns the exit code. */
export async function rotateCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    "rotation-lambda-arn": { type: "string" },
    "after-days": { type: "string" },
    "schedule-expression": { type: "string" },
    duration: { type: "string" },
    "no-rotate-immediately": { type: "boolean" },
    "client-request-token": { type: "string" },
    json: { type: "boolean" },
  });
  if (values.help) return writeHelp(io, ROTATE_HELP);
  const id = onePositional(positionals, "secret id");
  const automaticallyAfterDays = positiveWholeNumber("after-days", values["after-days"]);
  const scheduleExpression = values["schedule-expression"];
  // Both schedules at once, and the ranges, are refused by the client's checks (exit 2).
  const scheduled = automaticallyAfterDays !== undefined || scheduleExpression !== undefined;
  if (values.duration !== undefined && !scheduled) {
    throw new ArgumentError("--duration sets the window of a schedule: give --after-days or --schedule-expression too");
  }
  const options = {
    rotationLambdaArn: values["rotation-lambda-arn"],
    rotationRules: scheduled ? { automaticallyAfterDays, scheduleExpression, duration: values.duration } : undefined,
    rotateImmediately: values["no-rotate-immediately"] ? false : undefined,
    clientRequestToken: values["client-request-token"],
  };
  return withClient(values, async (client) => writeResult(io, values.json, await client.rotateSecret(id, options)));
}
