/**
 * The sdk transport: AWS Secrets Manager and SSM Parameter Store through the AWS SDK v3, which it
 * imports on the first read (`@aws-sdk/client-secrets-manager`, `@aws-sdk/client-ssm`). Credentials
 * come from the SDK's default chain unless you pass `credentials` or a `session`.
 *
 *   AWS_PROFILE=dev npx tsx examples/sdk-transport.ts
 */
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SSMClient } from "@aws-sdk/client-ssm";
import { ArgumentError, createSecretsClient, sdkTransport } from "secretwrangler";

// #region options
// Options build both SDK clients, on first use: creating the transport loads nothing.
const secrets = createSecretsClient({
  transport: sdkTransport({ region: "eu-central-1", maxAttempts: 5, requestTimeoutMs: 3_000 }),
});

const apiKey = await secrets.getSecret("alpha-vantage/api-key");
const many = await secrets.getSecretsJson(["prod/db", "prod/missing"]); // BatchGetSecretValue, 20 ids per call
// #endregion
console.log(`alpha-vantage/api-key -> ${apiKey.length} chars`);
console.log(many.map((result) => `${result.id} -> ${result.ok ? "ok" : result.error.code}`).join("; "));

// #region own-clients
// Or your own clients (e.g. with a custom requestHandler or middleware): then no build options.
const config = { region: "eu-central-1" };
const own = createSecretsClient({
  transport: sdkTransport({ client: new SecretsManagerClient(config), ssmClient: new SSMClient(config) }),
});
const apiUrl = await own.getParameter("/my-app/prod/api-url", { type: "String" });

try {
  // @ts-expect-error: a client and build options together are a type error, and an ArgumentError at run time
  sdkTransport({ client: new SecretsManagerClient(config), region: "eu-west-1" });
} catch (error) {
  if (!(error instanceof ArgumentError)) throw error;
  console.log(error.message); // pass either "client" or "region", not both
}
// #endregion
console.log(`/my-app/prod/api-url -> ${apiUrl}`);
await Promise.all([secrets.close(), own.close()]);
