/**
 * Quick start: read a JSON secret, check it with a zod schema, and get a typed value back. Runs on
 * the file transport with `examples/secrets.local.json`, so it needs no AWS account. Point
 * `SECRETWRANGLER_TRANSPORT` at `sdk` or `agent` and the same code reads from AWS.
 *
 *   npm run example
 */
import { fileURLToPath } from "node:url";
import { createSecretsClient, isSecretsError } from "secretwrangler";
import { z } from "zod";

const DbSecret = z.object({
  engine: z.literal("postgres"),
  host: z.string(),
  port: z.coerce.number().int(),
  username: z.string(),
  password: z.string(),
  dbname: z.string(),
});

const secrets = createSecretsClient({
  transport: process.env.SECRETWRANGLER_TRANSPORT
    ? undefined // sdk, agent, auto or file:<path>, from the environment
    : `file:${fileURLToPath(new URL("./secrets.local.json", import.meta.url))}`,
});

const db = await secrets.getSecretJson("prod/db", { schema: DbSecret });
// `db` is typed: { engine: "postgres"; host: string; port: number; ... }
console.log(`prod/db -> ${db.username}@${db.host}:${db.port}/${db.dbname} (password: ${db.password.length} chars)`);

const apiKey = await secrets.getSecret("alpha-vantage/api-key");
console.log(`alpha-vantage/api-key -> ${apiKey.length} chars`);

try {
  await secrets.getSecret("does/not-exist");
} catch (error) {
  if (!isSecretsError(error, "NOT_FOUND")) throw error;
  console.log(`does/not-exist -> ${error.code}: ${error.message}`);
}
