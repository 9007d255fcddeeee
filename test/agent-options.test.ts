/**
 * The project's rule for refused input, on the agent transport: a bad option value is a programming
 * error, an `ArgumentError` naming the option, thrown when the transport is created; a bad
 * `PARAMETERS_SECRETS_EXTENSION_HTTP_PORT` is the environment's fault, a `SecretsError` CONFIG.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { ArgumentError, isSecretsError } from "../src/core/errors.js";
import { type AgentTransportOptions, agentTransport } from "../src/transports/agent/transport.js";
import { expectNoLeak } from "./helpers/canary.js";
import { AGENT_TOKEN_CANARY } from "./helpers/fake-agent.js";

const PORT_ENV = "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT";

/** Bad values of every option; the mapped type makes a new option without an entry a type error. */
const BAD_VALUES: { readonly [K in keyof Required<AgentTransportOptions>]: readonly unknown[] } = {
  port: [0, 65_536, 1.5, "2773", Number.NaN, -1],
  host: [
    5,
    "",
    "http://127.0.0.1",
    "127.0.0.1:2773",
    "user@127.0.0.1",
    "10.0.0.5",
    "agent.internal",
    "::ffff:10.0.0.5",
  ],
  allowRemoteHost: ["yes", 1, null],
  token: [42, "file://", `${AGENT_TOKEN_CANARY}\n`, `x\u0000${AGENT_TOKEN_CANARY}`],
  tokenEnv: [[], [""], 5, [5], "", {}],
  header: ["X-Forwarded-For", "x-forwarded-for", "bad header", "", 5, "X:Y"],
  timeoutMs: [0, -1, 600_001, 1.5, "5000"],
  retries: [-1, 11, 0.5, "3"],
  retryDelayMs: [-1, 2_001, 0.5],
  maxSockets: [0, 257, 1.5],
  flavor: ["extension", 1, "Agent"],
  // The agent's own rejects (parse.rs), and what only its Unicode \w would let through.
  roleArn: [
    5,
    "",
    "not-an-arn",
    "arn:aws:iam::12345:role/Admin",
    "arn:aws:iam::1234567890123:role/Admin",
    "arn:aws:iam:us-east-1:123456789012:role/Admin",
    "arn:aws:sts::123456789012:role/Admin",
    "arn:aws:iam::123456789012:user/Someone",
    "arn:aws:iam::123456789012:role/",
    'arn:aws:iam::987654321098:role/test","injected":"value',
    "arn:aws:iam::123456789012:role/Admin\n",
    "arn:aws:iam::123456789012:role/Zoë",
    `arn:aws:iam::123456789012:role/${AGENT_TOKEN_CANARY}?x`,
  ],
  // Only a role can be passed on to the agent: a session without one (or not a session) is refused.
  session: ["prod", 5, null, {}, { assumedRoleArn: undefined }, { assumedRoleArn: "not-an-arn" }],
  sleep: ["fast", 100, {}],
};

function thrown(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("agentTransport options", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  const cases = Object.entries(BAD_VALUES).flatMap(([name, values]) => values.map((value) => [name, value] as const));

  it.each(cases)("refuses %s = %o as an ArgumentError naming the option, not a SecretsError", (name, value) => {
    const error = thrown(() => agentTransport({ [name]: value } as AgentTransportOptions));

    expect(error).toBeInstanceOf(ArgumentError);
    expect(isSecretsError(error)).toBe(false);
    expect((error as Error).message).toContain(`"${name}"`);
    expectNoLeak(error, [AGENT_TOKEN_CANARY]);
  });

  it.each([
    ["null", null],
    ["a string", "127.0.0.1"],
    ["a number", 2773],
    ["an array", []],
  ])("refuses options that are %s as an ArgumentError", (_label, options) => {
    expect(thrown(() => agentTransport(options as AgentTransportOptions))).toBeInstanceOf(ArgumentError);
  });

  it("still accepts a remote host with allowRemoteHost: true, and every default", () => {
    const remote = agentTransport({ host: "agent.internal", allowRemoteHost: true });
    const defaults = agentTransport({ allowRemoteHost: false, sleep: async () => {} });

    expect([remote.endpoint, defaults.endpoint]).toEqual(["http://agent.internal:2773", "http://127.0.0.1:2773"]);
    remote.close();
    defaults.close();
  });
});

describe(`${PORT_ENV}`, () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it.each([
    "0x50",
    "1e3",
    "2773.0",
    "2773.",
    ".5",
    "+2773",
    "-2773",
    "0",
    "00",
    "65536",
    "99999999999999999999",
    "27 73",
    "2773abc",
    "Infinity",
    "0b101",
    "0o17",
    "\u0662\u0667\u0667\u0663",
    "\uff12\uff17\uff17\uff13",
  ])("refuses %o as CONFIG naming the variable", (value) => {
    vi.stubEnv(PORT_ENV, value);

    const error = thrown(() => agentTransport());

    expect(isSecretsError(error, "CONFIG")).toBe(true);
    expect(error).not.toBeInstanceOf(ArgumentError);
    expect((error as Error).message).toContain(PORT_ENV);
    expect((error as Error).message).toContain("1 to 65535");
  });

  it("quotes no more than the first 8 characters of a malformed value, escaped", () => {
    vi.stubEnv(PORT_ENV, `27\n73${"y".repeat(40)}HIDDEN-TAIL`);

    const message = (thrown(() => agentTransport()) as Error).message;

    expect(message).toContain('"27\\n73yyy"...');
    expect(message).not.toContain("HIDDEN-TAIL");
    expect(message).not.toContain("\n");
  });

  it.each([
    ["2773", 2773],
    [" 2773 ", 2773],
    ["\t8080\n", 8080],
    ["1", 1],
    ["65535", 65_535],
    ["02773", 2773],
  ])("accepts %o (decimal digits, surrounding whitespace ignored) as port %d", (value, port) => {
    vi.stubEnv(PORT_ENV, value);

    const transport = agentTransport();

    expect(transport.endpoint).toBe(`http://127.0.0.1:${port}`);
    transport.close();
  });

  it.each(["", "   "])("treats a blank variable (%o) as unset", (value) => {
    vi.stubEnv(PORT_ENV, value);

    const transport = agentTransport();

    expect(transport.endpoint).toBe("http://127.0.0.1:2773");
    transport.close();
  });
});
