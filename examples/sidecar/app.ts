/**
 * The sidecar example's app: reads one JSON secret every 30 s through the transport that
 * `SECRETWRANGLER_TRANSPORT` names (`agent` in compose.yaml) and logs what it got, never the value.
 * The agent may start after the app: the agent transport retries a refused connection.
 */
import { createSecretsClient, isSecretsError } from "secretwrangler";

const secrets = createSecretsClient(); // transport from SECRETWRANGLER_TRANSPORT; no cache for the agent
const secretId = process.env.SECRET_ID ?? "prod/db";

async function readOnce(): Promise<void> {
  try {
    const value = await secrets.getSecretJson<Record<string, unknown>>(secretId);
    console.log(`read ${secretId} through ${secrets.transport.name}: keys ${Object.keys(value).join(", ")}`);
  } catch (error) {
    if (!isSecretsError(error)) throw error;
    console.error(`read ${secretId} failed: ${error.code} ${error.message}`); // messages hold no values
  }
}

await readOnce();
setInterval(readOnce, 30_000);
