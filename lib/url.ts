// Links that carry a page's query: one way to write them.

type QueryValue = string | number | boolean | null | undefined;

/** `path?a=1&b=x#hash`, leaving out the parameters without a value (and the `?` when none has one). */
export function withQuery(path: string, params: Record<string, QueryValue>, hash = ""): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== null && value !== undefined && value !== "") query.set(key, String(value));
  const text = query.toString();
  return `${path}${text ? `?${text}` : ""}${hash}`;
}
