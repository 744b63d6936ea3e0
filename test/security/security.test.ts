import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { WIDGET_HEALTH_PATH } from '../../contracts/widget';
import { WIDGET_HEALTH_THROTTLE } from '../../lib/chatbot';
import { parsePlan, PlanValidationError } from '../../lib/config';
import { RESTORE_TEST_TABLE_PREFIX } from '../../lib/backup/restore-validator';
import { ROLLBACK_INDICATORS } from '../../lib/stacks';
import { loadedPlan, patchedInput } from '../helpers/plan';
import { acknowledgements, synthPlan, Synthesized } from '../helpers/synth';

// Issue 10 "Security": one shared synth of the example plan; every test reads its templates.
let s: Synthesized;
beforeAll(() => {
  s = synthPlan();
});

type Role = 'primary' | 'standby' | 'global' | 'failover';
const ROLES: Role[] = ['primary', 'standby', 'global', 'failover'];
const stackOf = (r: Role): Stack => s.stacks[r];
const resources = (t: Template, type: string): [string, any][] => Object.entries(t.findResources(type));
const idOf = (stack: Stack, c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as never);
const statementsOf = (r: any): any[] => (r.Properties.KeyPolicy ?? r.Properties.PolicyDocument).Statement;

/** Allow statements of resource policies (keys, topics, queues) whose principal is an AWS service. */
function serviceGrants(t: Template): { resource: string; type: string; services: string[]; st: any }[] {
  const out: { resource: string; type: string; services: string[]; st: any }[] = [];
  for (const type of ['AWS::KMS::Key', 'AWS::SNS::TopicPolicy', 'AWS::SQS::QueuePolicy']) {
    for (const [id, r] of resources(t, type)) {
      for (const st of statementsOf(r)) {
        if (st.Effect === 'Allow' && st.Principal?.Service) out.push({ resource: id, type, services: [st.Principal.Service].flat(), st });
      }
    }
  }
  return out;
}

describe('service principals are conditioned on the source (topics, keys, queues of all four stacks)', () => {
  test('every service-principal grant in a key, topic or queue policy names its source account or source ARN', () => {
    let checked = 0;
    for (const r of ROLES) {
      for (const g of serviceGrants(s.templates[r])) {
        const keys = Object.values(g.st.Condition ?? {}).flatMap((c: any) => Object.keys(c));
        expect({ stack: r, resource: g.resource, keys }).toEqual({ stack: r, resource: g.resource, keys: expect.arrayContaining([expect.stringMatching(/^aws:Source(Arn|Account)$/)]) });
        checked++;
      }
    }
    // Guards against a vacuous pass: the alerting key and four topics of three stacks, and the DLQ policies.
    expect(checked).toBeGreaterThanOrEqual(18);
  });

  test('EventBridge is in no topic or key policy; CloudWatch only for alarms of the same account and region', () => {
    for (const r of ROLES) {
      for (const g of serviceGrants(s.templates[r]).filter((x) => x.type !== 'AWS::SQS::QueuePolicy')) {
        expect(g.services).toEqual(['cloudwatch.amazonaws.com']);
        expect(g.st.Condition.StringEquals).toEqual({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
        expect(g.st.Condition.ArnLike).toEqual({
          'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':alarm:*']] },
        });
      }
    }
  });

  test('each warning topic (three levels and direct) lets CloudWatch publish, conditioned; the alerting key likewise', () => {
    for (const r of ['primary', 'standby', 'global'] as const) {
      const stack = stackOf(r);
      const topics = s.stacks[r].alerting.topics;
      const t = s.templates[r];
      for (const topic of [...Object.values(topics.topics), topics.direct]) {
        const ref = { Ref: idOf(stack, topic) };
        const policy = resources(t, 'AWS::SNS::TopicPolicy').find(([, p]) => JSON.stringify(p.Properties.Topics) === JSON.stringify([ref]));
        expect(policy).toBeDefined();
        const cw = statementsOf(policy![1]).find((st) => st.Principal?.Service === 'cloudwatch.amazonaws.com');
        expect(cw).toMatchObject({ Effect: 'Allow', Action: 'sns:Publish', Resource: ref, Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } });
      }
      // The topics' key is the region's operations key: in the global stack, or the region's incident key stack.
      const keyStack = r === 'global' ? stack : s.stacks.incidentKeys[r]!;
      const key = Template.fromStack(keyStack).findResources('AWS::KMS::Key')[idOf(keyStack, topics.key as never)];
      const kcw = statementsOf(key).find((st) => st.Principal?.Service === 'cloudwatch.amazonaws.com');
      expect(kcw.Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
      expect(kcw.Condition.ArnLike['aws:SourceArn']).toBeDefined();
    }
  });

  test('the failover stack owns no alerting topic, key or queue (its alarms publish to the global topics); only the live drills\' announcements', () => {
    // The drill runner announces drills to their audiences on a topic of its own (docs/live-drills.md).
    for (const type of ['AWS::SNS::Topic', 'AWS::KMS::Key', 'AWS::SQS::Queue']) expect(resources(s.templates.failover, type).map(([id]) => id).filter((id) => !id.startsWith('Drills'))).toEqual([]);
    // That topic is encrypted with the us-east-1 operations key (global stack), whose service statements are conditioned (above).
    const [[, topic]] = resources(s.templates.failover, 'AWS::SNS::Topic');
    expect(JSON.stringify(topic.Properties.KmsMasterKeyId)).toContain(idOf(s.stacks.global, s.stacks.global.incidentKey as never));
  });

  test('the AWS Health rule publishes with a role whose trust is limited to rules of this account and region', () => {
    for (const r of ['primary', 'standby', 'global'] as const) {
      const t = s.templates[r];
      const [, rule] = resources(t, 'AWS::Events::Rule').find(([, x]) => x.Properties.EventPattern?.source?.[0] === 'aws.health')!;
      const roleId = rule.Properties.Targets[0].RoleArn['Fn::GetAtt'][0];
      const trust = t.findResources('AWS::IAM::Role')[roleId].Properties.AssumeRolePolicyDocument.Statement[0];
      expect(trust.Principal).toEqual({ Service: 'events.amazonaws.com' });
      expect(trust.Condition.StringEquals).toEqual({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
      expect(JSON.stringify(trust.Condition.ArnLike['aws:SourceArn'])).toContain(':rule/*');
      // The role, not a topic policy, carries sns:Publish, on the level topic only.
      const pol = resources(t, 'AWS::IAM::Policy').find(([, p]) => p.Properties.Roles.some((x: any) => x.Ref === roleId))![1];
      const publish = pol.Properties.PolicyDocument.Statement.find((st: any) => st.Action === 'sns:Publish');
      expect(publish.Resource).toEqual({ Ref: idOf(stackOf(r), s.stacks[r].alerting.topic(loadedPlan().plan.alerting.healthEventLevel)) });
    }
  });
});

describe('knowledge-base seed role', () => {
  test('no managed policy; logs only on its own log group', () => {
    const t = s.templates.primary;
    const [roleId, role] = resources(t, 'AWS::IAM::Role').find(([id]) => id.startsWith('KnowledgeBaseProviderRole'))!;
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    // The custom-resource provider function runs as this role.
    const fn = resources(t, 'AWS::Lambda::Function').find(([, f]) => f.Properties.Role?.['Fn::GetAtt']?.[0] === roleId);
    expect(fn).toBeDefined();
    const logGroupId = resources(t, 'AWS::Logs::LogGroup').find(([id]) => id.startsWith('KnowledgeBaseLogs'))![0];
    const statements = resources(t, 'AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((x: any) => x.Ref === roleId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    const logs = statements.filter((st) => [st.Action].flat().some((a: string) => a.startsWith('logs:')));
    expect(logs.length).toBeGreaterThan(0);
    for (const st of logs) expect(st.Resource).toEqual({ 'Fn::GetAtt': [logGroupId, 'Arn'] });
    // Nothing else on Resource "*".
    for (const st of statements) expect(st.Resource).not.toBe('*');
  });

  test('no acknowledgement of AWSLambdaBasicExecutionRole remains anywhere', () => {
    const acks = acknowledgements(s.app).filter((a) => a.id.includes('AWSLambdaBasicExecutionRole'));
    expect(acks).toEqual([]);
  });
});

describe('restore validator', () => {
  test('reads only the live table and restore-test tables (awsbackup-restore-test-*), never table/*', () => {
    for (const r of ['primary', 'standby'] as const) {
      const t = s.templates[r];
      const roleId = idOf(stackOf(r), s.stacks[r].backup.validator.function.role);
      const statements = resources(t, 'AWS::IAM::Policy')
        .filter(([, p]) => p.Properties.Roles.some((x: any) => x.Ref === roleId))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement)
        .filter((st: any) => [st.Action].flat().includes('dynamodb:Scan'));
      const resourcesJson = statements.map((st: any) => JSON.stringify(st.Resource));
      expect(resourcesJson.join()).toContain(`:table/${RESTORE_TEST_TABLE_PREFIX}*`);
      expect(resourcesJson.join()).not.toMatch(/:table\/\*"/);
    }
  });
});

describe('dropped events land in a dead-letter queue with an alarm', () => {
  function dlq(r: Role, which: 'incidents' | 'validator') {
    const stack = stackOf(r) as any;
    const dl = which === 'incidents' ? stack.incidents.deadLetters : stack.backup.validator.deadLetters;
    return { queueId: idOf(stack, dl.queue), alarmId: idOf(stack, dl.alarm), fnId: idOf(stack, which === 'incidents' ? stack.incidents.fn : stack.backup.validator.function.fn) };
  }

  test.each([
    ['global', 'incidents'],
    ['primary', 'incidents'],
    ['standby', 'incidents'],
    ['primary', 'validator'],
    ['standby', 'validator'],
  ] as const)('%s %s: every rule target, the async on-failure destination and the alarm', (r, which) => {
    const t = s.templates[r];
    const { queueId, alarmId, fnId } = dlq(r, which);
    const queueArn = { 'Fn::GetAtt': [queueId, 'Arn'] };
    // Every EventBridge target of the function has the DLQ.
    const targets = resources(t, 'AWS::Events::Rule')
      .flatMap(([, rule]) => rule.Properties.Targets ?? [])
      .filter((x: any) => JSON.stringify(x.Arn).includes(fnId));
    expect(targets.length).toBeGreaterThan(0);
    for (const x of targets) expect(x.DeadLetterConfig).toEqual({ Arn: queueArn });
    // Failed asynchronous invocations (after Lambda's retries) go to the same queue.
    const invoke = resources(t, 'AWS::Lambda::EventInvokeConfig').find(([, c]) => c.Properties.FunctionName.Ref === fnId)![1];
    expect(invoke.Properties.DestinationConfig.OnFailure.Destination).toEqual(queueArn);
    // The queue: encrypted at rest and TLS-only.
    const queue = t.findResources('AWS::SQS::Queue')[queueId];
    expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    const qp = resources(t, 'AWS::SQS::QueuePolicy').find(([, p]) => JSON.stringify(p.Properties.Queues) === JSON.stringify([{ Ref: queueId }]))![1];
    expect(statementsOf(qp)).toEqual(expect.arrayContaining([expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]));
    // One waiting message raises the important level.
    const alarm = t.findResources('AWS::CloudWatch::Alarm')[alarmId].Properties;
    expect(alarm).toMatchObject({ MetricName: 'ApproximateNumberOfMessagesVisible', Namespace: 'AWS/SQS', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expect(alarm.Dimensions).toEqual([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }]);
    const important = { Ref: idOf(stackOf(r), (stackOf(r) as any).alerting.topic('important')) };
    expect(alarm.AlarmActions).toEqual([important]);
  });

  test('the incident stream mapping sends failed batches to the queue', () => {
    const t = s.templates.global;
    const { queueId, fnId } = dlq('global', 'incidents');
    const [, esm] = resources(t, 'AWS::Lambda::EventSourceMapping').find(([, m]) => m.Properties.FunctionName.Ref === fnId)!;
    expect(esm.Properties.DestinationConfig.OnFailure.Destination).toEqual({ 'Fn::GetAtt': [queueId, 'Arn'] });
  });
});

describe('encryption claims', () => {
  test('the reports bucket (ten-year retention) uses its own rotated customer-managed key; logical ids unchanged', () => {
    const t = s.templates.global;
    const sp = s.stacks.global.statusPage;
    const bucketId = idOf(s.stacks.global, sp.reports);
    const keyId = idOf(s.stacks.global, sp.reportsKey);
    // Stateful resources keep their logical ids (a new id would replace the bucket and lose the reports).
    expect(bucketId).toBe('StatusPageReportsE9E77201');
    const sse = t.findResources('AWS::S3::Bucket')[bucketId].Properties.BucketEncryption.ServerSideEncryptionConfiguration[0];
    expect(sse.ServerSideEncryptionByDefault).toEqual({ SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    expect(sse.BucketKeyEnabled).toBe(true);
    const key = t.findResources('AWS::KMS::Key')[keyId];
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.DeletionPolicy).toBe('Retain');
  });

  test('the incident table uses a customer-managed key in every replica, as docs/security.md says', () => {
    const t = s.templates.global;
    // The incident log is the global table with replicas (the notifier's outcome table has none).
    const [, table] = resources(t, 'AWS::DynamoDB::GlobalTable').find(([, r]) => r.Properties.Replicas.length > 1)!;
    expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
    for (const replica of table.Properties.Replicas) expect(replica.SSESpecification?.KMSMasterKeyId).toBeDefined();
    const fs = require('fs');
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'security.md'), 'utf8');
    expect(doc).toMatch(/\| incident table \(all replicas\) \| customer-managed key per region/);
    expect(doc).not.toMatch(/incident table[^\n]*AWS-managed key \(aws\/dynamodb\)/i);
  });
});

describe('status page on its own name', () => {
  test('certificate DNS-validated in the zone, TLS 1.2 minimum, alias records, URL output', () => {
    const t = s.templates.global;
    const name = 'status.chat.acme-example.com';
    const [certId, cert] = resources(t, 'AWS::CertificateManager::Certificate').find(([, c]) => c.Properties.DomainName === name)!;
    expect(cert.Properties.ValidationMethod).toBe('DNS');
    expect(cert.Properties.DomainValidationOptions).toEqual([{ DomainName: name, HostedZoneId: { Ref: idOf(s.stacks.global, s.stacks.global.hostedZone as never) } }]);
    const distId = idOf(s.stacks.global, s.stacks.global.statusPage.site.distribution);
    const dist = t.findResources('AWS::CloudFront::Distribution')[distId].Properties.DistributionConfig;
    expect(dist.Aliases).toEqual([name]);
    expect(dist.ViewerCertificate).toEqual({ AcmCertificateArn: { Ref: certId }, MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' });
    for (const type of ['A', 'AAAA']) {
      const rec = resources(t, 'AWS::Route53::RecordSet').find(([, r]) => r.Properties.Name === `${name}.` && r.Properties.Type === type);
      expect(rec?.[1].Properties.AliasTarget.DNSName).toEqual({ 'Fn::GetAtt': [distId, 'DomainName'] });
    }
    expect(t.findOutputs('StatusPageUrl').StatusPageUrl.Value).toBe(`https://${name}`);
  });

  test('no CloudFront TLS acknowledgement (AwsSolutions-CFR4) remains', () => {
    expect(acknowledgements(s.app).filter((a) => a.id === 'AwsSolutions-CFR4')).toEqual([]);
  });

  function issues(input: unknown) {
    try {
      parsePlan(input, 'test plan', path.join(__dirname, '..', '..', 'plans'));
    } catch (e) {
      if (e instanceof PlanValidationError) return [...e.issues];
      throw e;
    }
    return [];
  }
  test('dns.statusName outside the zone, equal to dns.name, or over ACM\'s 64 characters is a plan error', () => {
    expect(issues(patchedInput({ dns: { statusName: 'status.other.com' } })).find((i) => i.path === 'dns.statusName')?.message).toMatch(/not below dns.zone.name/);
    expect(issues(patchedInput({ dns: { statusName: 'chat.acme-example.com' } })).find((i) => i.path === 'dns.statusName')?.message).toMatch(/must differ from dns.name/);
    const long = `${'a'.repeat(50)}.chat.acme-example.com`;
    expect(issues(patchedInput({ dns: { name: long } })).find((i) => i.path === 'dns.name')?.message).toMatch(/at most 64/);
    expect(issues(patchedInput({ dns: { statusName: 'status.acme-example.com' } }))).toEqual([]);
  });
});

describe('/health is throttled apart from /chat', () => {
  test('the stage has method settings for GET /health from the plan, apart from the stage default', () => {
    for (const r of ['primary', 'standby'] as const) {
      const [, stage] = resources(s.templates[r], 'AWS::ApiGateway::Stage')[0];
      const settings = stage.Properties.MethodSettings as any[];
      expect(settings.find((m) => m.ResourcePath === '/*')).toMatchObject({ HttpMethod: '*', ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 });
      expect(settings.find((m) => m.ResourcePath === '/~1health')).toMatchObject({ HttpMethod: 'GET', ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 });
      // The chat widget's probe has a bucket of its own too.
      expect(settings.find((m) => m.ResourcePath === `/${WIDGET_HEALTH_PATH.replace(/\//g, '~1')}`)).toMatchObject({ HttpMethod: 'GET', ThrottlingRateLimit: WIDGET_HEALTH_THROTTLE.rateLimit, ThrottlingBurstLimit: WIDGET_HEALTH_THROTTLE.burstLimit });
      // The resource exists on the API.
      expect(resources(s.templates[r], 'AWS::ApiGateway::Resource').map(([, x]) => x.Properties.PathPart)).toContain('health');
    }
  });
});

describe('safe deployments: canary with automatic rollback on the region\'s important alarms', () => {
  test.each(['primary', 'standby'] as const)('%s', (r) => {
    const t = s.templates[r];
    const stack = stackOf(r) as any;
    const [groupId, group] = resources(t, 'AWS::CodeDeploy::DeploymentGroup')[0];
    expect(resources(t, 'AWS::CodeDeploy::DeploymentGroup')).toHaveLength(1);
    expect(group.Properties.DeploymentConfigName).toBe('CodeDeployDefault.LambdaCanary10Percent5Minutes');
    expect(group.Properties.DeploymentStyle).toEqual({ DeploymentType: 'BLUE_GREEN', DeploymentOption: 'WITH_TRAFFIC_CONTROL' });
    expect(group.Properties.AutoRollbackConfiguration.Enabled).toBe(true);
    expect(group.Properties.AutoRollbackConfiguration.Events).toEqual(expect.arrayContaining(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM']));
    const alarms = group.Properties.AlarmConfiguration;
    expect(alarms.Enabled).toBe(true);
    expect(alarms.Alarms.length).toBeLessThanOrEqual(10);
    const important = { Ref: idOf(stack, stack.alerting.topic('important')) };
    const expected = ROLLBACK_INDICATORS.map((key) => ({ Name: { Ref: idOf(stack, stack.indicators.alarms[key].important) } }));
    expect(alarms.Alarms).toEqual(expected);
    // Each is an alarm of this stack (this region) raising the important level.
    for (const a of alarms.Alarms) expect(t.findResources('AWS::CloudWatch::Alarm')[a.Name.Ref].Properties.AlarmActions).toEqual([important]);
    // The live alias is shifted by CodeDeploy, through this group.
    const alias = t.findResources('AWS::Lambda::Alias')[idOf(stack, stack.chatbot.alias)];
    expect(alias.UpdatePolicy.CodeDeployLambdaAliasUpdate.DeploymentGroupName).toEqual({ Ref: groupId });
    expect(t.findOutputs('RolloutDeploymentGroup').RolloutDeploymentGroup).toBeDefined();
  });

  test('the plan chooses the strategy (chatbot.rollout)', () => {
    const linear = synthPlan(loadedPlan({ chatbot: { rollout: 'linear-10-percent-every-minute' } }));
    const [, group] = resources(linear.templates.primary, 'AWS::CodeDeploy::DeploymentGroup')[0];
    expect(group.Properties.DeploymentConfigName).toBe('CodeDeployDefault.LambdaLinear10PercentEvery1Minute');
  });
});
