/**
 * Rewrites the included code blocks of README.md and docs/** from the files they include (see
 * scripts/docs-includes.ts).
 *
 *   npm run docs:sync             # rewrite the blocks
 *   npm run docs:sync -- --check  # change nothing; exit 1 if a block is out of date
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { markdownPages, repoReader, syncIncludes } from "./docs-includes.js";

const root = resolve(import.meta.dirname, "..");
const check = process.argv.includes("--check");
const read = repoReader(root);
let failed = false;

for (const page of markdownPages(root)) {
  const before = readFileSync(join(root, page), "utf8");
  const { text, includes } = syncIncludes(before, read);
  for (const include of includes) {
    if (include.problem === undefined) continue;
    const broken = check || !include.fixable;
    failed ||= broken;
    console[broken ? "error" : "log"](
      `${page}:${include.line}: ${include.target}: ${include.problem}${broken ? "" : " (rewritten)"}`,
    );
  }
  if (!check && text !== before) writeFileSync(join(root, page), text);
}

if (failed) {
  console.error(check ? "Out of date: run npm run docs:sync" : "Some includes name a missing file or region");
  process.exitCode = 1;
}
