import { App, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { ChatbotRollout, MAX_ROLLOUT_ALARMS, ROLLOUT_CONFIGS } from '../../lib/chatbot';
import { ROLLOUT_STRATEGIES } from '../../lib/config/schema';
import { StatusPage } from '../../lib/incidents';
import { DeadLetters } from '../../lib/shared';

// One validation rule per test, on small stacks (no plan synth).
const stack = () => new Stack(new App(), 'S', { env: { region: 'us-east-1', account: '123456789012' } });

describe('DeadLetters', () => {
  test('retention must be within the SQS limits (1 minute to 14 days)', () => {
    expect(() => new DeadLetters(stack(), 'D', { purpose: 'x events', retention: Duration.days(15) })).toThrow(/retention must be between 1 minute and 14 days .* got: 1296000 s/);
    expect(() => new DeadLetters(stack(), 'D', { purpose: 'x events', retention: Duration.seconds(30) })).toThrow(/retention must be between/);
  });
});

describe('ChatbotRollout', () => {
  function alias(s: Stack) {
    const fn = new lambda.Function(s, 'Fn', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>1') });
    return new lambda.Alias(s, 'Live', { aliasName: 'live', version: fn.currentVersion });
  }
  const alarms = (s: Stack, n: number) =>
    Array.from({ length: n }, (_, i) => new cloudwatch.Alarm(s, `A${i}`, { metric: new cloudwatch.Metric({ namespace: 'N', metricName: `M${i}` }), threshold: 1, evaluationPeriods: 1 }));
  test(`alarms must number 1 to ${MAX_ROLLOUT_ALARMS} (CodeDeploy's limit)`, () => {
    const s1 = stack();
    expect(() => new ChatbotRollout(s1, 'R', { alias: alias(s1), alarms: alarms(s1, MAX_ROLLOUT_ALARMS + 1) })).toThrow(/alarms must list 1 to 10 alarms .* got: 11/);
    const s2 = stack();
    expect(() => new ChatbotRollout(s2, 'R', { alias: alias(s2), alarms: [] })).toThrow(/got: 0/);
    const s3 = stack();
    expect(() => new ChatbotRollout(s3, 'R', { alias: alias(s3), alarms: alarms(s3, MAX_ROLLOUT_ALARMS) })).not.toThrow();
  });
});

describe('rollout strategies', () => {
  test('every plan strategy maps to the CodeDeploy configuration of its name', () => {
    const names = Object.fromEntries(ROLLOUT_STRATEGIES.map((st) => [st, stack().resolve(ROLLOUT_CONFIGS[st].deploymentConfigName)]));
    expect(names).toEqual({
      'canary-10-percent-5-minutes': 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
      'canary-10-percent-15-minutes': 'CodeDeployDefault.LambdaCanary10Percent15Minutes',
      'linear-10-percent-every-minute': 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute',
      'all-at-once': 'CodeDeployDefault.LambdaAllAtOnce',
    });
  });
});

describe('StatusPage domain', () => {
  const page = (name: string) => {
    const s = stack();
    const zone = new route53.PublicHostedZone(s, 'Z', { zoneName: 'example.com' });
    return () => new StatusPage(s, 'P', { texts: undefined as never, timeZone: 'UTC', domain: { name, zone } });
  };
  test('the name must be a lower-case DNS name', () => expect(page('Status_Page')).toThrow(/domain.name must be a lower-case DNS name .* got: Status_Page/));
  test("the name must fit ACM's 64 characters", () => expect(page(`${'a'.repeat(60)}.example.com`)).toThrow(/at most 64 characters .* got 72/));
});
