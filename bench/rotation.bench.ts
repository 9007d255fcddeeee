/**
 * A password rotation under load, 20 s per case, on the real PostgreSQL and MariaDB servers of
 * `.ci/db-setup.sh`: both strategies (single user, alternating users), our pools (pgPool,
 * mysql2Pool) against the baselines (options spread once; pg's async `password` over a TTL cache;
 * Powertools' getSecret with its default maxAge), each app at 200 queries per second on a pool
 * whose connections churn, while the four steps of a rotation run through the real AWS SDK against
 * the loopback fake Secrets Manager (`test/helpers/rotation-load.ts`, which `test/db-rotation.test.ts`
 * runs on a 9.5 s timeline).
 *
 * Reproduce: `bash .ci/db-setup.sh`, then `npm run bench -- rotation` (or `npx tsx bench/run.ts rotation`).
 * About 90 seconds. Without the servers it says so and records nothing.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
// The tests' sandbox: dummy credentials, no shared config, every SDK call to an explicit loopback endpoint.
import "../test/setup.js";
import { findDbServers, START_DB_SERVERS } from "../test/helpers/db-servers.js";
import {
  maxOurCalls,
  RATE_PER_SECOND,
  type RotationOutcome,
  type RotationRow,
  type RotationTimeline,
  runRotationScenario,
  WATCH_INTERVAL_MS,
  WINDOW_TAIL_MS,
} from "../test/helpers/rotation-load.js";
import { fmt, table, verdict } from "./report.js";

const found = await findDbServers();
if (!("servers" in found)) {
  console.log(
    `rotation bench skipped: ${found.missing}; ${START_DB_SERVERS} (bench/results/rotation.md is left as it was)`,
  );
  process.exit(0);
}

const TIMELINE: RotationTimeline = { createAt: 5_000, setAt: 6_000, windowMs: 3_000, durationMs: 20_000 };
const seconds = (ms: number): string => `${fmt(ms / 1000, 1)} s`;
const cases: { readonly title: string; readonly outcome: RotationOutcome }[] = [];
for (const engine of ["postgres", "mariadb"] as const) {
  for (const strategy of ["single", "alternating"] as const) {
    const title = `${engine === "postgres" ? "PostgreSQL" : "MariaDB"}, ${strategy === "single" ? "single user" : "alternating users"}`;
    console.log(`running ${title} (${seconds(TIMELINE.durationMs)})`);
    cases.push({ title, outcome: await runRotationScenario(engine, strategy, found.servers[engine], TIMELINE) });
  }
}

const pct = (row: RotationRow): string => `${fmt((100 * row.failed) / Math.max(1, row.queries), 1)} %`;
const rowsOf = (outcome: RotationOutcome): string[][] => {
  const ours = outcome.rows[0] as RotationRow;
  return outcome.rows.map((row) => [
    row.ours ? `**${row.app}**` : row.app,
    fmt(row.queries),
    row.ours ? `**${fmt(row.failed)}**` : fmt(row.failed),
    pct(row),
    fmt(row.p99WindowMs),
    row.ours ? "1.00x" : `${fmt(row.p99WindowMs / Math.max(1, ours.p99WindowMs), 1)}x`,
    fmt(row.p99AllMs),
    fmt(row.getSecretValue),
    row.ours ? fmt(row.forcedRefreshes) : "-",
    row.firstError || "-",
  ]);
};
const head = [
  "app",
  "queries",
  "failed",
  "failed share",
  "p99 in window (ms)",
  "vs ours",
  "p99 overall (ms)",
  "GetSecretValue",
  "forced refreshes",
  "first error",
];

const verdicts = cases.map(({ title, outcome }) => {
  const ours = outcome.rows[0] as RotationRow;
  const calls = maxOurCalls(TIMELINE.durationMs, ours.forcedRefreshes);
  const met =
    ours.failed === 0 &&
    ours.p99WindowMs < 1_000 &&
    ours.forcedRefreshes <= 1 &&
    ours.getSecretValue <= calls &&
    ours.queries >= (TIMELINE.durationMs / 1000) * RATE_PER_SECOND * 0.95;
  return `- ${title}: ${fmt(ours.failed)} failed of ${fmt(ours.queries)}, p99 in window ${fmt(ours.p99WindowMs)} ms, ${fmt(ours.forcedRefreshes)} forced refresh(es), ${fmt(ours.getSecretValue)} GetSecretValue (at most ${fmt(calls)}): ${verdict(met)}`;
});

const windows = cases
  .map(({ title, outcome }) => `${title} ${seconds(outcome.windowStart)} to ${seconds(outcome.windowEnd)}`)
  .join("; ");
const machine = `${cpus().length} cores (${cpus()[0]?.model ?? "unknown CPU"}), Node ${process.version}`;
const markdown = [
  "## Rotation under load: our pools vs the baselines, 20 s per case",
  "",
  `Measured ${new Date().toISOString().slice(0, 10)} on ${machine}; real PostgreSQL and MariaDB on 127.0.0.1 (\`.ci/db-setup.sh\`), the loopback fake Secrets Manager (\`test/helpers/rotation-load.ts\`).`,
  "Reproduce: `bash .ci/db-setup.sh`, then `npm run bench -- rotation` (or `npx tsx bench/run.ts rotation`).",
  "",
  `Timeline (from the start of the load, ${fmt(RATE_PER_SECOND)} queries/s per app for ${seconds(TIMELINE.durationMs)}): createSecret at ${seconds(TIMELINE.createAt)},`,
  `setSecret + testSecret at ${seconds(TIMELINE.setAt)}, finishSecret ${seconds(TIMELINE.windowMs)} later; measured windows: ${windows}.`,
  `"p99 in window" is over the queries started in the window plus ${fmt(WINDOW_TAIL_MS)} ms, failed ones included; our pools' watch polls every ${seconds(WATCH_INTERVAL_MS)} (60 s by default).`,
  "Forced refreshes are our pools' recoveries from rejected logins; GetSecretValue is every call an app made during the load.",
  "",
  ...cases.flatMap(({ title, outcome }) => [`### ${title}`, "", table(head, rowsOf(outcome)), ""]),
  "Targets for our pools: 0 failed queries, p99 in the window < 1 s, at most one forced refresh per burst of rejected",
  `connects, and no more GetSecretValue calls than the polls (one per ${seconds(WATCH_INTERVAL_MS)}, plus one) and two per recovery.`,
  "",
  ...verdicts,
].join("\n");

console.log(`\n${markdown}`);
const results = join(dirname(fileURLToPath(import.meta.url)), "results");
mkdirSync(results, { recursive: true });
writeFileSync(join(results, "rotation.md"), `${markdown}\n`);
console.log("\nwrote bench/results/rotation.md");
