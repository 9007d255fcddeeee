/**
 * A session on the SDK's default provider chain, the right choice for code that runs in AWS: it
 * finds the environment's keys, the shared files (AWS_PROFILE or `default`), a web identity token
 * (EKS IRSA: AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN), container credentials (ECS tasks, EKS Pod
 * Identity: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI) or the EC2 instance profile (IMDS),
 * in that order. See docs/session.md for the full precedence.
 *
 *   npx tsx examples/session-default-chain.ts
 */
import { AwsSession, createSecretsClient } from "secretwrangler";

// No credentials and no profile: the default chain. The region comes from AWS_REGION here.
const session = new AwsSession();

const { arn } = await session.whoami();
console.log(`running as ${arn} in ${session.region} (${session.partition})`);

// The chain's credentials are cached by the session and refreshed 5 minutes before they expire
// (instance and container credentials rotate every few hours).
const secrets = createSecretsClient({ session });
const db = await secrets.getSecretJson<{ host: string; port: number }>("prod/db");
console.log(`prod/db -> ${db.host}:${db.port}`);
