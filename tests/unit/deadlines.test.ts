// Deadlines by severity (issue 20, point 3): the worst overdue update of a server, and the
// settings' schema. The clock is pinned: every "now" is a fixed instant.
import { describe, expect, it } from "vitest";
import { daysOverdue, describeDeadlines, worstOverdue } from "@/lib/domain/deadlines";
import type { DeadlineRules } from "@/lib/domain/updates";
import { DeadlinesSchema } from "@/lib/validation/deadlines";

const rules: DeadlineRules = { critical: 14, high: 30, medium: 90, low: null, unrated: 30 };
const at = (iso: string) => new Date(iso);
const now = at("2026-12-05T12:00:00Z");

describe("worstOverdue", () => {
  const update = (pkg: string, severity: "critical" | "high" | "medium" | "low" | null, firstSeen: string, security = true) => ({
    package: pkg,
    security,
    severity,
    firstSeenAt: at(firstSeen),
    resolvedAt: null,
  });

  it("is the update past its deadline the longest, the more severe first on the same due date", () => {
    const worst = worstOverdue(
      [
        update("openssl", "critical", "2026-11-01T00:00:00Z"), // due 15 Nov
        update("bash", "high", "2026-10-01T00:00:00Z"), // due 31 Oct
        update("zlib", null, "2026-10-01T00:00:00Z"), // security, unrated: due 31 Oct too
        update("less", "low", "2020-01-01T00:00:00Z"), // no deadline for low
        update("vim", null, "2020-01-01T00:00:00Z", false), // not a security update: none either
      ],
      now,
      rules,
    );
    expect(worst).toMatchObject({ package: "bash", due: at("2026-10-31T00:00:00Z"), daysOverdue: 35 });
  });

  it("is null when nothing is overdue", () => {
    expect(worstOverdue([update("openssl", "critical", "2026-12-01T00:00:00Z")], now, rules)).toBeNull();
  });

  it("counts whole days since the due date", () => {
    expect(daysOverdue(at("2026-12-05T00:00:00Z"), now)).toBe(0);
    expect(daysOverdue(at("2026-12-04T11:00:00Z"), now)).toBe(1);
  });

  it("says the rules in a sentence", () => {
    expect(describeDeadlines(rules)).toBe("Critical 14 days, High 30 days, Medium 90 days, Security, unrated 30 days");
    expect(describeDeadlines({ critical: 1, high: null, medium: null, low: null, unrated: null })).toBe("Critical 1 day");
    expect(describeDeadlines({ critical: null, high: null, medium: null, low: null, unrated: null })).toBe("No deadlines set");
  });
});

describe("DeadlinesSchema", () => {
  it("takes whole days from 1 to 365, null or empty for none, numeric text from a form", () => {
    expect(DeadlinesSchema.parse({ criticalDays: 7, highDays: null, mediumDays: "45", lowDays: "", revision: "3" })).toEqual({
      criticalDays: 7,
      highDays: null,
      mediumDays: 45,
      lowDays: null,
      revision: 3,
    });
    expect(DeadlinesSchema.parse({})).toEqual({});
  });

  it("refuses anything else with a message that says the range", () => {
    const message = (input: unknown) => DeadlinesSchema.safeParse(input).error?.issues[0]?.message;
    const high = "must be a whole number of days from 1 to 365; leave it empty (null) for no deadline.";
    expect(message({ highDays: 0 })).toBe(high);
    expect(message({ highDays: 366 })).toBe(high);
    expect(message({ highDays: 2.5 })).toBe(high);
    expect(message({ highDays: "soon" })).toBe(high);
    expect(message({ highDays: true })).toBe(high);
    expect(DeadlinesSchema.safeParse({ urgentDays: 3 }).success).toBe(false);
  });
});
