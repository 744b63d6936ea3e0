import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ConversationCanary } from '../../lib/canaries';
import { canaryProbes } from '../../lib/config/canaries';
import { FIXED_PRICES, fixedMonthlyCost } from '../../lib/cost';
import { loadedPlan } from '../helpers/plan';

// The contingency cost report prices AWS::Synthetics::Canary by its schedule: checked against a hand
// computation for each schedule the README lists.
const { plan } = loadedPlan();

function canaryStack(everyMinutes: number) {
  const stack = new Stack(new App(), `Canary${everyMinutes}`, { env: { region: 'us-east-1', account: '111111111111' } });
  new ConversationCanary(stack, 'Canary', { url: 'https://chat.example.com/chat', regions: ['us-east-1'], probes: canaryProbes(plan), everyMinutes, subject: 'test' });
  return { stackName: stack.stackName, region: 'us-east-1', template: Template.fromStack(stack).toJSON() };
}

describe('canary runs in the cost report', () => {
  test('the price is $0.0012 a run, from the CloudWatch pricing page', () => {
    expect(FIXED_PRICES.canaryRun).toMatchObject({ usd: 0.0012, unit: 'canary run', source: 'https://aws.amazon.com/cloudwatch/pricing/' });
  });

  test.each([
    // minutes, runs a month (730 h × 60 / minutes), dollars a month (runs × $0.0012)
    [1, 43_800, 52.56],
    [5, 8_760, 10.512],
    [15, 2_920, 3.504],
    [30, 1_460, 1.752],
    [60, 730, 0.876],
  ])('every %i min: %i runs, $%d a month per canary (plus its alarm)', (minutes, runs, usd) => {
    const report = fixedMonthlyCost([canaryStack(minutes)]);
    const line = report.lines.find((l) => l.item === 'Synthetics canary runs')!;
    expect(line).toMatchObject({ resources: 1, quantity: runs, unitUsd: 0.0012 });
    expect(line.monthlyUsd).toBeCloseTo(usd, 9);
    expect(line.detail).toMatch(new RegExp(`rate\\(${minutes} minutes?\\)`));
    // The canary's one alarm is priced too (a standard single-metric alarm); its buckets and role are free.
    expect(report.lines.find((l) => l.item.startsWith('CloudWatch alarms'))).toMatchObject({ quantity: 1, monthlyUsd: 0.1 });
    expect(report.totalUsd).toBe(Math.round((usd + 0.1) * 100) / 100);
  });
});
