/**
 * Import cost: an application that reads through the agent must not load the AWS SDK (`@aws-sdk/*`,
 * `@smithy/*`) or zod. Each case runs in a fresh Node process that imports the BUILT package (ESM and
 * CJS), reads a secret from a loopback fake agent, and reports every module it loaded: ESM resolutions
 * through a `module.register` resolve hook (which also sees CJS packages reached by `import()`), plus
 * the CJS `require.cache`. A control case that reads through the SDK proves the check sees the SDK.
 *
 * The package comes from `builtPackage()`: `dist/`, or a fresh build when `dist/` is stale.
 */
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtPackage } from "./helpers/built-package.js";
import { AGENT_TOKEN_CANARY, type FakeAgent, startFakeAgent } from "./helpers/fake-agent.js";
import { FIXTURES } from "./helpers/fixtures.js";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "..");
const work = join(root, "node_modules", ".cache", "secretwrangler-import-cost");
const HEAVY = /node_modules\/(@aws-sdk|@smithy|zod)\//;

const HOOKS = `
import { appendFileSync } from "node:fs";
let file;
export function initialize(data) { file = data.file; }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(file, result.url + "\\n");
  return result;
}
`;

const REGISTER = `
import { register } from "node:module";
register(new URL("./hooks.mjs", import.meta.url), { data: { file: process.env.LOADED_FILE } });
`;

/** Reads `app/json` the way MODE says; prints the value and the CJS module cache. */
const READ = `
const modes = {
  async "root-agent"(lib, port, token) {
    const client = lib.createSecretsClient({ transport: lib.agentTransport({ port, token }) });
    try { return await client.getSecretJson("app/json"); } finally { await client.close(); }
  },
  async "root-auto"(lib, port, token) {
    const client = lib.createSecretsClient({ transport: lib.autoTransport({ agent: { port, token } }) });
    try { return await client.getSecretJson("app/json"); } finally { await client.close(); }
  },
  async "agent-reader"(lib, port, token) {
    const reader = lib.createAgentReader({ port, token });
    try { return await reader.getSecretJson("app/json"); } finally { reader.close(); }
  },
  async "control-sdk"(lib) {
    const transport = lib.sdkTransport({ endpoint: "http://127.0.0.1:9", region: "us-east-1", maxAttempts: 1 });
    const client = lib.createSecretsClient({ transport, cache: false });
    try { await client.getSecret("app/json"); } catch (error) { return error.code; } finally { await client.close(); }
  },
};
async function read(lib) {
  const value = await modes[process.env.MODE](lib, Number(process.env.PORT), process.env.TOKEN);
  process.stdout.write(JSON.stringify({ value }));
}
`;

const CHILD_ESM = `
import { createRequire } from "node:module";
${READ}
const lib = await import(process.env.ENTRY);
await read(lib);
for (const key of Object.keys(createRequire(import.meta.url).cache)) process.stderr.write(key + "\\n");
`;

const CHILD_CJS = `
${READ}
const lib = require(process.env.ENTRY);
read(lib).then(() => {
  for (const key of Object.keys(require.cache)) process.stderr.write(key + "\\n");
});
`;

describe("import cost of the agent path (built package, child processes)", () => {
  let fake: FakeAgent;
  let dir: string;

  beforeAll(async () => {
    mkdirSync(work, { recursive: true });
    writeFileSync(join(work, "hooks.mjs"), HOOKS);
    writeFileSync(join(work, "register.mjs"), REGISTER);
    writeFileSync(join(work, "child.mjs"), CHILD_ESM);
    writeFileSync(join(work, "child.cjs"), CHILD_CJS);
    const built = await builtPackage();
    dir = built.dir;
    console.info(`import-cost: testing ${built.source}`);
    fake = await startFakeAgent({ fixtures: FIXTURES });
  }, 120_000);
  afterAll(() => fake?.close());

  /** Runs one child and returns what it read and every module it loaded. */
  async function child(format: "esm" | "cjs", entry: "index" | "agent", mode: string) {
    const loadedFile = join(work, `loaded-${format}-${entry}-${mode}.txt`);
    rmSync(loadedFile, { force: true });
    writeFileSync(loadedFile, "");
    const entryPath = join(dir, `${entry}.${format === "esm" ? "js" : "cjs"}`);
    const script = join(work, format === "esm" ? "child.mjs" : "child.cjs");
    const { stdout, stderr } = await run(process.execPath, ["--import", join(work, "register.mjs"), script], {
      env: {
        ...process.env,
        ENTRY: format === "esm" ? `file://${entryPath}` : entryPath,
        MODE: mode,
        PORT: String(fake.port),
        TOKEN: AGENT_TOKEN_CANARY,
        LOADED_FILE: loadedFile,
      },
      timeout: 30_000,
    });
    const loaded = [...readFileSync(loadedFile, "utf8").split("\n"), ...stderr.split("\n")].filter(Boolean);
    return { value: (JSON.parse(stdout) as { value: unknown }).value, loaded };
  }

  const cases: ["esm" | "cjs", "index" | "agent", string][] = [
    ["esm", "index", "root-agent"],
    ["cjs", "index", "root-agent"],
    ["esm", "index", "root-auto"],
    ["cjs", "index", "root-auto"],
    ["esm", "agent", "agent-reader"],
    ["cjs", "agent", "agent-reader"],
  ];
  for (const [format, entry, mode] of cases) {
    it(`loads no @aws-sdk, @smithy or zod module: ${format} ${entry} entry, ${mode}`, async () => {
      const { value, loaded } = await child(format, entry, mode);

      expect(value).toEqual(JSON.parse(FIXTURES["app/json"]?.[0]?.value as string));
      expect(loaded.some((url) => url.includes(`${entry}.${format === "esm" ? "js" : "cjs"}`))).toBe(true);
      expect(loaded.filter((url) => HEAVY.test(url))).toEqual([]);
    });
  }

  for (const format of ["esm", "cjs"] as const) {
    it(`sees the SDK when a read goes through it (control, ${format})`, async () => {
      const { value, loaded } = await child(format, "index", "control-sdk");

      expect(value).toBe("TRANSPORT");
      expect(loaded.some((url) => /node_modules\/@aws-sdk\/client-secrets-manager\//.test(url))).toBe(true);
      expect(loaded.some((url) => /node_modules\/@smithy\//.test(url))).toBe(true);
    });
  }
});
