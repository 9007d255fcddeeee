/**
 * A session from a named profile of ~/.aws/config and ~/.aws/credentials: static keys, a role
 * (`role_arn` with `source_profile` or `credential_source`), IAM Identity Center (SSO, after
 * `aws sso login --profile aws2`), `credential_process` or a web identity token file. The region,
 * and so the partition, comes from the profile unless AWS_REGION or `region` says otherwise.
 *
 *   npx tsx examples/session-profile.ts
 *
 * ~/.aws/config for the role case:
 *
 *   [profile aws2]
 *   region = eu-west-1
 *   role_arn = arn:aws:iam::123456789012:role/developer
 *   source_profile = base
 */
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { AwsSession, createSecretsClient, isSecretsError } from "secretwrangler";

const dev = new AwsSession({ profile: "aws2" });

try {
  console.log(`${dev.region} (${dev.partition}) as ${(await dev.whoami()).arn}`);
} catch (error) {
  // A profile that is not in either file: CREDENTIALS, naming the profile and the files searched.
  if (isSecretsError(error, "CREDENTIALS")) console.error(error.message);
  throw error;
}

// Any SDK v3 client, with the session's region and credentials.
const ssm = dev.client(SSMClient);
const { Parameter } = await ssm.send(new GetParameterCommand({ Name: "/my-app/dev/api-url" }));
console.log(`/my-app/dev/api-url -> ${Parameter?.Value}`);
ssm.destroy();

const secrets = createSecretsClient({ session: dev });
console.log(`dev/db -> ${Object.keys(await secrets.getSecretJson<Record<string, unknown>>("dev/db")).join(", ")}`);
