/**
 * A session from explicit keys, e.g. handed to a CI job under names of its own. Prefer a profile, the
 * default chain or a role wherever you can: long-term keys are the credentials most worth avoiding.
 *
 *   DEPLOY_KEY_ID=AKIA... DEPLOY_SECRET_KEY=... npx tsx examples/session-keys.ts
 */
import { AwsSession, createSecretsClient } from "secretwrangler";

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name}`);
  return value;
}

const session = new AwsSession({
  region: "eu-central-1",
  credentials: {
    accessKeyId: required("DEPLOY_KEY_ID"),
    secretAccessKey: required("DEPLOY_SECRET_KEY"),
    sessionToken: process.env.DEPLOY_SESSION_TOKEN, // only for temporary keys
  },
});

console.log(session); // AwsSession { region: 'eu-central-1', partition: 'aws', source: 'static credentials' }
console.log(await session.whoami()); // { account, arn, userId }

const secrets = createSecretsClient({ session });
const apiKey = await secrets.getSecret("alpha-vantage/api-key");
console.log(`alpha-vantage/api-key -> ${apiKey.length} chars`);
