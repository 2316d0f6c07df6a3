// Limits shared by forms (client components) and schemas: plain numbers, no zod, so that a form
// importing one does not bundle the validation library into the browser.
export const REASON_MAX = 500;
