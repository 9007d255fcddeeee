/**
 * Rotation under load, on the real PostgreSQL and MariaDB servers (.ci/db-setup.sh): both
 * strategies (single user, alternating users), our pools against the baselines, 200 queries per
 * second on churning pools while the four steps of a rotation run (test/helpers/rotation-load.ts).
 * Here each case runs 9.5 s, to keep CI time; `npm run bench -- rotation` runs the 20 s cases and
 * records the table (bench/RESULTS.md, docs/rotation.md).
 */
import { inspect } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { CANARY, expectNoLeak } from "./helpers/canary.js";
import { findDbServers, START_DB_SERVERS } from "./helpers/db-servers.js";
import {
  maxOurCalls,
  RATE_PER_SECOND,
  type RotationRow,
  type RotationTimeline,
  rotationTable,
  runRotationScenario,
} from "./helpers/rotation-load.js";

const found = await findDbServers();
const missing = "missing" in found ? `${found.missing}; ${START_DB_SERVERS}` : undefined;
const inCi = Boolean(process.env.CI);
if (missing && !inCi) console.warn(`[db-rotation.test] real-server rotation tests skipped: ${missing}`);

const TIMELINE: RotationTimeline = { createAt: 1_500, setAt: 2_500, windowMs: 3_000, durationMs: 9_500 };
const rows: RotationRow[] = [];

describe.skipIf(missing !== undefined && !inCi)("rotation under load on real servers", () => {
  afterAll(() => {
    if (rows.length > 0) console.info(rotationTable(rows));
  });

  for (const engine of ["postgres", "mariadb"] as const) {
    for (const strategy of ["single", "alternating"] as const) {
      it(`${engine}, ${strategy} user: our pool serves every query through the rotation; the baselines are measured`, {
        timeout: 40_000,
      }, async () => {
        if (!("servers" in found)) throw new Error(missing);
        const outcome = await runRotationScenario(engine, strategy, found.servers[engine], TIMELINE);
        rows.push(...outcome.rows);
        const [ours, once, ...others] = outcome.rows as [RotationRow, RotationRow, ...RotationRow[]];
        expect(ours.queries).toBeGreaterThan((TIMELINE.durationMs / 1000) * RATE_PER_SECOND * 0.8);
        expect(ours.failed).toBe(0);
        expect(ours.p99WindowMs).toBeLessThan(1_000);
        // One recovery for the burst of rejected logins the single-user window causes, none when the
        // old user keeps working; and no more backend calls than the polls and that one recovery.
        expect(ours.forcedRefreshes).toBeLessThanOrEqual(strategy === "single" ? 1 : 0);
        expect(ours.getSecretValue).toBeLessThanOrEqual(maxOurCalls(TIMELINE.durationMs, ours.forcedRefreshes));
        if (strategy === "single") {
          expect(once.failed).toBeGreaterThan(0);
          for (const other of others) expect(other.failed).toBeGreaterThan(0);
        }
        expectNoLeak(outcome.events, outcome.passwords);
        expect(inspect(outcome.events)).not.toContain(CANARY);
        // The versions are as AWS leaves them: AWSCURRENT on the new one, AWSPREVIOUS on the old.
        expect(outcome.versions).toEqual([
          ["00000000-0000-4000-8000-000000000001", ["AWSPREVIOUS"]],
          [outcome.token, ["AWSCURRENT", "AWSPENDING"]],
        ]);
      });
    }
  }
});
