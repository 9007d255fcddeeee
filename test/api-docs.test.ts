/**
 * Every public export carries TSDoc, so the API reference (`npm run docs`) and editor hovers explain
 * it: a summary for every export of `secretwrangler`, `secretwrangler/db` and `secretwrangler/agent`,
 * and an `@example` for every function, class and constant. The failure message lists each gap with
 * its file, grouped by who owns the file.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { auditApiDocs, ENTRY_POINTS, formatApiDocFindings } from "../scripts/api-docs-audit.js";

const root = resolve(import.meta.dirname, "..");

describe("API documentation", () => {
  it("documents every public export, with an @example for functions, classes and constants", () => {
    const findings = auditApiDocs(root);

    expect(findings.length === 0 ? "" : formatApiDocFindings(findings)).toBe("");
  });

  it.each(Object.entries(ENTRY_POINTS))(
    "names the module of %s in %s (@module), for the API reference",
    (subpath, file) => {
      const header = /^\/\*\*[\s\S]*?\*\//.exec(readFileSync(resolve(root, file), "utf8"))?.[0] ?? "";

      expect(header, `add " * @module ${subpath}" to the first comment of ${file}`).toContain(`@module ${subpath}\n`);
    },
  );

  it("checks every public subpath, the ones package.json exports and typedoc.json documents", () => {
    const json = (file: string) => JSON.parse(readFileSync(resolve(root, file), "utf8"));
    const exported = Object.keys(json("package.json").exports)
      .filter((key) => key !== "./package.json")
      .map((key) => key.replace(/^\./, "secretwrangler"));

    expect(Object.keys(ENTRY_POINTS).sort()).toEqual(exported.sort());
    expect(json("typedoc.json").entryPoints.sort()).toEqual(Object.values(ENTRY_POINTS).sort());
  });

  it("reports what each kind of export lacks", () => {
    const findings = auditApiDocs(root, { sample: "test/helpers/undocumented-exports.ts" });

    expect(findings.map(({ name, kind, missing }) => ({ name, kind, missing }))).toEqual([
      { name: "UNDOCUMENTED", kind: "const", missing: ["summary", "@example"] },
      { name: "withoutExample", kind: "function", missing: ["@example"] },
      { name: "UndocumentedOptions", kind: "interface", missing: ["summary"] },
    ]);
    expect(formatApiDocFindings(findings)).toContain(
      "UNDOCUMENTED (const, test/helpers/undocumented-exports.ts:3; sample): missing summary and @example",
    );
  });
});
