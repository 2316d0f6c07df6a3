import { describe, expect, it } from "vitest";
import { hasControlCharacters, icalText, oneLine } from "@/lib/domain";
import { CreateFeedSchema } from "@/lib/validation/calendar";
import { firstIssue } from "@/lib/validation/common";

describe("names on one line", () => {
  it.each(["a\nb", "a\r\nb", "a\tb", "a\u0000b", "a\u001bb", "a\u007fb", "a\u0085b", "a\u2028b", "a\u2029b"])("%j holds a control character", (text) => {
    expect(hasControlCharacters(text)).toBe(true);
    expect(oneLine(text)).toBe("a b");
  });

  it("leaves other text alone: accents, emoji (with joiners), punctuation", () => {
    for (const text of ["Ops, on call; C:\\patches", "Équipe réseau", "👩‍💻 laptop", "a  b"]) {
      expect(hasControlCharacters(text)).toBe(false);
      expect(oneLine(text)).toBe(text);
    }
  });

  it("writes iCalendar TEXT: escapes backslash, semicolon and comma, and never a line break", () => {
    expect(icalText("Ops, on call; C:\\patches")).toBe("Ops\\, on call\\; C:\\\\patches");
    expect(icalText("probe\nX-INJECTED:1\r\nBEGIN:VEVENT")).toBe("probe X-INJECTED:1 BEGIN:VEVENT");
  });

  it("a subscribe address's name with a line break is refused by its schema, with a message", () => {
    const parsed = CreateFeedSchema.safeParse({ name: "probe\nX-INJECTED:1" });
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(firstIssue(parsed.error)).toBe("name: Give the address a name on one line, without control characters (tabs, line breaks).");
    expect(CreateFeedSchema.parse({ name: "  My phone  " }).name).toBe("My phone");
  });
});
