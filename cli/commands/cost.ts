import * as fs from 'fs';
import * as path from 'path';
import { Command, Option } from 'commander';
import type { CostReport } from '../../lib/cost/report';
import type { StackTemplate } from '../../lib/assembly/templates';
import type { UsageInputs } from '../../lib/cost/usage';
import { contactVolumes, planSecrets } from '../../lib/cost/plan-inputs';
import { Io, loadPlanOption, PlanOptions, UsageError, withPlan } from '../common';

/**
 * `contingency cost`: the monthly list price of what the plan deploys, read from the synthesized
 * templates (fixed items by region) plus the usage drivers with their formulas. Offline: no AWS
 * call. Synthesizing loads aws-cdk-lib, so it is required inside the action only (the other
 * subcommands never load it); `--assembly cdk.out` reads an existing synth without the CDK.
 */

interface CostOptions extends PlanOptions {
  readonly assembly?: string;
  readonly json?: boolean;
  readonly requests?: number;
  readonly avgDurationMs?: number;
  readonly tableGb?: number;
  readonly alerts?: number;
  readonly voiceMinutes?: number;
}

function nonNegative(name: string): (raw: string) => number {
  return (raw: string) => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`${name} must be a number of 0 or more, got "${raw}"`);
    return n;
  };
}

export function register(program: Command, io: Io): void {
  withPlan(program.command('cost').description('monthly list price of what the plan deploys: fixed items by region from the synthesized templates, and the usage drivers with their formulas (offline)'))
    .addOption(new Option('--assembly <dir>', 'read the templates of an existing synth (e.g. cdk.out) instead of synthesizing the plan'))
    .addOption(new Option('--json', 'print the report as JSON (every line, driver and price with its source)'))
    .addOption(new Option('--requests <n>', 'chatbot requests a month (prices the request driver)').argParser(nonNegative('--requests')))
    .addOption(new Option('--avg-duration-ms <n>', 'average chatbot function duration in ms (default 300, an assumption)').argParser(nonNegative('--avg-duration-ms')))
    .addOption(new Option('--table-gb <n>', 'size of the customer-data table in GB (prices storage, PITR, backups, copies, restore tests)').argParser(nonNegative('--table-gb')))
    .addOption(new Option('--alerts <n>', 'alerts a month reaching every SMS number and e-mail address').argParser(nonNegative('--alerts')))
    .addOption(new Option('--voice-minutes <n>', 'voice call minutes a month to every voice phone').argParser(nonNegative('--voice-minutes')))
    .action((opts: CostOptions) => {
      const report = cost(opts);
      if (opts.json) io.out(JSON.stringify(report, null, 2));
      else {
        const { renderCostReport } = require('../../lib/cost/report') as typeof import('../../lib/cost/report');
        for (const line of renderCostReport(report)) io.out(line);
      }
    });
}

export { contactVolumes, planSecrets } from '../../lib/cost/plan-inputs';

/** The cost report for the options (exported for tests). */
export function cost(opts: CostOptions): CostReport {
  const loaded = loadPlanOption(opts);
  const { plan } = loaded;
  let stacks: StackTemplate[];
  if (opts.assembly) {
    const { readAssembly } = require('../../lib/assembly/templates') as typeof import('../../lib/assembly/templates');
    try {
      stacks = readAssembly(opts.assembly);
    } catch (e) {
      throw new UsageError(`--assembly: ${(e as Error).message}`);
    }
    const names = new Set(stacks.map((s) => s.stackName));
    const missing = ['global', 'primary', 'standby', 'failover'].map((r) => `${plan.name}-${r}`).filter((n) => !names.has(n));
    if (missing.length) throw new UsageError(`--assembly ${opts.assembly} does not hold the plan's stacks (${missing.join(', ')} missing): synthesize the same plan, or leave out --assembly`);
  } else {
    const { synthesizeTemplates } = require('../../lib/cost/synthesize') as typeof import('../../lib/cost/synthesize');
    stacks = synthesizeTemplates(loaded, cdkContext());
  }
  const { costReport } = require('../../lib/cost/report') as typeof import('../../lib/cost/report');
  const inputs: UsageInputs = {
    ...(opts.requests !== undefined ? { requestsPerMonth: opts.requests } : {}),
    ...(opts.avgDurationMs !== undefined ? { avgDurationMs: opts.avgDurationMs } : {}),
    ...(opts.tableGb !== undefined ? { tableGb: opts.tableGb } : {}),
    ...(opts.alerts !== undefined ? { alertsPerMonth: opts.alerts } : {}),
    ...(opts.voiceMinutes !== undefined ? { voiceMinutesPerMonth: opts.voiceMinutes } : {}),
  };
  return costReport(stacks, { contacts: contactVolumes(plan), inputs, external: { secrets: planSecrets(plan) } });
}

/** The feature flags of the package's cdk.json, so the report synthesizes what `cdk synth` does. */
function cdkContext(): Record<string, unknown> {
  const file = path.join(__dirname, '..', '..', 'cdk.json');
  if (!fs.existsSync(file)) return {};
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { context?: Record<string, unknown> }).context ?? {};
}
