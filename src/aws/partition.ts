/**
 * AWS partitions: which partition a region belongs to, and each partition's DNS suffix. A partition
 * is a separate AWS: its own accounts, credentials, ARNs (`arn:aws-cn:...`) and endpoints. The table
 * mirrors the SDK's own partition data (a test checks that they agree), so no SDK is loaded for it.
 */

/** An AWS partition id, as it appears in ARNs. */
export type AwsPartition =
  | "aws"
  | "aws-cn"
  | "aws-us-gov"
  | "aws-iso"
  | "aws-iso-b"
  | "aws-iso-e"
  | "aws-iso-f"
  | "aws-eusc";

interface PartitionInfo {
  /** Regions of the partition start with this; `aws` takes every region no other partition claims. */
  readonly regionPrefix: string | undefined;
  readonly dnsSuffix: string;
}

const PARTITIONS: Readonly<Record<AwsPartition, PartitionInfo>> = {
  aws: { regionPrefix: undefined, dnsSuffix: "amazonaws.com" },
  "aws-cn": { regionPrefix: "cn-", dnsSuffix: "amazonaws.com.cn" },
  "aws-us-gov": { regionPrefix: "us-gov-", dnsSuffix: "amazonaws.com" },
  "aws-iso": { regionPrefix: "us-iso-", dnsSuffix: "c2s.ic.gov" },
  "aws-iso-b": { regionPrefix: "us-isob-", dnsSuffix: "sc2s.sgov.gov" },
  "aws-iso-e": { regionPrefix: "eu-isoe-", dnsSuffix: "cloud.adc-e.uk" },
  "aws-iso-f": { regionPrefix: "us-isof-", dnsSuffix: "csp.hci.ic.gov" },
  "aws-eusc": { regionPrefix: "eusc-", dnsSuffix: "amazonaws.eu" },
};

/**
 * Every partition id this library knows.
 *
 * @example
 * ```ts
 * AWS_PARTITIONS.includes('aws-cn'); // true
 * ```
 */
export const AWS_PARTITIONS: readonly AwsPartition[] = Object.freeze(Object.keys(PARTITIONS) as AwsPartition[]);

/**
 * Whether a string is a known partition id.
 *
 * @example
 * ```ts
 * isAwsPartition('aws-us-gov'); // true
 * ```
 */
export function isAwsPartition(value: string): value is AwsPartition {
  return Object.hasOwn(PARTITIONS, value);
}

/**
 * The partition a region belongs to: `cn-*` is `aws-cn`, `us-gov-*` is `aws-us-gov`, `us-iso-*`,
 * `us-isob-*`, `eu-isoe-*` and `us-isof-*` are the ISO partitions, `eusc-*` is the European
 * Sovereign Cloud, and everything else is `aws`.
 *
 * @example
 * ```ts
 * partitionForRegion('cn-north-1'); // 'aws-cn'
 * ```
 */
export function partitionForRegion(region: string): AwsPartition {
  for (const partition of AWS_PARTITIONS) {
    const prefix = PARTITIONS[partition].regionPrefix;
    if (prefix !== undefined && region.startsWith(prefix)) return partition;
  }
  return "aws";
}

/**
 * The DNS suffix of a partition's endpoints, e.g. `amazonaws.com.cn` for `aws-cn`.
 *
 * @example
 * ```ts
 * partitionDnsSuffix('aws-cn'); // 'amazonaws.com.cn'
 * ```
 */
export function partitionDnsSuffix(partition: AwsPartition): string {
  return PARTITIONS[partition].dnsSuffix;
}
