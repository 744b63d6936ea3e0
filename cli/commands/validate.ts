import type { Command } from 'commander';
import { Io, loadPlanOption, PlanOptions, withPlan } from '../common';

/** `contingency validate`: checks the plan offline (no credentials) and summarizes what it asks for. */
export function register(program: Command, io: Io): void {
  withPlan(program.command('validate').description('check the plan file offline (no AWS call, no credentials) and summarize it')).action((opts: PlanOptions) => {
    const { plan, source } = loadPlanOption(opts);
    const { planFailoverChain, worstCaseChainSeconds } = require('../../lib/config/objectives') as typeof import('../../lib/config/objectives');
    const worst = worstCaseChainSeconds(planFailoverChain(plan));
    io.out(`plan ${plan.name} (${source}) is valid`);
    io.out(`  regions: primary ${plan.regions.primary}, standby ${plan.regions.standby}; global resources in us-east-1`);
    io.out(`  customers reach: ${plan.dns.name} (zone ${plan.dns.zone.name}${'id' in plan.dns.zone ? ` ${plan.dns.zone.id}` : ', created by the plan'})`);
    io.out(`  failover: worst case ${worst} s to the standby or the human-agent page; RTO ${plan.objectives.rtoMinutes} min`);
    io.out(`  audiences: ${Object.keys(plan.audiences).join(', ')}`);
  });
}
