// ESLint: typescript-eslint's recommended rules, React's rules of hooks, and the layers of the
// code (README "Layout"; decision 015). `npm run lint` runs it, and `npm test` runs that.
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

/** Imports a folder may not make: `names` are path patterns (gitignore style). */
const forbid = (names, message, allowTypeImports = false) => ({
  "@typescript-eslint/no-restricted-imports": ["error", { patterns: [{ group: names, message, allowTypeImports }] }],
});

export default tseslint.config(
  { ignores: [".next/**", "node_modules/**", "next-env.d.ts", "lib/database/generated/**", "bench/results*", "playwright-report/**", "test-results/**"] },
  ...tseslint.configs.recommended,
  {
    files: ["app/**", "components/**"],
    plugins: { "react-hooks": reactHooks },
    rules: { "react-hooks/rules-of-hooks": "error", "react-hooks/exhaustive-deps": "error" },
  },
  {
    rules: {
      "no-duplicate-imports": ["error", { allowSeparateTypeImports: true }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  {
    files: ["lib/domain/**"],
    rules: forbid(
      ["@/*", "!@/lib/domain", "!@/lib/domain/*", "../*", "next", "next/*", "@prisma/*", "pg", "react"],
      "lib/domain is pure: it imports nothing of the app, the database or the framework.",
    ),
  },
  {
    files: ["lib/data/**"],
    rules: forbid(
      ["@/lib/actions*", "@/lib/api*", "@/lib/rollout*", "@/app/*", "@/components/*", "../actions*", "../api*", "../rollout*"],
      "lib/data is below actions, the API, the rollout engine and the app: it never imports them.",
    ),
  },
  {
    files: ["components/**"],
    rules: forbid(
      ["@/lib/data*", "@/lib/db", "@/lib/rollout*"],
      "Components render what pages hand them: they never read the database (a type of what lib/data returns is fine).",
      true,
    ),
  },
  {
    files: ["app/**"],
    rules: forbid(["@/lib/rollout/engine", "@/lib/rollout/party-engine"], "Pages never import the rollout engine: read runs through lib/data."),
  },
);
