/**
 * `secretwrangler/aws`: AWS utilities. `AwsSession` and its options, the partitions (`aws`,
 * `aws-cn`, `aws-us-gov`, ...), ARNs, and the types of the SDK client factory and credentials that
 * the SDK transport and `AwsSession` share. `AwsSession` is exported from the root entry too.
 *
 * Every public export is listed here by name.
 *
 * @module secretwrangler/aws
 */

export type { Arn } from "./aws/arn.js";
export { buildArn, iamRoleArn, parseArn } from "./aws/arn.js";
export type { AwsPartition } from "./aws/partition.js";
export { AWS_PARTITIONS, isAwsPartition, partitionDnsSuffix, partitionForRegion } from "./aws/partition.js";
export type {
  AwsClientConfigOptions,
  AwsClientFactory,
  AwsClientInstanceOption,
  AwsClientOptions,
  AwsCredentialsInput,
  AwsSdkClient,
} from "./aws/sdk-client.js";
export type { AwsCredentials } from "./aws/session/credential-cache.js";
export type {
  AssumeRoleOptions,
  AssumeRoleTarget,
  AwsSessionOptions,
  AwsSessionSettings,
} from "./aws/session/session.js";
export { AwsSession } from "./aws/session/session.js";
export type { CallerIdentity } from "./aws/session/sts.js";
