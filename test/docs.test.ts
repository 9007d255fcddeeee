/**
 * The docs stay true to the code: every included example block equals its file (`npm run docs:sync`
 * rewrites them), every relative link points at a file that exists, and the error table lists every
 * `SecretsErrorCode`. The include mechanism itself is tested on small inputs first.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { extractRegion, markdownPages, repoReader, syncIncludes } from "../scripts/docs-includes.js";

const root = resolve(import.meta.dirname, "..");
const pages = markdownPages(root);
const read = (page: string): string => readFileSync(join(root, page), "utf8");

describe("docs includes", () => {
  const files: Record<string, string> = {
    "examples/a.ts": [
      'import { x } from "x";',
      "// #region setup",
      "const a = 1;",
      "  // #region inner",
      "  const b = 2;",
      "  // #endregion",
      "// #endregion",
      "",
    ].join("\n"),
    "examples/fence.ts": "const md = `\n```ts\n`;\n",
  };
  const reader = (path: string): string | undefined => files[path];

  it("rewrites a stale block from the whole file, without region markers", () => {
    const page = "Intro\n<!-- include: examples/a.ts -->\n```ts\nold\n```\nOutro";

    const { text, includes } = syncIncludes(page, reader);

    expect(text).toBe(
      'Intro\n<!-- include: examples/a.ts -->\n```ts\nimport { x } from "x";\nconst a = 1;\n  const b = 2;\n```\nOutro',
    );
    expect(includes).toEqual([
      { line: 2, target: "examples/a.ts", problem: "the code block differs from the file", fixable: true },
    ]);
  });

  it("includes a region, dedented, without the markers of nested regions", () => {
    expect(extractRegion(files["examples/a.ts"] ?? "", "setup")).toBe("const a = 1;\n  const b = 2;");
    expect(extractRegion(files["examples/a.ts"] ?? "", "inner")).toBe("const b = 2;");
  });

  it("adds the block when a marker has none, and leaves an up-to-date page unchanged", () => {
    const { text } = syncIncludes("<!-- include: examples/a.ts#inner -->\nnext", reader);

    expect(text).toBe("<!-- include: examples/a.ts#inner -->\n```ts\nconst b = 2;\n```\nnext");
    expect(syncIncludes(text, reader)).toEqual({
      text,
      includes: [{ line: 1, target: "examples/a.ts#inner", problem: undefined, fixable: true }],
    });
  });

  it("fences content that holds a fence with a longer one", () => {
    const { text } = syncIncludes("<!-- include: examples/fence.ts -->", reader);

    expect(text).toBe("<!-- include: examples/fence.ts -->\n````ts\nconst md = `\n```ts\n`;\n````");
  });

  it("reports a missing file or region and keeps the block", () => {
    const page = "<!-- include: examples/gone.ts -->\n```ts\nkept\n```\n<!-- include: examples/a.ts#nope -->";

    const { text, includes } = syncIncludes(page, reader);

    expect(text).toBe(page);
    expect(includes.map((include) => [include.problem, include.fixable])).toEqual([
      ["examples/gone.ts does not exist", false],
      ['examples/a.ts has no region "nope" (// #region nope ... // #endregion)', false],
    ]);
  });

  it("refuses paths outside the repository", () => {
    expect(repoReader(root)("../etc/passwd")).toBeUndefined();
  });

  it("finds the pages, not the generated API reference", () => {
    expect(pages).toContain("docs/getting-started.md");
    expect(pages.some((page) => page.startsWith("docs/api/"))).toBe(false);
  });

  it.each(pages)("keeps every included block of %s equal to its file (else: npm run docs:sync)", (page) => {
    const problems = syncIncludes(read(page), repoReader(root))
      .includes.filter((include) => include.problem !== undefined)
      .map((include) => `${page}:${include.line}: ${include.target}: ${include.problem}`);

    expect(problems).toEqual([]);
  });
});

/** Markdown without its fenced code blocks. */
function prose(markdown: string): string {
  return markdown.replace(/^(`{3,}).*\n[\s\S]*?^\1$/gm, "");
}

/** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces to hyphens. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const [, heading = ""] of prose(markdown).matchAll(/^#{1,6} (.+)$/gm)) {
    const slug = heading
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return result;
}

describe("docs links", () => {
  it.each(pages)("links only to files and headings that exist from %s", (page) => {
    const targets = [...prose(read(page)).matchAll(/\]\(([^)\s]+)\)/g)]
      .map((match) => match[1] ?? "")
      .filter((target) => !/^[a-z]+:/i.test(target));

    const broken = targets.filter((target) => {
      const [path = "", anchor] = target.split("#");
      const file = path === "" ? page : join(dirname(page), path);
      if (!existsSync(join(root, file))) return true;
      return anchor !== undefined && file.endsWith(".md") && !anchors(read(file)).has(anchor);
    });

    expect(broken).toEqual([]);
  });
});

describe("error reference", () => {
  it("lists every SecretsErrorCode, in order, in the table of docs/getting-started.md", () => {
    const union = /export type SecretsErrorCode =([^;]+);/.exec(read("src/core/errors.ts"))?.[1] ?? "";
    const codes = [...union.matchAll(/"([A-Z_]+)"/g)].map((match) => match[1]);
    const documented = [...read("docs/getting-started.md").matchAll(/^\| `([A-Z_]+)` \|/gm)].map((match) => match[1]);

    expect(codes.length).toBeGreaterThan(10);
    expect(documented).toEqual(codes);
  });
});
