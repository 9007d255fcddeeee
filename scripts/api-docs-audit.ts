/**
 * Checks the TSDoc of the public API with the TypeScript compiler: every export of the package's
 * entry files needs a summary, and every exported function, class and constant also an `@example`.
 * Used by `test/api-docs.test.ts`; `npx tsx scripts/api-docs-audit.ts` prints the report.
 */
import { relative, resolve } from "node:path";
import ts from "typescript";

/** The entry file of each public subpath (package.json "exports", tsup.config.ts "entry"). */
export const ENTRY_POINTS: Readonly<Record<string, string>> = {
  secretwrangler: "src/index.ts",
  "secretwrangler/db": "src/db.ts",
  "secretwrangler/agent": "src/agent.ts",
  "secretwrangler/aws": "src/aws.ts",
  "secretwrangler/transports": "src/transports.ts",
  "secretwrangler/watch": "src/watch.ts",
  "secretwrangler/otel": "src/otel.ts",
};

/** One public export whose documentation falls short. */
export interface ApiDocFinding {
  /** The exported name. */
  readonly name: string;
  /** The subpaths that export it. */
  readonly entries: readonly string[];
  /** `function`, `class`, `const`, `interface`, `type`, `namespace`. */
  readonly kind: string;
  /** Where it is declared, `src/...ts:line`. */
  readonly location: string;
  /** What is missing: `summary`, `@example`, or both. */
  readonly missing: readonly string[];
}

const VALUE_KINDS: ReadonlyMap<ts.SyntaxKind, string> = new Map([
  [ts.SyntaxKind.FunctionDeclaration, "function"],
  [ts.SyntaxKind.ClassDeclaration, "class"],
  [ts.SyntaxKind.VariableDeclaration, "const"],
]);

const TYPE_KINDS: ReadonlyMap<ts.SyntaxKind, string> = new Map([
  [ts.SyntaxKind.InterfaceDeclaration, "interface"],
  [ts.SyntaxKind.TypeAliasDeclaration, "type"],
  [ts.SyntaxKind.ModuleDeclaration, "namespace"],
  [ts.SyntaxKind.EnumDeclaration, "enum"],
]);

function jsDocs(declaration: ts.Node): ts.JSDoc[] {
  return ts.getJSDocCommentsAndTags(declaration).filter((node): node is ts.JSDoc => ts.isJSDoc(node));
}

function hasSummary(declaration: ts.Node): boolean {
  return jsDocs(declaration).some((doc) => ts.getTextOfJSDocComment(doc.comment)?.trim());
}

function hasExample(declaration: ts.Node): boolean {
  return jsDocs(declaration).some((doc) => doc.tags?.some((tag) => tag.tagName.text === "example"));
}

/** Audits the exports of the entry files under `root`; returns the exports that lack documentation. */
export function auditApiDocs(
  root: string,
  entryPoints: Readonly<Record<string, string>> = ENTRY_POINTS,
): ApiDocFinding[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    resolve(root, "tsconfig.src.json"),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
      },
    },
  );
  const files = Object.values(entryPoints).map((file) => resolve(root, file));
  const program = ts.createProgram(files, { ...config?.options, noEmit: true });
  const checker = program.getTypeChecker();
  const findings = new Map<ts.Symbol, { name: string; entries: string[]; declarations: readonly ts.Declaration[] }>();

  for (const [entry, file] of Object.entries(entryPoints)) {
    const source = program.getSourceFile(resolve(root, file));
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    if (!moduleSymbol) throw new Error(`cannot read the exports of ${file}`);
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const known = findings.get(target);
      if (known) known.entries.push(entry);
      else findings.set(target, { name: exported.name, entries: [entry], declarations: target.declarations ?? [] });
    }
  }

  const result: ApiDocFinding[] = [];
  for (const { name, entries, declarations } of findings.values()) {
    const valueDeclaration = declarations.find((declaration) => VALUE_KINDS.has(declaration.kind));
    const main = valueDeclaration ?? declarations.find((declaration) => TYPE_KINDS.has(declaration.kind));
    if (!main) continue;
    const kind = VALUE_KINDS.get(main.kind) ?? TYPE_KINDS.get(main.kind) ?? "export";
    const missing: string[] = [];
    if (!declarations.some(hasSummary)) missing.push("summary");
    if (valueDeclaration && !declarations.some(hasExample)) missing.push("@example");
    if (missing.length === 0) continue;
    const sourceFile = main.getSourceFile();
    const line = sourceFile.getLineAndCharacterOfPosition(main.getStart()).line + 1;
    result.push({ name, entries, kind, location: `${relative(root, sourceFile.fileName)}:${line}`, missing });
  }
  return result.sort((a, b) => a.location.localeCompare(b.location, "en", { numeric: true }));
}

/** Files whose comments the lead fixes (work in progress of other engineers). */
export const LEAD_OWNED: RegExp = /^src\/(cache\/|cli\/|transports\/agent[^/]*\.ts|transports\/auto\.ts)/;

/** A readable report of findings, grouped by who fixes them. */
export function formatApiDocFindings(findings: readonly ApiDocFinding[]): string {
  const line = (finding: ApiDocFinding) =>
    `  ${finding.name} (${finding.kind}, ${finding.location}; ${finding.entries.join(", ")}): missing ${finding.missing.join(" and ")}`;
  const lead = findings.filter((finding) => LEAD_OWNED.test(finding.location));
  const others = findings.filter((finding) => !LEAD_OWNED.test(finding.location));
  const sections = [
    `${findings.length} public export(s) lack TSDoc (every export needs a summary; functions, classes and constants also an @example):`,
  ];
  if (lead.length)
    sections.push("in src/cache/, src/cli/, src/transports/agent/, src/transports/auto.ts:", ...lead.map(line));
  if (others.length) sections.push("elsewhere:", ...others.map(line));
  return sections.join("\n");
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const findings = auditApiDocs(resolve(import.meta.dirname, ".."));
  console.log(findings.length === 0 ? "Every public export is documented." : formatApiDocFindings(findings));
  process.exitCode = findings.length === 0 ? 0 : 1;
}
