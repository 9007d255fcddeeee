/**
 * Partitions and ARNs without any AWS call: which partition a region is in, its DNS suffix, and
 * ARNs parsed and built for any partition.
 *
 *   npx tsx examples/session-arn.ts
 */
import {
  AWS_PARTITIONS,
  buildArn,
  iamRoleArn,
  isAwsPartition,
  parseArn,
  partitionDnsSuffix,
  partitionForRegion,
} from "secretwrangler/aws";

// #region partitions
console.log(partitionForRegion("us-gov-east-1")); // aws-us-gov
console.log(partitionDnsSuffix("aws-cn")); // amazonaws.com.cn
console.log(isAwsPartition("aws-iso-b"), AWS_PARTITIONS.length); // true 8
// #endregion

// #region arn
const secret = parseArn("arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:prod/db-AbCdEf");
console.log(secret.partition, secret.service, secret.region, secret.accountId, secret.resource);
// aws-cn secretsmanager cn-north-1 123456789012 secret:prod/db-AbCdEf

console.log(
  buildArn({ partition: "aws-us-gov", service: "iam", region: "", accountId: "123456789012", resource: "role/ci" }),
);
// arn:aws-us-gov:iam::123456789012:role/ci

console.log(iamRoleArn("aws-cn", "123456789012", "service-role/deployer"));
// arn:aws-cn:iam::123456789012:role/service-role/deployer
// #endregion
