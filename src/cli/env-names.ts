/**
 * How `secretwrangler exec` turns JSON fields and parameter names into environment variable names:
 * words are split on anything that is not a letter or digit and on lowerCamel boundaries, joined with
 * `_` and upper-cased, then prefixed. Nested objects are flattened with `_`.
 *
 * `password` → `PASSWORD`, `dbName` → `DB_NAME`, `db-host` → `DB_HOST`, `{ a: { b: 1 } }` → `A_B`,
 * `/my-app/prod/db/password` under `/my-app/prod` → `DB_PASSWORD`.
 */
import { ArgumentError, SecretsError } from "../core/errors.js";

/** The environment variable name for a key path, e.g. `["db", "userName"]` → `DB_USER_NAME`. */
export function envName(path: readonly string[], prefix = ""): string {
  const words = path.flatMap((segment) =>
    segment
      .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
      .split(/[^A-Za-z0-9]+/)
      .filter(Boolean),
  );
  const name = `${prefix}${words.join("_").toUpperCase()}`;
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

function stringify(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Flattens a JSON value into `[path, text]` pairs; arrays are kept whole as JSON text. */
export function flattenJson(value: unknown, path: readonly string[] = []): [string[], string][] {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([key, child]) => flattenJson(child, [...path, key]));
  }
  return [[[...path], stringify(value)]];
}

/** A portable environment variable name. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Whether `name` is a portable variable name: letters, digits and `_`, not first a digit. */
export function isEnvName(name: string): boolean {
  return ENV_NAME.test(name);
}

/**
 * Throws unless `name` is a portable variable name: `CONFIG` for a name made from a secret's or a
 * parameter's data, an {@link ArgumentError} (a usage error) for a name the user typed.
 */
export function assertEnvName(name: string, source: string, typed = false): void {
  if (typed && !ENV_NAME.test(name)) {
    throw new ArgumentError(`${source}: "${name}" is not a variable name (letters, digits, _; not first a digit)`);
  }
  if (!ENV_NAME.test(name)) {
    throw new SecretsError({
      code: "CONFIG",
      operation: "exec",
      detail: `${source} gives "${name}", which is not a variable name (letters, digits, _; not first a digit)`,
    });
  }
}

/**
 * Variables that change how a program is found, loaded or started, or which code or trust it loads:
 * `exec` refuses to set them from a secret or a parameter unless `--allow-env NAME` names them. A
 * trailing `*` matches any rest of the name (`LD_*`: the whole dynamic-loader family). Matched
 * case-insensitively against the final name (after `--prefix`, `--parameters-prefix` or `--env`).
 * docs/cli.md lists each entry and why.
 */
export const PROTECTED_ENV_NAMES: readonly string[] = [
  // How programs are found, and which shell is started.
  "PATH",
  "PATHEXT",
  "COMSPEC",
  "SHELL",
  // Dynamic loaders: glibc/musl (LD_PRELOAD, LD_LIBRARY_PATH, LD_AUDIT, ...), macOS, AIX, HP-UX; glibc's
  // tunables, iconv modules and locale files.
  "LD_*",
  "DYLD_*",
  "LIBPATH",
  "SHLIB_PATH",
  "GLIBC_TUNABLES",
  "GCONV_PATH",
  "LOCPATH",
  "NLSPATH",
  // Shells: start-up files, options, prompts and traces that run code, exported functions, word splitting.
  "BASH_ENV",
  "ENV",
  "SHELLOPTS",
  "BASHOPTS",
  "BASH_FUNC_*",
  "BASH_LOADABLES_PATH",
  "PS0",
  "PS1",
  "PS2",
  "PS3",
  "PS4",
  "PROMPT_COMMAND",
  "IFS",
  "CDPATH",
  "FPATH",
  "ZDOTDIR",
  // Start-up files found from the home and config directories (.bashrc, .gitconfig, .npmrc, ...).
  "HOME",
  "XDG_CONFIG_HOME",
  "XDG_CONFIG_DIRS",
  // Node.js and npm.
  "NODE_OPTIONS",
  "NODE_PATH",
  "NODE_REPL_EXTERNAL_MODULE",
  "NODE_EXTRA_CA_CERTS",
  "NODE_TLS_REJECT_UNAUTHORIZED",
  "NPM_CONFIG_*",
  // Python: an open-ended family (PYTHONPATH, PYTHONSTARTUP, PYTHONHOME, PYTHONINSPECT, PYTHONUSERBASE,
  // PYTHONWARNINGS and PYTHONBREAKPOINT import modules, ...).
  "PYTHON*",
  // Perl, Ruby, PHP, Lua, R, Erlang/Elixir.
  "PERL5*",
  "PERLLIB",
  "RUBYLIB",
  "RUBYOPT",
  "RUBYSHELL",
  "GEM_HOME",
  "GEM_PATH",
  "BUNDLE_GEMFILE",
  "PHPRC",
  "PHP_INI_SCAN_DIR",
  "LUA_INIT*",
  "LUA_PATH*",
  "LUA_CPATH*",
  "R_PROFILE*",
  "R_ENVIRON*",
  "R_LIBS*",
  "ERL_AFLAGS",
  "ERL_FLAGS",
  "ERL_ZFLAGS",
  "ERL_LIBS",
  "ELIXIR_ERL_OPTIONS",
  // Java and its build tools.
  "JAVA_TOOL_OPTIONS",
  "_JAVA_OPTIONS",
  "JDK_JAVA_OPTIONS",
  "JAVA_OPTS",
  "JAVA_HOME",
  "CLASSPATH",
  "MAVEN_OPTS",
  "GRADLE_OPTS",
  // .NET: startup hooks, extra dependencies, the runtime's location, profilers and runtime knobs.
  "DOTNET_STARTUP_HOOKS",
  "DOTNET_ADDITIONAL_DEPS",
  "DOTNET_SHARED_STORE",
  "DOTNET_ROOT*",
  "CORECLR_*",
  "COR_*",
  "COMPLUS_*",
  // Go (toolchain flags such as -toolexec, which toolchain runs, module sources; GODEBUG turns TLS and
  // X.509 checks off), Rust and Cargo, C compilers and make.
  "GODEBUG",
  "GOFLAGS",
  "GOROOT",
  "GOPATH",
  "GOTOOLCHAIN",
  "GOENV",
  "GOPROXY",
  "GONOSUMDB",
  "GONOSUMCHECK",
  "GOSUMDB",
  "GOINSECURE",
  "CGO_*",
  "RUSTC*",
  "RUSTFLAGS",
  "RUSTDOCFLAGS",
  "CARGO_*",
  "CC",
  "CXX",
  "MAKEFLAGS",
  "MFLAGS",
  // git (commands it runs, configuration given by the environment, hooks from templates, TLS checks)
  // and the programs that ask for passwords.
  "GIT_SSH",
  "GIT_SSH_COMMAND",
  "GIT_EXEC_PATH",
  "GIT_ASKPASS",
  "GIT_EDITOR",
  "GIT_SEQUENCE_EDITOR",
  "GIT_PAGER",
  "GIT_PROXY_COMMAND",
  "GIT_EXTERNAL_DIFF",
  "GIT_CONFIG*",
  "GIT_TEMPLATE_DIR",
  "GIT_DIR",
  "GIT_ALLOW_PROTOCOL",
  "GIT_SSL_*",
  "SSH_ASKPASS",
  "SUDO_ASKPASS",
  // Programs other programs start: pagers (less runs LESSOPEN and LESSCLOSE), editors, browsers.
  "LESSOPEN",
  "LESSCLOSE",
  "PAGER",
  "MANPAGER",
  "EDITOR",
  "VISUAL",
  "BROWSER",
  // TLS trust, and OpenSSL configuration (which loads engines and providers: shared libraries).
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "REQUESTS_CA_BUNDLE",
  "CURL_CA_BUNDLE",
  "OPENSSL_CONF",
  "OPENSSL_ENGINES",
  "OPENSSL_MODULES",
  // Configuration files that name programs to run for credentials (credential_process, exec plugins).
  "AWS_CONFIG_FILE",
  "AWS_SHARED_CREDENTIALS_FILE",
  "KUBECONFIG",
  // PowerShell module auto-loading.
  "PSMODULEPATH",
];

/** An entry as a regular expression: `*` matches any rest; the entries hold no other special character. */
function entryPattern(entry: string): string {
  return entry.replaceAll("*", "[A-Za-z0-9_]*");
}

const PROTECTED = new RegExp(`^(?:${PROTECTED_ENV_NAMES.map(entryPattern).join("|")})$`, "i");

/** Whether `name` is one of {@link PROTECTED_ENV_NAMES} (case-insensitive). */
export function isProtectedEnvName(name: string): boolean {
  return PROTECTED.test(name);
}

/**
 * Collects variables from several sources and refuses two sources giving the same name: a silent
 * overwrite would hand a process the wrong credential.
 */
export class EnvCollector {
  readonly #values = new Map<string, { readonly value: string; readonly source: string }>();
  /** The upper-cased names `--allow-env` allows although they are protected. */
  readonly #allowed: ReadonlySet<string>;

  /** The command the errors name (`exec`, `export`). */
  readonly #operation: string;

  /**
   * @param allowed - the names given with `--allow-env`, matched case-insensitively.
   * @param operation - the command the errors name.
   */
  constructor(allowed: readonly string[] = [], operation = "exec") {
    this.#allowed = new Set(allowed.map((name) => name.toUpperCase()));
    this.#operation = operation;
  }

  /**
   * Adds a variable; throws `CONFIG` for a protected name not allowed with `--allow-env`, or naming
   * both sources on a collision (never the values).
   */
  add(name: string, value: string, source: string): void {
    this.check(name, source);
    if (value.includes("\0")) {
      // No process environment can hold a NUL byte; Node's own error would quote the value.
      throw new SecretsError({
        code: "CONFIG",
        operation: this.#operation,
        detail: `${source}: the value of ${name} holds a NUL byte`,
      });
    }
    this.#values.set(name, { value, source });
  }

  /**
   * The checks of {@link add} that need no value (the name, protection, a collision), run before
   * any read: throws as `add` would, and stores nothing.
   */
  check(name: string, source: string): void {
    assertEnvName(name, source);
    if (isProtectedEnvName(name) && !this.#allowed.has(name.toUpperCase())) {
      throw new SecretsError({
        code: "CONFIG",
        operation: this.#operation,
        detail: `${source} would set ${name}, which changes how programs are found, loaded or started; refused`,
        hint: `If the program needs it from there, pass --allow-env ${name}`,
      });
    }
    const existing = this.#values.get(name);
    if (existing) {
      throw new SecretsError({
        code: "CONFIG",
        operation: this.#operation,
        detail: `${name} is given by both ${existing.source} and ${source}`,
        hint: "Separate them with --prefix (for --secret) or --parameters-prefix, or name one with --env NAME=<id>",
      });
    }
  }

  /** Whether a source gives `name` already. */
  has(name: string): boolean {
    return this.#values.has(name);
  }

  /** The collected variables. */
  toObject(): Record<string, string> {
    return Object.fromEntries([...this.#values].map(([name, entry]) => [name, entry.value]));
  }
}
