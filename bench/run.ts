/**
 * `npm run bench`: runs every `bench/*.bench.ts` in its own Node process (so module caches, JIT
 * state and memory do not leak between suites), in name order, then writes `bench/RESULTS.md` from
 * the Markdown sections the suites leave in `bench/results/`.
 *
 * A suite prints its tables to stdout and writes `bench/results/<suite>.md`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const benchDir = dirname(fileURLToPath(import.meta.url));
const resultsDir = join(benchDir, "results");
mkdirSync(resultsDir, { recursive: true });

const only = process.argv.slice(2);
const suites = readdirSync(benchDir)
  .filter((file) => file.endsWith(".bench.ts"))
  .filter((file) => only.length === 0 || only.some((name) => file.startsWith(name)))
  .sort();

for (const suite of suites) {
  console.log(`\n=== ${suite}`);
  const result = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", join(benchDir, suite)], {
    stdio: "inherit",
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", NODE_ENV: "production" },
  });
  if (result.status !== 0) {
    console.error(`${suite} failed with exit code ${result.status}`);
    process.exit(result.status ?? 1);
  }
}

const sections = readdirSync(resultsDir)
  .filter((file) => file.endsWith(".md"))
  .sort()
  .map((file) => readFileSync(join(resultsDir, file), "utf8").trim());
const machine = `${cpus().length} cores (${cpus()[0]?.model ?? "unknown CPU"}), Node ${process.version}`;
const header = [
  "# Benchmark results",
  "",
  "Reproduce with `npm run bench` (or `npm run bench -- cache` for one suite). Every comparison in a",
  "table was measured in the same run, side by side, on loopback servers the suite starts.",
  "",
  `Last run: ${new Date().toISOString().slice(0, 10)} on ${machine}.`,
].join("\n");
if (existsSync(resultsDir)) writeFileSync(join(benchDir, "RESULTS.md"), `${header}\n\n${sections.join("\n\n")}\n`);
console.log(`\nwrote bench/RESULTS.md (${sections.length} sections)`);
