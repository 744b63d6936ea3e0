import { Match, Template } from 'aws-cdk-lib/assertions';
import { chatbotTableName } from '../../lib/stacks';
import { knowledgeBaseVersion } from '../../lib/chatbot';
import { loadedPlan, loadedPlanWith } from '../helpers/plan';
import { synthPlan, Synthesized } from '../helpers/synth';

let s: Synthesized;
beforeAll(() => {
  s = synthPlan();
});

/** The one resource of a type (under a logical-id prefix: the notifier's outcome table is a global table in the same stack). */
function only(t: Template, type: string, prefix = ''): { logicalId: string; props: Record<string, any> } {
  const found = t.findResources(type);
  const ids = Object.keys(found).filter((id) => id.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return { logicalId: ids[0], props: found[ids[0]].Properties };
}

/** The chatbot data key: the one the alias alias/<plan>/chatbot-data points at. */
function dataKeyId(t: Template): string {
  const alias = Object.values(t.findResources('AWS::KMS::Alias', { Properties: { AliasName: 'alias/acme-chat/chatbot-data' } }))[0] as any;
  return alias.Properties.TargetKeyId['Fn::GetAtt'][0];
}

describe('stacks', () => {
  test('stacks with explicit regions; standby deployed before primary and never after it', () => {
    expect(s.stacks.primary.region).toBe('ap-southeast-1');
    expect(s.stacks.standby.region).toBe('ap-northeast-1');
    expect(s.stacks.global.region).toBe('us-east-1');
    expect(s.stacks.primary.dependencies.map((d) => d.stackName)).toContain('acme-chat-standby');
    expect(s.stacks.standby.dependencies.map((d) => d.stackName)).not.toContain('acme-chat-primary');
  });
  test('plan tags reach every resource', () => {
    s.templates.primary.hasResourceProperties('AWS::KMS::Key', { Tags: Match.arrayWith([{ Key: 'contingency:plan', Value: 'acme-chat' }, { Key: 'project', Value: 'acme-chat' }]) });
  });
});

describe('global table (primary)', () => {
  test('is a global table with a standby replica, each encrypted with its own region\'s CMK', () => {
    const { props } = only(s.templates.primary, 'AWS::DynamoDB::GlobalTable', 'DataTable');
    expect(props.TableName).toBe('acme-chat-chatbot');
    expect(props.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
    const byRegion = Object.fromEntries((props.Replicas as any[]).map((r) => [r.Region, r]));
    expect(Object.keys(byRegion).sort()).toEqual(['ap-northeast-1', 'ap-southeast-1']);
    const keyId = dataKeyId(s.templates.primary);
    expect(byRegion['ap-southeast-1'].SSESpecification.KMSMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    // The standby replica uses the standby stack's key, read through a weak cross-region reference.
    expect(byRegion['ap-northeast-1'].SSESpecification.KMSMasterKeyId).toEqual({
      'Fn::GetStackOutput': { StackName: 'acme-chat-standby', Region: 'ap-northeast-1', OutputName: expect.stringMatching(/DataKey.*Arn/) },
    });
  });
  test('point-in-time recovery, deletion protection and backup tag on every replica', () => {
    const { props } = only(s.templates.primary, 'AWS::DynamoDB::GlobalTable', 'DataTable');
    for (const r of props.Replicas as any[]) {
      expect(r.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 35 });
      expect(r.DeletionProtectionEnabled).toBe(true);
      expect(r.Tags).toEqual(expect.arrayContaining([{ Key: 'contingency:backup', Value: 'acme-chat' }]));
    }
  });
  test('TTL on conversation turns, keys pk/sk, on-demand', () => {
    const { props } = only(s.templates.primary, 'AWS::DynamoDB::GlobalTable', 'DataTable');
    expect(props.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(props.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(props.BillingMode).toBe('PAY_PER_REQUEST');
  });
  test('table and keys are retained on stack deletion; keys rotate', () => {
    const table = s.templates.primary.findResources('AWS::DynamoDB::GlobalTable');
    expect(Object.values(table)[0]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    for (const t of [s.templates.primary, s.templates.standby]) {
      const key = t.findResources('AWS::KMS::Key')[dataKeyId(t)] as any;
      expect(key).toMatchObject({ DeletionPolicy: 'Retain', Properties: { EnableKeyRotation: true } });
      t.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/acme-chat/chatbot-data' });
    }
  });
  test('the table keeps its logical id (a change would replace the stateful table)', () => {
    expect(only(s.templates.primary, 'AWS::DynamoDB::GlobalTable', 'DataTable').logicalId).toBe('DataTableFDBAD0F2');
    expect(dataKeyId(s.templates.primary)).toBe('DataKey2A0DE9E6');
    expect(dataKeyId(s.templates.standby)).toBe('DataKey2A0DE9E6');
  });
  test('the standby creates no table: it uses its replica by name', () => {
    // Its only tables are the notifier's own outcome records; no chatbot data table.
    for (const type of ['AWS::DynamoDB::GlobalTable', 'AWS::DynamoDB::Table']) {
      expect(Object.keys(s.templates.standby.findResources(type)).filter((id) => !id.startsWith('AlertingNotifierOutcomes'))).toEqual([]);
    }
    const fns = Object.values(s.templates.standby.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { DEPLOYMENT_ROLE: 'standby' } } } }));
    expect(fns).toHaveLength(1);
    expect(fns[0].Properties.Environment.Variables.TABLE_NAME).toBe(chatbotTableName(loadedPlan().plan));
  });
});

describe('knowledge-base seed', () => {
  test('puts the plan FAQ as one item, versioned by content', () => {
    const cr = only(s.templates.primary, 'Custom::AWS').props;
    // The call is JSON with the table name spliced in by Fn::Join; put a placeholder in its place.
    const create = JSON.parse(cr.Create['Fn::Join'][1].map((p: unknown) => (typeof p === 'string' ? p : 'TABLE')).join(''));
    expect(create.parameters.TableName).toBe('TABLE');
    expect(create.service).toBe('DynamoDB');
    expect(create.action).toBe('putItem');
    const entries = loadedPlan().plan.knowledgeBase;
    expect(create.parameters.Item.pk).toEqual({ S: 'KB' });
    expect(create.parameters.Item.version).toEqual({ S: knowledgeBaseVersion(entries) });
    expect(JSON.parse(create.parameters.Item.entries.S)).toEqual(entries);
    expect(create.physicalResourceId.id).toBe(`kb-${knowledgeBaseVersion(entries)}`);
  });
  test('content version changes exactly when the FAQ changes', () => {
    const entries = loadedPlan().plan.knowledgeBase;
    expect(knowledgeBaseVersion(entries)).toBe(knowledgeBaseVersion(structuredClone(entries)));
    const edited = structuredClone(entries);
    edited[0].texts.en.answer += '!';
    expect(knowledgeBaseVersion(edited)).not.toBe(knowledgeBaseVersion(entries));
  });
  test('seeding may only PutItem on this table', () => {
    const policies = s.templates.primary.findResources('AWS::IAM::Policy', { Properties: { PolicyName: Match.stringLikeRegexp('CustomResourcePolicy') } });
    const statements = (Object.values(policies)[0] as any).Properties.PolicyDocument.Statement;
    expect(statements).toEqual([{ Action: 'dynamodb:PutItem', Effect: 'Allow', Resource: { 'Fn::GetAtt': ['DataTableFDBAD0F2', 'Arn'] } }]);
  });
  test('the standby does not seed (replication brings the item)', () => {
    s.templates.standby.resourceCountIs('Custom::AWS', 0);
  });
});

describe('global stack', () => {
  test('creates the hosted zone when the plan asks', () => {
    s.templates.global.hasResourceProperties('AWS::Route53::HostedZone', { Name: 'acme-example.com.' });
  });
  test('imports an existing zone instead of creating one', () => {
    const other = synthPlan(loadedPlanWith((p) => (p.dns.zone = { id: 'Z0123456789ABCDEFGHIJ', name: 'acme-example.com' })));
    other.templates.global.resourceCountIs('AWS::Route53::HostedZone', 0);
    expect(other.stacks.global.hostedZone.hostedZoneId).toBe('Z0123456789ABCDEFGHIJ');
  });
});

describe('cross-region references', () => {
  test('are weak (Fn::GetStackOutput) even in an app without this project\'s cdk.json context', () => {
    const { App } = require('aws-cdk-lib');
    const { buildApp } = require('../../lib/app');
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stacks = buildApp(app, loadedPlan(), { nag: false });
    for (const stack of Object.values(stacks) as any[]) {
      const types = Object.values(Template.fromStack(stack).toJSON().Resources as Record<string, any>).map((r) => r.Type);
      expect(types.filter((t) => /CrossRegionExport|ExportsReader|ExportsWriter/.test(t))).toEqual([]);
    }
    expect(JSON.stringify(Template.fromStack(stacks.primary).toJSON())).toContain('Fn::GetStackOutput');
  });
});
