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

/** The schedule's event as EventBridge sends it: the rule ARN in `resources`. */
const TICK = { source: 'aws.events', 'detail-type': 'Scheduled Event', time: '2026-11-23T12:05:00Z', resources: [CFG.tickRuleArn] };

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
    await expect(handler(TICK)).resolves.toEqual({ failures: 0 });
    const out = emf(log);
    expect(out.some((m) => m.NotifierHeartbeat === 1 && m.service === 'notifier')).toBe(true);
    expect(cw.commandCalls(DescribeAlarmsCommand)[0].args[0].input).toMatchObject({ StateValue: 'ALARM', ActionPrefix: CFG.topics.emergency });
  });

  test('a tick that cannot read alarms fails without a heartbeat (so the heartbeat alarm fires)', async () => {
    cw.on(DescribeAlarmsCommand).rejects(new Error('AccessDenied'));
    await expect(handler(TICK)).rejects.toThrow('AccessDenied');
    expect(emf(log).some((m) => 'NotifierHeartbeat' in m)).toBe(false);
  });

  test.each([
    ['an empty console test event', {}],
    ['a scheduled event from another rule', { ...TICK, resources: ['arn:aws:events:ap-southeast-1:123456789012:rule/someone-elses-rule'] }],
    ['a scheduled event without resources', { source: 'aws.events', 'detail-type': 'Scheduled Event' }],
    ['null', null],
    ['a string', 'hello'],
  ])('%s is not a tick: no heartbeat, no repeats, no throw', async (_name, event) => {
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: 'e', StateValue: 'ALARM', AlarmActions: [CFG.topics.emergency], StateUpdatedTimestamp: new Date() }] });
    ssm.on(GetParametersByPathCommand).resolves({ Parameters: [] });
    await expect(handler(event)).resolves.toEqual({ failures: 0, ignored: true });
    expect(emf(log).some((m) => 'NotifierHeartbeat' in m)).toBe(false);
    expect(cw.commandCalls(DescribeAlarmsCommand)).toHaveLength(0);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  test('records without Sns are reported and skipped; the alert in the same event is still sent', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm' });
    const event = { Records: [{ EventSource: 'aws:sqs' }, { Sns: { TopicArn: 42, Message: null } }, { Sns: { TopicArn: CFG.topics.general, Message: JSON.stringify(ALARM) } }] };
    await expect(handler(event)).resolves.toEqual({ failures: 0 });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
    const lines = [...log.mock.calls, ...(process.stderr.write as unknown as jest.SpyInstance).mock.calls].map((c) => String(c[0])).join('\n');
    expect(lines).toContain('record 0 is not an SNS notification: it has no Sns field');
    expect(lines).toContain('record 1 is not an SNS notification: Sns.TopicArn is number 42, Sns.Message is null');
    const malformed = emf(log).flatMap((m) => ('MalformedEvents' in m ? [m.MalformedEvents].flat() : [])) as number[];
    expect(malformed.reduce((a, b) => a + b, 0)).toBe(2);
  });

  test('an alarm whose publish fails counts as a delivery failure of kind email-sms, and Lambda retries it', async () => {
    sns.on(PublishCommand).rejects(new Error('KMS AccessDenied'));
    const event = { Records: [{ Sns: { TopicArn: CFG.topics.general, Message: JSON.stringify(ALARM) } }] } as never;
    await expect(handler(event)).rejects.toThrow('1 channel(s) failed: level topic: publish failed (Error)');
    expect(emf(log).some((m) => m.DeliveryFailures === 1)).toBe(true);
    expect(emf(log).some((m) => m.ChannelDeliveryFailures === 1 && m.kind === 'email-sms' && m.audience === 'general subscribers' && m.service === 'notifier')).toBe(true);
    const input = sns.commandCalls(PublishCommand)[0].args[0].input;
    expect(input.MessageAttributes).toEqual({ contingency_formatted: { DataType: 'String', StringValue: 'true' } });
    expect(JSON.parse(input.Message!).sms).toContain('一般預警 GENERAL ALARM');
  });
});
