import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { FORMATTED_ATTRIBUTE as HANDLER_ATTRIBUTE } from '../../lambdas/notify/notify';
import { FORMATTED_ATTRIBUTE, Notifier, WarningTopics } from '../../lib/alerting';

const stack = () => new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'S', { env: { region: 'eu-west-1' } });

describe('construct prop validation (every error at once, with the value and the rule)', () => {
  test('WarningTopics rejects malformed phones and e-mail addresses', () => {
    expect(
      () =>
        new WarningTopics(stack(), 'T', {
          displayPrefix: 'x',
          recipients: { general: { emails: ['not-an-address'], phones: [] }, important: { emails: [], phones: ['12345'] }, emergency: { emails: [], phones: [] } },
        }),
    ).toThrow(/recipients\.general\.emails must be e-mail addresses, got: not-an-address; recipients\.important\.phones must be E\.164 numbers such as "\+85291234567", got: 12345/);
  });

  test('Notifier rejects a heartbeat shorter than two ticks, a delivery budget over 60 s and secret ARNs', () => {
    const s = stack();
    const topics = new WarningTopics(s, 'T', { displayPrefix: 'x' });
    expect(
      () =>
        new Notifier(s, 'N', {
          topics,
          planName: 'x',
          healthRunbook: 'r',
          repeatEvery: Duration.minutes(10),
          heartbeatSilence: Duration.minutes(15),
          deliveryTimeoutSeconds: 30,
          deliveryAttempts: 3,
          webhooks: { general: [{ kind: 'slack', secretName: 'arn:aws:secretsmanager:eu-west-1:1:secret:x', audience: 'ops' }], important: [], emergency: [] },
        }),
    ).toThrow(/heartbeatSilence must be at least twice repeatEvery \(10 min\), got: 15 min; deliveryTimeoutSeconds × deliveryAttempts plus backoff must fit in 60 s, got: 30 s × 3; webhooks\.general secretName must be a secret name, not an ARN/);
  });

  test('Notifier defaults: 5-minute tick, 15-minute heartbeat, no webhook secrets granted when none are given', () => {
    const s = stack();
    new Notifier(s, 'N', { topics: new WarningTopics(s, 'T', { displayPrefix: 'x' }), planName: 'x', healthRunbook: 'r' });
    const t = Template.fromStack(s);
    t.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(5 minutes)' });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'NotifierHeartbeat', Period: 900 });
    expect(JSON.stringify(t.toJSON())).not.toContain('secretsmanager:GetSecretValue');
  });
});

test('the subscription filters and the notifier agree on the formatted-message attribute', () => {
  expect(FORMATTED_ATTRIBUTE).toBe(HANDLER_ATTRIBUTE);
});
