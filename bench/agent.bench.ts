/**
 * The agent transport, side by side with the floor it is built on and with Powertools + the SDK:
 *
 * 1. request latency: one warm read through the agent transport vs a bare `node:http` keep-alive
 *    GET to the same loopback fake agent, which runs in a process of its own (`agent-server.ts`);
 * 2. cold start: wall time of a new Node process that imports the built package and reads one
 *    JSON secret through the agent, vs `node -e ""`; Powertools + SDK v3 read the same secret from
 *    a loopback fake Secrets Manager;
 * 3. bundle size: an esbuild bundle (minified, gzip) of a Lambda handler reading one JSON secret.
 *
 * Sections 2 and 3 use `dist/` (section 2) and esbuild on `src/` (section 3); `npm run bench` builds
 * first. Reproduce: `npm run bench -- agent` (or `npx tsx bench/run.ts agent`). About a minute.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { do_not_optimize, measure } from "mitata";
import { createAgentReader } from "../src/agent.js";
import { agentTransport, createSecretsClient } from "../src/index.js";
import { startFakeSecretsManager } from "../test/helpers/fake-secrets-manager.js";
import { BENCH_SECRET, BENCH_TOKEN } from "./agent-server.js";
import { fmt, median, percentile, table, verdict } from "./report.js";

const benchDir = dirname(fileURLToPath(import.meta.url));
const root = join(benchDir, "..");
const work = join(root, "node_modules", ".cache", "secretwrangler-bench-agent");
mkdirSync(work, { recursive: true });
const SECRET_ID = "bench/db";

const us = (ns: number): string => `${fmt(ns / 1000, 1)} µs`;
const markdown: string[] = [];
function section(title: string, body: string): void {
  console.log(`\n## ${title}\n\n${body}`);
  markdown.push(`### ${title}\n\n${body}`);
}

/** Starts `agent-server.ts` in its own process; resolves with its port. */
async function startServerProcess(): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, ["--import", "tsx", join(benchDir, "agent-server.ts")], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.once("data", (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    child.once("exit", (code) => reject(new Error(`agent-server exited with ${code}`)));
  });
  return { port, child };
}

const server = await startServerProcess();
const port = server.port;

// ---------------------------------------------------------------------------------------------
// 1. Request latency
// ---------------------------------------------------------------------------------------------
const bareAgent = new Agent({ keepAlive: true, maxSockets: 16 });
const barePath = `/secretsmanager/get?secretId=${encodeURIComponent(SECRET_ID)}`;
function bareGet(): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path: barePath,
        agent: bareAgent,
        headers: { "X-Aws-Parameters-Secrets-Token": BENCH_TOKEN },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

const transport = agentTransport({ port, token: BENCH_TOKEN });
const reader = createAgentReader({ port, token: BENCH_TOKEN });
const client = createSecretsClient({ transport: agentTransport({ port, token: BENCH_TOKEN }) });
const latencyRows = [
  { name: "floor: bare `node:http` keep-alive GET (body as text)", run: async () => do_not_optimize(await bareGet()) },
  {
    name: "floor: bare GET + `JSON.parse` of body and SecretString",
    run: async () => do_not_optimize(JSON.parse(JSON.parse(await bareGet()).SecretString)),
  },
  {
    name: "secretwrangler `agentTransport().getSecretValue({ id })`",
    run: async () => do_not_optimize(await transport.getSecretValue({ id: SECRET_ID })),
  },
  {
    name: "secretwrangler/agent `createAgentReader().getSecretJson(id)`",
    run: async () => do_not_optimize(await reader.getSecretJson(SECRET_ID)),
  },
  {
    name: "secretwrangler `createSecretsClient({ transport: agentTransport() }).getSecretJson(id)`",
    run: async () => do_not_optimize(await client.getSecretJson(SECRET_ID)),
  },
];
// Many short rounds in alternating order, so drift on a shared machine hits every row alike. Each
// round also takes the client process's CPU time over a fixed number of reads.
const ROUNDS = 20;
const CPU_READS = 300;
const latency = new Map<string, number[]>(latencyRows.map((row) => [row.name, []]));
const cpu = new Map<string, number[]>(latencyRows.map((row) => [row.name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const row of round % 2 === 0 ? latencyRows : [...latencyRows].reverse()) {
    const stats = await measure(row.run, { min_cpu_time: 60 * 1e6 });
    latency.get(row.name)?.push(stats.p50);
    const before = process.cpuUsage();
    for (let read = 0; read < CPU_READS; read++) await row.run();
    const used = process.cpuUsage(before);
    cpu.get(row.name)?.push(((used.user + used.system) * 1000) / CPU_READS);
  }
}
const latencyOf = (index: number): number => median(latency.get(latencyRows[index]?.name ?? "") ?? []);
const cpuOf = (index: number): number => median(cpu.get(latencyRows[index]?.name ?? "") ?? []);
const bare = latencyOf(0);
const bareParsed = latencyOf(1);
const ours = latencyOf(2);
section(
  "1. Request latency (warm keep-alive, fake agent in its own process)",
  [
    table(
      ["read", "µs/op (p50)", "vs bare GET", "vs bare GET + parse", "client CPU µs/op"],
      latencyRows.map((row, index) => [
        row.name,
        us(latencyOf(index)),
        `${fmt(latencyOf(index) / bare, 2)}x`,
        `${fmt(latencyOf(index) / bareParsed, 2)}x`,
        us(cpuOf(index)),
      ]),
    ),
    "",
    `Median over ${ROUNDS} interleaved rounds of mitata's p50 per row; CPU is the client process's user + system time over ${CPU_READS} reads per round (median). The client row runs with its default for the agent transport: no cache of its own.`,
    "",
    `- agent transport vs the bare keep-alive GET: **${fmt(ours / bare, 2)}x** (target <= 1.2x): ${verdict(ours / bare <= 1.2)}; vs bare GET + \`JSON.parse\`: ${fmt(ours / bareParsed, 2)}x`,
  ].join("\n"),
);
transport.close();
reader.close();
await client.close();
bareAgent.destroy();

// ---------------------------------------------------------------------------------------------
// 2. Cold start
// ---------------------------------------------------------------------------------------------
const dist = join(root, "dist");
for (const file of ["index.js", "agent.js"]) {
  if (!existsSync(join(dist, file))) throw new Error(`dist/${file} is missing: run \`npm run build\` first`);
}
const stale =
  statSync(join(dist, "agent.js")).mtimeMs < statSync(join(root, "src", "transports", "agent", "transport.ts")).mtimeMs;
if (stale) console.warn("warning: dist/ is older than src/transports/agent/transport.ts; run `npm run build`");
const secretsManager = await startFakeSecretsManager({
  [SECRET_ID]: [{ versionId: "11111111-1111-4111-8111-111111111111", stages: ["AWSCURRENT"], value: BENCH_SECRET }],
});
const distUrl = (file: string): string => pathToFileURL(join(dist, file)).href;
const scripts: Record<string, string> = {
  "bare-http.mjs": `
import { request } from "node:http";
const body = await new Promise((resolve, reject) => {
  const req = request({ host: "127.0.0.1", port: Number(process.env.PORT), path: "/secretsmanager/get?secretId=${encodeURIComponent(SECRET_ID)}",
    headers: { "X-Aws-Parameters-Secrets-Token": process.env.AWS_TOKEN } }, (res) => {
    let text = ""; res.setEncoding("utf8"); res.on("data", (c) => (text += c)); res.on("end", () => resolve(text));
  });
  req.on("error", reject); req.end();
});
if (!JSON.parse(JSON.parse(body).SecretString).password) process.exit(1);
`,
  "ours-root.mjs": `
import { agentTransport, createSecretsClient } from ${JSON.stringify(distUrl("index.js"))};
const client = createSecretsClient({ transport: agentTransport() });
if (!(await client.getSecretJson(${JSON.stringify(SECRET_ID)})).password) process.exit(1);
await client.close();
`,
  "ours-agent.mjs": `
import { createAgentReader } from ${JSON.stringify(distUrl("agent.js"))};
const reader = createAgentReader();
if (!(await reader.getSecretJson(${JSON.stringify(SECRET_ID)})).password) process.exit(1);
reader.close();
`,
  "sdk.mjs": `
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
const client = new SecretsManagerClient({});
const output = await client.send(new GetSecretValueCommand({ SecretId: ${JSON.stringify(SECRET_ID)} }));
if (!JSON.parse(output.SecretString).password) process.exit(1);
client.destroy();
`,
  "powertools.mjs": `
import { getSecret } from "@aws-lambda-powertools/parameters/secrets";
if (!(await getSecret(${JSON.stringify(SECRET_ID)}, { transform: "json" })).password) process.exit(1);
`,
};
for (const [file, text] of Object.entries(scripts)) writeFileSync(join(work, file), text);
const childEnv: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  PORT: String(port),
  PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(port),
  AWS_TOKEN: BENCH_TOKEN,
  AWS_ENDPOINT_URL: secretsManager.endpoint,
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "AKIDBENCHBENCHBENCH",
  AWS_SECRET_ACCESS_KEY: "bench-secret-access-key",
  AWS_EC2_METADATA_DISABLED: "true",
  AWS_CONFIG_FILE: "/nonexistent/secretwrangler-bench/config",
  AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/secretwrangler-bench/credentials",
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  NODE_ENV: "production",
};
const coldRows: { name: string; args: string[] }[] = [
  { name: 'bare `node -e ""`', args: ["-e", ""] },
  { name: "bare `node:http` GET + `JSON.parse`", args: [join(work, "bare-http.mjs")] },
  { name: "secretwrangler (root) `createSecretsClient` + `agentTransport`", args: [join(work, "ours-root.mjs")] },
  { name: "secretwrangler/agent `createAgentReader`", args: [join(work, "ours-agent.mjs")] },
  { name: "AWS SDK v3 `SecretsManagerClient` (loopback fake Secrets Manager)", args: [join(work, "sdk.mjs")] },
  { name: "Powertools `getSecret` + SDK v3 (loopback fake Secrets Manager)", args: [join(work, "powertools.mjs")] },
];
function timeProcess(args: string[]): Promise<number> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: childEnv, stdio: ["ignore", "ignore", "inherit"] });
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code !== 0) reject(new Error(`${args.join(" ")} exited with ${code}`));
      else resolve(Number(process.hrtime.bigint() - started) / 1e6);
    });
  });
}
const COLD_RUNS = 20;
const cold = new Map<string, number[]>(coldRows.map((row) => [row.name, []]));
for (const row of coldRows) await timeProcess(row.args); // warm the file cache
for (let run = 0; run < COLD_RUNS; run++) {
  for (const row of coldRows) cold.get(row.name)?.push(await timeProcess(row.args));
}
const coldOf = (index: number): number[] => cold.get(coldRows[index]?.name ?? "") ?? [];
const bareStart = median(coldOf(0));
const coldOurs = Math.max(median(coldOf(2)), median(coldOf(3)));
const powertoolsOver = median(coldOf(5)) - bareStart;
section(
  "2. Cold start (new process: import, read one JSON secret, exit)",
  [
    table(
      ["process", "median ms", "p90 ms", "over bare node"],
      coldRows.map((row, index) => [
        row.name,
        fmt(median(coldOf(index)), 1),
        fmt(percentile(coldOf(index), 0.9), 1),
        index === 0 ? "" : `+${fmt(median(coldOf(index)) - bareStart, 1)} ms`,
      ]),
    ),
    "",
    `${COLD_RUNS} interleaved runs per row, wall time from spawn to exit, built \`dist/\`${stale ? " (STALE: rebuild)" : ""}.`,
    "",
    `- secretwrangler on the agent (slower of the two entries) over a bare \`node\` start: **+${fmt(coldOurs - bareStart, 1)} ms** (target < 25 ms): ${verdict(coldOurs - bareStart < 25)}`,
    `- Powertools + SDK over a bare \`node\` start: +${fmt(powertoolsOver, 1)} ms`,
  ].join("\n"),
);
await secretsManager.close();
server.child.stdin?.end();

// ---------------------------------------------------------------------------------------------
// 3. Bundle size
// ---------------------------------------------------------------------------------------------
const handlers: { name: string; contents?: string; entry?: string }[] = [
  { name: "secretwrangler/agent: `examples/lambda-agent-handler.ts`", entry: "examples/lambda-agent-handler.ts" },
  {
    name: "secretwrangler (root): `createSecretsClient` + `agentTransport`",
    contents: `import { agentTransport, createSecretsClient } from "secretwrangler";
const secrets = createSecretsClient({ transport: agentTransport() });
export const handler = async () => ({ user: (await secrets.getSecretJson("prod/db")).username });`,
  },
  {
    name: "Powertools `getSecret` (+ SDK v3)",
    contents: `import { getSecret } from "@aws-lambda-powertools/parameters/secrets";
export const handler = async () => ({ user: (await getSecret("prod/db", { transform: "json" })).username });`,
  },
  {
    name: "bare `node:http` GET",
    contents: `import { request } from "node:http";
export const handler = () => new Promise((resolve, reject) => {
  const req = request({ host: "127.0.0.1", port: 2773, path: "/secretsmanager/get?secretId=prod%2Fdb",
    headers: { "X-Aws-Parameters-Secrets-Token": process.env.AWS_SESSION_TOKEN } }, (res) => {
    let text = ""; res.on("data", (c) => (text += c)); res.on("end", () => resolve({ user: JSON.parse(JSON.parse(text).SecretString).username }));
  });
  req.on("error", reject); req.end();
});`,
  },
];
async function bundleSize(handler: (typeof handlers)[number], external: string[]): Promise<[number, number]> {
  const result = await build({
    ...(handler.entry
      ? { entryPoints: [join(root, handler.entry)] }
      : { stdin: { contents: handler.contents ?? "", resolveDir: root, loader: "ts" as const } }),
    bundle: true,
    minify: true,
    platform: "node",
    target: "node20",
    format: "esm",
    write: false,
    external,
    logLevel: "silent",
    tsconfig: join(root, "tsconfig.json"),
  });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  return [code.length, gzipSync(code).length];
}
const kb = (bytes: number): string => `${fmt(bytes / 1024, 1)} KB`;
const bundleRows: string[][] = [];
let oursGzip = 0;
for (const handler of handlers) {
  const [sdkExternalMin, sdkExternalGzip] = await bundleSize(handler, ["@aws-sdk/*"]);
  const [allMin, allGzip] = await bundleSize(handler, []);
  if (handler.entry) oursGzip = Math.max(sdkExternalGzip, allGzip);
  bundleRows.push([handler.name, kb(sdkExternalMin), kb(sdkExternalGzip), kb(allMin), kb(allGzip)]);
}
section(
  "3. Bundle size (esbuild, minified, Node 20, ESM)",
  [
    table(
      ["handler", "min, SDK external", "gzip, SDK external", "min, nothing external", "gzip, nothing external"],
      bundleRows,
    ),
    "",
    "`SDK external` marks `@aws-sdk/*` external, as on the Lambda Node runtime (which ships SDK v3).",
    "",
    `- secretwrangler/agent handler: **${kb(oursGzip)} gzip** either way (target < 10 KB): ${verdict(oursGzip < 10 * 1024)}`,
    "- the root client bundles every transport, the cache and Parameter Store (no zod: `getDbSecret` and its schemas live in `secretwrangler/db`): use `secretwrangler/agent` in Lambda bundles.",
  ].join("\n"),
);

const machine = `${cpus().length} cores (${cpus()[0]?.model?.trim() ?? "unknown CPU"}), Node ${process.version}`;
const header = [
  "## Agent transport: secretwrangler vs bare node:http and Powertools + SDK",
  "",
  `Measured ${new Date().toISOString().slice(0, 10)} on ${machine}; every server is a loopback fake (\`test/helpers/fake-agent.ts\`, \`test/helpers/fake-secrets-manager.ts\`).`,
  "Reproduce: `npm run bench -- agent` (or `npx tsx bench/run.ts agent` after `npm run build`).",
].join("\n");
writeFileSync(join(benchDir, "results", "agent.md"), `${header}\n\n${markdown.join("\n\n")}\n`);
console.log("\nwrote bench/results/agent.md");
