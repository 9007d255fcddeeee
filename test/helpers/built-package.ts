/**
 * The built package, for tests that run it in a child process (import cost, the CLI). `npm test`
 * builds `dist/` before vitest runs; when `dist/` is missing or older than `src/`, the same tsup
 * entries are built once into `node_modules/.cache`, without types.
 */
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

let fresh: Promise<{ dir: string; source: string }> | undefined;

/** The folder of a build of the current sources: `dist/`, or a fresh build when `dist/` is stale. */
export function builtPackage(): Promise<{ dir: string; source: string }> {
  const dist = join(root, "dist");
  const files = ["index.js", "index.cjs", "agent.js", "agent.cjs", "cli.js"].map((file) => join(dist, file));
  if (files.every((file) => existsSync(file))) {
    const built = Math.min(...files.map((file) => statSync(file).mtimeMs));
    if (built >= newestMtime(join(root, "src"))) return Promise.resolve({ dir: dist, source: "dist" });
  }
  fresh ??= (async () => {
    const out = join(root, "node_modules", ".cache", `secretwrangler-build-${process.pid}`);
    const { build } = await import("tsup");
    const { entries } = await import("../../tsup.config.js");
    await build({
      entry: entries,
      format: ["esm", "cjs"],
      outDir: out,
      dts: false,
      clean: true,
      splitting: true,
      platform: "node",
      target: "node20",
      config: false,
      silent: true,
    });
    // The fresh build sits outside the package: tell Node its .js files are ES modules.
    writeFileSync(join(out, "package.json"), '{ "type": "module" }');
    return { dir: out, source: "a fresh tsup build (dist/ was missing or stale)" };
  })();
  return fresh;
}
