import * as fs from 'fs';
import * as path from 'path';
import { Command, CommanderError } from 'commander';
import { CliError, credentialsMessage, Io, isCredentialsError, UsageError } from './common';

// The AWS SDK prints a multi-line NodeVersionSupportWarning on every run under Node.js < 22
// (@aws-sdk/core emitWarningIfUnsupportedVersion); this variable is its documented opt-out. The
// README says which Node.js versions the SDK supports. An operator's own setting wins.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/**
 * The `contingency` command. Each file in cli/commands/ is one subcommand: it exports
 * `register(program, io)`, which adds the subcommand and its action. Adding a subcommand is adding
 * one file there; this file finds them.
 *
 * Exit codes: 0 done; 1 the operation failed or found problems (plan errors, AWS errors, missing
 * credentials, failed checks); 2 the command line is wrong (unknown subcommand or flag, missing or
 * bad value). Errors are one line on stderr, never a stack trace (set CONTINGENCY_DEBUG=1 for one).
 */

export interface Subcommand {
  /** Adds the subcommand to `program`. */
  register(program: Command, io: Io): void;
}

const COMMANDS_DIR = path.join(__dirname, 'commands');

/** The subcommand modules, in file-name order. */
export function subcommands(): Subcommand[] {
  return fs
    .readdirSync(COMMANDS_DIR)
    .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'))
    .sort()
    .map((f) => require(path.join(COMMANDS_DIR, f)) as Subcommand);
}

const stdio: Io = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };

/** Builds the program (exported for tests that read its structure). */
export function buildProgram(io: Io = stdio): Command {
  const program = new Command('contingency')
    .description('Operate a chatbot contingency plan: check it, switch DNS, restore, run incidents, acknowledge and test alerts.')
    .showHelpAfterError(false)
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => io.out(s.replace(/\n$/, '')),
      writeErr: (s) => io.err(s.replace(/\n$/, '')),
      // Commander's own errors (unknown flag, missing value): one line, with its suggestion if any.
      outputError: (s, write) => write(`contingency: ${s.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ').trim()}\n`),
    })
    .exitOverride()
    .helpCommand(true);
  for (const c of subcommands()) c.register(program, io);
  for (const sub of program.commands) {
    sub.exitOverride();
  }
  return program;
}

/** Runs the command line; resolves to the exit code (never calls process.exit itself). */
export async function run(argv: readonly string[], io: Io = stdio): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return 0;
  } catch (e) {
    return report(e, io);
  }
}

function report(e: unknown, io: Io): number {
  if (e instanceof CommanderError) {
    // --help and --version are "errors" to commander; they already printed.
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return e.code === 'commander.help' ? 2 : 0;
    return 2;
  }
  if (process.env.CONTINGENCY_DEBUG === '1' && e instanceof Error && e.stack) io.err(e.stack);
  if (e instanceof UsageError) {
    io.err(`contingency: ${e.message}`);
    return 2;
  }
  if (isCredentialsError(e)) {
    io.err(`contingency: ${credentialsMessage(e as Error)}`);
    return 1;
  }
  if (e instanceof Error && (e.name === 'PlanValidationError' || e instanceof CliError)) {
    if (e.message) io.err(e.message);
    return 1;
  }
  const err = e as Error & { $metadata?: { httpStatusCode?: number } };
  const first = String(err?.message ?? e).split('\n')[0];
  io.err(`contingency: ${err?.name && err.name !== 'Error' ? `${err.name}: ` : ''}${first}`);
  return 1;
}

if (require.main === module) {
  void run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
