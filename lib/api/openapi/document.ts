// The OpenAPI 3.1 document of /api/v1, generated from the list of operations (./operations.ts) with
// zod 4's own JSON Schema output (draft 2020-12, which OpenAPI 3.1 uses): requests as the schemas
// take them (io "input"), answers as the builders write them (io "output").
import "server-only";
import { z } from "zod";
import { ApiErrorSchema } from "./answers";
import { OPERATIONS, type Answer, type Operation } from "./operations";

type JsonSchema = Record<string, unknown>;

/** A schema as JSON Schema; what JSON cannot say (a transform's result, a Date) is left open. */
export function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" }) as JsonSchema;
  return rest;
}

const REFUSALS: Record<number, string> = {
  400: "A parameter or the body is wrong (or holds a character that cannot be stored): `error` names the field and what is wrong.",
  401: "Not signed in: no session cookie and no bearer token, or the token is unknown, revoked or expired.",
  403: "Not allowed: the role may not do this; a read-only token sent a write; the session lacks the second factor its role needs; or a write signed with the session cookie came from another site.",
  404: "What the path names does not exist.",
  409: "Someone changed it first (a stale revision or If-Match), or its state refuses this now: `error` says which.",
  413: "The body is larger than the route takes (64 kB of JSON; 8 MB for an execution's report; 50 MB for a CSV import).",
  415: "A write signed with the session cookie must send its body as application/json (text/csv for the import).",
  500: "Something went wrong on the server; it was logged, and nothing was changed.",
  503: "The database is unreachable right now; nothing was changed. Try again after Retry-After seconds.",
};

const errorAnswer = (status: number) => ({
  description: REFUSALS[status]!,
  ...(status === 401 ? { headers: { "WWW-Authenticate": { schema: { type: "string" }, description: 'Bearer realm="PatchParty"' } } } : {}),
  ...(status === 503 ? { headers: { "Retry-After": { schema: { type: "integer" }, description: "Seconds" } } } : {}),
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});

function answerObject(answer: Answer) {
  if (!answer.schema) return { description: answer.description };
  const type = answer.type ?? "application/json";
  return {
    description: answer.description,
    ...(answer.etag ? { headers: { ETag: { schema: { type: "string" }, description: 'The revision, e.g. "3": send it back as If-Match' } } } : {}),
    content: { [type]: { schema: jsonSchema(answer.schema, "output") } },
  };
}

/** The statuses an operation may answer: its own, 401 and 403 (every route signs in), 500 and 503. */
export function statusesOf(op: Operation): number[] {
  const takesInput = Boolean(op.params || op.query || op.body);
  const refusals = new Set<number>([...(takesInput ? [400] : []), ...op.refusals, 401, 403, 500, 503]);
  return [...new Set([...Object.keys(op.answers).map(Number), ...refusals])].sort((a, b) => a - b);
}

function parameters(op: Operation) {
  const list: JsonSchema[] = [];
  const add = (where: "path" | "query", schema: z.ZodType | undefined) => {
    if (!schema) return;
    const object = jsonSchema(schema, "input") as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, property] of Object.entries(object.properties ?? {})) {
      const { description, ...rest } = property;
      list.push({
        name,
        in: where,
        required: where === "path" || (object.required ?? []).includes(name),
        ...(description ? { description } : {}),
        schema: rest,
      });
    }
  };
  add("path", op.params);
  add("query", op.query);
  if (op.ifMatch) {
    list.push({
      name: "If-Match",
      in: "header",
      required: false,
      description: 'The revision you read (its ETag, e.g. "3"), or `revision` in the body: 409 when someone changed it since.',
      schema: { type: "string" },
    });
  }
  return list;
}

function requestBody(op: Operation) {
  if (!op.body) return undefined;
  if ("type" in op.body && "description" in op.body && !(op.body instanceof z.ZodType)) {
    return { required: true, description: op.body.description, content: { [op.body.type]: { schema: jsonSchema(op.body.schema, "input") } } };
  }
  return { required: true, content: { "application/json": { schema: jsonSchema(op.body as z.ZodType, "input") } } };
}

function operationObject(op: Operation) {
  const responses: Record<string, unknown> = {};
  for (const status of statusesOf(op)) {
    const own = op.answers[status];
    responses[String(status)] = own ? answerObject(own) : errorAnswer(status);
  }
  const description = [op.description, op.who && `**Who:** ${op.who}`].filter(Boolean).join("\n\n");
  return {
    operationId: `${op.method}${op.path.replace(/[^A-Za-z0-9]+(\w)?/g, (_, c: string | undefined) => (c ?? "").toUpperCase())}`,
    tags: [op.tag],
    summary: op.summary,
    ...(description ? { description } : {}),
    ...(op.feedKey ? { security: [{ bearerToken: [] }, { sessionCookie: [] }, { feedKey: [] }] } : {}),
    parameters: parameters(op),
    ...(op.body ? { requestBody: requestBody(op) } : {}),
    responses,
  };
}

const DESCRIPTION = `PatchParty's HTTP API. Every answer is JSON (errors too: \`{ "error": "…" }\`) unless an operation says otherwise.

**Signing in**, one of:
- **a bearer token**: \`Authorization: Bearer <token>\`. Admins make tokens on the portal's **API tokens** page or with \`npm run api-token\`; each acts as one user, has a scope (\`read\` tokens may only GET) and an expiry.
- **the session cookie** of someone signed in to the portal (what the portal's own pages use). A write (POST, PUT, PATCH, DELETE) signed with it must come from the portal's own origin and send \`Content-Type: application/json\`.

Neither carries more than its user's rights. Without either: 401.`;

let built: JsonSchema | undefined;

/** The document (built once per process: the operations and schemas do not change while it runs). */
export function openApiDocument(): JsonSchema {
  if (built) return built;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) (paths[op.path] ??= {})[op.method] = operationObject(op);
  built = {
    openapi: "3.1.1",
    info: { title: "PatchParty API", version: "1", description: DESCRIPTION },
    servers: [{ url: "/api/v1" }],
    security: [{ bearerToken: [] }, { sessionCookie: [] }],
    tags: [...new Set(OPERATIONS.map((op) => op.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: { Error: jsonSchema(ApiErrorSchema, "output") },
      securitySchemes: {
        bearerToken: { type: "http", scheme: "bearer", description: "An API token (API tokens page, or `npm run api-token`)." },
        sessionCookie: {
          type: "apiKey",
          in: "cookie",
          name: "next-auth.session-token",
          description: "The portal's session (`__Secure-next-auth.session-token` over https). Writes must come from the portal's origin.",
        },
        feedKey: { type: "apiKey", in: "query", name: "key", description: "A personal subscribe address's key (the Calendar page): the feed only." },
      },
    },
  };
  return built;
}
