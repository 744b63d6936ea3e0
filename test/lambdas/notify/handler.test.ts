import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { SNSClient, PublishCommand } from '@aws-sdk/client-sns';
import { GetParametersByPathCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { ALARM, CFG } from './fixtures';

const cw = mockClient(CloudWatchClient);
const ssm = mockClient(SSMClient);
const sns = mockClient(SNSClient);

/** EMF lines Powertools printed, as parsed objects. */
function emf(spy: jest.SpyInstance): Record<string, unknown>[] {
  return spy.mock.calls
    .flatMap((c) => String(c[0]).split('\n'))
    .filter((l) => l.includes('"_aws"'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('notifier handler', () => {
  let handler: typeof import('../../../lambdas/notify/handler').handler;
  let log: jest.SpyInstance;

  beforeAll(async () => {
    process.env.NOTIFIER_CONFIG = JSON.stringify(CFG);
    process.env.AWS_REGION = 'ap-southeast-1';
    ({ handler } = await import('../../../lambdas/notify/handler'));
  });
  beforeEach(() => {
    cw.reset();
    ssm.reset();
    sns.reset();
    // Powertools writes EMF and logs to stdout/stderr through its own Console.
    log = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => jest.restoreAllMocks());

  test('a tick with nothing to repeat beats the heartbeat and reports no failures', async () => {
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [], CompositeAlarms: [] });
    ssm.on(GetParametersByPathCommand).resolves({ Parameters: [] });
    await expect(handler({ source: 'aws.events', 'detail-type': 'Scheduled Event' })).resolves.toEqual({ failures: 0 });
    const out = emf(log);
    expect(out.some((m) => m.NotifierHeartbeat === 1 && m.service === 'notifier')).toBe(true);
    expect(cw.commandCalls(DescribeAlarmsCommand)[0].args[0].input).toMatchObject({ StateValue: 'ALARM', ActionPrefix: CFG.topics.emergency });
  });

  test('a tick that cannot read alarms fails without a heartbeat (so the heartbeat alarm fires)', async () => {
    cw.on(DescribeAlarmsCommand).rejects(new Error('AccessDenied'));
    await expect(handler({ source: 'aws.events', 'detail-type': 'Scheduled Event' })).rejects.toThrow('AccessDenied');
    expect(emf(log).some((m) => 'NotifierHeartbeat' in m)).toBe(false);
  });

  test('an alarm whose publish fails counts as a delivery failure', async () => {
    sns.on(PublishCommand).rejects(new Error('KMS AccessDenied'));
    const event = { Records: [{ Sns: { TopicArn: CFG.topics.general, Message: JSON.stringify(ALARM) } }] } as never;
    await expect(handler(event)).resolves.toEqual({ failures: 1 });
    expect(emf(log).some((m) => m.DeliveryFailures === 1)).toBe(true);
    const input = sns.commandCalls(PublishCommand)[0].args[0].input;
    expect(input.MessageAttributes).toEqual({ contingency_formatted: { DataType: 'String', StringValue: 'true' } });
    expect(JSON.parse(input.Message!).sms).toContain('一般預警 GENERAL ALARM');
  });
});
