/**
 * Replica regions for the sdk transport's Secrets Manager reads: the options (`failoverRegions`,
 * `failoverCooldownMs`) and their checks, the rewrite of a secret ARN to a replica's region, and the
 * runner that tries the regions in order, remembering for a short time which ones failed.
 */
import { buildArn, parseArn } from "../../aws/arn.js";
import { partitionForRegion } from "../../aws/partition.js";
import { MAX_TIMEOUT_MS } from "../../aws/request-handler.js";
import { assertEndpoint } from "../../aws/sdk-client.js";
import { ArgumentError, isSecretsError, SecretsError, type SecretsErrorCode } from "../../core/errors.js";

/**
 * A replica region of {@link sdkTransport}'s `failoverRegions`, with its own endpoint (needed when the
 * transport has an `endpoint`: an endpoint belongs to one region).
 *
 * @example
 * ```ts
 * const replica: SdkFailoverRegion = { region: 'eu-west-1', endpoint: 'https://vpce-1234.secretsmanager.eu-west-1.vpce.amazonaws.com' };
 * ```
 */
export interface SdkFailoverRegion {
  /** The replica's region, e.g. `eu-west-1`; of the primary region's partition. */
  readonly region: string;
  /** The endpoint of Secrets Manager in that region. @default the SDK's for the region */
  readonly endpoint?: string | undefined;
}

/** The failover options, checked: the replica regions in order, and how long a failed region waits. */
export interface FailoverSettings {
  readonly regions: readonly SdkFailoverRegion[];
  readonly cooldownMs: number;
}

/** How long a region that failed over is tried after the others, unless `failoverCooldownMs` says otherwise. */
export const DEFAULT_FAILOVER_COOLDOWN_MS = 30_000;

/** The codes that send a read to the next region, when retryable: a failure of the region, not of the request. */
const FAILOVER_CODES: ReadonlySet<SecretsErrorCode> = new Set(["THROTTLED", "TIMEOUT", "TRANSPORT"]);

/** A region name as AWS spells them: lower-case letters, digits and dashes (a DNS label). */
const REGION_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

const ENTRY_KEYS: ReadonlySet<string> = new Set(["region", "endpoint"]);

function refused(transport: string, option: string, expected: string): ArgumentError {
  return new ArgumentError(`[secretwrangler] [${transport}] "${option}" ${expected}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function assertRegionName(value: unknown, option: string, transport: string): asserts value is string {
  if (typeof value !== "string" || !REGION_PATTERN.test(value)) {
    throw refused(transport, option, "must be an AWS region such as eu-west-1 (lower-case letters, digits, dashes)");
  }
}

/**
 * Checks `failoverRegions` and `failoverCooldownMs` of the sdk transport's options; throws
 * `ArgumentError` naming the option for a programming mistake: not an array, an entry that is neither
 * a region nor `{ region, endpoint? }`, an unknown key in an entry, a duplicate or the primary region
 * itself, regions of more than one partition (or not the partition of `region`), a bare region while
 * the transport has an `endpoint`, failover options with your own clients, or a cooldown outside
 * 0 to 2147483647 ms.
 *
 * @example
 * ```ts
 * const { regions, cooldownMs } = failoverSettings({ region: 'us-east-1', failoverRegions: ['eu-west-1'] }, 'sdk');
 * ```
 */
export function failoverSettings(options: Record<string, unknown>, transport: string): FailoverSettings {
  const { failoverRegions, failoverCooldownMs } = options;
  const given = ["failoverRegions", "failoverCooldownMs"].filter((key) => options[key] !== undefined);
  const clients = ["client", "ssmClient"].filter((key) => options[key] !== undefined);
  if (given.length > 0 && clients.length > 0) {
    throw new ArgumentError(
      `[secretwrangler] [${transport}] pass either ${clients.map((key) => `"${key}"`).join(" and ")} or ${given.map((key) => `"${key}"`).join(", ")}, not both (replica regions need clients the transport builds)`,
    );
  }
  let cooldownMs = DEFAULT_FAILOVER_COOLDOWN_MS;
  if (failoverCooldownMs !== undefined) {
    if (
      typeof failoverCooldownMs !== "number" ||
      !Number.isFinite(failoverCooldownMs) ||
      failoverCooldownMs < 0 ||
      failoverCooldownMs > MAX_TIMEOUT_MS
    ) {
      throw refused(transport, "failoverCooldownMs", `must be a number of milliseconds from 0 to ${MAX_TIMEOUT_MS}`);
    }
    cooldownMs = failoverCooldownMs;
  }
  if (failoverRegions === undefined) return { regions: [], cooldownMs };
  if (!Array.isArray(failoverRegions)) {
    throw refused(transport, "failoverRegions", "must be an array of regions or { region, endpoint } objects");
  }
  const primary = typeof options.region === "string" ? options.region : undefined;
  const seen = new Set<string>(primary === undefined ? [] : [primary]);
  const regions: SdkFailoverRegion[] = [];
  for (const [index, entry] of failoverRegions.entries()) {
    const option = `failoverRegions[${index}]`;
    let region: unknown;
    let endpoint: unknown;
    if (typeof entry === "string") {
      region = entry;
      assertRegionName(region, option, transport);
      if (options.endpoint !== undefined) {
        throw refused(
          transport,
          option,
          'needs its own endpoint ({ region, endpoint }) because "endpoint" is given: an endpoint belongs to one region',
        );
      }
    } else if (isObject(entry)) {
      const unknown = Object.keys(entry).find((key) => !ENTRY_KEYS.has(key));
      if (unknown !== undefined) throw refused(transport, option, "takes only region and endpoint");
      ({ region, endpoint } = entry);
      assertRegionName(region, `${option}.region`, transport);
      assertEndpoint(endpoint, `${option}.endpoint`, transport);
      if (endpoint === undefined && options.endpoint !== undefined) {
        throw refused(transport, `${option}.endpoint`, 'is required because "endpoint" is given');
      }
    } else {
      throw refused(transport, option, "must be a region or { region, endpoint }");
    }
    if (seen.has(region)) {
      const what = region === primary ? 'the primary "region"' : "listed twice";
      throw refused(transport, option, `is ${what}: each replica region once, the primary not among them`);
    }
    seen.add(region);
    const reference = primary ?? regions[0]?.region;
    if (reference !== undefined && partitionForRegion(region) !== partitionForRegion(reference)) {
      throw refused(
        transport,
        option,
        `is in partition ${partitionForRegion(region)}, not ${partitionForRegion(reference)} of ${reference === primary ? '"region"' : "the other failover regions"}: replicas stay in their partition`,
      );
    }
    regions.push(endpoint === undefined ? { region } : { region, endpoint: endpoint as string });
  }
  return { regions, cooldownMs };
}

/**
 * Whether a failed read goes on to the next region: `THROTTLED`, `TIMEOUT` and `TRANSPORT` (5xx, a
 * reset connection, a stalled body) when retryable, after the SDK's own retries in that region.
 * `NOT_FOUND`, `ACCESS_DENIED`, `DECRYPTION_FAILED`, `INVALID_REQUEST`, `CREDENTIALS`, `CONFIG`,
 * `ABORTED` and a body over the cap do not.
 *
 * @example
 * ```ts
 * if (failsOver(error)) tryNextRegion();
 * ```
 */
export function failsOver(error: SecretsError): boolean {
  return FAILOVER_CODES.has(error.code) && error.retryable;
}

/**
 * The id to read in `region`: a Secrets Manager ARN (full or partial) with its region replaced, the
 * partition kept (a replica's ARN differs only in its region); a name, or an ARN of another
 * partition or service, unchanged.
 *
 * @example
 * ```ts
 * secretIdInRegion('arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf', 'eu-west-1');
 * // 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf'
 * ```
 */
export function secretIdInRegion(id: string, region: string): string {
  if (!id.startsWith("arn:")) return id;
  let arn: ReturnType<typeof parseArn>;
  try {
    arn = parseArn(id);
  } catch {
    return id;
  }
  if (arn.service !== "secretsmanager" || arn.region === region) return id;
  if (arn.partition !== partitionForRegion(region)) return id;
  return buildArn({ ...arn, region });
}

/** One region the runner can read from. */
export interface RegionTarget<S> {
  /** The region, or, for the primary without a `region` option, a function that resolves it. */
  readonly region: () => Promise<string | undefined>;
  /** Whether this is the primary region (its answer is the authoritative one). */
  readonly primary: boolean;
  /** What the attempt reads with (the region's lazily built client). */
  readonly source: S;
}

/** Where a read failed, for the error naming every region. */
interface RegionFailure {
  readonly region: string;
  readonly error: SecretsError;
}

/** A read over the regions: the attempt gets the target and the region name (`undefined` if unknown). */
export type RegionAttempt<S, T> = (target: RegionTarget<S>, region: string | undefined) => Promise<T>;

/** The runner of {@link createFailover}. */
export interface Failover<S> {
  /** Reads in the first region that answers; see {@link createFailover}. */
  run<T>(
    context: { readonly operation: string; readonly secretId?: string | undefined },
    attempt: RegionAttempt<S, T>,
  ): Promise<T>;
}

interface RegionState {
  /** Until when (`performance.now()`) the region is tried after the healthy ones. */
  downUntil: number;
  /** Whether a read is trying it first again, its cooldown over; the others still put it last. */
  probing: boolean;
}

/**
 * Tries `targets` in order for each read: the primary first, then each replica, moving on only when
 * the primary failed with {@link failsOver} (its other failures, `NOT_FOUND` say, are the answer) or a
 * replica failed in any way but `ABORTED` (a replica may lack the secret or its permissions). A region
 * that failed over is put last for `cooldownMs` (0: never), and after that one read tries it first
 * again while the others keep it last; any answer from it brings it back. When every region fails,
 * one error with the primary's code names each region tried with its code; its `cause` is an
 * `AggregateError` of their errors, in the order tried. A replica of another partition than the
 * primary's resolved region is not contacted (`CONFIG` in the list). With one target, its error is
 * thrown as it is.
 *
 * @example
 * ```ts
 * const failover = createFailover(targets, 30_000, 'sdk');
 * const record = await failover.run({ operation: 'getSecretValue', secretId: id }, (target, region) => read(target, region));
 * ```
 */
export function createFailover<S>(
  targets: readonly RegionTarget<S>[],
  cooldownMs: number,
  transport: string,
): Failover<S> {
  const states = targets.map((): RegionState => ({ downUntil: 0, probing: false }));

  /** The targets in the order to try now, and the index of one this read probes (or -1). */
  function plan(): { order: number[]; probe: number } {
    const now = performance.now();
    const healthy: number[] = [];
    const cooling: number[] = [];
    let probe = -1;
    for (const [index, state] of states.entries()) {
      if (state.downUntil === 0) healthy.push(index);
      else if (state.downUntil <= now && !state.probing && probe === -1) {
        probe = index;
        healthy.push(index);
      } else cooling.push(index);
    }
    return { order: [...healthy, ...cooling], probe };
  }

  function markDown(index: number): void {
    const state = states[index] as RegionState;
    if (cooldownMs > 0) state.downUntil = performance.now() + cooldownMs;
  }

  function markUp(index: number): void {
    (states[index] as RegionState).downUntil = 0;
  }

  async function run<T>(
    context: { readonly operation: string; readonly secretId?: string | undefined },
    attempt: RegionAttempt<S, T>,
  ): Promise<T> {
    const single = targets[0] as RegionTarget<S>;
    if (targets.length === 1) return attempt(single, await single.region());
    const { order, probe } = plan();
    if (probe !== -1) (states[probe] as RegionState).probing = true;
    const failures: RegionFailure[] = [];
    let primaryFailure: SecretsError | undefined;
    try {
      for (const index of order) {
        const target = targets[index] as RegionTarget<S>;
        const region = await target.region();
        const mismatch = target.primary ? undefined : await partitionMismatch(region, context);
        if (mismatch !== undefined) {
          failures.push({ region: region ?? "?", error: mismatch });
          continue;
        }
        try {
          const value = await attempt(target, region);
          markUp(index);
          return value;
        } catch (error) {
          if (!isSecretsError(error) || error.code === "ABORTED") throw error;
          if (failsOver(error)) markDown(index);
          else markUp(index);
          if (target.primary && !failsOver(error)) throw error;
          if (target.primary) primaryFailure = error;
          failures.push({ region: region ?? "(default region)", error });
        }
      }
    } finally {
      if (probe !== -1) (states[probe] as RegionState).probing = false;
    }
    throw everyRegionFailed(context, primaryFailure ?? (failures[0]?.error as SecretsError), failures);
  }

  /** `CONFIG` when a replica is not in the partition of the primary's resolved region. */
  async function partitionMismatch(
    region: string | undefined,
    context: { readonly operation: string; readonly secretId?: string | undefined },
  ): Promise<SecretsError | undefined> {
    const primary = targets.find((target) => target.primary);
    const primaryRegion = await primary?.region();
    if (region === undefined || primaryRegion === undefined) return undefined;
    const expected = partitionForRegion(primaryRegion);
    if (partitionForRegion(region) === expected) return undefined;
    return new SecretsError({
      code: "CONFIG",
      operation: context.operation,
      secretId: context.secretId,
      transport,
      detail: `failover region ${region} is not in partition ${expected} of the primary region ${primaryRegion}; not contacted`,
    });
  }

  function everyRegionFailed(
    context: { readonly operation: string; readonly secretId?: string | undefined },
    first: SecretsError,
    failures: readonly RegionFailure[],
  ): SecretsError {
    const list = failures
      .map(({ region, error }) => `${region} ${error.code}${error.detail ? ` (${error.detail})` : ""}`)
      .join("; ");
    return new SecretsError({
      code: first.code,
      operation: context.operation,
      secretId: context.secretId,
      transport,
      retryable: first.retryable,
      status: first.status,
      detail: `every region failed, in the order tried: ${list}`,
      cause: new AggregateError(
        failures.map((failure) => failure.error),
        `regions tried: ${failures.map((failure) => failure.region).join(", ")}`,
      ),
    });
  }

  return { run };
}
