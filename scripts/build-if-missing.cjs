// Builds dist/ after `npm install` in a checkout (pre-commit installs hooks that way), and does
// nothing where dist/ already exists (an installed package) or the compiler is not installed.
const { existsSync } = require('node:fs');
const { execSync } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
if (!existsSync(join(root, 'dist', 'src', 'cli', 'main.js')) && existsSync(join(root, 'node_modules', 'typescript'))) {
  execSync('npm run -s build', { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
}
