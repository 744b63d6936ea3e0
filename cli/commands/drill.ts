import type { Command } from 'commander';
import { Option } from 'commander';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { AwsOptions, deployedStackName, clientConfig, CliError, drillGroup, Io, loadPlanOption, positiveInt, UsageError, withAws, withExecute } from '../common';

/**
 * `contingency drill run|status|report`: live drills (README "Live drills", docs/live-drills.md).
 * The drill runner is a Step Functions state machine in the plan's failover stack (us-east-1);
 * its ARN and the report bucket come from that stack's outputs unless given.
 * `drill tabletop` (cli/commands/drill-tabletop.ts) rehearses a scenario on this machine, simulated.
 */
export interface DrillOptions extends AwsOptions {
  readonly execute?: boolean;
  readonly stateMachineArn?: string;
  readonly bucket?: string;
  readonly id?: string;
  readonly json?: boolean;
  readonly limit?: number;
}

export interface DrillDeps {
  readonly sfn?: SFNClient;
  readonly cfn?: CloudFormationClient;
  readonly s3?: S3Client;
  /** Now, for the window check and the execution name. */
  readonly now?: () => Date;
}

const REGION = 'us-east-1';

export function register(program: Command, io: Io): void {
  const drill = drillGroup(program);
  const common = (c: Command) =>
    withAws(c, `region of the failover stack (default ${REGION})`).addOption(new Option('--state-machine-arn <arn>', 'the drill runner (default: stack output DrillStateMachineArn of <plan>-failover)'));
  withExecute(common(drill.command('run').description('start a live drill now (it still checks its preconditions: window, health, no open incident)')), 'start the drill').action(async (opts: DrillOptions) => {
    for (const l of await drillRun(opts)) io.out(l);
  });
  common(drill.command('status').description('the latest drill executions and their outcome'))
    .addOption(new Option('--limit <n>', 'how many executions').argParser(positiveInt('--limit')).default(5))
    .action(async (opts: DrillOptions) => {
      for (const l of await drillStatus(opts)) io.out(l);
    });
  withAws(drill.command('report').description('print a drill report (default: the latest)'), `region of the failover stack (default ${REGION})`)
    .addOption(new Option('--id <drill>', 'drill id (the execution name)'))
    .addOption(new Option('--bucket <name>', 'report bucket (default: stack output ReportBucketName of <plan>-global)'))
    .addOption(new Option('--json', 'print the JSON report instead of the Markdown'))
    .action(async (opts: DrillOptions) => {
      for (const l of await drillReport(opts)) io.out(l);
    });
}

async function stackOutput(plan: { name: string }, opts: DrillOptions, deps: DrillDeps, key: string, which: 'failover' | 'global' = 'failover'): Promise<string> {
  const { CloudFormationClient, DescribeStacksCommand } = require('@aws-sdk/client-cloudformation') as typeof import('@aws-sdk/client-cloudformation');
  const cfn = deps.cfn ?? new CloudFormationClient(clientConfig(opts.region ?? REGION, opts));
  const stack = deployedStackName(plan, opts, which);
  const outputs = (await cfn.send(new DescribeStacksCommand({ StackName: stack }))).Stacks?.[0]?.Outputs ?? [];
  const found = outputs.find((o) => o.OutputKey?.startsWith(key))?.OutputValue;
  if (!found) throw new CliError(`contingency: stack ${stack} has no output ${key}: deploy the failover stack of this version, or pass it explicitly`);
  return found;
}

/** `drill run`: dry run prints the drill and the call; --execute starts an execution. */
export async function drillRun(opts: DrillOptions, deps: DrillDeps = {}): Promise<string[]> {
  const { plan } = loadPlanOption(opts);
  const { drillSettings, drillSchedule } = require('../../lib/config/drills') as typeof import('../../lib/config/drills');
  const { fitsInWindow } = require('../../ops/drill/machine') as typeof import('../../ops/drill/machine');
  const s = drillSettings(plan);
  const now = (deps.now ?? (() => new Date()))();
  const name = `manual-${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`;
  const w = s.window;
  const inWindow = fitsInWindow(w, now.toISOString(), s.maxDurationSeconds);
  const { expectsFailover } = require('../../ops/drill/machine') as typeof import('../../ops/drill/machine');
  const out = [
    `drill: ${s.scenario}`,
    expectsFailover(s)
      ? `objective: standby serves the public name ${plan.dns.name} within ${s.objectiveSeconds} s of injection; stop after ${s.maxDurationSeconds} s at most; standby holds ${s.holdSeconds} s before fail-back`
      : `objective: the public name ${plan.dns.name} stays served while the fault is on for ${s.holdSeconds} s; stop after ${s.maxDurationSeconds} s at most`,
    `window: ${w.days.join(',')} ${w.startHour}:00-${w.endHour}:00 ${w.timeZone}; now ${inWindow ? 'inside it' : 'OUTSIDE it: the runner will cancel the drill'}`,
    `schedule: ${drillSchedule(plan).expression} (${w.timeZone})${plan.drills.enabled ? '' : ' DISABLED'}`,
    `told: ${plan.drills.audiences.join(', ')} (customers are not told)`,
  ];
  if (plan.drills.kind === 'fault-injection') out.push(...experimentLines(plan, name));
  if (!opts.execute) {
    out.push(`would run: aws stepfunctions start-execution --state-machine-arn ${opts.stateMachineArn ?? `<output DrillStateMachineArn of ${deployedStackName(plan, opts, 'failover')}>`} --name ${name}`);
    out.push('dry run: nothing started; add --execute to start the drill');
    return out;
  }
  const arn = opts.stateMachineArn ?? (await stackOutput(plan, opts, deps, 'DrillStateMachineArn'));
  const { SFNClient, StartExecutionCommand } = require('@aws-sdk/client-sfn') as typeof import('@aws-sdk/client-sfn');
  const sfn = deps.sfn ?? new SFNClient(clientConfig(opts.region ?? REGION, opts));
  const r = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name, input: '{}' }));
  out.push(`started: ${r.executionArn}`);
  out.push(`follow it: contingency drill status; report when done: contingency drill report --id ${name}`);
  return out;
}

/** What a fault-injection drill's AWS FIS experiment does, and the call the runner makes at injection. */
function experimentLines(plan: import('../../lib/config').Plan, drillId: string): string[] {
  const { DRILL_FAULTS_TAG_KEY, FIS_ACTIONS, FIS_REPORT_PREFIX } = require('../../contracts/names') as typeof import('../../contracts/names');
  const { responseAlarmName } = require('../../contracts/levels') as typeof import('../../contracts/levels');
  const d = plan.drills;
  const seconds = d.maxDurationMinutes * 60;
  const what: Record<string, string> = {
    'lambda-errors': `${d.fis.errorPercentage}% of the chatbot function's invocations fail`,
    'lambda-delay': `every invocation starts ${d.fis.delayMilliseconds} ms late`,
    'replication-pause': 'the chatbot global table stops replicating',
  };
  return [
    `experiment: AWS FIS template tagged ${DRILL_FAULTS_TAG_KEY}=${plan.name} in ${plan.regions.primary} (stack ${plan.name}-primary), each action for at most ${seconds} s:`,
    ...d.faults.map((f) => `  ${FIS_ACTIONS[f]}: ${what[f]}`),
    `  stop conditions: ${responseAlarmName(plan.name, 'us-east-1', 'emergency')} (us-east-1), ${responseAlarmName(plan.name, 'standby', 'severe')} (${plan.regions.standby}); the runner also stops it on its own stop conditions`,
    `  reports: s3://<output ReportBucketName of ${plan.name}-global>/${FIS_REPORT_PREFIX}; logs: the experiment log group in ${plan.regions.primary}`,
    `  at injection the runner calls: aws fis start-experiment --region ${plan.regions.primary} --experiment-template-id <the template tagged ${DRILL_FAULTS_TAG_KEY}=${plan.name}> --client-token ${drillId} --tags ${DRILL_FAULTS_TAG_KEY}=${plan.name},drill=${drillId}`,
  ];
}

/** `drill status`: the latest executions, with the outcome read from each finished one's output. */
export async function drillStatus(opts: DrillOptions, deps: DrillDeps = {}): Promise<string[]> {
  const { plan } = loadPlanOption(opts);
  const arn = opts.stateMachineArn ?? (await stackOutput(plan, opts, deps, 'DrillStateMachineArn'));
  const { SFNClient, ListExecutionsCommand, DescribeExecutionCommand } = require('@aws-sdk/client-sfn') as typeof import('@aws-sdk/client-sfn');
  const sfn = deps.sfn ?? new SFNClient(clientConfig(opts.region ?? REGION, opts));
  const list = await sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, maxResults: opts.limit ?? 5 }));
  const out: string[] = [];
  for (const e of list.executions ?? []) {
    let detail = '';
    if (e.status !== 'RUNNING') {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn: e.executionArn! }));
      try {
        const o = JSON.parse(d.output ?? d.error ?? '{}') as { state?: { phase?: string; abort?: { condition: string } } };
        if (o.state) detail = ` phase ${o.state.phase}${o.state.abort ? `, aborted (${o.state.abort.condition})` : ''}`;
      } catch {
        /* output not ours */
      }
      if (!detail && d.error) detail = ` ${d.error}`;
    }
    out.push(`${e.name}  ${e.status}  started ${e.startDate?.toISOString() ?? '?'}${e.stopDate ? `  stopped ${e.stopDate.toISOString()}` : ''}${detail}`);
  }
  if (!out.length) out.push(`no drill has run yet on ${arn}`);
  return out;
}

/** `drill report`: the Markdown (or JSON) report of one drill, the latest by default. */
export async function drillReport(opts: DrillOptions, deps: DrillDeps = {}): Promise<string[]> {
  const { plan } = loadPlanOption(opts);
  if (opts.id !== undefined && !/^[A-Za-z0-9_-]{1,80}$/.test(opts.id)) throw new UsageError(`--id must be a drill id (letters, digits, _ and -), got "${opts.id}"`);
  const bucket = opts.bucket ?? (await stackOutput(plan, opts, deps, 'ReportBucketName', 'global'));
  const { S3Client, ListObjectsV2Command, GetObjectCommand } = require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
  const { DRILL_REPORT_PREFIX } = require('../../contracts/names') as typeof import('../../contracts/names');
  const s3 = deps.s3 ?? new S3Client(clientConfig(opts.region ?? REGION, opts));
  const reports: { key: string; modified: number }[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: DRILL_REPORT_PREFIX, ...(token ? { ContinuationToken: token } : {}) }));
    for (const o of page.Contents ?? []) if (/\/\d{4}\/[^/]+\.json$/.test(o.Key!)) reports.push({ key: o.Key!, modified: o.LastModified?.getTime() ?? 0 });
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  const chosen = opts.id ? reports.find((r) => r.key.endsWith(`/${opts.id}.json`)) : reports.sort((a, b) => b.modified - a.modified)[0];
  if (!chosen) throw new CliError(`contingency: ${opts.id ? `no report for drill ${opts.id}` : 'no drill report yet'} in s3://${bucket}/${DRILL_REPORT_PREFIX}`);
  const key = opts.json ? chosen.key : chosen.key.replace(/\.json$/, '.md');
  const body = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString();
  return [`# s3://${bucket}/${key}`, ...body.replace(/\n$/, '').split('\n')];
}
