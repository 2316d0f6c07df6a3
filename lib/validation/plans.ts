import { z } from "zod";

const name = (label: string) => z.string({ error: `${label} is text.` }).trim().min(1, `${label} is empty.`).max(100, `${label}: at most 100 characters.`);

/** POST /api/v1/plans: components in order with their expected downtime, and the servers. */
export const PlanRequestSchema = z
  .object({
    components: z
      .array(z.object({ name: name("A component's name"), downtimeMinutes: z.number({ error: "downtimeMinutes is a number of minutes." }).int().min(0).max(24 * 60) }).strict(), { error: "components: a list in upgrade order" })
      .min(1, "Give at least one component.")
      .max(20)
      .refine((c) => new Set(c.map((x) => x.name)).size === c.length, "Each component once."),
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
