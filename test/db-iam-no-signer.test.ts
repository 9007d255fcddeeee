/**
 * `@aws-sdk/rds-signer` is an optional peer: `secretwrangler/db` imports without it, `rdsIamAuth`
 * builds without it, and only the first token fails, with `CONFIG` naming the package to install.
 * Here its import fails, as when it is not installed.
 */
import { describe, expect, it, vi } from "vitest";
import { isSecretsError, type SecretsError } from "../src/core/errors.js";
import { rdsIamAuth } from "../src/db.js";
import { rejectionOf } from "./helpers/canary.js";

vi.mock("@aws-sdk/rds-signer", () => {
  throw new Error("Cannot find package '@aws-sdk/rds-signer'");
});

describe("without @aws-sdk/rds-signer", () => {
  it("imports secretwrangler/db and builds the auth object (the package loads on the first token only)", () => {
    const auth = rdsIamAuth({ host: "mydb.abc123.eu-west-1.rds.amazonaws.com", port: 5432, username: "app" });

    expect(auth.region).toBe("eu-west-1");
  });

  it("fails the first token with CONFIG naming the package, and tries again on the next call", async () => {
    let now = 0;
    const errors: SecretsError[] = [];
    const auth = rdsIamAuth({
      host: "mydb.abc123.eu-west-1.rds.amazonaws.com",
      port: 5432,
      username: "app",
      now: () => now,
      onRenewalError: (error) => errors.push(error),
    });

    const error = await rejectionOf(auth.token());

    expect(isSecretsError(error, "CONFIG")).toBe(true);
    expect((error as SecretsError).retryable).toBe(false);
    expect((error as Error).message).toContain("cannot load @aws-sdk/rds-signer");
    expect((error as Error).message).toContain("npm install @aws-sdk/rds-signer");
    expect(isSecretsError(await rejectionOf(auth.password({ ssl: true, host: "x" })), "CONFIG")).toBe(true);
    now += 60_000;
    expect(isSecretsError(await rejectionOf(auth.token()), "CONFIG")).toBe(true);
    expect(errors).toHaveLength(2); // the second call fell within the backoff: no new attempt
  });
});
