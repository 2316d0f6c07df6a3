import { apiRoute } from "@/lib/api/respond";
import { execute, qb } from "@/lib/db";

export const dynamic = "force-dynamic";

/** Liveness for `npm start` and load balancers: answers 503 while the database is unreachable. */
export const GET = apiRoute(async function GET() {
  try {
    await execute(qb.selectNoFrom((eb) => eb.lit(1).as("one")));
    return Response.json({ ok: true });
  } catch {
    return Response.json({ ok: false, error: "database unreachable" }, { status: 503 });
  }
});
