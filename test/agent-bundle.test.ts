/**
 * Bundle size of a Lambda handler on the agent path: `examples/lambda-agent-handler.ts` (one JSON
 * secret through `secretwrangler/agent`) bundled by esbuild, minified, for Node 20. Once with
 * `@aws-sdk/*` external, as on the Lambda Node runtime (which ships SDK v3), once with nothing
 * external: the SDK must not reach the bundle either way.
 */
import { gzipSync } from "node:zlib";
import { build, type Metafile } from "esbuild";
import { describe, expect, it } from "vitest";

/**
 * 7.4 KB until the hardening of 0.2: the schema scrubber that withholds a validator's message when
 * it could quote any part of the value, at any size or depth, with the redaction of data keys in
 * paths (about 3.4 KB gzip), the bounded file reads and the token checks ship with every read that
 * validates. Still a tenth of the SDK path (bench/RESULTS.md).
 */
const LIMIT_GZIP_BYTES = 13 * 1024;

async function bundle(external: string[]): Promise<{ gzip: number; minified: number; inputs: string[] }> {
  const result = await build({
    entryPoints: ["examples/lambda-agent-handler.ts"],
    bundle: true,
    minify: true,
    platform: "node",
    target: "node20",
    format: "esm",
    write: false,
    metafile: true,
    external,
    logLevel: "silent",
    tsconfig: "tsconfig.json",
  });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  const output = Object.values((result.metafile as Metafile).outputs)[0];
  return { gzip: gzipSync(code).length, minified: code.length, inputs: Object.keys(output?.inputs ?? {}) };
}

describe("bundle of a Lambda handler on the agent", () => {
  for (const [label, external] of [
    ["with @aws-sdk/* external (the Lambda runtime's SDK)", ["@aws-sdk/*"]],
    ["with nothing external", []],
  ] as const) {
    it(`stays under 13 KB gzip ${label}, without the SDK or zod`, async () => {
      const { gzip, minified, inputs } = await bundle([...external]);
      console.info(`lambda-agent-handler ${label}: ${minified} B minified, ${gzip} B gzip`);

      expect(gzip).toBeLessThan(LIMIT_GZIP_BYTES);
      expect(inputs.filter((input) => /node_modules\/(@aws-sdk|@smithy|zod)\//.test(input))).toEqual([]);
      expect(inputs).toContain("src/transports/agent/http.ts");
    });
  }
});
