import { redact } from './redact.js';

/**
 * A file that cannot be read as the format it claims to be. Reported as one line and exit code 2.
 * The message is redacted (src/model/redact.ts): a quoted token is never a secret.
 */
export class ParseError extends Error {
  readonly file: string;
  readonly line: number;
  readonly column: number;

  constructor(file: string, line: number, column: number, message: string) {
    super(redact(oneLine(message)));
    this.name = 'ParseError';
    this.file = file;
    this.line = line;
    this.column = column;
  }

  /** `file:line:col: message`, the one-line form the CLI prints. */
  format(): string {
    return `${this.file}:${this.line}:${this.column}: ${this.message}`;
  }
}

/**
 * A message quotes the file (a table name, a token), and a quoted token may hold line breaks (an
 * unterminated quote runs on over lines): those become one space, so the error stays one line.
 */
function oneLine(message: string): string {
  return /[\r\n]/.test(message) ? message.replace(/[^\S\r\n]*[\r\n][\s]*/g, ' ') : message;
}

/** Wrong invocation: unknown profile, malformed --phones, unreadable file... Exit code 2. */
export class UsageError extends Error {
  /** The configuration file the message names, which redaction leaves as it is. */
  readonly file?: string;

  constructor(message: string, file?: string) {
    super(message);
    this.name = 'UsageError';
    if (file !== undefined) this.file = file;
  }
}
