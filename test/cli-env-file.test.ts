/**
 * The dotenv parser of `--env-file`: Node 20's `--env-file` grammar (checked against `util.parseEnv`,
 * which `--env-file` uses) on every well-defined input, refusals naming the line (never its text) for
 * the inputs Node reads by accident, and the bounded file read.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { dotenvQuote, formatEnv, parseDotenv, shellQuote } from "../src/cli/dotenv.js";
import { ENV_FILE_MAX_BYTES, isArnKey, readEnvFile } from "../src/cli/env-file.js";
import { ArgumentError, isSecretsError } from "../src/core/errors.js";
import { CANARY } from "./helpers/canary.js";

const directory = mkdtempSync(join(tmpdir(), "secretwrangler-cli-env-file-"));

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

function parsed(text: string): Record<string, string> {
  return Object.fromEntries(parseDotenv(text, "test.env").map((entry) => [entry.key, entry.value]));
}

function refusal(text: string): ArgumentError {
  try {
    parseDotenv(text, "test.env");
  } catch (error) {
    expect(error).toBeInstanceOf(ArgumentError);
    return error as ArgumentError;
  }
  throw new Error("expected the text to be refused");
}

/** Inputs whose meaning Node 20 defines, and what they mean. Each is also checked against util.parseEnv. */
const AGREED: readonly (readonly [string, string, Record<string, string>])[] = [
  ["plain", "A=1\nB=two words\n", { A: "1", B: "two words" }],
  ["spaces around the name, =, and the value", "  A  =  v  \n", { A: "v" }],
  ["no newline at the end", "A=1\nB=2", { A: "1", B: "2" }],
  ["empty values", "A=\nB=''\nC=\"\"\nD=``\n", { A: "", B: "", C: "", D: "" }],
  ["an empty value at the end of the file", "A=", { A: "" }],
  ["export prefix", "export A=1\nexport=2\n", { A: "1", export: "2" }],
  ["comments and blank lines", "# top\n\nA=1\n# two\n\n\nB=2\n", { A: "1", B: "2" }],
  ["a trailing comment", "A=value # comment\nB=x#y\n", { A: "value", B: "x" }],
  ["# inside quotes", "A='#x'\nB=\"a # b\"\nC=`# c`\n", { A: "#x", B: "a # b", C: "# c" }],
  ["a comment after a closing quote", "A='x' # c\nB=\"y\"#c\n", { A: "x", B: "y" }],
  ["= in the value", "A=a=b=c\nB==\n", { A: "a=b=c", B: "=" }],
  ["single quotes are literal", "A='a\\nb $HOME \"q\"'\n", { A: 'a\\nb $HOME "q"' }],
  ["backticks are literal", 'A=`it\'s "q" \\n`\n', { A: 'it\'s "q" \\n' }],
  ["\\n is the one escape in double quotes", 'A="a\\nb"\nB="a\\tb \\\\ \\$x"\n', { A: "a\nb", B: "a\\tb \\\\ \\$x" }],
  ["\\\\n in double quotes, as Node reads it", 'A="a\\\\nb"\n', { A: "a\\\nb" }],
  ["multi-line double quotes", 'A="line 1\nline 2"\nB=after\n', { A: "line 1\nline 2", B: "after" }],
  ["multi-line single quotes and backticks", "A='l1\nl2'\nB=`l3\n\nl4`\n", { A: "l1\nl2", B: "l3\n\nl4" }],
  ["spaces inside quotes are kept", "A='  x  '\nB=\"  y  \"   \n", { A: "  x  ", B: "  y  " }],
  ["a quote inside an unquoted value is literal", 'A=a"b"\nB=it\'s\n', { A: 'a"b"', B: "it's" }],
  ["a space before the opening quote", 'A= "x y"\n', { A: "x y" }],
  ["tabs inside unquoted values are kept", "A=\tv\t\n", { A: "\tv\t" }],
  ["CRLF line ends", "A=1\r\nB=\"x\"\r\nC='y'\r\n", { A: "1", B: "x", C: "y" }],
  ["CR inside a value goes, as Node drops every CR", 'A="x\ry"\n', { A: "xy" }],
  ["unicode", "A=ünïcødé ☃\nB='日本'\n", { A: "ünïcødé ☃", B: "日本" }],
  ["lower-case and underscore names", "a_b=1\n_X=2\n", { a_b: "1", _X: "2" }],
];

describe("parseDotenv agrees with Node 20's --env-file", () => {
  it.each(AGREED)("%s", (_name, text, expected) => {
    expect(parsed(text)).toEqual(expected);
    expect(parseEnv(text)).toEqual(expected);
  });

  it("gives each entry its line number, multi-line values counting from their first line", () => {
    const entries = parseDotenv("# c\nA=1\nB='x\ny'\n\nC=3\n", "test.env");

    expect(entries.map((entry) => [entry.key, entry.line])).toEqual([
      ["A", 2],
      ["B", 3],
      ["C", 6],
    ]);
  });

  it("drops a leading byte-order mark (Node keeps it in the first name)", () => {
    expect(parsed("\uFEFFA=1\n")).toEqual({ A: "1" });
  });

  it("reads a line of spaces or tabs as blank (Node joins it to the next name)", () => {
    expect(parsed("A=1\n   \n\t\nB=2\n")).toEqual({ A: "1", B: "2" });
  });

  it("reads an indented comment as a comment (Node joins it to the next name)", () => {
    expect(parsed("A=1\n  # indented\n\nB=2\n")).toEqual({ A: "1", B: "2" });
  });

  it("takes export followed by several spaces (Node keeps the spaces in the name)", () => {
    expect(parsed("export   A=1\n")).toEqual({ A: "1" });
  });
});

describe("parseDotenv refuses what Node reads by accident, naming the line and never its text", () => {
  it.each([
    ["a line without =", `A=1\n${CANARY}\nB=2\n`, 2, 'no "="'],
    ["a name that is no variable name", `A-B=${CANARY}\n`, 1, "is not a variable name"],
    ["a name starting with a digit", "1A=x\n", 1, "is not a variable name"],
    ["a name with a space", "A B=x\n", 1, "is not a variable name"],
    ["an empty name", `=${CANARY}\n`, 1, "is not a variable name"],
    ["a tab before the name", "\tA=1\n", 1, "is not a variable name"],
    ["an unterminated double quote", `A=1\nB="${CANARY}\nC=3\n`, 2, 'the value opened with " has no closing "'],
    ["an unterminated single quote", `B='${CANARY}`, 1, "the value opened with ' has no closing '"],
    ["text after the closing quote", `A="x" ${CANARY}\n`, 1, "text after the closing"],
    ["text after a multi-line closing quote", `A="x\ny" ${CANARY}\n`, 2, "text after the closing"],
    ["a name set twice", `A=1\nB=2\nA=${CANARY}\n`, 3, "A is set again (first on line 1)"],
  ] as const)("%s", (_name, text, line, what) => {
    const error = refusal(text);

    expect(error.message).toContain(`test.env: line ${line}: `);
    expect(error.message).toContain(what);
    expect(error.message).not.toContain(CANARY);
    expect(error.message).not.toContain(CANARY.slice(0, 8));
  });
});

describe("readEnvFile", () => {
  it("reads a file, naming each entry's source with its line", () => {
    const path = join(directory, "ok.env");
    writeFileSync(path, "# c\nA=1\n");

    expect(readEnvFile(path)).toEqual([{ key: "A", value: "1", line: 2, source: `--env-file ${path} (line 2)` }]);
  });

  it("gives a missing file CONFIG, a file that is not UTF-8 a usage error naming the line", () => {
    const missing = (() => {
      try {
        readEnvFile(join(directory, "missing.env"));
      } catch (error) {
        return error;
      }
    })();
    expect(isSecretsError(missing) && missing.code).toBe("CONFIG");

    const latin1 = join(directory, "latin1.env");
    writeFileSync(latin1, Buffer.concat([Buffer.from("A=1\nB=caf"), Buffer.from([0xe9]), Buffer.from("\n")]));
    expect(() => readEnvFile(latin1)).toThrow(/line 2: not UTF-8 text/);
  });

  it("refuses a file larger than the bound with CONFIG", () => {
    const big = join(directory, "big.env");
    writeFileSync(big, `A=${"x".repeat(ENV_FILE_MAX_BYTES)}\n`);
    expect(() => readEnvFile(big)).toThrow(/larger than/);
  });
});

describe("*_ARN variables", () => {
  it("are recognized by the name's end, in any case", () => {
    expect(["DB_SECRET_ARN", "db_secret_arn", "X_Arn"].every(isArnKey)).toBe(true);
    expect(["ARN", "DB_ARNS", "DBARN", "DB_PASSWORD"].some(isArnKey)).toBe(false);
  });
});

describe("the output quoting", () => {
  it("quotes for dotenv so that both parsers read the value back", () => {
    const values = [
      "",
      "plain",
      "  padded  ",
      "# not a comment",
      "it's",
      'it\'s "double"',
      "it's \\n literal",
      "all 'three' \"quotes\" \n and a newline",
      "multi\nline\n",
      "$HOME `cmd` 'q'",
      "back\\slash\\",
      "ends with backslash \\",
      "a\\\nb",
      CANARY,
    ];
    const entries = values.map((value, index) => [`K${index}`, value] as const);
    const text = formatEnv(entries, "dotenv");
    const expected = Object.fromEntries(entries);

    expect(parsed(text)).toEqual(expected);
    expect(parseEnv(text)).toEqual(expected);
  });

  it("refuses a value dotenv cannot spell, naming the key, not the value", () => {
    for (const value of [`'"\`${CANARY}`, `a\r${CANARY}`]) {
      let caught: unknown;
      try {
        dotenvQuote("TOKEN", value);
      } catch (error) {
        caught = error;
      }
      expect(isSecretsError(caught) && caught.code).toBe("CONFIG");
      expect(String((caught as Error).message)).toContain("TOKEN");
      expect(String((caught as Error).message)).not.toContain(CANARY);
    }
  });

  it("single-quotes for the shell, ' as '\\''", () => {
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote("")).toBe("''");
  });
});
