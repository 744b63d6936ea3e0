import type { Command } from 'commander';
import { Argument } from 'commander';
import { AwsOptions, clientConfig, Io, loadPlanOption, withAws, withExecute } from '../common';

/**
 * `contingency failover fail-over|to-fallback|fail-back [--execute]`: the operator's manual switch
 * (README "Forcing failover"). Inverting a Route 53 health check makes DNS fail over exactly as in
 * a real outage. Without --execute it reads the checks and prints the calls it would make.
 */
export const SWITCHES = ['fail-over', 'to-fallback', 'fail-back'] as const;
export type Switch = (typeof SWITCHES)[number];

interface FailoverOptions extends AwsOptions {
  readonly execute?: boolean;
}

export function register(program: Command, io: Io): void {
  const cmd = program
    .command('failover')
    .description('force DNS to the standby (fail-over), to the human-agent page (to-fallback), or back (fail-back) by inverting Route 53 health checks')
    .addArgument(new Argument('<action>', 'what to do').choices(SWITCHES));
  withExecute(withAws(cmd, 'Route 53 API region (global service; default us-east-1)'), 'update the health checks').action(async (action: Switch, opts: FailoverOptions) => {
    for (const line of await failover(action, opts)) io.out(line);
  });
}

/** Runs a switch; returns the lines to print. */
export async function failover(action: Switch, opts: FailoverOptions): Promise<string[]> {
  const { plan } = loadPlanOption(opts);
  const { Route53Client } = (require('@aws-sdk/client-route-53') as typeof import('@aws-sdk/client-route-53'));
  const { expectedTarget, runSwitch } = (require('../../ops/failover') as typeof import('../../ops/failover'));
  const { planFailoverChain, worstCaseChainSeconds } = (require('../../lib/config/objectives') as typeof import('../../lib/config/objectives'));
  const r53 = new Route53Client(clientConfig(opts.region ?? 'us-east-1', opts));
  const result = await runSwitch(r53, plan.name, action, opts.execute ?? false);
  const out: string[] = [];
  if (result.commands.length === 0) out.push(`nothing to do: the checks are already in the "${action}" state`);
  for (const c of result.commands) {
    const ep = result.before.find((b) => b.id === c.HealthCheckId)!.endpoint;
    out.push(`${result.executed ? 'updated' : 'would run'}: aws route53 update-health-check --health-check-id ${c.HealthCheckId} ${c.Inverted ? '--inverted' : '--no-inverted'}   # ${ep}`);
  }
  out.push(`${plan.dns.name} will answer with: ${expectedTarget(result.after)} within ${worstCaseChainSeconds(planFailoverChain(plan))} s at worst (detection + TTL)`);
  if (!result.executed && result.commands.length > 0) out.push('dry run: nothing changed; add --execute to apply');
  return out;
}
