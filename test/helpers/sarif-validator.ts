/**
 * Run the official Microsoft SARIF validator (Sarif.Multitool, from the devDependency
 * @microsoft/sarif-multitool) on a SARIF file with GitHub's rules, and collect its findings.
 *
 *   node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool validate \
 *     --rule-kind "Gh;Sarif" --level "Error;Warning;Note" \
 *     --output <tmp>/out.sarif --log "ForceOverwrite;PrettyPrint" <file>
 *
 * plus a JSON-schema check with ajv (the validator does not check the schema, see below).
 *
 * Notes from getting it to run (multitool 5.7.0, linux-x64):
 *  - npm 11 does not run the package's postinstall `chmod u+x Sarif.Multitool`, so the binary
 *    may not be executable after `npm ci`; `ensureMultitoolExecutable()` does the chmod.
 *  - There is no `--force` option on `validate`: overwriting the output needs
 *    `--log ForceOverwrite`, and a single `--log` value is rejected ("Option 'log' is defined
 *    with a bad format") — the list must contain a ';', hence "ForceOverwrite;PrettyPrint".
 *    We write into a fresh temporary directory anyway.
 *  - It is a self-contained .NET app. On machines without ICU (libicu) .NET aborts at start
 *    ("Couldn't find a valid ICU package"); DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 fixes that
 *    and does not change validation, so it is always set here (unless the caller set it).
 *  - It takes about 0.5–1 s per file. It runs the rule kinds asked for: "Gh" = GitHub code
 *    scanning ingestion rules (GH1001…GH2012), "Sarif" = the generic SARIF1xxx (errors) and
 *    SARIF2xxx (warnings/notes) rules. By default it only reports errors and warnings;
 *    `--level "Error;Warning;Note"` makes it report notes too (we return them separately).
 *    SARIF2006 tries an HTTP GET of `$schema`/`informationUri`/`helpUri`; offline that is just
 *    a note ("not reachable") and costs no noticeable time.
 *  - It does NOT validate against the SARIF JSON schema (5.7.0: a result with level "fatal"
 *    and an unknown property on a run pass without a single finding). So this helper also
 *    validates with ajv against the OASIS schema in test/schemas (draft-04; ajv 8 has no
 *    draft-04 support and ajv-draft-04 is not installed, but the SARIF schema uses no
 *    draft-04-only semantics, so it compiles once `id` is renamed `$id` and `$schema` dropped).
 *    Schema violations are returned as errors prefixed "schema".
 *  - Its output is itself a SARIF log: results carry `message.id` + `arguments`, whose text is
 *    in the validator's `tool.driver.rules[ruleIndex].messageStrings`. A result's level is its
 *    own `level`, else the rule's `defaultConfiguration.level`, else "warning" (SARIF default).
 *    A file that is not JSON is reported as error JSON0001; tool failures appear as
 *    `toolExecutionNotifications`, returned by their level.
 *  - The exit code is 0 even when it reports errors (1 only for bad arguments), so it is not
 *    used; the output file is what counts.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AjvImport from 'ajv';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const MULTITOOL = path.join(ROOT, 'node_modules', '@microsoft', 'sarif-multitool-linux', 'Sarif.Multitool');

/** The OASIS SARIF 2.1.0 schema, kept in the repository (test/schemas/README.md says where from). */
export const SARIF_SCHEMA = path.join(ROOT, 'test', 'schemas', 'sarif-schema-2.1.0.json');

/**
 * The .NET validator is a system-level tool (a self-contained .NET app): it runs in the e2e tier
 * (`npm run test:e2e`). In `npm test`, validateSarif checks the JSON schema only and says so once.
 */
export const NET_VALIDATOR = process.env.FWLINT_TIER === 'e2e';
let toldSchemaOnly = false;

export interface SarifValidation {
  errors: string[];
  warnings: string[];
  notes: string[];
}

/** chmod u+x the multitool binary (npm 11 skips the package's postinstall). */
export function ensureMultitoolExecutable(): void {
  if (!NET_VALIDATOR) return; // only the e2e tier runs the binary
  const mode = fs.statSync(MULTITOOL).mode;
  if ((mode & 0o100) === 0) fs.chmodSync(MULTITOOL, mode | 0o100);
}

interface ValidatorMessage {
  id?: string;
  text?: string;
  arguments?: string[];
}

interface ValidatorRule {
  id: string;
  defaultConfiguration?: { level?: string };
  messageStrings?: Record<string, { text: string }>;
}

interface ValidatorResult {
  ruleId?: string;
  ruleIndex?: number;
  level?: string;
  message: ValidatorMessage;
  locations?: { physicalLocation?: { region?: { startLine?: number; startColumn?: number } } }[];
}

interface ValidatorLog {
  runs: {
    tool: { driver: { rules?: ValidatorRule[] } };
    results?: ValidatorResult[];
    invocations?: { toolExecutionNotifications?: { level?: string; message: ValidatorMessage }[] }[];
  }[];
}

type SchemaValidator = ((data: unknown) => boolean) & {
  errors?: { instancePath: string; message?: string; params?: unknown }[] | null;
};
let schemaValidator: SchemaValidator | undefined;

/**
 * Validate a parsed SARIF log against the OASIS SARIF 2.1.0 JSON schema with ajv. Returns one
 * string per violation ("schema /runs/0/results/0/level: must be equal to one of the allowed
 * values {...}"); empty when valid.
 */
export function validateSarifSchema(log: unknown): string[] {
  if (!schemaValidator) {
    const schema = JSON.parse(fs.readFileSync(SARIF_SCHEMA, 'utf8')) as Record<string, unknown>;
    schema.$id = schema.id;
    delete schema.id;
    delete schema.$schema;
    // ajv is CommonJS: depending on the loader the default import is the class or its module.
    type AjvClass = typeof AjvImport.default;
    const Ajv: AjvClass =
      (AjvImport as unknown as { default?: AjvClass }).default ?? (AjvImport as unknown as AjvClass);
    const ajv = new Ajv({
      strict: false,
      allErrors: true,
      // ajv 8 ships no formats (ajv-formats is not installed): minimal checks for the three used.
      formats: { uri: /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/, 'uri-reference': /^[^\s]*$/, 'date-time': true },
    });
    schemaValidator = ajv.compile(schema) as SchemaValidator;
  }
  if (schemaValidator(log)) return [];
  return (schemaValidator.errors ?? []).map(
    (e) => `schema ${e.instancePath || '/'}: ${e.message ?? 'invalid'} ${JSON.stringify(e.params ?? {})}`,
  );
}

function schemaErrorsOf(file: string): string[] {
  try {
    return validateSarifSchema(JSON.parse(fs.readFileSync(file, 'utf8')));
  } catch (e) {
    if (e instanceof SyntaxError) return [`schema: not JSON: ${e.message}`];
    throw e;
  }
}

function render(message: ValidatorMessage, rule: ValidatorRule | undefined): string {
  if (message.text !== undefined) return message.text;
  const template = message.id !== undefined ? rule?.messageStrings?.[message.id]?.text : undefined;
  if (template === undefined) return `${message.id ?? '(no message)'} ${JSON.stringify(message.arguments ?? [])}`;
  return template.replace(/\{(\d+)\}/g, (_, n: string) => message.arguments?.[Number(n)] ?? `{${n}}`);
}

/**
 * Validate `file` with the official validator (GitHub + SARIF rule kinds) and against the SARIF
 * JSON schema. Returns errors, warnings and notes as "RULEID (line:col): message" strings
 * (schema violations are errors). Throws if the validator cannot run.
 */
export function validateSarif(file: string, ruleKind = 'Gh;Sarif'): SarifValidation {
  if (!NET_VALIDATOR) {
    if (!toldSchemaOnly)
      process.stderr.write(
        'fwlint tests: SARIF checked against the JSON schema; Sarif.Multitool runs in npm run test:e2e\n',
      );
    toldSchemaOnly = true;
    return { errors: schemaErrorsOf(file), warnings: [], notes: [] };
  }
  ensureMultitoolExecutable();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fwlint-sarif-validate-'));
  const output = path.join(dir, 'out.sarif');
  try {
    const run = spawnSync(
      MULTITOOL,
      [
        'validate',
        '--rule-kind',
        ruleKind,
        '--level',
        'Error;Warning;Note',
        '--output',
        output,
        '--log',
        'ForceOverwrite;PrettyPrint',
        path.resolve(file),
      ],
      {
        // Its console echo grows with the results (about 1 MB per 1000); the findings are read from --output.
        maxBuffer: 256 << 20,
        encoding: 'utf8',
        env: { DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1', ...process.env },
        timeout: 120_000,
      },
    );
    if (run.error) throw run.error;
    if (!fs.existsSync(output)) {
      throw new Error(`SARIF validator produced no output (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
    }
    const log = JSON.parse(fs.readFileSync(output, 'utf8')) as ValidatorLog;
    const found: SarifValidation = { errors: schemaErrorsOf(file), warnings: [], notes: [] };
    const add = (level: string | undefined, text: string) => {
      if (level === 'error') found.errors.push(text);
      else if (level === 'note' || level === 'none') found.notes.push(text);
      else found.warnings.push(text);
    };
    for (const r of log.runs) {
      const rules = r.tool.driver.rules ?? [];
      for (const res of r.results ?? []) {
        const rule = res.ruleIndex !== undefined ? rules[res.ruleIndex] : rules.find((x) => x.id === res.ruleId);
        const region = res.locations?.[0]?.physicalLocation?.region;
        const where = region?.startLine !== undefined ? ` (${region.startLine}:${region.startColumn ?? 1})` : '';
        add(
          res.level ?? rule?.defaultConfiguration?.level ?? 'warning',
          `${res.ruleId ?? rule?.id ?? '?'}${where}: ${render(res.message, rule)}`,
        );
      }
      for (const inv of r.invocations ?? []) {
        for (const n of inv.toolExecutionNotifications ?? []) {
          add(n.level ?? 'warning', `tool notification: ${render(n.message, undefined)}`);
        }
      }
    }
    return found;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
