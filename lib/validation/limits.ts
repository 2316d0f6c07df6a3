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
