/**
 * The published type declarations compile in a user's project that installed only what the README
 * tells it to, with TypeScript's defaults (`skipLibCheck` off, strict): an optional AWS SDK package
 * that is not installed must not be needed by any `.d.ts`. Each case lays out a project in a temp
 * folder whose `node_modules` holds a copy of the package (its `package.json` and `dist/`) and links
 * to exactly the packages of that setup, then runs `tsc` on a file that imports every entry point,
 * once with `moduleResolution: "node16"` and once with `"node"` (node10, through `typesVersions`).
 */
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "..");
const work = mkdtempSync(join(tmpdir(), "secretwrangler-types-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Every import path of the package, and one name each that must be typed (not `any`). */
const ENTRY_CHECKS = `
import { createSecretsClient, getSecretJson, sdkTransport, type SecretsClient } from "secretwrangler";
import { createAgentReader, type AgentReader } from "secretwrangler/agent";
import { parseArn, type AwsSessionOptions } from "secretwrangler/aws";
import { pgOptions, type PostgresSecret } from "secretwrangler/db";
import { memoryTransport, type SdkTransportOptions, type Transport } from "secretwrangler/transports";

const client: SecretsClient = createSecretsClient({ transport: memoryTransport({ a: "b" }) });
const reader: AgentReader = createAgentReader({ port: 2773, token: "t" });
const options: SdkTransportOptions = { region: "us-east-1", maxAttempts: 2 };
const transport: Transport = sdkTransport(options);
const session: AwsSessionOptions = { region: "eu-west-1" };
void [client, reader, transport, session, parseArn, pgOptions, getSecretJson];
declare const secret: PostgresSecret;
// Typed, not any: a wrong option type must fail.
// @ts-expect-error maxAttempts is a number
const wrong: SdkTransportOptions = { maxAttempts: "2" };
void [secret, wrong];
`;

/** `secretwrangler/otel`, for a project that installed its peer `@opentelemetry/api`. */
const OTEL_CHECKS = `${ENTRY_CHECKS}
import { instrument, type Instrumentation } from "secretwrangler/otel";
import { CHANNELS, type ReadEvent } from "secretwrangler";
import { trace } from "@opentelemetry/api";

const instrumentation: Instrumentation = instrument({ tracerProvider: trace.getTracerProvider(), traceCacheHits: true });
const channel: "secretwrangler:read" = CHANNELS.read;
declare const event: ReadEvent;
// @ts-expect-error traceCacheHits is a boolean
instrument({ traceCacheHits: "yes" });
void [instrumentation, channel, event.outcome];
`;

/** Copies `dist/` (built by `npm test` before vitest, else here) and `package.json` into the project. */
async function packageDir(): Promise<string> {
  const dist = join(root, "dist");
  const declarations = [
    "index.d.ts",
    "agent.d.ts",
    "aws.d.ts",
    "db.d.ts",
    "transports.d.ts",
    "otel.d.ts",
    "index.d.cts",
  ];
  const fresh =
    declarations.every((file) => existsSync(join(dist, file))) &&
    statSync(join(dist, "index.d.ts")).mtimeMs >= statSync(join(root, "src", "index.ts")).mtimeMs;
  const source = fresh ? dist : join(work, "build");
  if (!fresh) {
    await run(process.execPath, [join(root, "node_modules", "tsup", "dist", "cli-default.js"), "--out-dir", source], {
      cwd: root,
    });
  }
  const target = join(work, "package");
  cpSync(source, join(target, "dist"), { recursive: true });
  cpSync(join(root, "package.json"), join(target, "package.json"));
  return target;
}

let packaged: string;
beforeAll(async () => {
  packaged = await packageDir();
}, 120_000);

/** A project with the package and links to `packages` (from this repository's node_modules). */
function project(
  name: string,
  packages: readonly string[],
  moduleResolution: "node16" | "node",
  checks: string = ENTRY_CHECKS,
): string {
  const dir = join(work, `${name}-${moduleResolution}`);
  const modules = join(dir, "node_modules");
  mkdirSync(join(modules, "@types"), { recursive: true });
  cpSync(packaged, join(modules, "secretwrangler"), { recursive: true });
  for (const pkg of ["zod", "@types/node", ...packages]) {
    mkdirSync(dirname(join(modules, pkg)), { recursive: true });
    symlinkSync(join(root, "node_modules", pkg), join(modules, pkg), "dir");
  }
  writeFileSync(join(dir, "check.ts"), checks);
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        target: "ES2022",
        module: moduleResolution === "node" ? "commonjs" : "node16",
        moduleResolution,
        // As `tsc --init` sets it; zod's own CommonJS declarations need it under node10.
        esModuleInterop: true,
        // A link resolves to its real path in this repository's node_modules, so the linked packages
        // find their own dependencies there; the copy of this package finds only the setup's links.
        types: ["node"],
      },
      files: ["check.ts"],
    }),
  );
  return dir;
}

async function typeErrors(dir: string): Promise<string> {
  try {
    await run(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", dir], { cwd: dir });
    return "";
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error);
  }
}

/** Each setup, with the module resolutions it is checked with (each `tsc` run costs seconds). */
const SETUPS: readonly (readonly [string, readonly string[], "node16" | "node", string])[] = [
  ["the README's install (Secrets Manager client only)", ["@aws-sdk/client-secrets-manager"], "node16", ENTRY_CHECKS],
  ["Parameter Store only", ["@aws-sdk/client-ssm"], "node16", ENTRY_CHECKS],
  ["an agent-only project (no AWS SDK at all)", [], "node16", ENTRY_CHECKS],
  ["an agent-only project (no AWS SDK at all)", [], "node", ENTRY_CHECKS],
  ["OpenTelemetry (secretwrangler/otel with @opentelemetry/api)", ["@opentelemetry/api"], "node16", OTEL_CHECKS],
  ["OpenTelemetry (secretwrangler/otel with @opentelemetry/api)", ["@opentelemetry/api"], "node", OTEL_CHECKS],
];

describe.concurrent("published types compile with only the packages a user installed", () => {
  it.each(SETUPS)(
    "%s, moduleResolution %s",
    async (name, packages, moduleResolution, checks) => {
      const dir = project(name.replace(/\W+/g, "-"), packages, moduleResolution, checks);

      expect(await typeErrors(dir)).toBe("");
    },
    120_000,
  );

  it("the check itself fails when the package's types are broken (control)", async () => {
    const dir = project("control", [], "node16");
    writeFileSync(join(dir, "check.ts"), `${ENTRY_CHECKS}\nconst n: number = createSecretsClient;\n`);

    expect(await typeErrors(dir)).toContain("TS2322");
  }, 120_000);
});
