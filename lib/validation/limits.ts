// Limits shared by forms (client components) and schemas: plain numbers, no zod, so that a form
// importing one does not bundle the validation library into the browser.
export const REASON_MAX = 500;

/** A host name's longest form (RFC 1123), and the longest part of it between dots. */
export const ADDRESS_MAX = 253;
export const HOST_LABEL_MAX = 63;
export const SSH_PORT_MIN = 1;
export const SSH_PORT_MAX = 65_535;
export const SSH_PORT_DEFAULT = 22;
/** A POSIX user name's longest form (useradd's limit). */
export const SSH_USER_MAX = 32;

/**
 * The largest request bodies the API reads, in bytes. A body that says it is longer
 * (Content-Length) is refused before a byte of it is read; one that does not say (chunked) is
 * counted as it arrives and refused at the cap. Server actions have Next's own cap (1 MB).
 */
export const BODY_LIMITS = {
  /** A JSON body: the largest (a template's members, a policy's schedules) are a few kB. */
  json: 64 * 1024,
  /** An executor's report, with up to 1 MB of output as JSON escapes it. */
  executionReport: 8 * 1024 * 1024,
  /** A server's pending updates (PUT /api/v1/resources/{name}/updates): up to 5,000 packages with their advisories. */
  updateReport: 4 * 1024 * 1024,
  /** A CSV import of the whole inventory (100,000 resources is ~10 MB). */
  csvImport: 50 * 1024 * 1024,
  /** An inventory source with a static inventory in it (100,000 hosts as YAML is ~10 MB). */
  inventorySource: 24 * 1024 * 1024,
} as const;

/** The longest inventory text a source keeps (characters). */
export const INVENTORY_TEXT_MAX = 20_000_000;
/** Minutes between scheduled syncs: at least 5, at most a week. */
export const SYNC_INTERVAL_MIN = 5;
export const SYNC_INTERVAL_MAX = 10_080;
