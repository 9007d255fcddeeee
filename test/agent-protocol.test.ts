/**
 * The agent's wire protocol is documented inside the repository (docs/transports/agent-protocol.md),
 * and no source file, test or doc points at a document outside it: a maintainer with a clone has
 * everything the comments refer to.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "..");
const PROTOCOL_DOC = "docs/transports/agent-protocol.md";

/** Files under `directory` ending in one of `extensions`, relative to the root. */
function files(directory: string, extensions: readonly string[]): string[] {
  const found: string[] = [];
  const walk = (path: string, depth: number) => {
    if (depth > 8) return;
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "node_modules" && !full.endsWith(join("docs", "api"))) walk(full, depth + 1);
      } else if (extensions.some((extension) => entry.name.endsWith(extension))) {
        found.push(relative(root, full));
      }
    }
  };
  walk(join(root, directory), 0);
  return found;
}

const SOURCES = [
  ...files("src", [".ts"]),
  ...files("test", [".ts"]),
  ...files("docs", [".md"]),
  ...files("examples", [".ts", ".md"]),
];
/** An absolute path to a Markdown document, not a relative link and not the path of a URL. */
const ABSOLUTE_DOC_PATH = /(?<![\w.:/~-])\/[\w.-]+(?:\/[\w.-]+)+\.md\b/g;

describe("the agent protocol document", () => {
  it("is named by the agent transport's source comment, and exists", () => {
    const header = readFileSync(join(root, "src/transports/agent/transport.ts"), "utf8").split("*/")[0] ?? "";

    expect(header).toContain(PROTOCOL_DOC);
    expect(existsSync(join(root, PROTOCOL_DOC))).toBe(true);
  });

  it("summarises routes, token, bodies, dates, errors, connection lifetime and limits in 60 to 120 lines", () => {
    const text = readFileSync(join(root, PROTOCOL_DOC), "utf8");
    const lines = text.trimEnd().split("\n").length;

    expect(lines).toBeGreaterThanOrEqual(60);
    expect(lines).toBeLessThanOrEqual(120);
    for (const fact of [
      "/secretsmanager/get?secretId=",
      "/systemsmanager/parameters/get?name=",
      "X-Aws-Parameters-Secrets-Token",
      "AWS_TOKEN",
      "file://",
      "1569534789.046",
      "RFC 3339",
      "an unexpected error occurred while executing request",
      "61 s",
      "1 MiB",
    ]) {
      expect(text, fact).toContain(fact);
    }
  });

  it("leaves no source, test or doc pointing at a document outside the repository", () => {
    const outside = SOURCES.flatMap((file) =>
      [...readFileSync(join(root, file), "utf8").matchAll(ABSOLUTE_DOC_PATH)].map((match) => `${file}: ${match[0]}`),
    );

    expect(SOURCES.length).toBeGreaterThan(20);
    expect(outside).toEqual([]);
  });

  it("has every docs/... page named in a source comment", () => {
    const missing = SOURCES.filter((file) => file.endsWith(".ts")).flatMap((file) =>
      [...readFileSync(join(root, file), "utf8").matchAll(/(?<![\w./-])docs\/[\w/.-]+\.md\b/g)]
        .map((match) => match[0])
        .filter((doc) => !existsSync(join(root, doc)))
        .map((doc) => `${file}: ${doc}`),
    );

    expect(missing).toEqual([]);
  });
});
