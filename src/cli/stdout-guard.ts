/**
 * A closed stdout (EPIPE: `fwlint lint … | head`) ends the run quietly with the exit code it has;
 * any other write error on stdout is one line and exit code 2. Installed before the lint pool's
 * workers start (main.ts): each worker's output is piped into stdout, and a pipe's own error
 * listener must not be the only one.
 */
export function guardStdout(): void {
  if (process.stdout.listenerCount('error') > 0) return;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') {
      process.stdout.write = () => true;
      return;
    }
    process.stderr.write(`fwlint: cannot write the report to standard output (${e.code ?? e.message})\n`);
    process.exit(2);
  });
}
