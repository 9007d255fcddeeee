/**
 * AwsSession at a glance: a region (and so a partition), a credential source, a role assumed on
 * top, any SDK v3 client built with them, and a secrets client that reads with them.
 *
 *   AWS_PROFILE=china npx tsx examples/session-overview.ts
 */
import { SSMClient } from "@aws-sdk/client-ssm";
import { AwsSession, createSecretsClient, sdkTransport } from "secretwrangler";

// #region overview
const base = new AwsSession({ region: "cn-north-1" }); // the SDK default chain
const prod = base.assumeRole({ accountId: "123456789012", roleName: "manage-role" });

console.log(prod.partition); // aws-cn
console.log(prod.roleArn("123456789012", "manage-role")); // arn:aws-cn:iam::123456789012:role/manage-role
console.log((await prod.whoami()).arn); // STS GetCallerIdentity, with the role's credentials

const ssm = prod.client(SSMClient); // any SDK v3 client, with the session's region and credentials
const secrets = createSecretsClient({ transport: sdkTransport({ session: prod }) });
const same = createSecretsClient({ session: prod }); // the same: the sdk transport, built from the session
// #endregion

ssm.destroy();
await Promise.all([secrets.close(), same.close()]);
