import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { Plan, planSchema } from './schema';
import { crossFieldIssues } from './rules';
import { formatPath, PlanIssue, PlanValidationError } from './errors';
import { migrateLegacyChinese } from './languages';

/** The complete example plan used when no `-c plan=PATH` is given. */
export const EXAMPLE_PLAN_PATH = path.join(__dirname, '..', '..', 'plans', 'example.yaml');

/** A validated plan together with where it came from (relative paths in it resolve against `dir`). */
export interface LoadedPlan {
  readonly plan: Plan;
  readonly source: string;
  readonly dir: string;
  /** Deprecations found while reading (e.g. the old `zh` text key); the CLI prints them. */
  readonly warnings?: readonly string[];
}

function zodIssues(error: z.ZodError): PlanIssue[] {
  return error.issues.map((issue) => {
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') {
      message = `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}; check the spelling against plans/plan.schema.json`;
    } else if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) {
      message = `is required (${issue.message.replace(/^Invalid input: /, '')})`;
    }
    return { path: formatPath(issue.path), message };
  });
}

/**
 * Validates a plan object: the schema first (types, ranges, unknown keys), then the cross-field
 * rules. Throws one PlanValidationError listing every problem.
 */
export function parsePlan(input: unknown, source = '<inline plan>', dir = process.cwd(), warnings?: string[]): Plan {
  const migrated = migrateLegacyChinese(input);
  warnings?.push(...migrated.warnings);
  const result = planSchema.safeParse(migrated.input);
  if (!result.success) throw new PlanValidationError(source, zodIssues(result.error));
  const plan = result.data;
  const issues = crossFieldIssues(plan);
  if (plan.chatbot.entry !== undefined) {
    const entry = path.resolve(dir, plan.chatbot.entry);
    if (!fs.existsSync(entry)) {
      issues.push({ path: 'chatbot.entry', message: `file "${plan.chatbot.entry}" not found (resolved to ${entry}); give a path relative to the plan file` });
    }
  }
  if (issues.length > 0) throw new PlanValidationError(source, issues);
  return plan;
}

/** Reads, parses and validates a YAML (or JSON) plan file. */
export function loadPlan(file: string = EXAMPLE_PLAN_PATH): LoadedPlan {
  const source = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(source, 'utf8');
  } catch (e) {
    throw new PlanValidationError(source, [{ path: '', message: `cannot read the plan file (${(e as NodeJS.ErrnoException).code ?? String(e)}); pass an existing file with -c plan=PATH` }]);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: true });
  } catch (e) {
    const msg = e instanceof YAMLParseError ? e.message.split('\n')[0] : String(e);
    throw new PlanValidationError(source, [{ path: '', message: `is not valid YAML: ${msg}` }]);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new PlanValidationError(source, [{ path: '', message: 'must be a YAML mapping with name, regions, dns, handoff, audiences and knowledgeBase' }]);
  }
  const dir = path.dirname(source);
  const warnings: string[] = [];
  const plan = parsePlan(raw, source, dir, warnings);
  return { plan, source, dir, ...(warnings.length ? { warnings } : {}) };
}
