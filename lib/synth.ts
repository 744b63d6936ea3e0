import * as fs from 'fs';
import * as path from 'path';
import type { App } from 'aws-cdk-lib';
import { PlanValidationError } from './config';

/** What a synth run tells the user: success, or the lines to print (never a stack trace unless asked). */
export interface SynthOutcome {
  readonly ok: boolean;
  readonly lines: string[];
}

/** Lines of an error message that are stack frames or frame summaries, not the user's business. */
const FRAME = /^\s*(at .+|\.\.\..+\.\.\.)$/;

function describe(e: unknown, outdir: string, debug: boolean): string[] {
  const lines: string[] = [];
  if (e instanceof PlanValidationError) {
    lines.push(e.message);
  } else {
    const err = e instanceof Error ? e : new Error(String(e));
    const message = err.message
      .split('\n')
      .filter((l) => !FRAME.test(l))
      .join('\n')
      // The report copy is removed with everything else synth wrote.
      .replace(/ ?A copy of this report can be found in: \S+/, '')
      .trimEnd();
    lines.push(/^Validation failed/.test(message) ? `synth failed: ${message} (rule packs and synth-time checks)` : `synth failed: ${message}`);
    if (debug && err.stack) lines.push(err.stack);
    else lines.push('(run with -c debug=true to see where it failed)');
  }
  lines.push(`Nothing was written: ${outdir} is empty.`);
  return lines;
}

/** Removes everything synth wrote to the output folder, except the CDK CLI's lock files. */
export function emptyOutputFolder(outdir: string): void {
  if (!fs.existsSync(outdir)) return;
  for (const entry of fs.readdirSync(outdir)) {
    if (entry.endsWith(".lock")) continue;
    fs.rmSync(path.join(outdir, entry), { recursive: true, force: true });
  }
}

/**
 * Builds and synthesizes the app, turning every failure (plan, bundling, construct validation,
 * validation plugins such as cdk-nag and the synth-time limits, error annotations) into plain lines
 * for the user and an empty output folder, so no half-written templates or assets are left to be
 * deployed by mistake. The caller prints the lines and sets the exit code.
 */
export function synthOrReport(app: App, build: () => void, opts: { debug?: boolean } = {}): SynthOutcome {
  try {
    build();
    const assembly = app.synth();
    const errors = assembly.stacks.flatMap((s) => s.messages.filter((m) => m.level === 'error').map((m) => `  - ${m.id}: ${String(m.entry.data)}`));
    if (errors.length) {
      emptyOutputFolder(app.outdir);
      return { ok: false, lines: [`synth failed: ${errors.length} error${errors.length === 1 ? '' : 's'} in the construct tree:`, ...errors, `Nothing was written: ${app.outdir} is empty.`] };
    }
    return { ok: true, lines: [] };
  } catch (e) {
    emptyOutputFolder(app.outdir);
    return { ok: false, lines: describe(e, app.outdir, opts.debug ?? false) };
  }
}

/** The line aws-cdk-lib writes to stderr before bundling each asset. */
const BUNDLING_LINE = /^Bundling asset \S+\.\.\.\r?\n?$/;

/**
 * Runs `build` with aws-cdk-lib's per-asset "Bundling asset …" lines held back, and returns how
 * many assets were bundled, so the caller can print one progress line for the whole step. Other
 * stderr output (esbuild warnings and errors) passes through.
 */
export function countingBundles<T>(build: () => T): { result: T; bundled: number } {
  let bundled = 0;
  const original = process.stderr.write;
  process.stderr.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
    if (typeof chunk === 'string' && BUNDLING_LINE.test(chunk)) {
      bundled++;
      return true;
    }
    return (original as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof process.stderr.write;
  try {
    return { result: build(), bundled };
  } finally {
    process.stderr.write = original;
  }
}
