// Lint rules for every workspace: the recommended sets, plus the few that catch real bugs here.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "prisma/*/generated/**",
      "**/explorer/dist/**",
      "**/console/dist/**",
      "**/.data/**",
      "test-results/**",
      "bench/results/**",
      "router/dist/**",
      "bench/dist/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true }],
      "no-console": "off",
    },
  },
);
