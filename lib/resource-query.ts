// Turning the list's query back into a URL (pages, links, the API).
import type { ResourceListQuery } from "./validation/resources";

export function resourceQueryString(query: Partial<ResourceListQuery>, extra: Record<string, string> = {}) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === "" || key === "limit" || key === "cursor") continue;
    if (key === "sort" && value === "name") continue;
    params.set(key, value === true ? "1" : String(value));
  }
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  return params.toString();
}
