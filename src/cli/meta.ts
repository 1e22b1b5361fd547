// The package's root and identity live in src/package.ts (src/config needs them too, without importing the CLI).
export { TOOL, packageRoot } from '../package.js';
