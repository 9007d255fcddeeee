/**
 * IAM database authentication (`rdsIamAuth`): the token `@aws-sdk/rds-signer` signs is checked with
 * an independent SigV4 verifier written here with node:crypto; the region comes from RDS host names;
 * the cache renews after 10 minutes with one renewal for concurrent callers and a backoff after a
 * failure; the pg and mysql2 pieces refuse to send the token without TLS; every option is checked;
 * and the token never shows in errors, `util.inspect` or JSON. No test talks to AWS: signing is local.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { type AddressInfo, createServer, type Socket } from "node:net";
import { inspect } from "node:util";
import mysql2 from "mysql2/promise";
import type pg from "pg";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AwsSession } from "../src/aws/session/session.js";
import { ArgumentError, isSecretsError, SecretsError } from "../src/core/errors.js";
import { isDbAuthError, type RdsIamAuthOptions, type RdsIamSession, rdsIamAuth } from "../src/db.js";
import { CANARY, expectNoLeak, exposedText, rejectionOf } from "./helpers/canary.js";

// ---------------------------------------------------------------------------------------------
// An independent SigV4 query-signature verifier (AWS "Signature Version 4 signing process",
// presigned URL form), sharing no code with the SDK.

interface Keys {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
}

interface VerifiedToken {
  readonly valid: boolean;
  readonly authority: string;
  readonly params: ReadonlyMap<string, string>;
  readonly keyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
}

const sha256Hex = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");
const hmac = (key: string | Buffer, text: string): Buffer => createHmac("sha256", key).update(text, "utf8").digest();

/** RFC 3986 percent-encoding: everything but A-Z a-z 0-9 - _ . ~ */
function rfc3986(text: string): string {
  return [...Buffer.from(text, "utf8")]
    .map((byte) => {
      const char = String.fromCharCode(byte);
      return /[A-Za-z0-9\-_.~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
    })
    .join("");
}

function verifyToken(token: string, keys: Keys): VerifiedToken {
  const slash = token.indexOf("/");
  const authority = token.slice(0, slash);
  const query = token.slice(slash + 1);
  if (slash < 1 || !query.startsWith("?")) throw new Error("not host:port/?query");
  const pairs = query
    .slice(1)
    .split("&")
    .map((pair): [string, string] => {
      const equals = pair.indexOf("=");
      return [decodeURIComponent(pair.slice(0, equals)), decodeURIComponent(pair.slice(equals + 1))];
    });
  const params = new Map(pairs);
  const canonicalQuery = pairs
    .filter(([key]) => key !== "X-Amz-Signature")
    .map(([key, value]) => [rfc3986(key), rfc3986(value)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join("&");
  const signedHeaders = params.get("X-Amz-SignedHeaders") ?? "";
  const canonicalRequest = [
    "GET",
    "/",
    canonicalQuery,
    `host:${authority}\n`, // the one signed header, lower-case name, then the blank line
    signedHeaders,
    sha256Hex(""), // no body
  ].join("\n");
  const [keyId = "", date = "", region = "", service = "", terminator = ""] = (
    params.get("X-Amz-Credential") ?? ""
  ).split("/");
  const scope = `${date}/${region}/${service}/${terminator}`;
  const stringToSign = ["AWS4-HMAC-SHA256", params.get("X-Amz-Date"), scope, sha256Hex(canonicalRequest)].join("\n");
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${keys.secretAccessKey}`, date), region), service), "aws4_request");
  const expected = hmac(signingKey, stringToSign);
  const given = Buffer.from(params.get("X-Amz-Signature") ?? "", "hex");
  const valid =
    signedHeaders === "host" &&
    terminator === "aws4_request" &&
    keyId === keys.accessKeyId &&
    params.get("X-Amz-Security-Token") === keys.sessionToken &&
    given.length === expected.length &&
    timingSafeEqual(given, expected);
  return { valid, authority, params, keyId, date, region, service };
}

// ---------------------------------------------------------------------------------------------
// Fixtures

/** AWS's documentation example keys: dummies. */
const KEYS = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
} as const;
/** Temporary credentials carry a session token: the token then embeds it (and grows past 1 KB). */
const TEMP_KEYS = {
  accessKeyId: "ASIAEXAMPLEEXAMPLE01",
  secretAccessKey: `temp/${CANARY}/secret+key`,
  sessionToken: `IQoJb3JpZ2luX2VjE${CANARY}${"Zm9vYmFy".repeat(100)}//+=`,
} as const;
const HOST = "mydb.abc123.eu-west-1.rds.amazonaws.com";
const FIXED = new Date("2025-03-04T05:06:07.000Z");

/** A session-like object that counts signings (the signer asks for credentials once per token). */
function fakeSession(region: string | undefined = "us-east-1", keys: Keys = KEYS) {
  let failWith: unknown;
  const getCredentials = vi.fn(async () => {
    if (failWith !== undefined) throw failWith;
    return { ...keys };
  });
  const session: RdsIamSession & { fail(error?: unknown): void } = {
    region,
    getCredentials,
    fail(error) {
      failWith = error;
    },
  };
  return { session, getCredentials };
}

function options(extra: Partial<RdsIamAuthOptions> = {}): RdsIamAuthOptions {
  return { host: HOST, port: 5432, username: "app_iam", session: fakeSession().session, ...extra };
}

function expectArgumentError(run: () => unknown, ...fragments: string[]): ArgumentError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ArgumentError);
  expect(isSecretsError(caught)).toBe(false);
  for (const fragment of fragments) expect((caught as Error).message).toContain(fragment);
  return caught as ArgumentError;
}

/** The secret-bearing parts of a token: signature and session token (host, user and date are not secret). */
function secretParts(token: string): string[] {
  const params = new URLSearchParams(token.slice(token.indexOf("?") + 1));
  return [params.get("X-Amz-Signature"), params.get("X-Amz-Security-Token")].filter(
    (part): part is string => typeof part === "string",
  );
}

afterEach(() => {
  vi.useRealTimers();
});

// ---------------------------------------------------------------------------------------------

describe("the token, checked by an independent SigV4 verifier", () => {
  beforeEach(() => {
    // The signer dates the signature with the system clock; pin it.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(FIXED);
  });

  it("is a presigned rds-db connect URL for the user, host, port and region, valid 900 s, signed with the session's keys", async () => {
    const { session } = fakeSession();
    const auth = rdsIamAuth({ host: HOST, port: 5432, username: "app_iam", session });

    const token = await auth.token();
    const verified = verifyToken(token, KEYS);

    expect(verified.valid).toBe(true);
    expect(verified.authority).toBe(`${HOST}:5432`);
    expect(token.startsWith(`${HOST}:5432/?`)).toBe(true);
    expect(verified.params.get("Action")).toBe("connect");
    expect(verified.params.get("DBUser")).toBe("app_iam");
    expect(verified.params.get("X-Amz-Algorithm")).toBe("AWS4-HMAC-SHA256");
    expect(verified.params.get("X-Amz-Expires")).toBe("900");
    expect(verified.params.get("X-Amz-Date")).toBe("20250304T050607Z");
    expect(verified.params.get("X-Amz-SignedHeaders")).toBe("host");
    expect(verified).toMatchObject({ keyId: "AKIDEXAMPLE", date: "20250304", region: "eu-west-1", service: "rds-db" });
    expect([...verified.params.keys()].sort()).toEqual(
      [
        "Action",
        "DBUser",
        "X-Amz-Algorithm",
        "X-Amz-Credential",
        "X-Amz-Date",
        "X-Amz-Expires",
        "X-Amz-Signature",
        "X-Amz-SignedHeaders",
      ].sort(),
    );
    expect(token.length).toBeGreaterThan(300);
    expect(token.length).toBeLessThan(500);
  });

  it("fails the verifier when checked against other keys, or when any signed part is changed (control)", async () => {
    const token = await rdsIamAuth(options()).token();

    expect(verifyToken(token, KEYS).valid).toBe(true);
    expect(verifyToken(token, { ...KEYS, secretAccessKey: `${KEYS.secretAccessKey}x` }).valid).toBe(false);
    expect(verifyToken(token, { ...KEYS, accessKeyId: "AKIDOTHER" }).valid).toBe(false);
    expect(verifyToken(token.replace("DBUser=app_iam", "DBUser=admin"), KEYS).valid).toBe(false);
    expect(verifyToken(token.replace(":5432/", ":5433/"), KEYS).valid).toBe(false);
    expect(verifyToken(token.replace("X-Amz-Expires=900", "X-Amz-Expires=901"), KEYS).valid).toBe(false);
    expect(verifyToken(token.replace("eu-west-1%2Frds-db", "eu-west-2%2Frds-db"), KEYS).valid).toBe(false);
  });

  it("rejects a token that other credentials signed for the same login (control)", async () => {
    const other = fakeSession("us-east-1", { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "another-secret-key" });
    const forged = await rdsIamAuth(options({ session: other.session })).token();

    expect(verifyToken(forged, KEYS).valid).toBe(false);
    expect(verifyToken(forged, { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "another-secret-key" }).valid).toBe(true);
  });

  it("embeds the session token of temporary credentials, signed too (a token of over 1 KB)", async () => {
    const { session } = fakeSession("us-east-1", TEMP_KEYS);
    const token = await rdsIamAuth(options({ session, username: "user.name+tag@x" })).token();
    const verified = verifyToken(token, TEMP_KEYS);

    expect(verified.valid).toBe(true);
    expect(verified.params.get("X-Amz-Security-Token")).toBe(TEMP_KEYS.sessionToken);
    expect(verified.params.get("DBUser")).toBe("user.name+tag@x");
    expect(token.length).toBeGreaterThan(1000);
    expect(verifyToken(token, { ...TEMP_KEYS, sessionToken: undefined }).valid).toBe(false);
  });

  it("signs with a real AwsSession's credentials", async () => {
    const session = new AwsSession({ region: "us-east-1", credentials: KEYS });
    const token = await rdsIamAuth(options({ session })).token();

    expect(verifyToken(token, KEYS)).toMatchObject({ valid: true, region: "eu-west-1" });
  });

  it("without a session, signs with the SDK default chain (here the sandbox's environment keys)", async () => {
    const token = await rdsIamAuth({ host: HOST, port: 3306, username: "app" }).token();

    const verified = verifyToken(token, {
      accessKeyId: String(process.env.AWS_ACCESS_KEY_ID),
      secretAccessKey: String(process.env.AWS_SECRET_ACCESS_KEY),
    });
    expect(verified).toMatchObject({ valid: true, authority: `${HOST}:3306`, region: "eu-west-1" });
  });
});

describe("the region", () => {
  it.each([
    ["mydb.abc123.eu-west-1.rds.amazonaws.com", "eu-west-1"],
    ["mycluster.cluster-abc123.us-east-2.rds.amazonaws.com", "us-east-2"],
    ["mycluster.cluster-ro-abc123.ap-southeast-1.rds.amazonaws.com", "ap-southeast-1"],
    ["mycluster.cluster-custom-abc123.sa-east-1.rds.amazonaws.com", "sa-east-1"],
    ["myproxy.proxy-abc123.eu-central-1.rds.amazonaws.com", "eu-central-1"],
    ["reader.endpoint.proxy-abc123.us-west-2.rds.amazonaws.com", "us-west-2"],
    ["mydb.abc123.cn-north-1.rds.amazonaws.com.cn", "cn-north-1"],
    ["mydb.abc123.rds.cn-northwest-1.amazonaws.com.cn", "cn-northwest-1"],
    ["myproxy.proxy-abc123.cn-north-1.rds.amazonaws.com.cn", "cn-north-1"],
    ["mydb.abc123.us-gov-west-1.rds.amazonaws.com", "us-gov-west-1"],
    ["mydb.abc123.us-gov-east-1.rds.amazonaws.com", "us-gov-east-1"],
    ["mydb.abc123.us-iso-east-1.rds.c2s.ic.gov", "us-iso-east-1"],
    ["MyDB.ABC123.EU-WEST-3.RDS.AMAZONAWS.COM", "eu-west-3"],
  ])("of %s is %s, from the name, whatever the session says", async (host, region) => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(FIXED);
    const auth = rdsIamAuth(options({ host, session: fakeSession("ap-south-1").session }));

    expect(auth.region).toBe(region);
    expect(auth.toJSON().regionFrom).toBe("host");
    const verified = verifyToken(await auth.token(), KEYS);
    expect(verified).toMatchObject({ valid: true, region, service: "rds-db", authority: `${host}:5432` });
  });

  it("is the option's when given, over the host name's", () => {
    const auth = rdsIamAuth(options({ region: "eu-west-2" }));

    expect(auth.region).toBe("eu-west-2");
    expect(auth.toJSON().regionFrom).toBe("option");
  });

  it.each([
    "db.example.com",
    "10.0.0.12",
    "mydb.abc123.cn-north-1.rds.amazonaws.com", // a China region with the global suffix: no RDS name
    "mydb.abc123.eu-west-1.rds.amazonaws.com.evil.example",
    "rds.amazonaws.com",
  ])("of a host that is not an RDS name (%s) is the session's", (host) => {
    const auth = rdsIamAuth(options({ host, session: fakeSession("ap-south-1").session }));

    expect(auth.region).toBe("ap-south-1");
    expect(auth.toJSON().regionFrom).toBe("session");
  });

  it("is CONFIG, naming the option, when neither the host, the option nor the session has one", () => {
    for (const session of [undefined, { ...fakeSession().session, region: undefined }]) {
      let caught: unknown;
      try {
        rdsIamAuth({ host: "db.example.com", port: 5432, username: "app", session });
      } catch (error) {
        caught = error;
      }
      expect(isSecretsError(caught, "CONFIG")).toBe(true);
      expect((caught as SecretsError).retryable).toBe(false);
      expect((caught as Error).message).toContain('"region"');
      expect((caught as Error).message).toContain("[rds-iam]");
    }
  });

  it("is not looked up in AWS_REGION without a session (the environment names the SDK's region, not the database's)", () => {
    expect(process.env.AWS_REGION).toBe("us-east-1");
    expect(() => rdsIamAuth({ host: "db.example.com", port: 5432, username: "app" })).toThrow(SecretsError);
  });
});

describe("the cache and its renewal", () => {
  function clocked(extra: Partial<RdsIamAuthOptions> = {}) {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(FIXED);
    let now = FIXED.getTime();
    const fake = fakeSession();
    const errors: SecretsError[] = [];
    const auth = rdsIamAuth(
      options({ session: fake.session, now: () => now, onRenewalError: (error) => errors.push(error), ...extra }),
    );
    const advance = (ms: number) => {
      now += ms;
      vi.setSystemTime(now);
    };
    return { auth, advance, errors, ...fake };
  }

  const MINUTE = 60_000;

  it("signs once, then returns the same token until it is 10 minutes old; at 11 minutes a new one", async () => {
    const { auth, advance, getCredentials } = clocked();

    const first = await auth.token();
    advance(5 * MINUTE);
    expect(await auth.token()).toBe(first);
    advance(5 * MINUTE - 1); // 9:59.999
    expect(await auth.token()).toBe(first);
    expect(getCredentials).toHaveBeenCalledTimes(1);

    advance(MINUTE + 1); // 11:00
    const second = await auth.token();

    expect(second).not.toBe(first);
    expect(getCredentials).toHaveBeenCalledTimes(2);
    expect(verifyToken(second, KEYS).valid).toBe(true);
    expect(verifyToken(second, KEYS).params.get("X-Amz-Date")).toBe("20250304T051707Z");
    expect(auth.toJSON().tokenIssuedAt).toBe(new Date(FIXED.getTime() + 11 * MINUTE).toISOString());
  });

  it("renews after renewAfterMs when given (1000 to 780000 ms)", async () => {
    const { auth, advance, getCredentials } = clocked({ renewAfterMs: 2_000 });

    const first = await auth.token();
    advance(1_999);
    expect(await auth.token()).toBe(first);
    advance(1);
    expect(await auth.token()).not.toBe(first);
    expect(getCredentials).toHaveBeenCalledTimes(2);
    expect(rdsIamAuth(options({ renewAfterMs: 1_000 })).toJSON().renewAfterMs).toBe(1_000);
    expect(rdsIamAuth(options({ renewAfterMs: 780_000 })).toJSON().renewAfterMs).toBe(780_000);
  });

  it("shares one signing among concurrent callers, first and at renewal (single flight)", async () => {
    const { auth, advance, getCredentials } = clocked();

    const first = await Promise.all(Array.from({ length: 20 }, () => auth.token()));
    expect(new Set(first).size).toBe(1);
    expect(getCredentials).toHaveBeenCalledTimes(1);

    advance(11 * MINUTE);
    const second = await Promise.all(Array.from({ length: 20 }, () => auth.token()));
    expect(new Set(second).size).toBe(1);
    expect(second[0]).not.toBe(first[0]);
    expect(getCredentials).toHaveBeenCalledTimes(2);
  });

  it("serves the current token while a failed renewal backs off, retries only after the backoff, then renews", async () => {
    const { auth, advance, getCredentials, session, errors } = clocked();
    const first = await auth.token();
    advance(11 * MINUTE);
    session.fail(new SecretsError({ code: "THROTTLED", operation: "loadCredentials", transport: "session" }));

    expect(await auth.token()).toBe(first); // renewal failed: the still-valid token
    expect(getCredentials).toHaveBeenCalledTimes(2);
    for (let i = 0; i < 50; i++) expect(await auth.token()).toBe(first); // no hammering
    expect(getCredentials).toHaveBeenCalledTimes(2);
    expect(errors.map((error) => error.code)).toEqual(["THROTTLED"]);

    advance(1_000); // the first backoff is 0.5-1 s
    expect(await auth.token()).toBe(first);
    expect(getCredentials).toHaveBeenCalledTimes(3);
    advance(500); // the second is 1-2 s: not yet
    await auth.token();
    expect(getCredentials).toHaveBeenCalledTimes(3);

    session.fail(undefined);
    advance(1_500);
    const renewed = await auth.token();
    expect(renewed).not.toBe(first);
    expect(getCredentials).toHaveBeenCalledTimes(4);
    expect(errors).toHaveLength(2);
  });

  it("throws the failure once the current token has less than a minute left (14 minutes), leaking nothing", async () => {
    const { auth, advance, session, getCredentials } = clocked();
    const first = await auth.token();
    advance(10 * MINUTE);
    session.fail(new Error(`credential process said no (${CANARY})`));
    expect(await auth.token()).toBe(first);

    advance(4 * MINUTE); // 14:00
    const error = await rejectionOf(auth.token());

    expect(isSecretsError(error)).toBe(true);
    expect((error as SecretsError).operation).toBe("getAuthToken");
    expect((error as SecretsError).transport).toBe("rds-iam");
    expectNoLeak(error, [...secretParts(first), KEYS.secretAccessKey]);
    // Within the backoff the same error comes back without a new signing.
    const calls = getCredentials.mock.calls.length;
    expect(await rejectionOf(auth.token())).toBe(error);
    expect(getCredentials).toHaveBeenCalledTimes(calls);
  });

  it("fails the first token with the session's error, and retries it only after a backoff", async () => {
    const { auth, advance, session, getCredentials, errors } = clocked();
    session.fail(new SecretsError({ code: "CREDENTIALS", operation: "loadCredentials", transport: "session" }));

    const first = await rejectionOf(auth.token());
    expect(isSecretsError(first, "CREDENTIALS")).toBe(true);
    expect(await rejectionOf(auth.token())).toBe(first);
    expect(getCredentials).toHaveBeenCalledTimes(1);

    session.fail(undefined);
    advance(1_000);
    expect(verifyToken(await auth.token(), KEYS).valid).toBe(true);
    expect(errors).toHaveLength(1);
  });

  it("ignores what onRenewalError throws", async () => {
    const { session } = fakeSession();
    session.fail(new SecretsError({ code: "CREDENTIALS", operation: "loadCredentials", transport: "session" }));
    const auth = rdsIamAuth(
      options({
        session,
        onRenewalError: () => {
          throw new Error("hook failed");
        },
      }),
    );

    expect(isSecretsError(await rejectionOf(auth.token()), "CREDENTIALS")).toBe(true);
  });
});

describe("TLS: the token goes over TLS only", () => {
  describe("pg's password function", () => {
    it("gives the token to a connection with ssl", async () => {
      const auth = rdsIamAuth(options());
      const token = await auth.token();

      expect(await auth.password({ host: HOST, ssl: true })).toBe(token);
      expect(await auth.password({ host: HOST, ssl: { ca: "x" } })).toBe(token);
      expect(await auth.password()).toBe(token); // called directly: just the token
    });

    it("refuses, with CONFIG, a connection without ssl, leaking nothing", async () => {
      const auth = rdsIamAuth(options());
      const token = await auth.token();

      for (const params of [{ host: HOST, ssl: false }, { host: HOST }, { host: "127.0.0.1", ssl: false }]) {
        const error = await rejectionOf(auth.password(params));
        expect(isSecretsError(error, "CONFIG")).toBe(true);
        expect((error as Error).message).toContain("allowInsecureLoopback");
        expectNoLeak(error, secretParts(token));
      }
    });

    it("with allowInsecureLoopback, gives it without ssl to a loopback host only", async () => {
      const auth = rdsIamAuth(options({ allowInsecureLoopback: true }));
      const token = await auth.token();

      for (const host of ["127.0.0.1", "127.10.0.1", "localhost", "::1", "[::1]", "/var/run/postgresql"]) {
        expect(await auth.password({ host, ssl: false })).toBe(token);
      }
      for (const host of [HOST, "10.0.0.1", "128.0.0.1", "::2", undefined]) {
        expect(isSecretsError(await rejectionOf(auth.password({ host, ssl: false })), "CONFIG")).toBe(true);
      }
    });
  });

  describe("auth.pgOptions()", () => {
    it("is host, port, user, the password function and verified TLS by default", () => {
      const auth = rdsIamAuth(options());
      const config: pg.PoolConfig = { ...auth.pgOptions({ database: "app" }), max: 10 };

      expect(config).toEqual({
        host: HOST,
        port: 5432,
        user: "app_iam",
        password: auth.password,
        database: "app",
        ssl: true,
        max: 10,
      });
    });

    it("passes a TLS options object on, copied", () => {
      const tls = { ca: "-----BEGIN CERTIFICATE-----", servername: HOST };
      const config = rdsIamAuth(options()).pgOptions({ ssl: tls });

      expect(config.ssl).toEqual(tls);
      expect(config.ssl).not.toBe(tls);
    });

    it("allows ssl: false only with allowInsecureLoopback and a loopback host (else ArgumentError)", () => {
      expectArgumentError(() => rdsIamAuth(options()).pgOptions({ ssl: false }), "ssl: false", "allowInsecureLoopback");
      expectArgumentError(
        () => rdsIamAuth(options({ allowInsecureLoopback: true })).pgOptions({ ssl: false }),
        "loopback",
      );
      const local = rdsIamAuth(options({ host: "127.0.0.1", region: "us-east-1", allowInsecureLoopback: true }));
      expect(local.pgOptions({ ssl: false }).ssl).toBe(false);
    });

    it.each([["profile-name"], [5], [null]])("refuses ssl %j with ArgumentError", (ssl) => {
      expectArgumentError(() => rdsIamAuth(options()).pgOptions({ ssl: ssl as never }));
    });

    it.each([[""], [5]])("refuses database %j with ArgumentError", (database) => {
      expectArgumentError(() => rdsIamAuth(options()).pgOptions({ database: database as never }), '"database"');
    });

    it("refuses options that are not an object", () => {
      expectArgumentError(() => rdsIamAuth(options()).pgOptions("x" as never), '"options"');
    });
  });

  describe("auth.mysql2Options()", () => {
    type PluginConnection = { config: { ssl?: unknown; host?: string; socketPath?: string } };
    const answer = (auth: ReturnType<typeof rdsIamAuth>, connection: PluginConnection) =>
      auth.mysql2Options().authPlugins.mysql_clear_password({ connection, command: "ClientHandshake" })(
        Buffer.alloc(0),
      );

    it("is host, port, user, verified TLS and the mysql_clear_password plugin, and fits mysql2's pool options", () => {
      const auth = rdsIamAuth(options({ port: 3306 }));
      const config: mysql2.PoolOptions = { ...auth.mysql2Options({ database: "app" }), connectionLimit: 10 };

      expect(config).toMatchObject({
        host: HOST,
        port: 3306,
        user: "app_iam",
        database: "app",
        ssl: { rejectUnauthorized: true },
        connectionLimit: 10,
      });
      expect(Object.keys(config.authPlugins ?? {})).toEqual(["mysql_clear_password"]);
      expect(config).not.toHaveProperty("password");
    });

    it("passes a TLS object (copied) or a profile name on", () => {
      const tls = { ca: "pem" };
      const auth = rdsIamAuth(options());

      expect(auth.mysql2Options({ ssl: tls }).ssl).toEqual(tls);
      expect(auth.mysql2Options({ ssl: tls }).ssl).not.toBe(tls);
      expect(auth.mysql2Options({ ssl: "Amazon RDS" }).ssl).toBe("Amazon RDS");
    });

    it("answers the server over TLS with the token, NUL-terminated", async () => {
      const auth = rdsIamAuth(options());
      const token = await auth.token();

      const data = await answer(auth, { config: { ssl: { rejectUnauthorized: true }, host: HOST } });

      expect(data.toString("utf8")).toBe(`${token}\0`);
    });

    it("refuses, with CONFIG, a connection without TLS, leaking nothing", async () => {
      const auth = rdsIamAuth(options());
      const token = await auth.token();

      const error = await rejectionOf(answer(auth, { config: { host: HOST } }));

      expect(isSecretsError(error, "CONFIG")).toBe(true);
      expectNoLeak(error, secretParts(token));
    });

    it("with allowInsecureLoopback, answers without TLS on loopback or a socket only", async () => {
      const auth = rdsIamAuth(options({ host: "127.0.0.1", region: "us-east-1", allowInsecureLoopback: true }));
      const token = await auth.token();

      expect(auth.mysql2Options({ ssl: false })).not.toHaveProperty("ssl");
      expect(String(await answer(auth, { config: { host: "127.0.0.1" } }))).toBe(`${token}\0`);
      expect(String(await answer(auth, { config: { socketPath: "/run/mysqld/mysqld.sock" } }))).toBe(`${token}\0`);
      expect(isSecretsError(await rejectionOf(answer(auth, { config: { host: "10.1.1.1" } })), "CONFIG")).toBe(true);
    });

    it("allows ssl: false only with allowInsecureLoopback and a loopback host (else ArgumentError)", () => {
      expectArgumentError(() => rdsIamAuth(options()).mysql2Options({ ssl: false }), "allowInsecureLoopback");
      expectArgumentError(() => rdsIamAuth(options({ allowInsecureLoopback: true })).mysql2Options({ ssl: false }));
    });

    it.each([[5], [null]])("refuses ssl %j, and a wrong database or options, with ArgumentError", (ssl) => {
      const auth = rdsIamAuth(options());
      expectArgumentError(() => auth.mysql2Options({ ssl: ssl as never }), '"ssl"');
      expectArgumentError(() => auth.mysql2Options({ database: "" }), '"database"');
      expectArgumentError(() => auth.mysql2Options(7 as never), '"options"');
    });
  });
});

describe("options: a programming mistake is an ArgumentError naming the option", () => {
  const base = { host: HOST, port: 5432, username: "app_iam" };

  it.each([
    ["options", null],
    ["options", "x"],
    ["options", [base]],
  ])("%s %j", (_name, value) => {
    expectArgumentError(() => rdsIamAuth(value as never), '"options"');
  });

  it("an unknown option (a typo)", () => {
    expectArgumentError(() => rdsIamAuth({ ...base, renewAfterMS: 1000 } as never), '"renewAfterMS"');
  });

  it.each<[keyof RdsIamAuthOptions, unknown]>([
    ["host", undefined],
    ["host", ""],
    ["host", 5],
    ["host", "https://mydb.abc123.eu-west-1.rds.amazonaws.com"],
    ["host", "mydb.abc123.eu-west-1.rds.amazonaws.com:5432"],
    ["host", "my db.example.com"],
    ["host", "::1"],
    ["host", ".example.com"],
    ["port", undefined],
    ["port", 0],
    ["port", 65_536],
    ["port", 5432.5],
    ["port", "5432"],
    ["port", Number.NaN],
    ["username", undefined],
    ["username", ""],
    ["username", "  "],
    ["username", 5],
    ["region", ""],
    ["region", "EU-WEST-1"],
    ["region", "eu-west"],
    ["region", 5],
    ["session", {}],
    ["session", "prod"],
    ["session", { getCredentials: 1 }],
    ["renewAfterMs", 0],
    ["renewAfterMs", 999],
    ["renewAfterMs", 780_001],
    ["renewAfterMs", 15 * 60_000],
    ["renewAfterMs", 1500.5],
    ["renewAfterMs", "600000"],
    ["renewAfterMs", Number.POSITIVE_INFINITY],
    ["allowInsecureLoopback", "yes"],
    ["allowInsecureLoopback", 1],
    ["onRenewalError", "log"],
    ["now", 5],
  ])("%s %j", (name, value) => {
    expectArgumentError(() => rdsIamAuth({ ...base, session: fakeSession().session, [name]: value }), `"${name}"`);
  });

  it("describes a wrong value, never quotes it", () => {
    const error = expectArgumentError(() => rdsIamAuth({ ...base, region: CANARY }), '"region"', "a string");
    expectNoLeak(error);
    expectNoLeak(expectArgumentError(() => rdsIamAuth({ ...base, host: `${CANARY}:1` })));
  });

  it("accepts every option at once", () => {
    const auth = rdsIamAuth({
      ...base,
      region: "eu-west-1",
      session: fakeSession().session,
      renewAfterMs: 300_000,
      allowInsecureLoopback: false,
      onRenewalError: () => {},
      now: Date.now,
    });

    expect(auth.toJSON()).toEqual({
      host: HOST,
      port: 5432,
      username: "app_iam",
      region: "eu-west-1",
      regionFrom: "option",
      renewAfterMs: 300_000,
      tokenIssuedAt: undefined,
    });
  });
});

describe("the token never leaks", () => {
  it("is not in util.inspect, JSON, the object's keys, nor the driver options", async () => {
    const { session } = fakeSession("us-east-1", TEMP_KEYS);
    const auth = rdsIamAuth(options({ session }));
    const token = await auth.token();
    const canaries = [...secretParts(token), TEMP_KEYS.secretAccessKey];

    const shown = [
      inspect(auth, { showHidden: true, depth: 10, getters: true }),
      String(auth),
      JSON.stringify(auth),
      JSON.stringify({ ...auth }),
      inspect({ ...auth }, { showHidden: true, depth: 10 }),
      inspect(auth.pgOptions(), { showHidden: true, depth: 10 }),
      JSON.stringify(auth.pgOptions()),
      inspect(auth.mysql2Options(), { showHidden: true, depth: 10 }),
      JSON.stringify(auth.mysql2Options()),
    ].join("\n");

    expect(shown).toContain("RdsIamAuth");
    expect(shown).toContain(HOST);
    expectNoLeak(shown, canaries);
    expect(shown).not.toContain(CANARY);
  });

  it("is not in the errors of refused connections, failed renewals, or expired tokens", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(FIXED);
    let now = FIXED.getTime();
    const { session } = fakeSession("us-east-1", TEMP_KEYS);
    const seen: SecretsError[] = [];
    const auth = rdsIamAuth(options({ session, now: () => now, onRenewalError: (error) => seen.push(error) }));
    const token = await auth.token();
    session.fail(new Error("provider failed"));
    now += 15 * 60_000;

    const errors = [
      await rejectionOf(auth.token()),
      await rejectionOf(auth.password({ host: HOST, ssl: false })),
      ...seen,
    ];

    expect(errors).toHaveLength(3);
    for (const error of errors) {
      expect(exposedText(error).length).toBeGreaterThan(0);
      expectNoLeak(error, [...secretParts(token), TEMP_KEYS.secretAccessKey]);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// mysql2, for real, against a loopback server that logs in like RDS: the handshake offers
// mysql_native_password, then an AuthSwitchRequest asks an IAM user for mysql_clear_password.

interface FakeMysql {
  readonly port: number;
  /** What each login sent: the user, and the cleartext answer (if any). */
  readonly logins: { user: string; cleartext: string | undefined }[];
  close(): Promise<void>;
}

function packet(sequence: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUIntLE(payload.length, 0, 3);
  header[3] = sequence;
  return Buffer.concat([header, payload]);
}

async function startFakeMysql(accept: (user: string, cleartext: string) => boolean): Promise<FakeMysql> {
  const logins: FakeMysql["logins"] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    let buffered = Buffer.alloc(0);
    let login: FakeMysql["logins"][number] | undefined;
    // Protocol 41, secure connection, plugin auth, lenenc auth data, connect with db; no SSL.
    const capabilities = 0x1 | 0x8 | 0x200 | 0x2000 | 0x8000 | 0x80000 | 0x200000;
    const scramble = Buffer.from("abcdefghijklmnopqrst");
    const handshake = Buffer.concat([
      Buffer.from([10]),
      Buffer.from("8.0.36-fake\0"),
      Buffer.from([1, 0, 0, 0]),
      scramble.subarray(0, 8),
      Buffer.from([0]),
      Buffer.from([capabilities & 0xff, (capabilities >> 8) & 0xff, 0xff, 2, 0]),
      Buffer.from([(capabilities >> 16) & 0xff, (capabilities >> 24) & 0xff, 21]),
      Buffer.alloc(10),
      scramble.subarray(8),
      Buffer.from([0]),
      Buffer.from("mysql_native_password\0"),
    ]);
    socket.write(packet(0, handshake));
    socket.on("data", (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 4) {
        const length = buffered.readUIntLE(0, 3);
        if (buffered.length < 4 + length) return;
        const sequence = buffered[3] ?? 0;
        const payload = buffered.subarray(4, 4 + length);
        buffered = buffered.subarray(4 + length);
        if (login === undefined) {
          // HandshakeResponse41: capabilities(4) max packet(4) charset(1) filler(23) user\0 ...
          const end = payload.indexOf(0, 32);
          login = { user: payload.subarray(32, end).toString("utf8"), cleartext: undefined };
          logins.push(login);
          const authSwitch = Buffer.concat([Buffer.from([0xfe]), Buffer.from("mysql_clear_password\0"), scramble]);
          socket.write(packet(sequence + 1, Buffer.concat([authSwitch, Buffer.from([0])])));
        } else if (login.cleartext === undefined) {
          const text = payload.toString("utf8");
          login.cleartext = text.endsWith("\0") ? text.slice(0, -1) : text;
          if (accept(login.user, login.cleartext)) {
            socket.write(packet(sequence + 1, Buffer.from([0, 0, 0, 2, 0, 0, 0])));
          } else {
            const message = `Access denied for user '${login.user}'@'localhost' (using password: YES)`;
            const error = Buffer.concat([Buffer.from([0xff, 0x15, 0x04]), Buffer.from(`#28000${message}`)]);
            socket.write(packet(sequence + 1, error));
            socket.end();
          }
        } else if (payload[0] === 1) {
          socket.end(); // COM_QUIT
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    logins,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe("mysql2, for real, against a loopback server that asks for mysql_clear_password as RDS does", () => {
  let server: FakeMysql;
  const valid = new Set<string>();
  beforeEach(async () => {
    valid.clear();
    server = await startFakeMysql((user, cleartext) => user === "app_iam" && valid.has(cleartext));
  });
  afterEach(async () => {
    await server.close();
  });

  function localAuth(extra: Partial<RdsIamAuthOptions> = {}) {
    return rdsIamAuth({
      host: "127.0.0.1",
      port: server.port,
      username: "app_iam",
      region: "eu-west-1",
      session: fakeSession().session,
      allowInsecureLoopback: true, // the fake server has no TLS
      ...extra,
    });
  }

  it("sends the token through the auth plugin, and logs in", async () => {
    const auth = localAuth();
    const token = await auth.token();
    valid.add(token);

    const connection = await mysql2.createConnection({ ...auth.mysql2Options({ ssl: false }), connectTimeout: 5_000 });
    await connection.end();

    expect(server.logins).toEqual([{ user: "app_iam", cleartext: token }]);
    expect(verifyToken(token, KEYS)).toMatchObject({ valid: true, authority: `127.0.0.1:${server.port}` });
  });

  it("reports a rejected token as a login error isDbAuthError recognizes", async () => {
    const auth = localAuth();

    const error = await rejectionOf(mysql2.createConnection({ ...auth.mysql2Options({ ssl: false }) }));

    expect((error as { code?: unknown }).code).toBe("ER_ACCESS_DENIED_ERROR");
    expect(isDbAuthError(error)).toBe(true);
    expectNoLeak(error, secretParts(await auth.token()));
  });

  it("asks for TLS by default: the server has none, so the token is never sent", async () => {
    const auth = localAuth();

    const error = await rejectionOf(mysql2.createConnection({ ...auth.mysql2Options() }));

    expect((error as { code?: unknown }).code).toBe("HANDSHAKE_NO_SSL_SUPPORT");
    expect(server.logins).toEqual([]);
  });

  it("without the opt-out, the plugin refuses a connection that has no TLS: the server gets no token", async () => {
    const withOptOut = localAuth();
    const strict = localAuth({ allowInsecureLoopback: false });
    // Options built with the opt-out, but the plugin of an auth object without it: the plugin checks too.
    const options = {
      ...withOptOut.mysql2Options({ ssl: false }),
      authPlugins: strict.mysql2Options().authPlugins,
    };

    const error = await rejectionOf(mysql2.createConnection(options));

    expect((error as Error).message).toContain("goes over TLS only");
    expect(server.logins).toEqual([{ user: "app_iam", cleartext: undefined }]);
    expectNoLeak(error, secretParts(await strict.token()));
  });
});
