import type { Command } from 'commander';
import { AwsOptions, deployedStackName, clientConfig, Io, loadPlanOption, withAws } from '../common';

/**
 * `contingency status`: which health checks are inverted (forced unhealthy by `failover`) and
 * where DNS points when the endpoints are healthy. Reads only.
 */
export function register(program: Command, io: Io): void {
  withAws(program.command('status').description('show the failover switch state: inverted health checks and where DNS answers (reads only)'), 'Route 53 API region (global service; default us-east-1)').action(
    async (opts: AwsOptions) => {
      for (const line of await status(opts)) io.out(line);
    },
  );
}

export async function status(opts: AwsOptions): Promise<string[]> {
  const { plan } = loadPlanOption(opts);
  const { Route53Client } = (require('@aws-sdk/client-route-53') as typeof import('@aws-sdk/client-route-53'));
  const { expectedTarget, findHealthChecks } = (require('../../ops/failover') as typeof import('../../ops/failover'));
  const r53 = new Route53Client(clientConfig(opts.region ?? 'us-east-1', opts));
  const checks = await findHealthChecks(r53, plan.name);
  const out: string[] = [];
  if (checks.length === 0) out.push(`no health checks tagged contingency:plan=${plan.name}: is the ${deployedStackName(plan, opts, 'failover')} stack deployed?`);
  for (const c of checks) out.push(`${c.endpoint}: health check ${c.id}${c.inverted ? ' INVERTED (forced unhealthy while the endpoint works)' : ''}`);
  const inverted = { primary: checks.some((c) => c.endpoint === 'primary' && c.inverted), standby: checks.some((c) => c.endpoint === 'standby' && c.inverted) };
  if (checks.length > 0) out.push(`${plan.dns.name} answers with: ${expectedTarget(inverted)} (if the real endpoints are healthy)`);
  return out;
}
