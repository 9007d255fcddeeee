import { describe, expect, it } from "vitest";
import { jitteredBackoff } from "../src/core/backoff.js";

describe("jitteredBackoff", () => {
  it("doubles the step per attempt, half of it fixed and half random", () => {
    const lowest = [0, 1, 2].map((attempt) => jitteredBackoff(attempt, 100, 2_000, () => 0));
    const highest = [0, 1, 2].map((attempt) => jitteredBackoff(attempt, 100, 2_000, () => 0.999_999));

    expect(lowest).toEqual([50, 100, 200]);
    expect(highest.map(Math.round)).toEqual([100, 200, 400]);
  });

  it("never exceeds the cap, whatever the attempt", () => {
    const delays = [5, 10, 60].map((attempt) => jitteredBackoff(attempt, 100, 2_000, () => 0.999_999));

    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(1_000);
      expect(delay).toBeLessThan(2_000);
    }
  });

  it("is 0 for a base of 0", () => {
    expect(jitteredBackoff(3, 0, 2_000)).toBe(0);
  });
});
