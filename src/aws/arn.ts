/**
 * ARN parsing and building. An ARN is `arn:<partition>:<service>:<region>:<account>:<resource>`;
 * the resource may itself hold colons and slashes (`secret:prod/db-AbCdEf`, `role/path/name`).
 */
import { ArgumentError } from "../core/errors.js";
import { type AwsPartition, isAwsPartition } from "./partition.js";

/** The parts of an ARN. `region` and `accountId` are empty for global resources (IAM, S3 buckets). */
export interface Arn {
  readonly partition: AwsPartition;
  /** Service namespace, e.g. `iam`, `secretsmanager`, `sts`. */
  readonly service: string;
  /** Region, or `""` for global services. */
  readonly region: string;
  /** Account id, `""` when the ARN has none, or `aws` for AWS-managed resources. */
  readonly accountId: string;
  /** Everything after the fifth colon, e.g. `role/manage-role`. */
  readonly resource: string;
}

function malformed(operation: string, detail: string): ArgumentError {
  // The input is not quoted: a caller may hand us anything, including a value that should stay private.
  return new ArgumentError(`[secretwrangler] ${operation}: ${detail}`);
}

/**
 * Splits an ARN into its parts. Throws `ArgumentError` for anything that is not an ARN of a known partition.
 *
 * @example
 * ```ts
 * parseArn('arn:aws-cn:iam::123456789012:role/manage-role').partition; // 'aws-cn'
 * ```
 */
export function parseArn(arn: string): Arn {
  if (typeof arn !== "string") throw malformed("parseArn", "not an ARN (arn:partition:service:...)");
  const fields = arn.split(":");
  if (fields.length < 6 || fields[0] !== "arn") throw malformed("parseArn", "not an ARN (arn:partition:service:...)");
  const [, partition = "", service = "", region = "", accountId = ""] = fields;
  if (!isAwsPartition(partition)) throw malformed("parseArn", "unknown partition in ARN");
  if (service === "") throw malformed("parseArn", "ARN has no service");
  const resource = fields.slice(5).join(":");
  if (resource === "") throw malformed("parseArn", "ARN has no resource");
  return { partition, service, region, accountId, resource };
}

/**
 * Joins ARN parts; the inverse of {@link parseArn}. Throws `ArgumentError` for a part that would not parse
 * back (an unknown partition, a colon in service, region or account, an empty resource).
 *
 * @example
 * ```ts
 * buildArn({ partition: 'aws-us-gov', service: 'iam', region: '', accountId: '123456789012', resource: 'role/ci' });
 * // 'arn:aws-us-gov:iam::123456789012:role/ci'
 * ```
 */
export function buildArn(parts: Arn): string {
  if (!isAwsPartition(parts.partition)) throw malformed("buildArn", "unknown partition");
  if (parts.service === "") throw malformed("buildArn", "empty service");
  for (const field of ["service", "region", "accountId"] as const) {
    if (parts[field].includes(":")) throw malformed("buildArn", `${field} contains ":"`);
  }
  if (parts.resource === "") throw malformed("buildArn", "empty resource");
  return `arn:${parts.partition}:${parts.service}:${parts.region}:${parts.accountId}:${parts.resource}`;
}

/**
 * The ARN of an IAM role, `arn:<partition>:iam::<accountId>:role/<roleName>`. `roleName` may carry a
 * path (`service-role/deployer`). Throws `ArgumentError` for an account id that is not 12 digits.
 *
 * @example
 * ```ts
 * iamRoleArn('aws-cn', '123456789012', 'manage-role'); // 'arn:aws-cn:iam::123456789012:role/manage-role'
 * ```
 */
export function iamRoleArn(partition: AwsPartition, accountId: string, roleName: string): string {
  if (typeof accountId !== "string" || !/^\d{12}$/.test(accountId))
    throw malformed("roleArn", '"accountId" must be 12 digits');
  if (typeof roleName !== "string" || roleName === "" || roleName.startsWith("/") || roleName.endsWith("/")) {
    throw malformed("roleArn", '"roleName" must be a role name, optionally with a path (path/name)');
  }
  return buildArn({ partition, service: "iam", region: "", accountId, resource: `role/${roleName}` });
}
