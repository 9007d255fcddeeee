/**
 * The direct transport: AWS Secrets Manager through `@aws-sdk/client-secrets-manager` and SSM
 * Parameter Store through `@aws-sdk/client-ssm`, each loaded on first use.
 */
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { SSMClient } from "@aws-sdk/client-ssm";
import {
  type AwsClientConfigOptions,
  type AwsClientInstanceOption,
  type AwsClientOptions,
  type AwsSdkClient,
  assertClientOptions,
  type LazySdk,
  lazySdk,
  type SdkModuleSpec,
} from "../../aws/sdk-client.js";
import { sdkError as toSecretsError } from "../../aws/sdk-errors.js";
import { SecretsError } from "../../core/errors.js";
import { CHUNK_CONCURRENCY, missingResultError, settleChunks } from "../../transport/batch.js";
import { checkFilters, type SecretFilter } from "../../transport/filters.js";
import type {
  BatchOptions,
  BatchResult,
  DescribeSecretRequest,
  SecretDescription,
  SecretRecord,
  SecretRequest,
  Transport,
} from "../../transport/types.js";
import {
  createFailover,
  failoverSettings,
  type RegionTarget,
  type SdkFailoverRegion,
  secretIdInRegion,
} from "./failover.js";
import { type SsmModule, ssmParameterMethods } from "./ssm.js";
import { ssmWriteMethods } from "./ssm-writes.js";
import { secretsManagerWriteMethods, toDescription } from "./writes.js";

export type { SdkFailoverRegion } from "./failover.js";

const TRANSPORT_NAME = "sdk";

/** BatchGetSecretValue takes at most 20 ids per call. */
const BATCH_SIZE = 20;
/** Upper bound on pages per batch chunk or filter read, so a misbehaving endpoint cannot loop us forever. */
const MAX_PAGES = 100;
/** A full ARN is the partial ARN plus `-` and the six characters Secrets Manager adds. */
const ARN_SUFFIX_LENGTH = "-AbCdEf".length;

/**
 * Options of {@link sdkTransport} that build its clients (Secrets Manager and SSM alike).
 *
 * @example
 * ```ts
 * sdkTransport({ region: 'eu-central-1', maxAttempts: 5 });
 * ```
 */
export interface SdkTransportConfigOptions extends AwsClientConfigOptions {
  /**
   * Replica regions of your secrets, tried in order when a Secrets Manager read fails in the
   * primary `region` with `THROTTLED`, `TIMEOUT` or `TRANSPORT` after the SDK's retries there; a
   * region, or `{ region, endpoint }` (required for each when `endpoint` is given). Each is read with
   * the same credentials and options; an ARN is read with its region replaced. Parameter Store reads
   * `describeSecret` and every write stay in the primary region. See docs/transports/sdk.md, "Replica regions".
   * @default none
   */
  readonly failoverRegions?: readonly (string | SdkFailoverRegion)[] | undefined;
  /**
   * Milliseconds a region that failed over is tried after the others (still tried, last): new reads
   * do not wait for a region known to be failing. Then one read tries it first again. `0` tries the
   * primary first on every read.
   * @default 30000
   */
  readonly failoverCooldownMs?: number | undefined;
  readonly ssmClient?: never;
}

/**
 * Your own clients for {@link sdkTransport}: `client` for Secrets Manager, `ssmClient` for Parameter
 * Store. A read from a service whose client you did not pass fails with `CONFIG`: the transport
 * does not build one behind your back.
 *
 * @example
 * ```ts
 * sdkTransport({ client: new SecretsManagerClient({}), ssmClient: new SSMClient({}) });
 * ```
 */
export interface SdkTransportClientOptions extends Omit<AwsClientInstanceOption<AwsSdkClient>, "client"> {
  /**
   * Your own `SecretsManagerClient`. The transport does not touch its request handler: its timeouts
   * and response size are yours to configure (the transport's `requestTimeoutMs` and body cap apply
   * only to clients it builds).
   */
  readonly client?: AwsSdkClient | undefined;
  /** Your own `SSMClient`, for the Parameter Store reads; the same holds for its request handler. */
  readonly ssmClient?: AwsSdkClient | undefined;
  /** Replica regions need clients the transport builds: not with your own. */
  readonly failoverRegions?: never;
  readonly failoverCooldownMs?: never;
}

/**
 * Options of {@link sdkTransport}: either your own clients, or the options to build them, never both.
 *
 * @example
 * ```ts
 * sdkTransport({ region: 'eu-central-1' });
 * sdkTransport({ client: new SecretsManagerClient({ region: 'eu-central-1' }) });
 * sdkTransport({ ssmClient: new SSMClient({ region: 'eu-central-1' }) }); // parameters only
 * sdkTransport({ session: new AwsSession({ profile: 'prod' }) });
 * ```
 */
export type SdkTransportOptions = SdkTransportConfigOptions | SdkTransportClientOptions;

/**
 * How to get one service's client: the caller's own, built from the config options, or, when the
 * caller passed only the other service's client, a `CONFIG` error on use.
 */
function clientSource<C>(
  options: SdkTransportOptions,
  own: C | undefined,
  option: "client" | "ssmClient",
): AwsClientOptions<C> | SecretsError {
  if (own !== undefined) return { client: own };
  if (options.client === undefined && options.ssmClient === undefined) return options as AwsClientConfigOptions;
  const other = option === "client" ? "ssmClient" : "client";
  return new SecretsError({
    code: "CONFIG",
    operation: "createTransport",
    transport: TRANSPORT_NAME,
    detail: `"${other}" was given but "${option}" was not`,
    hint: `Pass "${option}" too, or neither and let the transport build both`,
  });
}

/** The loader of one service's SDK: lazy, or one that fails every read when the options are mixed. */
function sdkFor<M, C extends { destroy(): void }>(
  options: SdkTransportOptions,
  own: C | undefined,
  option: "client" | "ssmClient",
  spec: SdkModuleSpec<M, C>,
): LazySdk<M, C> {
  const source = clientSource(options, own, option);
  return source instanceof SecretsError ? { get: () => Promise.reject(source), close() {} } : lazySdk(spec, source);
}

interface SecretValueShape {
  Name?: string | undefined;
  ARN?: string | undefined;
  VersionId?: string | undefined;
  VersionStages?: string[] | undefined;
  CreatedDate?: Date | undefined;
  SecretString?: string | undefined;
  SecretBinary?: Uint8Array | undefined;
}

function toRecord(output: SecretValueShape, id: string, region: string | undefined): SecretRecord {
  return {
    name: output.Name ?? id,
    region,
    arn: output.ARN,
    versionId: output.VersionId,
    versionStages: output.VersionStages,
    createdDate: output.CreatedDate,
    secretString: output.SecretString,
    secretBinary: output.SecretBinary,
  };
}

/**
 * Whether a returned secret answers a requested id: its name, its full ARN, or its partial ARN (the
 * full ARN without the `-` and six characters at the end; `…:secret:prod` is not `…:secret:prod-db-AbCdEf`).
 */
function answers(id: string, value: SecretValueShape): boolean {
  if (id === value.Name || id === value.ARN) return true;
  const arn = value.ARN;
  return arn !== undefined && arn.length === id.length + ARN_SUFFIX_LENGTH && arn.startsWith(`${id}-`);
}

/** How the transport loads `@aws-sdk/client-secrets-manager`; `doctor` checks it the same way. */
export const SECRETS_MANAGER_SDK: SdkModuleSpec<
  typeof import("@aws-sdk/client-secrets-manager"),
  SecretsManagerClient
> = {
  packageName: "@aws-sdk/client-secrets-manager",
  transport: TRANSPORT_NAME,
  load: () => import("@aws-sdk/client-secrets-manager"),
  clientClass: (module) => module.SecretsManagerClient,
};

/** A Secrets Manager client of one region, built on first use. */
type SecretsManagerModule = typeof import("@aws-sdk/client-secrets-manager");
type SecretsManagerSdk = LazySdk<SecretsManagerModule, SecretsManagerClient>;

/** The region an SDK client is configured with, or `undefined` when it has none (or it cannot tell). */
async function clientRegion(client: unknown): Promise<string | undefined> {
  const region = (client as { config?: { region?: unknown } } | null)?.config?.region;
  try {
    const resolved = typeof region === "function" ? await (region as () => unknown)() : region;
    return typeof resolved === "string" && resolved !== "" ? resolved : undefined;
  } catch {
    return undefined;
  }
}

/** The primary's region: the `region` option, else the one its client resolves (remembered once known). */
function primaryRegion(known: string | undefined, sdk: SecretsManagerSdk): () => Promise<string | undefined> {
  if (known !== undefined) return () => Promise.resolve(known);
  let resolved: string | undefined;
  return async () => {
    if (resolved !== undefined) return resolved;
    try {
      resolved = await clientRegion((await sdk.get()).client);
    } catch {
      return undefined;
    }
    return resolved;
  };
}

/** How the transport loads `@aws-sdk/client-ssm`. */
export const SSM_SDK: SdkModuleSpec<SsmModule, SSMClient> = {
  packageName: "@aws-sdk/client-ssm",
  transport: TRANSPORT_NAME,
  load: () => import("@aws-sdk/client-ssm"),
  clientClass: (module) => module.SSMClient,
};

/**
 * A transport that calls AWS Secrets Manager and SSM Parameter Store directly with the AWS SDK v3.
 * The SDK packages are optional peer dependencies, each imported on its first read; creating the
 * transport never throws for lack of them.
 *
 * @example
 * ```ts
 * const secrets = createSecretsClient({ transport: sdkTransport({ region: 'eu-central-1' }) });
 * // Read the replica in eu-west-1 when eu-central-1 throttles, times out or fails:
 * sdkTransport({ region: 'eu-central-1', failoverRegions: ['eu-west-1'] });
 * ```
 */
export function sdkTransport(options: SdkTransportOptions = {}): Transport {
  assertClientOptions(options as Record<string, unknown>, TRANSPORT_NAME, ["client", "ssmClient"]);
  const failover = failoverSettings(options as Record<string, unknown>, TRANSPORT_NAME);
  const sdk = sdkFor(options, options.client as SecretsManagerClient | undefined, "client", SECRETS_MANAGER_SDK);
  const ssm = sdkFor(options, options.ssmClient as SSMClient | undefined, "ssmClient", SSM_SDK);
  // Secrets Manager reads go through the regions: the primary, then each replica (failover.ts).
  const replicas = failover.regions.map(
    ({ region, endpoint }): SecretsManagerSdk =>
      lazySdk<SecretsManagerModule, SecretsManagerClient>(SECRETS_MANAGER_SDK, {
        ...(options as AwsClientConfigOptions),
        region,
        endpoint,
      }),
  );
  const targets: RegionTarget<SecretsManagerSdk>[] = [
    { primary: true, source: sdk, region: primaryRegion(options.region, sdk) },
    ...replicas.map((source, index) => {
      const region = (failover.regions[index] as SdkFailoverRegion).region;
      return { primary: false, source, region: () => Promise.resolve(region) };
    }),
  ];
  const regions = createFailover(targets, failover.cooldownMs, TRANSPORT_NAME);

  /** The id to send to a region: a replica reads an ARN with its own region. */
  function idFor(id: string, target: RegionTarget<SecretsManagerSdk>, region: string | undefined): string {
    return target.primary || region === undefined ? id : secretIdInRegion(id, region);
  }

  function getSecretValue(request: SecretRequest): Promise<SecretRecord> {
    return regions.run({ operation: "getSecretValue", secretId: request.id }, async (target, region) => {
      try {
        const { module, client } = await target.source.get();
        const output = await client.send(
          new module.GetSecretValueCommand({
            SecretId: idFor(request.id, target, region),
            VersionId: request.versionId,
            VersionStage: request.versionStage,
          }),
          { abortSignal: request.signal },
        );
        return toRecord(output, request.id, region);
      } catch (error) {
        throw toSecretsError(error, { operation: "getSecretValue", secretId: request.id, transport: TRANSPORT_NAME });
      }
    });
  }

  /** One BatchGetSecretValue chunk in one region, every page; per-id errors name the id as requested. */
  async function batchChunk(
    ids: readonly string[],
    target: RegionTarget<SecretsManagerSdk>,
    region: string | undefined,
    options: BatchOptions,
  ): Promise<BatchResult<SecretRecord>[]> {
    const asked = ids.map((id) => idFor(id, target, region));
    const requested = new Map(asked.map((id, index) => [id, ids[index] as string]));
    const values: SecretValueShape[] = [];
    const errors = new Map<string, SecretsError>();
    let nextToken: string | undefined;
    try {
      const { module, client } = await target.source.get();
      for (let page = 0; page < MAX_PAGES; page++) {
        const output = await client.send(
          new module.BatchGetSecretValueCommand({ SecretIdList: asked, NextToken: nextToken }),
          { abortSignal: options.signal },
        );
        values.push(...(output.SecretValues ?? []));
        for (const failure of output.Errors ?? []) {
          if (failure.SecretId === undefined) continue;
          const secretId = requested.get(failure.SecretId) ?? failure.SecretId;
          errors.set(
            failure.SecretId,
            toSecretsError(
              { name: failure.ErrorCode, message: failure.Message },
              { operation: "batchGetSecretValue", secretId, transport: TRANSPORT_NAME },
            ),
          );
        }
        nextToken = output.NextToken;
        if (!nextToken) break;
      }
    } catch (error) {
      throw toSecretsError(error, { operation: "batchGetSecretValue", transport: TRANSPORT_NAME });
    }
    return ids.map((id, index): BatchResult<SecretRecord> => {
      const sent = asked[index] as string;
      const value = values.find((candidate) => answers(sent, candidate));
      if (value) return { id, ok: true, value: toRecord(value, id, region) };
      const error =
        errors.get(sent) ?? missingResultError(TRANSPORT_NAME, "batchGetSecretValue", id, "not in the response");
      return { id, ok: false, error };
    });
  }

  /** DescribeSecret: the rotation schedule (for watchers) and the rest of the metadata. */
  async function describeSecret(request: DescribeSecretRequest): Promise<SecretDescription> {
    try {
      const { module, client } = await sdk.get();
      const output = await client.send(new module.DescribeSecretCommand({ SecretId: request.id }), {
        abortSignal: request.signal,
      });
      return toDescription(output, request.id);
    } catch (error) {
      throw toSecretsError(error, { operation: "describeSecret", secretId: request.id, transport: TRANSPORT_NAME });
    }
  }

  /**
   * BatchGetSecretValue by 20 ids, a few calls at a time; a failed call fails only its own ids. Each
   * chunk goes through the regions on its own.
   */
  async function batchGetSecretValue(
    ids: readonly string[],
    options: BatchOptions = {},
  ): Promise<BatchResult<SecretRecord>[]> {
    if (ids.length === 0) return [];
    try {
      await sdk.get();
    } catch (error) {
      throw toSecretsError(error, { operation: "batchGetSecretValue", transport: TRANSPORT_NAME });
    }
    return settleChunks(ids, BATCH_SIZE, CHUNK_CONCURRENCY, (chunk) =>
      regions.run({ operation: "batchGetSecretValue" }, (target, region) => batchChunk(chunk, target, region, options)),
    );
  }

  /**
   * BatchGetSecretValue with `Filters`, 20 secrets a page, every page (at most {@link MAX_PAGES}),
   * through the regions as one read: one result per secret found, under its name; a secret listed in
   * `Errors` is a failed result under the id the response gives it.
   */
  function batchGetSecretValueByFilter(
    filters: readonly SecretFilter[],
    options: BatchOptions = {},
  ): Promise<BatchResult<SecretRecord>[]> {
    checkFilters(filters, 'sdkTransport.batchGetSecretValueByFilter: "filters"');
    const Filters = filters.map(({ key, values }) => ({ Key: key, Values: [...values] }));
    const context = { operation: "batchGetSecretValue", transport: TRANSPORT_NAME };
    return regions.run({ operation: "batchGetSecretValue" }, async (target, region) => {
      const results = new Map<string, BatchResult<SecretRecord>>();
      try {
        const { module, client } = await target.source.get();
        let nextToken: string | undefined;
        for (let page = 0; page < MAX_PAGES; page++) {
          const output = await client.send(
            new module.BatchGetSecretValueCommand({ Filters, MaxResults: BATCH_SIZE, NextToken: nextToken }),
            { abortSignal: options.signal },
          );
          for (const value of output.SecretValues ?? []) {
            const id = value.Name ?? value.ARN;
            if (id !== undefined) results.set(id, { id, ok: true, value: toRecord(value, id, region) });
          }
          for (const { SecretId: id, ErrorCode, Message } of output.Errors ?? []) {
            if (id === undefined || results.has(id)) continue;
            const error = toSecretsError({ name: ErrorCode, message: Message }, { ...context, secretId: id });
            results.set(id, { id, ok: false, error });
          }
          nextToken = output.NextToken;
          if (!nextToken) return [...results.values()];
        }
        throw new SecretsError({
          code: "TRANSPORT",
          ...context,
          detail: `more than ${MAX_PAGES} pages; narrow the filters`,
        });
      } catch (error) {
        throw toSecretsError(error, context);
      }
    });
  }

  return {
    name: TRANSPORT_NAME,
    getSecretValue,
    batchGetSecretValue,
    batchGetSecretValueByFilter,
    describeSecret,
    ...ssmParameterMethods(ssm, TRANSPORT_NAME),
    // The writes go to the primary region only (writes.ts says why).
    ...secretsManagerWriteMethods(sdk, TRANSPORT_NAME),
    ...ssmWriteMethods(ssm, TRANSPORT_NAME),
    close() {
      sdk.close();
      ssm.close();
      for (const replica of replicas) replica.close();
    },
  };
}
