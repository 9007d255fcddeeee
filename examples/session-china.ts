/**
 * China regions live in their own partition, `aws-cn`: separate accounts and credentials, ARNs that
 * start with `arn:aws-cn:`, and endpoints under `amazonaws.com.cn`. A session derives all of that
 * from its region; STS calls go to the regional endpoint the SDK resolves
 * (`sts.cn-north-1.amazonaws.com.cn`).
 *
 *   AWS_PROFILE=china npx tsx examples/session-china.ts
 */
import { ArgumentError, AwsSession, createSecretsClient } from "secretwrangler";
import { parseArn, partitionDnsSuffix } from "secretwrangler/aws";

const base = new AwsSession({ region: "cn-north-1" });
console.log(base.partition); // 'aws-cn'
console.log(partitionDnsSuffix(base.partition)); // 'amazonaws.com.cn'
console.log(base.roleArn("123456789012", "manage-role")); // 'arn:aws-cn:iam::123456789012:role/manage-role'

const prod = base.assumeRole({ accountId: "123456789012", roleName: "manage-role" });
const secrets = createSecretsClient({ session: prod });
const value = await secrets.getSecretValue("prod/db");
console.log(parseArn(value.arn ?? "").partition); // 'aws-cn'

// A role from the commercial partition cannot be assumed from China: an ArgumentError, before any call.
try {
  base.assumeRole({ roleArn: "arn:aws:iam::123456789012:role/manage-role" });
} catch (error) {
  if (!(error instanceof ArgumentError)) throw error;
  console.log(error.message);
}
