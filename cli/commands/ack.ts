import * as os from 'os';
import type { Command } from 'commander';
import { Option } from 'commander';
import { AwsOptions, clientConfig, Io, loadPlanOption, UsageError, withAws, withExecute } from '../common';

/**
 * `contingency ack --alarm NAME --execute`: acknowledges an emergency alarm so the notifier stops
 * repeating it (plan §5.2: the response has started). It covers the alarm's current ALARM episode
 * only: if the alarm recovers and fires again, repeats resume. Repeated alerts print this command.
 * Undo: aws ssm delete-parameter --region REGION --name PARAMETER (the name it prints).
 */
interface AckOptions extends AwsOptions {
  readonly alarm?: string;
  readonly prefix?: string;
  readonly by?: string;
  readonly execute?: boolean;
}

export function register(program: Command, io: Io): void {
  const cmd = program
    .command('ack')
    .description('acknowledge an emergency alarm so its repeats stop (its current ALARM episode only)')
    .addOption(new Option('--alarm <name>', 'alarm name, as shown in the alert (required)'))
    .addOption(new Option('--prefix <path>', 'SSM parameter path of acknowledgements (default: /<plan name>/alerting/ack)'))
    .addOption(new Option('--by <name>', 'who acknowledges (default: your user name)'));
  withExecute(withAws(cmd, 'region of the notifier repeating the alarm (default: the plan\'s primary region)'), 'write the acknowledgement').action(async (opts: AckOptions) => {
    for (const line of await ack(opts)) io.out(line);
  });
}

export async function ack(opts: AckOptions, now: Date = new Date()): Promise<string[]> {
  if (!opts.alarm) throw new UsageError('ack needs --alarm NAME: the alarm name shown in the repeated alert');
  const { plan } = loadPlanOption(opts);
  const region = opts.region ?? plan.regions.primary;
  const prefix = opts.prefix ?? `/${plan.name}/alerting/ack`;
  const by = opts.by ?? os.userInfo().username;
  const { ackParameterName, acknowledge } = (require('../../lambdas/notify/notify') as typeof import('../../lambdas/notify/notify'));
  if (!opts.execute) {
    const name = ackParameterName(prefix, opts.alarm);
    return [`would write: SSM parameter ${name} in ${region} = ${now.toISOString()} (acknowledged by ${by})`, 'dry run: nothing changed; add --execute to acknowledge'];
  }
  const { SSMClient } = (require('@aws-sdk/client-ssm') as typeof import('@aws-sdk/client-ssm'));
  const name = await acknowledge(new SSMClient(clientConfig(region, opts)), prefix, opts.alarm, by, now);
  return [`acknowledged ${opts.alarm} in ${region} (${name}); repeats stop from the next tick`, `undo: aws ssm delete-parameter --region ${region} --name ${name}`];
}
