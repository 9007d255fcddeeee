/**
 * `doctor` agrees with `get` on every setup: each setup runs both, as the built CLI in a child
 * process, and their exit codes must match (and match what the setup should give). A missing
 * package is a real one: the build is copied to a temporary folder whose node_modules links only the
 * packages the setup installs, as `npm install secretwrangler <packages>` would leave it.
 */
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT_CODES } from "../src/cli/exit-codes.js";
import { builtPackage } from "./helpers/built-package.js";
import { CANARY } from "./helpers/canary.js";
import { AGENT_TOKEN_CANARY, type FakeAgent, freePort, startFakeAgent } from "./helpers/fake-agent.js";
import { startFakeSecretsManager } from "./helpers/fake-secrets-manager.js";
import { type FakeSts, startFakeSts } from "./helpers/fake-sts.js";
import { FIXTURES } from "./helpers/fixtures.js";

const root = resolve(import.meta.dirname, "..");
const SM = "@aws-sdk/client-secrets-manager";
const STS = "@aws-sdk/client-sts";
const PROVIDERS = "@aws-sdk/credential-providers";
const SSM = "@aws-sdk/client-ssm";
const ALL = [SM, STS, PROVIDERS, SSM];

const directory = mkdtempSync(join(tmpdir(), "secretwrangler-cli-doctor-"));
let built: string;
let server: Awaited<ReturnType<typeof startFakeSecretsManager>>;
let sts: FakeSts;
let agent: FakeAgent;
const installs = new Map<string, string>();

/** A copy of the built CLI whose node_modules holds only `packages` (and zod). */
function installWith(packages: readonly string[]): string {
  const key = [...packages].sort().join(",");
  const existing = installs.get(key);
  if (existing) return existing;
  const dir = join(directory, `install-${installs.size}`);
  cpSync(built, dir, { recursive: true });
  for (const name of ["zod", ...packages]) {
    const target = join(dir, "node_modules", name);
    mkdirSync(resolve(target, ".."), { recursive: true });
    symlinkSync(join(root, "node_modules", name), target, "dir");
  }
  const cli = join(dir, "cli.js");
  installs.set(key, cli);
  return cli;
}

interface Setup {
  readonly name: string;
  readonly packages: readonly string[];
  readonly args: () => string[];
  /** Variables laid over the test environment; `undefined` removes one. */
  readonly env?: () => Record<string, string | undefined>;
  /** The exit code both commands must give. */
  readonly expected: number | "agree";
  /** What doctor's report must hold. */
  readonly report?: RegExp;
}

function run(cli: string, args: readonly string[], extra: Record<string, string | undefined>) {
  const env: Record<string, string | undefined> = { ...process.env, NODE_PATH: undefined, ...extra };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    execFile(process.execPath, [cli, ...args], { env, cwd: directory, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
      done({ code, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  built = (await builtPackage()).dir;
  server = await startFakeSecretsManager(FIXTURES);
  sts = await startFakeSts();
  agent = await startFakeAgent({ fixtures: FIXTURES });
  writeFileSync(join(directory, "broken.json"), `{"secrets": {"x": "${CANARY}"`);
});

afterAll(async () => {
  await Promise.all([server.close(), sts.close(), agent.close()]);
  rmSync(directory, { recursive: true, force: true });
});

const sdk = () => ["--transport", "sdk", "--endpoint", server.endpoint];
const viaFakeSts = () => ({ AWS_ENDPOINT_URL_STS: sts.endpoint });
const agentPort = () => ({ PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(agent.port) });

const SETUPS: readonly Setup[] = [
  {
    name: "sdk, only @aws-sdk/client-secrets-manager installed",
    packages: [SM],
    args: sdk,
    expected: 0,
    report: /identity: +skipped: install @aws-sdk\/client-sts to check the identity/,
  },
  {
    name: "sdk, client-secrets-manager and client-sts, no credential-providers",
    packages: [SM, STS],
    args: sdk,
    env: viaFakeSts,
    expected: 0,
    report: /identity: +arn:aws:/,
  },
  {
    name: "sdk, client-sts and credential-providers but no client-secrets-manager",
    packages: [STS, PROVIDERS],
    args: sdk,
    env: viaFakeSts,
    expected: EXIT_CODES.CONFIG,
    report: /sdk: +FAIL \(CONFIG\) .*cannot load @aws-sdk\/client-secrets-manager/,
  },
  {
    name: "sdk with --region, only client-secrets-manager",
    packages: [SM],
    args: () => [...sdk(), "--region", "us-east-1"],
    expected: "agree",
  },
  {
    name: "sdk with --profile, no credential-providers",
    packages: [SM],
    args: () => [...sdk(), "--profile", "dev"],
    expected: "agree",
  },
  {
    name: "sdk without a region",
    packages: ALL,
    args: sdk,
    env: () => ({ AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined }),
    expected: EXIT_CODES.CONFIG,
  },
  {
    name: "sdk without credentials",
    packages: ALL,
    args: sdk,
    env: () => ({ AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined }),
    expected: EXIT_CODES.CREDENTIALS,
  },
  {
    name: "agent with the right token",
    packages: ALL,
    args: () => ["--transport", "agent"],
    env: () => ({ ...agentPort(), AWS_TOKEN: AGENT_TOKEN_CANARY }),
    expected: 0,
    report: /agent token: accepted by the agent \(from AWS_TOKEN\)/,
  },
  {
    name: "agent with a wrong token",
    packages: ALL,
    args: () => ["--transport", "agent"],
    env: () => ({ ...agentPort(), AWS_TOKEN: "not-the-token" }),
    expected: EXIT_CODES.AGENT_TOKEN,
    report: /agent token: FAIL \(AGENT_TOKEN\)/,
  },
  {
    name: "agent without a token",
    packages: ALL,
    args: () => ["--transport", "agent"],
    env: agentPort,
    expected: EXIT_CODES.AGENT_TOKEN,
  },
  {
    name: "agent that does not answer",
    packages: ALL,
    args: () => ["--transport", "agent"],
    env: () => ({ PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(closedPort), AWS_TOKEN: AGENT_TOKEN_CANARY }),
    expected: EXIT_CODES.AGENT_UNREACHABLE,
  },
  {
    name: "auto, an agent that answers but refuses the token",
    packages: ALL,
    args: () => ["--transport", "auto", "--endpoint", server.endpoint],
    env: () => ({ ...agentPort(), AWS_TOKEN: "not-the-token" }),
    expected: EXIT_CODES.AGENT_TOKEN,
  },
  {
    name: "auto without an agent, falling back to the sdk",
    packages: [SM],
    args: () => ["--transport", "auto", "--endpoint", server.endpoint],
    env: () => ({ PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(closedPort) }),
    expected: 0,
  },
  {
    name: "a file that is not valid JSON",
    packages: [],
    args: () => ["--transport", `file:${join(directory, "broken.json")}`],
    expected: EXIT_CODES.CONFIG,
  },
  {
    name: "a file that is not there",
    packages: [],
    args: () => ["--transport", `file:${join(directory, "none.json")}`],
    expected: "agree",
  },
  {
    name: "SECRETWRANGLER_TRANSPORT naming no transport",
    packages: ALL,
    args: () => [],
    env: () => ({ SECRETWRANGLER_TRANSPORT: "bogus" }),
    expected: EXIT_CODES.CONFIG,
  },
];

let closedPort = 9;

describe("doctor agrees with get", () => {
  beforeAll(async () => {
    closedPort = await freePort();
  });

  it.each(SETUPS.map((setup) => [setup.name, setup] as const))("%s", async (_, setup) => {
    const cli = installWith(setup.packages);
    const env = setup.env?.() ?? {};
    const get = await run(cli, ["get", "app/text", ...setup.args()], env);
    const doctor = await run(cli, ["doctor", ...setup.args()], env);

    expect(doctor.code, `get: ${get.stderr}\ndoctor:\n${doctor.stdout}${doctor.stderr}`).toBe(get.code);
    if (setup.expected !== "agree") expect(get.code, get.stderr).toBe(setup.expected);
    if (setup.report) expect(doctor.stdout).toMatch(setup.report);
    for (const output of [get.stderr, doctor.stdout, doctor.stderr]) {
      expect(output).not.toContain(CANARY);
      expect(output).not.toContain(AGENT_TOKEN_CANARY);
    }
  });

  it("checks the token with one read the agent authenticates, of an id no secret can have", async () => {
    const before = agent.reads().length;
    const cli = installWith(ALL);
    await run(cli, ["doctor", "--transport", "agent"], { ...agentPort(), AWS_TOKEN: AGENT_TOKEN_CANARY });

    const reads = agent.reads().slice(before);
    expect(reads).toHaveLength(1);
    expect(reads[0]?.query.get("secretId")).toMatch(/ /);
  });
});
