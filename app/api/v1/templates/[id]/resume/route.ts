import { templateActionRoute } from "@/lib/api/template-route";
import { resumeTemplateRun } from "@/lib/data/runs";

export const dynamic = "force-dynamic";

/** POST /api/v1/templates/{id}/resume: an admin resumes a rollout halted by its failure threshold. */
export const POST = templateActionRoute(resumeTemplateRun);
