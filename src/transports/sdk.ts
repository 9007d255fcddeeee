/**
 * The direct transport: AWS Secrets Manager through `@aws-sdk/client-secrets-manager`, loaded on
 * first use.
 */
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SecretsError } from "../errors.js";
import { type AwsClientOptions, assertClientOptions, lazySdk } from "./aws-client.js";
import { toSecretsError } from "./aws-errors.js";
import type { BatchOptions, BatchResult, SecretRecord, SecretRequest, Transport } from "./types.js";

const TRANSPORT_NAME = "sdk";

/** BatchGetSecretValue takes at most 20 ids per call. */
const BATCH_SIZE = 20;
/** Upper bound on pages per batch chunk, so a misbehaving endpoint cannot loop us forever. */
const MAX_PAGES = 100;

/**
 * Options of {@link sdkTransport}: either your own `client`, or the options to build one.
 *
 * @example
 * ```ts
 * sdkTransport({ region: 'eu-central-1' });
 * sdkTransport({ client: new SecretsManagerClient({ region: 'eu-central-1' }) });
 * sdkTransport({ session: new AwsSession({ profile: 'prod' }) });
 * ```
 */
export type SdkTransportOptions = AwsClientOptions<SecretsManagerClient>;

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

/** Whether a returned secret answers a requested id (a name, a full ARN or a partial ARN). */
function answers(id: string, value: SecretValueShape): boolean {
  return id === value.Name || id === value.ARN || (value.ARN?.startsWith(`${id}-`) ?? false);
}

/**
 * A transport that calls AWS Secrets Manager directly with the AWS SDK v3. The SDK package is an
 * optional peer dependency, imported on the first read; creating the transport never throws for
 * lack of it.
 *
 * @example
 * ```ts
 * const secrets = createSecretsClient({ transport: sdkTransport({ region: 'eu-central-1' }) });
 * ```
 */
export function sdkTransport(options: SdkTransportOptions = {}): Transport {
  assertClientOptions(options as Record<string, unknown>, TRANSPORT_NAME);
  const sdk = lazySdk(
    {
      packageName: "@aws-sdk/client-secrets-manager",
      transport: TRANSPORT_NAME,
      load: () => import("@aws-sdk/client-secrets-manager"),
      clientClass: (module) => module.SecretsManagerClient,
    },
    options,
  );

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

  async function batchChunk(ids: readonly string[], options: BatchOptions): Promise<BatchResult<SecretRecord>[]> {
    const { module, client } = await sdk.get();
    const values: SecretValueShape[] = [];
    const errors = new Map<string, SecretsError>();
    let nextToken: string | undefined;
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
    return ids.map((id): BatchResult<SecretRecord> => {
      const value = values.find((candidate) => answers(id, candidate));
      if (value) return { id, ok: true, value: toRecord(value, id) };
      const error =
        errors.get(id) ??
        new SecretsError({
          code: "NOT_FOUND",
          operation: "batchGetSecretValue",
          secretId: id,
          transport: TRANSPORT_NAME,
          detail: "not in the response",
        });
      return { id, ok: false, error };
    });
  }

  async function batchGetSecretValue(
    ids: readonly string[],
    options: BatchOptions = {},
  ): Promise<BatchResult<SecretRecord>[]> {
    const chunks: string[][] = [];
    for (let start = 0; start < ids.length; start += BATCH_SIZE) chunks.push(ids.slice(start, start + BATCH_SIZE));
    try {
      const results = await Promise.all(chunks.map((chunk) => batchChunk(chunk, options)));
      return results.flat();
    } catch (error) {
      throw toSecretsError(error, { operation: "batchGetSecretValue", transport: TRANSPORT_NAME });
    }
  }

  return {
    name: TRANSPORT_NAME,
    getSecretValue,
    batchGetSecretValue,
    close: sdk.close,
  };
}
