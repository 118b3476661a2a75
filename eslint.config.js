// The lint setup lives in the tools/lint workspace (its own TypeScript 6 for
// typescript-eslint); this file only points ESLint and editors at it.
export { default } from './tools/lint/eslint.config.js';
