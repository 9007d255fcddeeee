/** The secrets every transport is tested with, in a backend-neutral form. */
import { CANARY } from "./canary.js";

/** One version of a fixture secret. */
export interface FixtureVersion {
  readonly versionId: string;
  readonly stages: readonly string[];
  readonly value: string | Uint8Array;
}

/** Secrets by name, each with its versions. */
export type Fixtures = Readonly<Record<string, readonly FixtureVersion[]>>;

export const CURRENT_VERSION = "11111111-1111-4111-8111-111111111111";
export const PREVIOUS_VERSION = "22222222-2222-4222-8222-222222222222";

export const BINARY_VALUE: Uint8Array = Uint8Array.from([0, 1, 2, 250, 255, ...Buffer.from(CANARY)]);

/** The standard fixtures: JSON, text, binary, broken JSON and a secret with two versions. */
export const FIXTURES: Fixtures = {
  "app/json": [
    { versionId: CURRENT_VERSION, stages: ["AWSCURRENT"], value: JSON.stringify({ user: "app", password: CANARY }) },
  ],
  "app/text": [{ versionId: CURRENT_VERSION, stages: ["AWSCURRENT"], value: `text-${CANARY}` }],
  "app/binary": [{ versionId: CURRENT_VERSION, stages: ["AWSCURRENT"], value: BINARY_VALUE }],
  "app/not-json": [{ versionId: CURRENT_VERSION, stages: ["AWSCURRENT"], value: `${CANARY}{"user":` }],
  "app/wrong-shape": [
    { versionId: CURRENT_VERSION, stages: ["AWSCURRENT"], value: JSON.stringify({ user: 42, password: [CANARY] }) },
  ],
  "app/versioned": [
    { versionId: PREVIOUS_VERSION, stages: ["AWSPREVIOUS"], value: JSON.stringify({ user: "app", password: "old" }) },
    { versionId: CURRENT_VERSION, stages: ["AWSCURRENT"], value: JSON.stringify({ user: "app", password: "new" }) },
  ],
};

/** Only the AWSCURRENT value of each fixture, for backends without versions. */
export function currentValues(fixtures: Fixtures): Record<string, string | Uint8Array> {
  const values: Record<string, string | Uint8Array> = {};
  for (const [name, versions] of Object.entries(fixtures)) {
    const current = versions.find((version) => version.stages.includes("AWSCURRENT"));
    if (current) values[name] = current.value;
  }
  return values;
}
