import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { FORMATTED_ATTRIBUTE as HANDLER_ATTRIBUTE } from '../../lambdas/notify/notify';
import { FORMATTED_ATTRIBUTE, Notifier, WarningTopics } from '../../lib/alerting';
import { loadedPlan } from '../helpers/plan';

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

describe('Notifier voice calls (§4.3.1 聲音提示)', () => {
  const ORIGIN = 'arn:aws:sms-voice:ap-southeast-1:123456789012:phone-number/phone-0123456789abcdef0123456789abcdef';

  test('may call only from the plan number; the number region and the phones reach the function', () => {
    const s = stack();
    new Notifier(s, 'N', { topics: new WarningTopics(s, 'T', { displayPrefix: 'x' }), planName: 'x', healthRunbook: 'r', voice: { originationIdentity: ORIGIN, phones: ['+85291234567'], language: 'en' } });
    const t = Template.fromStack(s).toJSON() as { Resources: Record<string, { Type: string; Properties: any }> };
    const statements = Object.values(t.Resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .flatMap((r) => r.Properties.PolicyDocument.Statement);
    const voice = statements.filter((st: any) => JSON.stringify(st.Action).includes('sms-voice'));
    expect(voice).toEqual([{ Action: 'sms-voice:SendVoiceMessage', Effect: 'Allow', Resource: ORIGIN }]);
    const fn = Object.values(t.Resources).find((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.NOTIFIER_CONFIG)!;
    const env = JSON.stringify(fn.Properties.Environment.Variables.NOTIFIER_CONFIG);
    expect(env).toContain(`\\"voice\\":{\\"originationIdentity\\":\\"${ORIGIN}\\",\\"region\\":\\"ap-southeast-1\\",\\"phones\\":[\\"+85291234567\\"],\\"language\\":\\"en\\",\\"voiceId\\":\\"JOANNA\\",\\"maxPricePerMinute\\":\\"0.10\\"}`);
  });

  test('without voice settings the function cannot call anyone', () => {
    const s = stack();
    new Notifier(s, 'N', { topics: new WarningTopics(s, 'T', { displayPrefix: 'x' }), planName: 'x', healthRunbook: 'r' });
    expect(JSON.stringify(Template.fromStack(s).toJSON())).not.toContain('sms-voice');
  });

  test('rejects an origination that is not an ARN and a call list that is empty', () => {
    const s = stack();
    expect(() => new Notifier(s, 'N', { topics: new WarningTopics(s, 'T', { displayPrefix: 'x' }), planName: 'x', healthRunbook: 'r', voice: { originationIdentity: '+85230001234', phones: [] } })).toThrow(
      /voice\.originationIdentity must be the ARN of an End User Messaging phone number or pool, got: \+85230001234; voice\.phones must name at least one number/,
    );
  });
});

test('the subscription filters and the notifier agree on the formatted-message attribute', () => {
  expect(FORMATTED_ATTRIBUTE).toBe(HANDLER_ATTRIBUTE);
});

describe('plan alerting.voice', () => {
  test('defaults: Chinese, a 0.10 USD/min cap, the on-call SMS numbers are called when phones is empty', () => {
    const { plan } = loadedPlan({ alerting: { voice: { originationIdentity: 'arn:aws:sms-voice:ap-southeast-1:123456789012:pool/pool-abc' } } as never });
    expect(plan.alerting.voice).toEqual({ originationIdentity: 'arn:aws:sms-voice:ap-southeast-1:123456789012:pool/pool-abc', phones: [], language: 'zh', maxPricePerMinute: '0.10' });
  });
  test('a phone number given where the ARN belongs is refused with the fix', () => {
    expect(() => loadedPlan({ alerting: { voice: { originationIdentity: '+85230001234' } } as never })).toThrow(/alerting\.voice\.originationIdentity.*must be the ARN of an AWS End User Messaging phone number or pool/);
  });
});
