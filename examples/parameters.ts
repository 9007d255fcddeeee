/**
 * Parameter Store: one parameter, many at once, or a whole path as a typed tree. Runs on the file
 * transport with `examples/secrets.local.json` (its `"parameters"` key), so it needs no AWS
 * account. Set `SECRETWRANGLER_TRANSPORT=sdk` and the same code reads SSM.
 *
 *   npx tsx examples/parameters.ts
 */
import { fileURLToPath } from "node:url";
import { createSecretsClient, isSecretsError } from "secretwrangler";
import { z } from "zod";

const secrets = createSecretsClient({
  transport: process.env.SECRETWRANGLER_TRANSPORT
    ? undefined // sdk, auto or file:<path>, from the environment
    : `file:${fileURLToPath(new URL("./secrets.local.json", import.meta.url))}`,
});

// #region one
// One parameter. `type` narrows the result (and is checked): a StringList is a string[].
const apiUrl = await secrets.getParameter("/my-app/prod/api-url", { type: "String" });
const hosts = await secrets.getParameter("/my-app/prod/hosts", { type: "StringList" });
// #endregion
console.log(`api-url -> ${apiUrl}; hosts -> ${hosts.join(" + ")}`);

// #region path
// A whole path as one typed object: path segments become nested keys, here in camelCase
// (/my-app/prod/feature-flags/new-checkout -> featureFlags.newCheckout).
const AppConfig = z.object({
  apiUrl: z.url(),
  hosts: z.array(z.string()).min(1),
  db: z.object({ host: z.string(), port: z.coerce.number().int(), password: z.string() }),
  featureFlags: z.object({ newCheckout: z.enum(["on", "off"]) }),
});
const config = await secrets.getParametersByPath("/my-app/prod", { keys: "camelCase", schema: AppConfig });
// `config` is typed: { apiUrl: string; hosts: string[]; db: { port: number; ... }; ... }
// #endregion
console.log(`db -> ${config.db.host}:${config.db.port} (password: ${config.db.password.length} chars)`);
console.log(`new checkout -> ${config.featureFlags.newCheckout}`);

// #region many
// Many parameters: one result per name, so a missing one does not fail the others.
for (const result of await secrets.getParameters(["/my-app/prod/db/host", "/my-app/prod/does-not-exist"])) {
  console.log(result.ok ? `${result.id} -> ${result.value}` : `${result.id} -> ${result.error.code}`);
}
// #endregion

// A Secrets Manager secret through Parameter Store's reference names.
const dbSecret = await secrets.getParameter("/aws/reference/secretsmanager/prod/db", { type: "SecureString" });
console.log(`prod/db through Parameter Store -> ${dbSecret.length} chars of JSON`);

try {
  await secrets.getParameter("/my-app/prod/db/password", { type: "String" });
} catch (error) {
  if (!isSecretsError(error, "WRONG_TYPE")) throw error;
  console.log(`wrong type -> ${error.code}: ${error.message}`);
}
