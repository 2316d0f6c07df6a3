// `import "server-only"` marks a module that must never reach a browser: Next refuses to build a
// client component that imports one, directly or through other modules (its compiler checks the
// import by name, whatever it resolves to; tried with a build, docs/toolchain-notes.md). Outside
// Next's bundles (scripts and workers under tsx, vitest) there is no client to keep it from, and
// the package itself throws there: tsconfig's `paths` and vitest's alias resolve it to this file.
export {};
