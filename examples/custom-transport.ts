/**
 * Write your own transport: `envTransport` (examples/env-transport.ts) reads secrets from
 * environment variables. The client adds JSON, schemas, the cache and batch reads on top; an
 * optional method the transport lacks (here: Parameter Store) fails with `CONFIG`.
 *
 *   npx tsx examples/custom-transport.ts
 */
import { createSecretsClient, isSecretsError } from "secretwrangler";
import { z } from "zod";
import { envTransport } from "./env-transport.js";

const secrets = createSecretsClient({
  transport: envTransport({
    env: { SECRET_PROD_DB: '{"username":"app","password":"local-dev-password"}', SECRET_API_KEY: "demo-api-key" },
  }),
});

const db = await secrets.getSecretJson("prod/db", { schema: z.object({ username: z.string(), password: z.string() }) });
console.log(`prod/db -> user ${db.username}`);

// No batchGetSecretValue: the client reads each id on its own, one result per id.
for (const result of await secrets.getSecretsJson(["prod/db", "prod/missing"])) {
  console.log(`${result.id} -> ${result.ok ? "ok" : result.error.code}`);
}

try {
  await secrets.getSecret("api-key", { versionStage: "AWSPREVIOUS" });
} catch (error) {
  if (!isSecretsError(error, "NOT_FOUND")) throw error;
  console.log(error.message);
}

try {
  await secrets.getParameter("/my-app/prod/api-url");
} catch (error) {
  if (!isSecretsError(error, "CONFIG")) throw error;
  console.log(error.message);
}
