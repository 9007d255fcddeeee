/**
 * Assume a role in another account, then chain a second role from it. Each role session calls STS
 * AssumeRole with its parent's credentials, caches the result, and refreshes it 5 minutes before it
 * expires; concurrent reads share one refresh.
 *
 *   EXTERNAL_ID=... npx tsx examples/session-assume-role.ts
 */
import { AwsSession, createSecretsClient, sdkTransport } from "secretwrangler";

const base = new AwsSession({ region: "eu-central-1" }); // default chain, e.g. the CI runner's role

// #region assume-role
const prod = base.assumeRole({
  accountId: "123456789012",
  roleName: "manage-role", // arn:aws:iam::123456789012:role/manage-role, in the region's partition
  externalId: process.env.EXTERNAL_ID, // if the role's trust policy demands one
  sessionName: "nightly-rotation", // shows in CloudTrail; default secretwrangler-<timestamp>
  durationSeconds: 3600,
});

// Role chaining: AWS caps a chained role session at one hour.
const audit = prod.assumeRole({ roleArn: "arn:aws:iam::210987654321:role/audit-reader" });
// #endregion

console.log((await prod.whoami()).arn); // arn:aws:sts::123456789012:assumed-role/manage-role/nightly-rotation
console.log(audit); // AwsSession { ..., source: 'role arn:...:role/audit-reader via role arn:...:role/manage-role via default chain' }

const secrets = createSecretsClient({ transport: sdkTransport({ session: prod }) });
const db = await secrets.getSecretJson<{ username: string }>("prod/db");
console.log(`prod/db -> user ${db.username}`);
