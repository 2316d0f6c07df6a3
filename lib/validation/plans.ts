import { z } from "zod";
import { RevisionSchema } from "./common";

const name = (label: string) =>
  z
    .string({ error: `${label} is text.` })
    .trim()
    .min(1, `${label} is empty.`)
    .max(100, `${label}: at most 100 characters.`);

const MINUTES = "downtimeMinutes is a whole number of minutes from 0 to 1,440.";

/** Components in upgrade order, each with its expected downtime. */
export const PlanComponentsSchema = z
  .array(
    z
      .object({
        name: name("A component's name").regex(/^[^,:\n]+$/, "A component's name has no commas or colons."),
        downtimeMinutes: z
          .number({ error: MINUTES })
          .int(MINUTES)
          .min(0, MINUTES)
          .max(24 * 60, MINUTES),
      })
      .strict(),
    { error: "components: a list in upgrade order" },
  )
  .min(1, "Give at least one component.")
  .max(20, "At most 20 components.")
  .refine((c) => new Set(c.map((x) => x.name.toLowerCase())).size === c.length, "Name each component once.");
export type PlanComponents = z.infer<typeof PlanComponentsSchema>;

/** PUT /api/v1/templates/{id}/plan: the components, or null for no plan; the revision read. */
export const TemplatePlanSchema = z
  .object({
    components: z.union([z.null(), PlanComponentsSchema], { error: "a list of { name, downtimeMinutes } in upgrade order, or null for no plan" }),
    revision: z.number().int().min(1).optional(),
  })
  .strict();

/** The page's form: one component per line, "name, minutes" (or "name: minutes"); empty = no plan. */
export const PlanComponentsTextSchema = z
  .string()
  .max(4_000, "At most 4,000 characters.")
  .transform((text, ctx) => {
    const lines = text
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);
    if (lines.length === 0) return null;
    return lines.map((line, i) => {
      const match = /^(.+?)\s*[,:]\s*(\d{1,4})\s*(?:min(?:utes)?)?$/i.exec(line);
      if (!match) {
        ctx.addIssue({ code: "custom", message: `Line ${i + 1}: write "name, minutes", e.g. "controllers, 60".` });
        return { name: line, downtimeMinutes: 0 };
      }
      return { name: match[1]!.trim(), downtimeMinutes: Number(match[2]) };
    });
  })
  .pipe(z.union([z.null(), PlanComponentsSchema]));

/** The plan page's form: the components as text and the revision the page was loaded at. */
export const TemplatePlanFormSchema = z.object({ components: PlanComponentsTextSchema, revision: RevisionSchema });

/** POST /api/v1/plans: components in order with their expected downtime, and the servers. */
export const PlanRequestSchema = z
  .object({
    components: PlanComponentsSchema,
    servers: z
      .array(
        z
          .object({
            name: name("A server's name"),
            component: name("A server's component"),
            serverType: name("A server's type"),
            cluster: name("A cluster's name").nullish(),
            role: z.enum(["primary", "secondary"], { error: "role is primary or secondary" }).nullish(),
          })
          .strict(),
        { error: "servers: a list" },
      )
      .max(5_000)
      .refine((s) => new Set(s.map((x) => x.name)).size === s.length, "Each server once."),
  })
  .strict();
