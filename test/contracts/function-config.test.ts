import { App, Stack } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  chatbotConfig,
  FunctionConfig,
  FunctionConfigError,
  incidentsConfig,
  notifierConfig,
  restoreValidatorConfig,
  restoreWatchConfig,
  sentinelConfig,
  drillRunnerConfig,
  observerConfig,
  surveyConfig,
} from '../../contracts';
import { functionEnvironment } from '../../lib/shared/function-environment';
import { loadedPlan } from '../helpers/plan';
import { synthPlan } from '../helpers/synth';

/** Each function's contract by its Powertools service name (the POWERTOOLS_SERVICE_NAME the construct sets). */
const CONTRACTS: Record<string, FunctionConfig<any>> = Object.fromEntries(
  [chatbotConfig, notifierConfig, incidentsConfig, restoreValidatorConfig, restoreWatchConfig, sentinelConfig, drillRunnerConfig, observerConfig, surveyConfig].map((c) => [c.service, c]),
);

/** Resolves CloudFormation intrinsics to stand-in strings, as they would be plain strings at run time. */
function materialise(v: unknown): string {
  if (typeof v === 'string') return v;
  const o = v as Record<string, unknown>;
  if ('Fn::Join' in o) {
    const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
    return parts.map(materialise).join(sep);
  }
  if ('Ref' in o) return `ref-${String(o.Ref)}`;
  if ('Fn::GetAtt' in o) return `att-${(o['Fn::GetAtt'] as string[]).join('-')}`;
  if ('Fn::ImportValue' in o || 'Fn::GetStackOutput' in o) return 'imported';
  if ('Fn::Select' in o || 'Fn::Split' in o || 'Fn::Sub' in o) return 'resolved';
  throw new Error(`unexpected intrinsic ${JSON.stringify(v)}`);
}

describe('every synthesized function environment parses with its handler’s contract', () => {
  const { templates } = synthPlan();
  const seen = new Set<string>();
  for (const [name, template] of Object.entries(templates)) {
    test(`${name} stack`, () => {
      const fns = template.findResources('AWS::Lambda::Function');
      for (const [id, fn] of Object.entries(fns)) {
        const vars = (fn.Properties?.Environment?.Variables ?? {}) as Record<string, unknown>;
        const service = vars.POWERTOOLS_SERVICE_NAME as string | undefined;
        if (!service) continue; // not a project function (custom-resource providers)
        const contract = CONTRACTS[service];
        expect({ id, service, known: contract !== undefined }).toEqual({ id, service, known: true });
        const env = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, materialise(v)]));
        env.AWS_REGION = 'ap-southeast-1';
        expect(() => contract.fromEnvironment(env)).not.toThrow();
        // Nothing written that the contract does not know (besides the house variables).
        const extra = Object.keys(vars).filter((k) => !contract.environmentNames.includes(k) && k !== 'POWERTOOLS_SERVICE_NAME' && k !== 'NODE_OPTIONS');
        expect({ id, extra }).toEqual({ id, extra: [] });
        seen.add(service);
      }
    });
  }
  test('all six functions were found', () => expect([...seen].sort()).toEqual(Object.keys(CONTRACTS).sort()));
  test('values are written as before the contracts existed (the deployed environment did not change)', () => {
    const { plan } = loadedPlan();
    const chat = Object.values(templates.primary.findResources('AWS::Lambda::Function')).find((f) => f.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === 'chatbot')!;
    const v = chat.Properties.Environment.Variables;
    expect(v).toMatchObject({
      DEPLOYMENT_ROLE: 'primary',
      HEALTH_TOKEN: plan.chatbot.healthToken,
      MATCH_THRESHOLD: String(plan.chatbot.matchThreshold),
      CONVERSATION_TTL_HOURS: String(plan.chatbot.conversationTtlHours),
      HANDOFF_CONTACTS: JSON.stringify(plan.handoff),
    });
    const validator = Object.values(templates.primary.findResources('AWS::Lambda::Function')).find((f) => f.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === 'restore-validator')!;
    expect(validator.Properties.Environment.Variables).toMatchObject({
      ITEM_COUNT_TOLERANCE_PERCENT: String(plan.backup.itemCountTolerancePercent),
      SENTINEL_INTERVAL_MINUTES: String(plan.backup.sentinelIntervalMinutes),
    });
  });
});

describe('handler side: one clear line naming the variable', () => {
  const good = {
    AWS_REGION: 'ap-southeast-1',
    TABLE_NAME: 't',
    DEPLOYMENT_ROLE: 'primary',
    HEALTH_TOKEN: 'CHATBOT_HEALTHY',
    MATCH_THRESHOLD: '0.3',
    CONVERSATION_TTL_HOURS: '24',
    HANDOFF_CONTACTS: JSON.stringify({ teamName: { 'zh-Hant': '客服', en: 'Support' }, phone: '+852 1', chatUrl: 'https://x', hours: { 'zh-Hant': '全天', en: '24/7' } }),
    BOT_PHRASES: JSON.stringify({ languages: ['zh-Hant', 'en'], noMatch: { 'zh-Hant': '轉接', en: 'Handing off' }, degraded: { 'zh-Hant': '應急', en: 'Contingency' } }),
  };
  const message = (env: Record<string, string | undefined>) => {
    try {
      chatbotConfig.fromEnvironment(env);
    } catch (e) {
      expect(e).toBeInstanceOf(FunctionConfigError);
      return (e as Error).message;
    }
    throw new Error('expected a FunctionConfigError');
  };
  test('a good environment parses to typed values', () => {
    expect(chatbotConfig.fromEnvironment(good)).toMatchObject({ region: 'ap-southeast-1', tableName: 't', role: 'primary', threshold: 0.3, ttlHours: 24 });
  });
  test.each([
    [{ TABLE_NAME: undefined }, /^chatbot configuration: environment variable TABLE_NAME is required but not set; /],
    [{ MATCH_THRESHOLD: 'high' }, /^chatbot configuration: environment variable MATCH_THRESHOLD must be a number, got "high"; /],
    [{ MATCH_THRESHOLD: '5' }, /^chatbot configuration: environment variable MATCH_THRESHOLD must be between 0 and 1, got "5"; /],
    [{ DEPLOYMENT_ROLE: 'secondary' }, /^chatbot configuration: environment variable DEPLOYMENT_ROLE must be one of "primary", "standby", got "secondary"; /],
    [{ HANDOFF_CONTACTS: '{' }, /^chatbot configuration: environment variable HANDOFF_CONTACTS must be JSON, got "\{"; /],
    [{ HANDOFF_CONTACTS: '{"phone":"1"}' }, /environment variable HANDOFF_CONTACTS is invalid at teamName: must be a record, got /],
    [{ BOT_PHRASES: '{"languages":[],"noMatch":{},"degraded":{}}' }, /environment variable BOT_PHRASES must list at least one language at languages, got /],
  ])('%j', (override, expected) => {
    const m = message({ ...good, ...override });
    expect(m).toMatch(expected);
    expect(m).not.toContain('\n');
  });
  test('every contract names its service and the variable', () => {
    expect(() => restoreValidatorConfig.fromEnvironment({ AWS_REGION: 'ap-southeast-1', SOURCE_TABLE_NAME: 't', ITEM_COUNT_TOLERANCE_PERCENT: '101', SENTINEL_INTERVAL_MINUTES: '5' })).toThrow(
      /^restore-validator configuration: environment variable ITEM_COUNT_TOLERANCE_PERCENT must be between 0 and 100, got "101"/,
    );
    expect(() => sentinelConfig.fromEnvironment({ TABLE_NAME: 't' })).toThrow(/^backup-sentinel configuration: environment variable AWS_REGION is required but not set; it is set by the Lambda runtime/);
    expect(() => restoreWatchConfig.fromEnvironment({ RESTORE_TESTING_PLAN_NAME: 'p', RESTORE_TESTING_PLAN_ARN: 'a', LOOKBACK_DAYS: '1.5' })).toThrow(/LOOKBACK_DAYS must be whole days, got "1.5"/);
    expect(() => incidentsConfig.fromEnvironment({ TABLE_NAME: 't', RETENTION_DAYS: '400', ALARM_LEVELS: '[{"arn":"a","level":"important"}]' })).toThrow(
      /^incidents configuration: environment variable ALARM_LEVELS is invalid at 0\.level: must be one of "general", "severe", "emergency", got /,
    );
    expect(() => notifierConfig.fromEnvironment({ NOTIFIER_CONFIG: '{}' })).toThrow(/^notifier configuration: environment variable NOTIFIER_CONFIG is invalid at planName: must be a string, got /);
  });
  test('an optional variable may be absent', () => {
    expect(incidentsConfig.fromEnvironment({ TABLE_NAME: 't', RETENTION_DAYS: '400', ALARM_LEVELS: '[]' }).publish).toBeUndefined();
  });
});

describe('construct side (lib/shared/function-environment.ts)', () => {
  const stack = new Stack(new App(), 'S', { env: { region: 'ap-southeast-1' } });
  const topic = new sns.Topic(stack, 'T');
  test('a value the handler would refuse fails at synth, naming the construct and the variable', () => {
    expect(() =>
      functionEnvironment(stack, restoreValidatorConfig, { sourceTable: 't', itemCountTolerancePercent: 150, sentinelIntervalMinutes: 5 }),
    ).toThrow(/^S: restore-validator configuration: environment variable ITEM_COUNT_TOLERANCE_PERCENT \(itemCountTolerancePercent\) must be between 0 and 100, got "150"/);
  });
  test('values serialise as the handler reads them; tokens inside JSON resolve at deploy', () => {
    const env = functionEnvironment(stack, incidentsConfig, { tableName: 'tbl', retentionDays: 400, alarmLevels: [{ arn: topic.topicArn, level: 'severe' }] });
    expect(env.TABLE_NAME).toBe('tbl');
    expect(env.RETENTION_DAYS).toBe('400');
    expect(stack.resolve(env.ALARM_LEVELS)).toEqual({ 'Fn::Join': ['', ['[{"arn":"', { Ref: expect.stringMatching(/^T/) }, '","level":"severe"}]']] });
    expect(env).not.toHaveProperty('PUBLISH_CONFIG');
  });
  test('the Lambda-provided AWS_REGION is never written by the construct', () => {
    expect(functionEnvironment(stack, sentinelConfig, { tableName: 'tbl' })).toEqual({ TABLE_NAME: 'tbl' });
  });
});
