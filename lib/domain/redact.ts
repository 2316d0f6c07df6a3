// What of an execution's output is kept: the last 64 kB, with secrets taken out. Executors and
// the executions API pass every output through here before it is stored or shown.

export const OUTPUT_LIMIT_BYTES = 64 * 1024;

const PATTERNS: [RegExp, string][] = [
  // A private key pasted or printed whole.
  [/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g, "[private key redacted]"],
  // Standard Webhooks secrets and our own API tokens.
  [/whsec_[A-Za-z0-9+/=]+/g, "whsec_[redacted]"],
  [/\bpp_[A-Za-z0-9_-]{16,}/g, "pp_[redacted]"],
  // Credentials in URLs: scheme://user:password@host
  [/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi, "$1[redacted]@"],
  // Authorization headers and bearer tokens.
  [/(authorization:\s*(?:bearer|basic|token)\s+)\S+/gi, "$1[redacted]"],
  [/(\bbearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, "$1[redacted]"],
  // key=value and key: value where the key names a secret.
  [
    /\b([A-Za-z0-9_.-]*(?:password|passwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key)[A-Za-z0-9_.-]*)(\s*[=:]\s*)("[^"]*"|'[^']*'|\S+)/gi,
    "$1$2[redacted]",
  ],
];

/** Replaces the secrets it recognises, and every literal in `secrets` (configured values). */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 6) out = out.split(secret).join("[redacted]");
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** The last `limit` bytes of UTF-8 text, cut at a line start where one is near, marked when cut. */
export function lastBytes(text: string, limit = OUTPUT_LIMIT_BYTES): string {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= limit) return text;
  const marker = "[… earlier output cut …]\n";
  let tail = bytes.subarray(bytes.length - (limit - Buffer.byteLength(marker)));
  // Do not start inside a multi-byte character.
  while (tail.length && (tail[0]! & 0xc0) === 0x80) tail = tail.subarray(1);
  let kept = tail.toString("utf8");
  const newline = kept.indexOf("\n");
  if (newline >= 0 && newline < 200) kept = kept.slice(newline + 1);
  return marker + kept;
}

/** Output as stored: secrets redacted, NUL characters (PostgreSQL refuses them) dropped, the last 64 kB. */
export function truncateOutput(text: string, secrets: readonly string[] = []): string {
  return lastBytes(redact(text.replace(/\u0000/g, ""), secrets));
}
