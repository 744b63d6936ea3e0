/**
 * Acknowledges an emergency alarm so the notifier stops repeating it (plan §5.2: the response has
 * started). The acknowledgement covers the alarm's current ALARM episode only: if the alarm recovers
 * and fires again, repeats resume. Usage:
 *   npx tsx scripts/ack.ts --region ap-southeast-1 --prefix /acme-chat/alerting/ack --alarm <AlarmName> [--by name]
 * Undo: aws ssm delete-parameter --region <region> --name <prefix>/<AlarmName>
 */
import { SSMClient } from '@aws-sdk/client-ssm';
import { acknowledge } from '../lambdas/notify/notify';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const region = arg('region');
  const prefix = arg('prefix');
  const alarm = arg('alarm');
  if (!region || !prefix || !alarm) {
    console.error('usage: npx tsx scripts/ack.ts --region REGION --prefix /PLAN/alerting/ack --alarm ALARM_NAME [--by NAME]');
    process.exitCode = 2;
    return;
  }
  const name = await acknowledge(new SSMClient({ region }), prefix, alarm, arg('by') ?? process.env.USER ?? 'unknown');
  console.log(`acknowledged ${alarm} in ${region} (${name}); repeats stop from the next tick`);
}

void main();
