/**
 * The memory transport: secrets and SSM parameters held in the process, with versions that move the
 * way AWS moves them. For tests, demos and code that wants no AWS at all.
 *
 *   npx tsx examples/memory-transport.ts
 */
import { createSecretsClient, memoryTransport } from "secretwrangler";

// #region memory
const transport = memoryTransport(
  {
    "prod/db": { username: "app", password: "local" }, // any other value: stored as its JSON text
    "alpha-vantage/api-key": "demo-api-key", // a string: SecretString
    "tls/key": new Uint8Array([0x30, 0x82, 0x04]), // a Uint8Array: SecretBinary
  },
  { parameters: { "/my-app/prod/flag": "off", "/my-app/prod/hosts": ["app-1.internal", "app-2.internal"] } },
);
const secrets = createSecretsClient({ transport });

transport.set("prod/db", { username: "app", password: "rotated" }); // new AWSCURRENT; the old one becomes AWSPREVIOUS
transport.setParameter("/my-app/prod/flag", "on", { labels: ["live"] }); // version 2, labelled "live"
// #endregion

const previous = await secrets.getSecretValue("prod/db", { versionStage: "AWSPREVIOUS" });
console.log(`prod/db AWSPREVIOUS -> stages ${previous.versionStages?.join(",")}`);
console.log(`tls/key -> ${(await secrets.getSecretBinary("tls/key")).length} bytes`);
console.log(`flag -> v1 ${await secrets.getParameter("/my-app/prod/flag", { version: 1 })}`);
console.log(`flag -> live ${await secrets.getParameter("/my-app/prod/flag:live")}`);
const hosts = await secrets.getParameter("/my-app/prod/hosts", { type: "StringList" });
console.log(`hosts -> ${hosts.length} items`);
const reference = await secrets.getParameter("/aws/reference/secretsmanager/alpha-vantage/api-key");
console.log(`api key through Parameter Store -> ${reference.length} chars`);
