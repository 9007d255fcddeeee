/**
 * The fake agent of `agent.bench.ts`, in a process of its own so that serving requests does not
 * share the event loop with the client being measured. Prints its port on stdout, then serves until
 * its stdin closes.
 *
 *   node --import tsx bench/agent-server.ts [agent|lambda-extension]
 */
import { AGENT_TOKEN_CANARY, startFakeAgent } from "../test/helpers/fake-agent.js";

/** The JSON secret every read of the bench asks for. */
export const BENCH_SECRET = JSON.stringify({
  engine: "postgres",
  host: "db.internal",
  port: 5432,
  username: "app",
  password: "bench-password",
});
export const BENCH_TOKEN = AGENT_TOKEN_CANARY;

if (process.argv[1]?.endsWith("agent-server.ts")) {
  const flavor = process.argv[2] === "lambda-extension" ? "lambda-extension" : "agent";
  const fake = await startFakeAgent({
    flavor,
    record: false,
    fixtures: {
      "bench/db": [{ versionId: "11111111-1111-4111-8111-111111111111", stages: ["AWSCURRENT"], value: BENCH_SECRET }],
    },
  });
  process.stdout.write(`${fake.port}\n`);
  process.stdin.resume();
  process.stdin.on("end", () => void fake.close().then(() => process.exit(0)));
}
