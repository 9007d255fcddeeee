/**
 * A Lambda handler that reads one JSON secret through the AWS Parameters and Secrets Lambda
 * Extension (or the Secrets Manager Agent packaged as a layer). It imports nothing from the AWS SDK
 * or zod, so its bundle stays a few KB and its cold start pays for neither.
 *
 * Deploy with the extension layer added to the function; the token is the function's
 * AWS_SESSION_TOKEN and the port 2773 (or PARAMETERS_SECRETS_EXTENSION_HTTP_PORT).
 *
 *   npx esbuild examples/lambda-agent-handler.ts --bundle --minify --platform=node --format=esm \
 *     --outfile=dist-lambda/index.mjs
 */
import { createAgentReader } from "secretwrangler/agent";

interface DbSecret {
  readonly username: string;
  readonly password: string;
}

// Built once per execution environment, outside the handler, so the keep-alive socket is reused.
// `secretwrangler/agent` is the lean entry: the full client (`createSecretsClient` from the root)
// works too, with the agent transport, at a larger bundle (see docs/transports/agent.md).
const secrets = createAgentReader();

export async function handler(): Promise<{ statusCode: number; body: string }> {
  const db = await secrets.getSecretJson<DbSecret>(process.env.DB_SECRET_ID ?? "prod/db");
  return { statusCode: 200, body: JSON.stringify({ user: db.username, passwordLength: db.password.length }) };
}
