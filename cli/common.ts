import { Command, Option } from 'commander';
import type { LoadedPlan } from '../lib/config/loader';

/**
 * What every subcommand shares: the plan option, AWS client settings, the dry-run switch, and the
 * errors the entry point turns into one line and an exit code (see cli/main.ts).
 */

/** A mistake on the command line (exit 2), reported as one line without a stack. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A failure the operator must act on (exit 1), reported as its message only (nothing more when empty: the command already said why). */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** Options every subcommand has. */
export interface PlanOptions {
  readonly plan?: string;
}

/** Options of subcommands that call AWS. */
export interface AwsOptions extends PlanOptions {
  readonly region?: string;
  readonly endpointUrl?: string;
  /** Prefix of the deployed stack names (`--stack-prefix`). @default the plan's name */
  readonly stackPrefix?: string;
}

/** Where a subcommand writes its output (tests pass their own). */
export interface Io {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

export const PLAN_OPTION_HELP = 'plan file (YAML or JSON)';

/** Adds `--plan FILE` (default: the example plan shipped with the package). */
export function withPlan(cmd: Command): Command {
  return cmd.addOption(new Option('--plan <file>', `${PLAN_OPTION_HELP} (default: the example plan plans/example.yaml)`));
}

/** Adds `--endpoint-url` (an emulator such as moto_server, for tests and rehearsals) and `--stack-prefix`. */
export function withEndpoint(cmd: Command): Command {
  return withPlan(cmd)
    .addOption(new Option('--endpoint-url <url>', 'send every AWS call to this endpoint (an emulator); default: the real AWS endpoints'))
    .addOption(
      new Option(
        '--stack-prefix <prefix>',
        'prefix of the deployed stack names, as in <prefix>-global; default: the plan name (under a CDK Stage the construct uses <stage>-<plan name>, or its stackNamePrefix)',
      ).argParser(stackPrefixArg),
    );
}

function stackPrefixArg(raw: string): string {
  // CloudFormation stack names: letters, digits and hyphens, starting with a letter, at most 128 characters.
  if (!/^[A-Za-z][A-Za-z0-9-]{0,100}$/.test(raw)) {
    throw new UsageError(`--stack-prefix must start with a letter and hold only letters, digits and hyphens (a CloudFormation stack name), got "${raw}"`);
  }
  return raw;
}

/** The deployed name of one of the plan's stacks (`global`, `primary`, `standby`, `failover`). */
export function deployedStackName(plan: { readonly name: string }, opts: { readonly stackPrefix?: string }, role: 'global' | 'primary' | 'standby' | 'failover'): string {
  return `${opts.stackPrefix ?? plan.name}-${role}`;
}

/** Adds `--region` and `--endpoint-url`. */
export function withAws(cmd: Command, regionHelp: string): Command {
  return withEndpoint(cmd).addOption(new Option('--region <region>', regionHelp));
}

/** Adds `--execute`: without it, commands that change anything only print what they would do. */
export function withExecute(cmd: Command, what: string): Command {
  return cmd.addOption(new Option('--execute', `really ${what}; without it this is a dry run that changes nothing`));
}

/** Loads and validates the plan; loaded lazily so `--help` stays fast. */
export function loadPlanOption(opts: PlanOptions): LoadedPlan {
  const { loadPlan, EXAMPLE_PLAN_PATH } = require('../lib/config/loader') as typeof import('../lib/config/loader');
  return loadPlan(opts.plan ?? EXAMPLE_PLAN_PATH);
}

/** Client settings for one region (and the emulator endpoint when given). */
export function clientConfig(region: string, opts: AwsOptions): { region: string; endpoint?: string } {
  return { region, ...(opts.endpointUrl ? { endpoint: opts.endpointUrl } : {}) };
}

/** A positive integer option value, or a usage error naming the option and the value. */
export function positiveInt(name: string): (raw: string) => number {
  return (raw: string) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${name} must be a positive whole number, got "${raw}"`);
    return n;
  };
}

const CREDENTIAL_ERRORS = new Set([
  'CredentialsProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'TokenRefreshRequired',
]);

/** True for the AWS SDK's "no or bad credentials" errors. */
export function isCredentialsError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  return CREDENTIAL_ERRORS.has(e.name) || /Could not load credentials|credential.*(expired|not found)|security token.*(invalid|expired)/i.test(e.message);
}

/** The one line printed for missing or rejected credentials. */
export function credentialsMessage(e: Error): string {
  const why = e.name === 'CredentialsProviderError' || /Could not load credentials/i.test(e.message) ? 'no AWS credentials found' : `AWS rejected the credentials (${e.name})`;
  return `${why}: this command calls AWS. Set AWS_PROFILE (e.g. after "aws sso login") or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, and try again`;
}

/**
 * The `drill` command group, shared by the live-drill subcommands (commands/drill.ts, which never
 * load the CDK) and `drill tabletop` (commands/drill-tabletop.ts, which synthesizes the plan):
 * whichever registers first creates it.
 */
export function drillGroup(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'drill') ??
    program.command('drill').description('rehearse the plan (chapter 9): tabletop drills on this machine, live drills in the account (start one, see how they went, read their reports)')
  );
}
