#!/usr/bin/env -S npx tsx
/**
 * Operator's manual failover switch, for drills and maintenance (README "Forcing failover").
 *
 *   npx tsx scripts/failover.ts status                      # which checks are inverted, where DNS points
 *   npx tsx scripts/failover.ts fail-over   [--execute]     # primary → standby
 *   npx tsx scripts/failover.ts to-fallback [--execute]     # → human-agent fallback site
 *   npx tsx scripts/failover.ts fail-back   [--execute]     # back to the primary
 *
 * Options: -c plan=PATH (default plans/example.yaml) to pick the plan, --endpoint-url URL for a
 * Route 53 emulator. Without --execute nothing changes: it prints the calls it would make.
 */
import { Route53Client } from '@aws-sdk/client-route-53';
import { EXAMPLE_PLAN_PATH, loadPlan, planFailoverChain, worstCaseChainSeconds } from '../lib/config';
import { expectedTarget, findHealthChecks, runSwitch, SWITCH_ACTIONS, SwitchAction } from '../ops/failover';

export interface CliArgs {
  readonly command: 'status' | SwitchAction;
  readonly execute: boolean;
  readonly planPath: string;
  readonly endpointUrl?: string;
}

const USAGE = `usage: scripts/failover.ts status|${SWITCH_ACTIONS.join('|')} [--execute] [-c plan=PATH] [--endpoint-url URL]`;

export function parseArgs(argv: readonly string[]): CliArgs {
  let command: string | undefined;
  let execute = false;
  let planPath = EXAMPLE_PLAN_PATH;
  let endpointUrl: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--execute') execute = true;
    else if (a === '-c' && argv[i + 1]?.startsWith('plan=')) planPath = argv[++i].slice('plan='.length);
    else if (a === '--endpoint-url' && argv[i + 1]) endpointUrl = argv[++i];
    else if (!a.startsWith('-') && command === undefined) command = a;
    else throw new Error(`unknown argument "${a}"\n${USAGE}`);
  }
  if (command !== 'status' && !SWITCH_ACTIONS.includes(command as SwitchAction)) throw new Error(`missing or unknown command "${command ?? ''}"\n${USAGE}`);
  return { command: command as CliArgs['command'], execute, planPath, ...(endpointUrl ? { endpointUrl } : {}) };
}

/** Runs the CLI; returns the lines it prints (so tests can read them). */
export async function main(argv: readonly string[], client?: Route53Client): Promise<string[]> {
  const args = parseArgs(argv);
  const { plan } = loadPlan(args.planPath);
  const r53 = client ?? new Route53Client({ region: 'us-east-1', ...(args.endpointUrl ? { endpoint: args.endpointUrl } : {}) });
  const out: string[] = [];
  if (args.command === 'status') {
    const checks = await findHealthChecks(r53, plan.name);
    for (const c of checks) out.push(`${c.endpoint}: health check ${c.id}${c.inverted ? ' INVERTED (forced unhealthy while the endpoint works)' : ''}`);
    const inverted = { primary: checks.some((c) => c.endpoint === 'primary' && c.inverted), standby: checks.some((c) => c.endpoint === 'standby' && c.inverted) };
    out.push(`${plan.dns.name} answers with: ${expectedTarget(inverted)} (if the real endpoints are healthy)`);
    return out;
  }
  const result = await runSwitch(r53, plan.name, args.command, args.execute);
  if (result.commands.length === 0) out.push(`nothing to do: the checks are already in the "${args.command}" state`);
  for (const c of result.commands) {
    const ep = result.before.find((b) => b.id === c.HealthCheckId)!.endpoint;
    out.push(`${result.executed ? 'updated' : 'would run'}: aws route53 update-health-check --health-check-id ${c.HealthCheckId} ${c.Inverted ? '--inverted' : '--no-inverted'}   # ${ep}`);
  }
  out.push(`${plan.dns.name} will answer with: ${expectedTarget(result.after)} within ${worstCaseChainSeconds(planFailoverChain(plan))} s at worst (detection + TTLs)`);
  if (!result.executed && result.commands.length > 0) out.push('dry run: nothing changed; add --execute to apply');
  return out;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (lines) => lines.forEach((l) => console.log(l)),
    (e: Error) => {
      console.error(e.message);
      process.exit(1);
    },
  );
}
