// Every answer an /api/v1 route gives in the integration tests is checked against the OpenAPI
// document (lib/api/openapi/conformance.ts); set before lib/env.ts first reads the environment.
process.env.PATCHPARTY_API_CONTRACT = "1";
