/** One problem found in a plan: where it is, and what is wrong with how to fix it. */
export interface PlanIssue {
  /** Dotted path into the plan, e.g. `regions.standby` or `knowledgeBase[2].id`. */
  readonly path: string;
  /** The rule, the value seen and the fix. */
  readonly message: string;
}

/**
 * Thrown when a plan is invalid. Lists every problem, not just the first, so a user fixes the file
 * in one pass. Never calls `process.exit`: the CLI entry point decides how to exit.
 */
export class PlanValidationError extends Error {
  public readonly issues: readonly PlanIssue[];
  public readonly source: string;

  constructor(source: string, issues: readonly PlanIssue[]) {
    const lines = issues.map((i) => `  - ${i.path || '(plan)'}: ${i.message}`);
    super(`plan ${source} is invalid (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`);
    this.name = 'PlanValidationError';
    this.issues = issues;
    this.source = source;
  }
}

/** Renders a zod-style path (array of keys and indexes) as `a.b[2].c`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}
