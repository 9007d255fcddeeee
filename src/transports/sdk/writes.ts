/**
 * The SDK transport's Secrets Manager writes (CreateSecret, PutSecretValue, UpdateSecret,
 * TagResource, UntagResource, DeleteSecret, RestoreSecret, RotateSecret, UpdateSecretVersionStage),
 * GetRandomPassword, ListSecrets (one page per call) and the mapping of DescribeSecret. Each request
 * is checked first; every call goes to the primary region only (a write to a replica is refused by
 * Secrets Manager, and failing over a write could apply it twice).
 */
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { LazySdk } from "../../aws/sdk-client.js";
import { sdkError as toSecretsError } from "../../aws/sdk-errors.js";
import { SecretsError } from "../../core/errors.js";
import type { SecretDescription, Transport } from "../../transport/types.js";
import {
  checkWriteRequest,
  type SecretListEntry,
  type SecretTags,
  type SecretValueFields,
  type WriteMethod,
} from "../../transport/writes.js";

type SecretsManagerSdk = LazySdk<typeof import("@aws-sdk/client-secrets-manager"), SecretsManagerClient>;

/** The Secrets Manager methods of the sdk transport besides the reads of values. */
export type SecretsManagerWriteMethods = Required<
  Pick<Transport, Exclude<WriteMethod, "putParameter" | "labelParameterVersion" | "deleteParameter">>
>;

interface TagShape {
  Key?: string | undefined;
  Value?: string | undefined;
}

/** What DescribeSecret and a ListSecrets entry have in common. */
interface SecretMetadataShape {
  Name?: string | undefined;
  ARN?: string | undefined;
  Description?: string | undefined;
  KmsKeyId?: string | undefined;
  Tags?: TagShape[] | undefined;
  RotationEnabled?: boolean | undefined;
  LastChangedDate?: Date | undefined;
  LastRotatedDate?: Date | undefined;
  NextRotationDate?: Date | undefined;
  DeletedDate?: Date | undefined;
  CreatedDate?: Date | undefined;
}

/** Tags as the AWS APIs take them (Secrets Manager and SSM alike). */
export function toTags(tags: SecretTags): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

function fromTags(tags: TagShape[] | undefined): SecretTags | undefined {
  if (tags === undefined) return undefined;
  return Object.fromEntries(tags.flatMap(({ Key, Value }) => (Key === undefined ? [] : [[Key, Value ?? ""]])));
}

/** A ListSecrets entry, or the common part of a description: metadata, never a value. */
function toEntry(output: SecretMetadataShape, id: string): SecretListEntry {
  return {
    name: output.Name ?? id,
    arn: output.ARN,
    description: output.Description,
    kmsKeyId: output.KmsKeyId,
    tags: fromTags(output.Tags),
    rotationEnabled: output.RotationEnabled,
    lastChangedDate: output.LastChangedDate,
    lastRotatedDate: output.LastRotatedDate,
    nextRotationDate: output.NextRotationDate,
    deletedDate: output.DeletedDate,
    createdDate: output.CreatedDate,
  };
}

/** DescribeSecret's output as a {@link SecretDescription}. */
export function toDescription(
  output: SecretMetadataShape & { VersionIdsToStages?: Record<string, string[]> | undefined },
  id: string,
): SecretDescription {
  return { ...toEntry(output, id), versionIdsToStages: output.VersionIdsToStages };
}

function valueFields(request: SecretValueFields): { SecretString?: string; SecretBinary?: Uint8Array } {
  return request.secretBinary === undefined
    ? { SecretString: request.secretString }
    : { SecretBinary: request.secretBinary };
}

/**
 * The maker of a write method of one service: it checks the request, loads the SDK, sends what
 * `send` builds with the caller's signal, and maps a failure with the secret id or parameter name.
 */
export function writeMethodsOf<M extends object, C extends { destroy(): void }>(
  sdk: LazySdk<M, C>,
  transport: string,
): <R extends { readonly signal?: AbortSignal | undefined }, T>(
  name: WriteMethod,
  send: (
    loaded: { module: M; client: C },
    request: R,
    options: { abortSignal?: AbortSignal | undefined },
  ) => Promise<T>,
) => (request: R) => Promise<T> {
  return (name, send) => async (request) => {
    checkWriteRequest(name, request);
    const { id, name: parameter } = request as { id?: string; name?: string };
    try {
      return await send(await sdk.get(), request, { abortSignal: request.signal });
    } catch (error) {
      throw toSecretsError(error, { operation: name, secretId: id ?? parameter, transport });
    }
  };
}

/** The Secrets Manager writes of the sdk transport on its primary region's client. */
export function secretsManagerWriteMethods(sdk: SecretsManagerSdk, transport: string): SecretsManagerWriteMethods {
  const method = writeMethodsOf(sdk, transport);
  return {
    createSecret: method("createSecret", async ({ module, client }, request, options) => {
      const output = await client.send(
        new module.CreateSecretCommand({
          Name: request.id,
          ...valueFields(request),
          Description: request.description,
          KmsKeyId: request.kmsKeyId,
          Tags: request.tags === undefined ? undefined : toTags(request.tags),
          ClientRequestToken: request.clientRequestToken,
        }),
        options,
      );
      return { name: output.Name ?? request.id, arn: output.ARN, versionId: output.VersionId };
    }),
    putSecretValue: method("putSecretValue", async ({ module, client }, request, options) => {
      const output = await client.send(
        new module.PutSecretValueCommand({
          SecretId: request.id,
          ...valueFields(request),
          VersionStages: request.versionStages === undefined ? undefined : [...request.versionStages],
          ClientRequestToken: request.clientRequestToken,
        }),
        options,
      );
      return {
        name: output.Name ?? request.id,
        arn: output.ARN,
        versionId: output.VersionId,
        versionStages: output.VersionStages,
      };
    }),
    updateSecret: method("updateSecret", async ({ module, client }, request, options) => {
      const output = await client.send(
        new module.UpdateSecretCommand({
          SecretId: request.id,
          Description: request.description,
          KmsKeyId: request.kmsKeyId,
        }),
        options,
      );
      return { name: output.Name ?? request.id, arn: output.ARN, versionId: output.VersionId };
    }),
    tagSecret: method("tagSecret", async ({ module, client }, request, options) => {
      await client.send(new module.TagResourceCommand({ SecretId: request.id, Tags: toTags(request.tags) }), options);
    }),
    untagSecret: method("untagSecret", async ({ module, client }, request, options) => {
      await client.send(
        new module.UntagResourceCommand({ SecretId: request.id, TagKeys: [...request.tagKeys] }),
        options,
      );
    }),
    deleteSecret: method("deleteSecret", async ({ module, client }, request, options) => {
      const output = await client.send(
        new module.DeleteSecretCommand({
          SecretId: request.id,
          RecoveryWindowInDays: request.recoveryWindowInDays,
          ForceDeleteWithoutRecovery: request.forceDeleteWithoutRecovery,
        }),
        options,
      );
      return { name: output.Name ?? request.id, arn: output.ARN, deletionDate: output.DeletionDate };
    }),
    restoreSecret: method("restoreSecret", async ({ module, client }, request, options) => {
      const output = await client.send(new module.RestoreSecretCommand({ SecretId: request.id }), options);
      return { name: output.Name ?? request.id, arn: output.ARN };
    }),
    rotateSecret: method("rotateSecret", async ({ module, client }, request, options) => {
      const rules = request.rotationRules;
      const output = await client.send(
        new module.RotateSecretCommand({
          SecretId: request.id,
          RotationLambdaARN: request.rotationLambdaArn,
          RotationRules:
            rules === undefined
              ? undefined
              : {
                  AutomaticallyAfterDays: rules.automaticallyAfterDays,
                  ScheduleExpression: rules.scheduleExpression,
                  Duration: rules.duration,
                },
          RotateImmediately: request.rotateImmediately,
          ClientRequestToken: request.clientRequestToken,
        }),
        options,
      );
      return { name: output.Name ?? request.id, arn: output.ARN, versionId: output.VersionId };
    }),
    updateSecretVersionStage: method("updateSecretVersionStage", async ({ module, client }, request, options) => {
      const output = await client.send(
        new module.UpdateSecretVersionStageCommand({
          SecretId: request.id,
          VersionStage: request.versionStage,
          MoveToVersionId: request.moveToVersionId,
          RemoveFromVersionId: request.removeFromVersionId,
        }),
        options,
      );
      return { name: output.Name ?? request.id, arn: output.ARN };
    }),
    getRandomPassword: method("getRandomPassword", async ({ module, client }, request, options) => {
      const output = await client.send(
        new module.GetRandomPasswordCommand({
          PasswordLength: request.passwordLength,
          ExcludeCharacters: request.excludeCharacters,
          ExcludeNumbers: request.excludeNumbers,
          ExcludePunctuation: request.excludePunctuation,
          ExcludeUppercase: request.excludeUppercase,
          ExcludeLowercase: request.excludeLowercase,
          IncludeSpace: request.includeSpace,
          RequireEachIncludedType: request.requireEachIncludedType,
        }),
        options,
      );
      if (typeof output.RandomPassword !== "string") {
        throw new SecretsError({
          code: "TRANSPORT",
          operation: "getRandomPassword",
          transport,
          detail: "the response has no RandomPassword",
        });
      }
      return output.RandomPassword;
    }),
    listSecrets: method("listSecrets", async ({ module, client }, request, options) => {
      const output = await client.send(
        new module.ListSecretsCommand({
          Filters: request.filters?.map((filter) => ({ Key: filter.key, Values: [...filter.values] })),
          IncludePlannedDeletion: request.includePlannedDeletion,
          SortOrder: request.sortOrder,
          MaxResults: request.pageSize,
          NextToken: request.nextToken,
        }),
        options,
      );
      return {
        secrets: (output.SecretList ?? []).flatMap((entry) =>
          entry.Name === undefined ? [] : [toEntry(entry, entry.Name)],
        ),
        nextToken: output.NextToken || undefined,
      };
    }),
  };
}
