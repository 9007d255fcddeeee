/**
 * Migrating from Powertools for AWS Lambda (TypeScript) Parameters: the same reads, before and
 * after. Both read AWS Secrets Manager through the AWS SDK v3; docs/migrating.md has the full
 * mapping.
 *
 *   npx tsx examples/migrating-powertools.ts
 */
import { getSecret as powertoolsGetSecret } from "@aws-lambda-powertools/parameters/secrets";
import { createSecretsClient, isSecretsError } from "secretwrangler";
import { z } from "zod";

// #region before
// Powertools: JSONValue | undefined, unchecked; cached 5 seconds unless maxAge (seconds) says otherwise.
const before = await powertoolsGetSecret("prod/db", { transform: "json", maxAge: 300 });
const fresh = await powertoolsGetSecret("prod/db", { transform: "json", forceFetch: true });
// #endregion

// #region after
// secretwrangler: typed and validated by the schema; the client caches for ttlMs (milliseconds).
const DbSecret = z.object({ username: z.string(), password: z.string() });
const secrets = createSecretsClient({ cache: { ttlMs: 300_000 } });

const after = await secrets.getSecretJson("prod/db", { schema: DbSecret });
const refreshed = await secrets.getSecretJson("prod/db", { schema: DbSecret, forceRefresh: true });

try {
  await secrets.getSecret("prod/missing");
} catch (error) {
  if (!isSecretsError(error, "NOT_FOUND")) throw error; // Powertools: GetParameterError (or ParameterNotFoundError with throwOnMissing)
}
// #endregion

console.log(`same value: ${JSON.stringify(before) === JSON.stringify(after)}`);
console.log(`same after a forced fetch: ${JSON.stringify(fresh) === JSON.stringify(refreshed)}`);
console.log(`user: ${after.username}`);
await secrets.close();
