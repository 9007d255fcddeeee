/**
 * What an IAM database login needs to know about a host name: the region in an RDS endpoint's name,
 * and whether a host is on this machine (the only place a token may go without TLS, and only when
 * the caller opts in).
 */
import { isIPv4, isIPv6 } from "node:net";
import { partitionDnsSuffix, partitionForRegion } from "../../aws/partition.js";

/** An AWS region id: `eu-west-1`, `us-gov-west-1`, `cn-north-1`, `us-isob-east-1`, `eusc-de-east-1`. */
export const REGION_ID: RegExp = /^[a-z]{2,}(?:-[a-z]+)+-\d+$/;

/** `<name>.<id>.<region>.rds.<partition's DNS suffix>`: instances, clusters (`cluster-`, `cluster-ro-`), proxies (`proxy-`). */
const REGION_THEN_RDS = /\.([a-z]{2,}(?:-[a-z]+)+-\d+)\.rds\.([a-z0-9.-]+)$/;
/** China also writes `<name>.<id>.rds.<region>.amazonaws.com.cn`. */
const RDS_THEN_REGION = /\.rds\.([a-z]{2,}(?:-[a-z]+)+-\d+)\.([a-z0-9.-]+)$/;

/**
 * The region in an RDS endpoint name, or `undefined` for any other host (an IP address, a CNAME of
 * your own, a tunnel). The DNS suffix must be the region's partition's (`amazonaws.com`,
 * `amazonaws.com.cn`, ...), so `x.y.cn-north-1.rds.amazonaws.com` is no RDS name.
 */
export function regionFromRdsHost(host: string): string | undefined {
  const name = host.toLowerCase().replace(/\.$/, "");
  for (const pattern of [REGION_THEN_RDS, RDS_THEN_REGION]) {
    const match = pattern.exec(name);
    const region = match?.[1];
    if (region !== undefined && match?.[2] === partitionDnsSuffix(partitionForRegion(region))) return region;
  }
  return undefined;
}

/** A DNS name (letters, digits, `.`, `-`, `_`) or an IPv4 address: what an IAM token is signed for. */
export function isSignableHost(host: string): boolean {
  return /^[A-Za-z0-9._-]+$/.test(host) && !host.startsWith(".") && !host.startsWith("-");
}

/**
 * Whether the driver connects to this machine: `localhost`, `127.0.0.0/8`, `::1`, or a Unix socket
 * path (pg's `host: '/var/run/postgresql'`).
 */
export function isLoopbackHost(host: unknown): boolean {
  if (typeof host !== "string" || host === "") return false;
  if (host.startsWith("/")) return true;
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  const lower = bare.toLowerCase();
  if (lower === "localhost") return true;
  if (isIPv4(lower)) return lower.startsWith("127.");
  return isIPv6(lower) && (lower === "::1" || lower === "0:0:0:0:0:0:0:1" || lower.startsWith("::ffff:127."));
}
