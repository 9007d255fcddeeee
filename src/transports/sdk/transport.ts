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
import type {
  BatchOptions,
  BatchResult,
  DescribeSecretRequest,
  SecretDescription,
  SecretRecord,
  SecretRequest,
  Transport,
} from "../../transport/types.js";
import { type SsmModule, ssmParameterMethods } from "./ssm.js";

const TRANSPORT_NAME = "sdk";

/** BatchGetSecretValue takes at most 20 ids per call. */
const BATCH_SIZE = 20;
/** Upper bound on pages per batch chunk, so a misbehaving endpoint cannot loop us forever. */
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

function toRecord(output: SecretValueShape, id: string): SecretRecord {
  return {
    name: output.Name ?? id,
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
 * ```
 */
export function sdkTransport(options: SdkTransportOptions = {}): Transport {
  assertClientOptions(options as Record<string, unknown>, TRANSPORT_NAME, ["client", "ssmClient"]);
  const sdk = sdkFor(options, options.client as SecretsManagerClient | undefined, "client", SECRETS_MANAGER_SDK);
  const ssm = sdkFor(options, options.ssmClient as SSMClient | undefined, "ssmClient", SSM_SDK);

  async function getSecretValue(request: SecretRequest): Promise<SecretRecord> {
    try {
      const { module, client } = await sdk.get();
      const output = await client.send(
        new module.GetSecretValueCommand({
          SecretId: request.id,
          VersionId: request.versionId,
          VersionStage: request.versionStage,
        }),
        { abortSignal: request.signal },
      );
      return toRecord(output, request.id);
    } catch (error) {
      throw toSecretsError(error, { operation: "getSecretValue", secretId: request.id, transport: TRANSPORT_NAME });
    }
  }

  async function batchChunk(
    ids: readonly string[],
    { module, client }: Awaited<ReturnType<typeof sdk.get>>,
    options: BatchOptions,
  ): Promise<BatchResult<SecretRecord>[]> {
    const values: SecretValueShape[] = [];
    const errors = new Map<string, SecretsError>();
    let nextToken: string | undefined;
    try {
      for (let page = 0; page < MAX_PAGES; page++) {
        const output = await client.send(
          new module.BatchGetSecretValueCommand({ SecretIdList: [...ids], NextToken: nextToken }),
          { abortSignal: options.signal },
        );
        values.push(...(output.SecretValues ?? []));
        for (const failure of output.Errors ?? []) {
          if (failure.SecretId === undefined) continue;
          errors.set(
            failure.SecretId,
            toSecretsError(
              { name: failure.ErrorCode, message: failure.Message },
              { operation: "batchGetSecretValue", secretId: failure.SecretId, transport: TRANSPORT_NAME },
            ),
          );
        }
        nextToken = output.NextToken;
        if (!nextToken) break;
      }
    } catch (error) {
      throw toSecretsError(error, { operation: "batchGetSecretValue", transport: TRANSPORT_NAME });
    }
    return ids.map((id): BatchResult<SecretRecord> => {
      const value = values.find((candidate) => answers(id, candidate));
      if (value) return { id, ok: true, value: toRecord(value, id) };
      const error =
        errors.get(id) ?? missingResultError(TRANSPORT_NAME, "batchGetSecretValue", id, "not in the response");
      return { id, ok: false, error };
    });
  }

  /** DescribeSecret: the rotation schedule, for watchers. */
  async function describeSecret(request: DescribeSecretRequest): Promise<SecretDescription> {
    try {
      const { module, client } = await sdk.get();
      const output = await client.send(new module.DescribeSecretCommand({ SecretId: request.id }), {
        abortSignal: request.signal,
      });
      return {
        name: output.Name ?? request.id,
        arn: output.ARN,
        rotationEnabled: output.RotationEnabled,
        nextRotationDate: output.NextRotationDate,
        lastRotatedDate: output.LastRotatedDate,
        lastChangedDate: output.LastChangedDate,
      };
    } catch (error) {
      throw toSecretsError(error, { operation: "describeSecret", secretId: request.id, transport: TRANSPORT_NAME });
    }
  }

  /** BatchGetSecretValue by 20 ids, a few calls at a time; a failed call fails only its own ids. */
  async function batchGetSecretValue(
    ids: readonly string[],
    options: BatchOptions = {},
  ): Promise<BatchResult<SecretRecord>[]> {
    if (ids.length === 0) return [];
    let loaded: Awaited<ReturnType<typeof sdk.get>>;
    try {
      loaded = await sdk.get();
    } catch (error) {
      throw toSecretsError(error, { operation: "batchGetSecretValue", transport: TRANSPORT_NAME });
    }
    return settleChunks(ids, BATCH_SIZE, CHUNK_CONCURRENCY, (chunk) => batchChunk(chunk, loaded, options));
  }

  return {
    name: TRANSPORT_NAME,
    getSecretValue,
    batchGetSecretValue,
    describeSecret,
    ...ssmParameterMethods(ssm, TRANSPORT_NAME),
    close() {
      sdk.close();
      ssm.close();
    },
  };
}
