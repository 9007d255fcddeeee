import { defineConfig } from "tsup";

/** One entry per public subpath; package.json "exports" must list the same ones. */
export const entries = {
  index: "src/index.ts",
  agent: "src/agent.ts",
  aws: "src/aws.ts",
  db: "src/db.ts",
  transports: "src/transports.ts",
  watch: "src/watch.ts",
  otel: "src/otel.ts",
  /** The `secretwrangler` executable (package.json "bin"), not an import path. */
  cli: "src/cli/index.ts",
};

export default defineConfig({
  entry: entries,
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
  platform: "node",
  splitting: true,
  treeshake: true,
});
