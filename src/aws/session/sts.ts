/**
 * The two STS calls a session makes, AssumeRole and GetCallerIdentity, through `@aws-sdk/client-sts`
 * loaded on first use. The STS client is built by a session (its region, credentials and client
 * config), so the SDK resolves the partition's regional endpoint unless an endpoint is given.
 */
import type { AssumeRoleCommandOutput, GetCallerIdentityCommandOutput, STSClient } from "@aws-sdk/client-sts";
import { SecretsError } from "../../core/errors.js";
import { type AwsClientFactory, type LazySdk, lazySdk } from "../sdk-client.js";
import type { AwsCredentials } from "./credential-cache.js";
import { SESSION, sessionError } from "./errors.js";

type StsModule = typeof import("@aws-sdk/client-sts");

/** A lazily built STS client. */
export type StsClient = LazySdk<StsModule, STSClient>;

/** Who a session's credentials belong to, as STS GetCallerIdentity reports it. */
export interface CallerIdentity {
  /** The 12-digit account id. */
  readonly account: string;
  /** The caller's ARN, e.g. `arn:aws-cn:sts::123456789012:assumed-role/manage-role/my-session`. */
  readonly arn: string;
  /** The unique id of the caller, e.g. `AROA...:my-session` for a role session. */
  readonly userId: string;
}

/** The AssumeRole request a role session sends. */
export interface AssumeRoleRequest {
  readonly roleArn: string;
  readonly sessionName: string;
  readonly externalId?: string | undefined;
  readonly durationSeconds?: number | undefined;
}

/** An STS client that `session` builds, for `region` (if given) and `endpoint` (if given). */
export function stsClient(session: AwsClientFactory, region?: string, endpoint?: string): StsClient {
  return lazySdk(
    {
      packageName: "@aws-sdk/client-sts",
      transport: SESSION,
      load: () => import("@aws-sdk/client-sts"),
      clientClass: (module) => module.STSClient,
    },
    { session, region, endpoint },
  );
}

function incomplete(operation: string, subject: string | undefined): SecretsError {
  return new SecretsError({
    code: "TRANSPORT",
    operation,
    secretId: subject,
    transport: SESSION,
    detail: "STS returned an incomplete response",
  });
}

/** Calls AssumeRole; errors name the role ARN (never a credential). */
export async function assumeRole(sts: StsClient, request: AssumeRoleRequest): Promise<AwsCredentials> {
  let output: AssumeRoleCommandOutput;
  try {
    const { module, client } = await sts.get();
    output = await client.send(
      new module.AssumeRoleCommand({
        RoleArn: request.roleArn,
        RoleSessionName: request.sessionName,
        ExternalId: request.externalId,
        DurationSeconds: request.durationSeconds,
      }),
    );
  } catch (error) {
    throw sessionError(error, "assumeRole", request.roleArn);
  }
  const { AccessKeyId, SecretAccessKey, SessionToken, Expiration } = output.Credentials ?? {};
  if (AccessKeyId === undefined || SecretAccessKey === undefined || Expiration === undefined) {
    throw incomplete("assumeRole", request.roleArn);
  }
  return {
    accessKeyId: AccessKeyId,
    secretAccessKey: SecretAccessKey,
    sessionToken: SessionToken,
    expiration: Expiration,
  };
}

/** Calls GetCallerIdentity. */
export async function getCallerIdentity(sts: StsClient): Promise<CallerIdentity> {
  let output: GetCallerIdentityCommandOutput;
  try {
    const { module, client } = await sts.get();
    output = await client.send(new module.GetCallerIdentityCommand({}));
  } catch (error) {
    throw sessionError(error, "whoami");
  }
  if (output.Account === undefined || output.Arn === undefined || output.UserId === undefined) {
    throw incomplete("whoami", undefined);
  }
  return { account: output.Account, arn: output.Arn, userId: output.UserId };
}
