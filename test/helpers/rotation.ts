/**
 * The four steps of a Secrets Manager rotation, as AWS's rotation function templates do them
 * (SecretsManagerRDSPostgreSQLRotationSingleUser / MultiUser, the MySQL ones), driven by the test
 * through the real AWS SDK client against the loopback fake: createSecret, setSecret, testSecret,
 * finishSecret. The database side (set a password, try a login) is passed in, per engine.
 */
import { randomUUID } from "node:crypto";
import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from "@aws-sdk/client-secrets-manager";

/** `single`: the password of one user changes. `alternating`: the login alternates between the user and `<user>_clone`. */
export type RotationStrategy = "single" | "alternating";

/** A login as the secret holds it. */
export interface RotationLogin {
  readonly username: string;
  readonly password: string;
  readonly [key: string]: unknown;
}

/** What the steps need of the database: the rotation function's own (admin) connection. */
export interface RotationDatabase {
  /** setSecret: set (or, for a clone that does not exist yet, create with) this password. */
  setPassword(username: string, password: string): Promise<void>;
  /** testSecret: log in with this login and run a query; throws when the login is rejected. */
  tryLogin(login: RotationLogin): Promise<void>;
}

/** AWS's templates exclude these from generated passwords (they break connection strings and SQL). */
const EXCLUDE_CHARACTERS = "/@\"'\\";

/** One rotation: its token (the new version id) and the steps, each run once, in order. */
export class Rotation {
  readonly token: string = randomUUID();
  readonly #sm: SecretsManagerClient;
  readonly #id: string;
  readonly #strategy: RotationStrategy;
  readonly #db: RotationDatabase;

  constructor(sm: SecretsManagerClient, id: string, strategy: RotationStrategy, db: RotationDatabase) {
    this.#sm = sm;
    this.#id = id;
    this.#strategy = strategy;
    this.#db = db;
  }

  async #login(stage: string, versionId?: string): Promise<RotationLogin> {
    const out = await this.#sm.send(
      new GetSecretValueCommand({
        SecretId: this.#id,
        VersionStage: stage,
        ...(versionId ? { VersionId: versionId } : {}),
      }),
    );
    return JSON.parse(out.SecretString ?? "{}") as RotationLogin;
  }

  /** createSecret: a new AWSPENDING version with a random password (and, alternating, the other user). */
  async createSecret(): Promise<void> {
    const current = await this.#login("AWSCURRENT");
    try {
      await this.#login("AWSPENDING", this.token);
      return; // already created: the step is idempotent
    } catch (error) {
      if ((error as { name?: string }).name !== "ResourceNotFoundException") throw error;
    }
    const { RandomPassword } = await this.#sm.send(
      new GetRandomPasswordCommand({ ExcludeCharacters: EXCLUDE_CHARACTERS, PasswordLength: 32 }),
    );
    let username = current.username;
    if (this.#strategy === "alternating") {
      username = username.endsWith("_clone") ? username.slice(0, -"_clone".length) : `${username}_clone`;
    }
    await this.#sm.send(
      new PutSecretValueCommand({
        SecretId: this.#id,
        ClientRequestToken: this.token,
        SecretString: JSON.stringify({ ...current, username, password: RandomPassword }),
        VersionStages: ["AWSPENDING"],
      }),
    );
  }

  /** setSecret: the database gets the pending password (alternating: the pending user, created if missing). */
  async setSecret(): Promise<void> {
    const pending = await this.#login("AWSPENDING", this.token);
    await this.#db.setPassword(pending.username, pending.password);
  }

  /** testSecret: the pending login works. */
  async testSecret(): Promise<void> {
    await this.#db.tryLogin(await this.#login("AWSPENDING", this.token));
  }

  /** finishSecret: AWSCURRENT moves to the new version (Secrets Manager moves AWSPREVIOUS along). */
  async finishSecret(): Promise<void> {
    const { VersionIdsToStages = {} } = await this.#sm.send(new DescribeSecretCommand({ SecretId: this.#id }));
    const current = Object.entries(VersionIdsToStages).find(([, stages]) => stages.includes("AWSCURRENT"))?.[0];
    if (current === this.token) return;
    await this.#sm.send(
      new UpdateSecretVersionStageCommand({
        SecretId: this.#id,
        VersionStage: "AWSCURRENT",
        MoveToVersionId: this.token,
        RemoveFromVersionId: current,
      }),
    );
  }
}
