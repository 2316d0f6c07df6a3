// Only while the integration tests run (PATCHPARTY_API_CONTRACT=1, tests/setup/api-contract.ts):
// apiRoute hands every answer of an /api/v1 route here, and an answer the OpenAPI document does not
// describe (its status, its media type, or its JSON body) throws, so the test that got it fails with
// the route and the mismatch named. The document must say what the API really answers.
import "server-only";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020";
import addFormatsModule from "ajv-formats";
import { openApiDocument } from "./document";
import { HTTP_METHODS, v1RouteFiles } from "./route-files";

type Where = { path: string; method: string };
type Json = Record<string, unknown>;
type Handler = (...args: never[]) => unknown;

export class AnswerNotInContract extends Error {
  name = "AnswerNotInContract";
}

// ajv-formats is CommonJS: its default export arrives as the module or as the function.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as typeof addFormatsModule;
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const validators = new Map<string, ValidateFunction>();

/** Which route each exported handler is: the handler is the key (test URLs need not be real paths). */
let routes: Promise<Map<Handler, Where>> | undefined;
function routeOf(handler: Handler): Promise<Where | undefined> {
  routes ??= (async () => {
    const map = new Map<Handler, Where>();
    for (const route of v1RouteFiles(process.cwd())) {
      const module = (await import(/* turbopackIgnore: true */ route.file)) as Record<string, unknown>;
      for (const method of HTTP_METHODS) {
        const exported = module[method];
        if (typeof exported === "function") map.set(exported as Handler, { path: route.path, method: method.toLowerCase() });
      }
    }
    return map;
  })();
  return routes.then((map) => map.get(handler));
}

/** The document's `$ref`s to its components, replaced by what they name, so a response schema stands alone. */
function resolved(schema: unknown, components: Json): unknown {
  if (Array.isArray(schema)) return schema.map((s) => resolved(s, components));
  if (typeof schema !== "object" || schema === null) return schema;
  const ref = (schema as Json).$ref;
  if (typeof ref === "string" && ref.startsWith("#/components/schemas/")) return resolved(components[ref.slice("#/components/schemas/".length)], components);
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, resolved(v, components)]));
}

const shown = (value: unknown) => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
};

/** Throws AnswerNotInContract when the document does not describe `response` for the route `handler` is. */
export async function checkAnswer(handler: Handler, response: Response): Promise<void> {
  const where = await routeOf(handler);
  if (!where) return; // outside /api/v1 (the health check, the reference page)
  const name = `${where.method.toUpperCase()} /api/v1${where.path}`;
  const document = openApiDocument() as { paths: Record<string, Record<string, { responses: Record<string, Json> }>>; components: { schemas: Json } };
  const operation = document.paths[where.path]?.[where.method];
  if (!operation) throw new AnswerNotInContract(`${name} is not in the OpenAPI document: add it to lib/api/openapi/operations.ts.`);
  const answer = operation.responses[String(response.status)];
  if (!answer) {
    throw new AnswerNotInContract(
      `${name} answered ${response.status}, which its OpenAPI operation does not list (${Object.keys(operation.responses).join(", ")}): ${shown(await response.clone().text())}`,
    );
  }
  const type = (response.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  const content = answer.content as Record<string, { schema: unknown }> | undefined;
  if (!content) {
    if (response.body && (await response.clone().text()) !== "")
      throw new AnswerNotInContract(`${name} answered ${response.status} with a body; the document says none.`);
    return;
  }
  const media = content[type];
  if (!media) throw new AnswerNotInContract(`${name} answered ${response.status} as "${type}"; the document says ${Object.keys(content).join(" or ")}.`);
  if (type !== "application/json") return;
  const key = `${name} ${response.status}`;
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile(resolved(media.schema, document.components.schemas) as Json);
    validators.set(key, validate);
  }
  const body: unknown = await response.clone().json();
  if (!validate(body)) {
    const errors = (validate.errors ?? [])
      .slice(0, 5)
      .map((e) => `body${e.instancePath} ${e.message}${e.params && "additionalProperty" in e.params ? ` (${String(e.params.additionalProperty)})` : ""}`);
    throw new AnswerNotInContract(`${name} answered ${response.status} with a body its OpenAPI schema refuses: ${errors.join("; ")}. Body: ${shown(body)}`);
  }
}
