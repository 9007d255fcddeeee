/**
 * Examples are included in the docs, never pasted. A Markdown page marks an include with
 *
 *     <!-- include: examples/quickstart.ts -->            the whole file
 *     <!-- include: examples/testing.ts#rotation -->      one region of it
 *
 * followed by a fenced code block that must equal the file (or the region). Paths are relative to the
 * repository root. A region is the text between `// #region name` and `// #endregion` (`# #region`
 * in shell, YAML and TOML files); region marker lines never appear in the docs. `npm run docs:sync`
 * rewrites the blocks, and `test/docs.test.ts` fails while any block is out of date.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { extname, join, normalize, relative } from "node:path";

const MARKER = /^<!-- include: ([^\s#]+)(?:#([\w.-]+))? -->$/;
const FENCE = /^(`{3,})/;
const REGION_START = /^\s*(?:\/\/|#)\s*#region\s+([\w.-]+)\s*$/;
const REGION_END = /^\s*(?:\/\/|#)\s*#endregion\b/;

const LANGUAGES: Readonly<Record<string, string>> = {
  ".ts": "ts",
  ".mts": "ts",
  ".js": "js",
  ".mjs": "js",
  ".json": "json",
  ".sh": "sh",
  ".yaml": "yaml",
  ".yml": "yaml",
  ".toml": "toml",
};

/** One include marker of a page, with what its block should be. */
export interface IncludeCheck {
  /** 1-based line of the marker. */
  readonly line: number;
  /** The marker's target, e.g. `examples/testing.ts#rotation`. */
  readonly target: string;
  /** Why the block does not match, or `undefined` when it is up to date. */
  readonly problem: string | undefined;
  /** Whether syncing fixes the problem (false when the file or region is missing). */
  readonly fixable: boolean;
}

/** A page after syncing: its new text and one check per marker. */
export interface SyncResult {
  readonly text: string;
  readonly includes: readonly IncludeCheck[];
}

/** Reads a repository file, or `undefined` when it does not exist. */
export type ReadRepoFile = (path: string) => string | undefined;

/** Reads files under `root`, refusing paths that leave it. */
export function repoReader(root: string): ReadRepoFile {
  return (path) => {
    const full = normalize(join(root, path));
    if (relative(root, full).startsWith("..") || !existsSync(full)) return undefined;
    return readFileSync(full, "utf8");
  };
}

/** Removes the common leading indentation of the non-blank lines. */
function dedent(lines: readonly string[]): string[] {
  const indents = lines.filter((line) => line.trim() !== "").map((line) => /^\s*/.exec(line)?.[0].length ?? 0);
  const cut = indents.length === 0 ? 0 : Math.min(...indents);
  return lines.map((line) => line.slice(cut));
}

/** The lines of `region` (or of the whole file), without region marker lines. */
export function extractRegion(source: string, region?: string): string | undefined {
  const lines = source.replace(/\r\n/g, "\n").replace(/\n+$/, "").split("\n");
  const isMarker = (line: string) => REGION_START.test(line) || REGION_END.test(line);
  if (region === undefined) return lines.filter((line) => !isMarker(line)).join("\n");
  const start = lines.findIndex((line) => REGION_START.exec(line)?.[1] === region);
  if (start === -1) return undefined;
  let depth = 0;
  for (let index = start + 1; index < lines.length; index++) {
    const line = lines[index] ?? "";
    if (REGION_START.test(line)) depth++;
    else if (REGION_END.test(line)) {
      if (depth === 0) {
        const body = lines.slice(start + 1, index).filter((inner) => !isMarker(inner));
        return dedent(body).join("\n");
      }
      depth--;
    }
  }
  return undefined;
}

/** The fenced block for `content`, with a fence longer than any backtick run that starts a line. */
export function fencedBlock(content: string, path: string): string[] {
  const longest = Math.max(2, ...content.split("\n").map((line) => FENCE.exec(line)?.[1]?.length ?? 0));
  const fence = "`".repeat(longest + 1);
  return [`${fence}${LANGUAGES[extname(path)] ?? ""}`, ...content.split("\n"), fence];
}

/** Where the fenced block after a marker ends (exclusive), or -1 when the marker has no block. */
function blockEnd(lines: readonly string[], start: number): number {
  const fence = FENCE.exec(lines[start] ?? "")?.[1];
  if (fence === undefined) return -1;
  for (let index = start + 1; index < lines.length; index++) {
    if ((lines[index] ?? "").trimEnd() === fence) return index + 1;
  }
  return -1;
}

/**
 * Rewrites every include block of a page from its file. A marker without a block gets one; a marker
 * whose file or region is missing keeps its block and reports the problem.
 */
export function syncIncludes(markdown: string, read: ReadRepoFile): SyncResult {
  const lines = markdown.split("\n");
  const output: string[] = [];
  const includes: IncludeCheck[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? "";
    output.push(line);
    const marker = MARKER.exec(line.trim());
    if (!marker) continue;
    const [, path = "", region] = marker;
    const target = region === undefined ? path : `${path}#${region}`;
    const end = blockEnd(lines, index + 1);
    const current = end === -1 ? undefined : lines.slice(index + 1, end);
    const source = read(path);
    const content = source === undefined ? undefined : extractRegion(source, region);
    let problem: string | undefined;
    if (source === undefined) problem = `${path} does not exist`;
    else if (content === undefined)
      problem = `${path} has no region "${region}" (// #region ${region} ... // #endregion)`;
    const expected = content === undefined ? current : fencedBlock(content, path);
    if (problem === undefined && current === undefined) problem = "no fenced code block follows the marker";
    else if (problem === undefined && current?.join("\n") !== expected?.join("\n")) {
      problem = "the code block differs from the file";
    }
    includes.push({ line: index + 1, target, problem, fixable: content !== undefined });
    output.push(...(expected ?? []));
    if (end !== -1) index = end - 1;
  }
  return { text: output.join("\n"), includes };
}

/** The Markdown pages that may hold includes: `README.md` and `docs/**` (not the generated `docs/api`). */
export function markdownPages(root: string): string[] {
  const pages = existsSync(join(root, "README.md")) ? ["README.md"] : [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory() && path !== "docs/api") walk(path);
      else if (entry.isFile() && entry.name.endsWith(".md")) pages.push(path);
    }
  };
  if (existsSync(join(root, "docs"))) walk("docs");
  return pages.sort();
}
