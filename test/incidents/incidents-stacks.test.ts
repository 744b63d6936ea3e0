import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { IncidentRecorder } from '../../lib/incidents';
import { responseAlarmName } from '../../lib/alerting';
import { ProjectFunction } from '../../lib/shared/project-function';
import { INCIDENT_TEMPLATES_FILE } from '../../contracts';
import { loadedPlan } from '../helpers/plan';
import { synthPlan, Synthesized } from '../helpers/synth';

let s: Synthesized;
beforeAll(() => {
  s = synthPlan();
});
const { plan } = loadedPlan();

/** The one resource of a type (optionally under a logical-id prefix, e.g. 'StatusPage'); other concerns share the stack. */
function one(t: Template, type: string, props: Record<string, unknown> = {}, prefix = ''): { id: string; props: Record<string, any> } {
  const found = t.findResources(type, props);
  const ids = Object.keys(found).filter((id) => id.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return { id: ids[0], props: found[ids[0]].Properties };
}
const fnWith = (t: Template, variable: string) => one(t, 'AWS::Lambda::Function', { Properties: { Environment: { Variables: { [variable]: Match.anyValue() } } } });

describe('incident table', () => {
  test('a global table in us-east-1 with a replica in both chatbot regions, PITR, TTL, stream, retained; stable logical id', () => {
    const t = one(s.templates.global, 'AWS::DynamoDB::GlobalTable', {}, 'IncidentLog');
    expect(t.id).toBe('IncidentLogTable0EA35D7F');
    expect(t.props.TableName).toBe('acme-chat-incidents');
    expect(t.props.Replicas.map((r: any) => r.Region).sort()).toEqual(['ap-northeast-1', 'ap-southeast-1', 'us-east-1']);
    for (const r of t.props.Replicas) expect(r.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(t.props.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(t.props.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(t.props.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
    s.templates.global.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  test('no stack dependency cycle: the global stack depends only on the incident key stacks, no regional stack', () => {
    // The replica keys come from stacks of their own that depend on nothing; the regional stacks read
    // the zone id from the global stack (issue 3) and their own region's incident key, and the
    // standby never depends on the primary.
    expect(s.stacks.global.dependencies.map((d) => d.stackName).sort()).toEqual(['acme-chat-incident-key-primary', 'acme-chat-incident-key-standby']);
    expect(s.stacks.standby.dependencies.map((d) => d.stackName).sort()).toEqual(['acme-chat-global', 'acme-chat-incident-key-standby']);
    expect(s.stacks.primary.dependencies.map((d) => d.stackName).sort()).toEqual(['acme-chat-global', 'acme-chat-incident-key-primary', 'acme-chat-standby']);
  });
});

describe('regional incident function', () => {
  test('appends to its local replica by name with PutItem only, and records observed failovers', () => {
    for (const t of [s.templates.primary, s.templates.standby]) {
      const fn = fnWith(t, 'ALARM_LEVELS');
      expect(fn.props.Environment.Variables.TABLE_NAME).toBe('acme-chat-incidents');
      expect(fn.props.Environment.Variables.PUBLISH_CONFIG).toBeUndefined();
      expect(fn.props.Architectures).toEqual(['arm64']);
      const policies = t.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^IncidentsRole') }] } });
      const statements = Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
      const ddb = statements.filter((st: any) => JSON.stringify(st.Action).includes('dynamodb'));
      expect(ddb).toHaveLength(1);
      expect(ddb[0].Action).toBe('dynamodb:PutItem');
      expect(JSON.stringify(ddb[0].Resource)).toContain(':table/acme-chat-incidents');
      t.hasResourceProperties('AWS::Events::Rule', { EventPattern: { source: ['contingency.failover'], 'detail-type': ['Failover Observed'] } });
    }
  });

  test('response alarms become one EventBridge rule on their ARNs, with the level of each passed to the function', () => {
    const stack = new Stack(new App(), 'T', { env: { region: 'ap-southeast-1', account: '123456789012' } });
    const alarm = (name: string) => cloudwatch.Alarm.fromAlarmArn(stack, name, `arn:aws:cloudwatch:ap-southeast-1:123456789012:alarm:${name}`);
    new IncidentRecorder(stack, 'Incidents', {
      table: dynamodb.TableV2.fromTableAttributes(stack, 'T', { tableName: 'x-incidents' }),
      responseAlarms: [
        { alarm: alarm('emergency'), level: 'emergency' },
        { alarm: alarm('severe'), level: 'severe' },
      ],
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        resources: ['arn:aws:cloudwatch:ap-southeast-1:123456789012:alarm:emergency', 'arn:aws:cloudwatch:ap-southeast-1:123456789012:alarm:severe'],
      },
    });
    const env = fnWith(t, 'ALARM_LEVELS').props.Environment.Variables;
    expect(JSON.parse(env.ALARM_LEVELS)).toEqual([
      { arn: 'arn:aws:cloudwatch:ap-southeast-1:123456789012:alarm:emergency', level: 'emergency' },
      { arn: 'arn:aws:cloudwatch:ap-southeast-1:123456789012:alarm:severe', level: 'severe' },
    ]);
  });

  test('props are validated together', () => {
    const stack = new Stack(new App(), 'V', { env: { region: 'us-east-1' } });
    const table = dynamodb.TableV2.fromTableAttributes(stack, 'T', { tableName: 'x' });
    expect(() => new IncidentRecorder(stack, 'R', { table, retentionDays: 0 })).toThrow(/retentionDays must be a whole number of at least 1, got: 0/);
  });
});

describe('publisher in us-east-1', () => {
  test('runs every minute and on new log entries only (stream filter on EVENT inserts)', () => {
    s.templates.global.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' });
    const esm = one(s.templates.global, 'AWS::Lambda::EventSourceMapping').props;
    expect(esm.StartingPosition).toBe('LATEST');
    expect(esm.BisectBatchOnFunctionError).toBe(true);
    expect(JSON.parse(esm.FilterCriteria.Filters[0].Pattern)).toEqual({ eventName: ['INSERT'], dynamodb: { Keys: { pk: { S: ['EVENT'] } } } });
  });

  test('gets the plan settings in PUBLISH_CONFIG and the templates in a file bundled with the handler, not the 4 KB environment', () => {
    const env = fnWith(s.templates.global, 'PUBLISH_CONFIG').props.Environment.Variables;
    const joined = JSON.stringify(env.PUBLISH_CONFIG);
    expect(joined).toContain('\\"confirmationMinutes\\":15');
    expect(joined).toContain('\\"historyLength\\":5');
    expect(joined).not.toContain(plan.incidents.templates.emergency.title.en);
    const bundled = (s.stacks.global.incidents.node.findChild('Default') as ProjectFunction).bundledConfig;
    expect(JSON.parse(bundled[INCIDENT_TEMPLATES_FILE]).levels.emergency.title.en).toBe(plan.incidents.templates.emergency.title.en);
  });

  test('may write only status.json to the site bucket and reports/ to the report bucket, and publish notices', () => {
    const policies = s.templates.global.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^IncidentsRole') }] } });
    const statements = Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const s3Puts = statements.filter((st: any) => JSON.stringify(st.Action).includes('s3:PutObject'));
    const resources = JSON.stringify(s3Puts.map((st: any) => st.Resource));
    expect(resources).toContain('/status.json');
    expect(resources).toContain('/reports/*');
    expect(resources).not.toMatch(/"\/\*"/);
    expect(statements.some((st: any) => st.Action === 'sns:Publish')).toBe(true);
  });

  test('may read status.json (its sequence, for newest-wins writes) and nothing else of the site bucket', () => {
    const policies = s.templates.global.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^IncidentsRole') }] } });
    const statements = Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const reads = statements.filter((st: any) => JSON.stringify(st.Action).match(/s3:Get/));
    // (CDK merges it into the status.json put statement: same resource.)
    expect(reads).toHaveLength(1);
    expect(reads[0].Action.filter((a: string) => a.startsWith('s3:Get'))).toEqual(['s3:GetObject']);
    // status.json and the Atom feeds (issue 15), each read for its sequence before a newest-wins write.
    expect(reads[0].Resource.map((r: unknown) => JSON.stringify(r).match(/"\/([^"]+)"\]\]\}$/)?.[1])).toEqual(['feed*.xml', 'status.json']);
    const lists = statements.filter((st: any) => JSON.stringify(st.Action).includes('s3:List'));
    expect(lists).toHaveLength(1);
    expect(lists[0].Action).toBe('s3:ListBucket');
    expect(JSON.stringify(lists[0].Resource)).not.toContain('/*');
  });
});

describe('status page and notices', () => {
  test('status.json is cached at most 10 s; the rest with the optimized policy; HTTPS only; logged', () => {
    const dist = one(s.templates.global, 'AWS::CloudFront::Distribution', {}, 'StatusPage').props.DistributionConfig;
    expect(dist.DefaultRootObject).toBe('index.html');
    expect(dist.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    const statusBehavior = dist.CacheBehaviors.find((b: any) => b.PathPattern === 'status.json');
    expect(statusBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    const policy = s.templates.global.findResources('AWS::CloudFront::CachePolicy');
    const [cp] = Object.entries(policy);
    expect(statusBehavior.CachePolicyId).toEqual({ Ref: cp[0] });
    expect((cp[1] as any).Properties.CachePolicyConfig).toMatchObject({ DefaultTTL: 10, MaxTTL: 10, MinTTL: 0 });
    expect(dist.Logging.Prefix).toBe('cloudfront/');
    expect(dist.Origins[0].OriginAccessControlId).toBeDefined();
  });

  test('security headers: CSP without inline script, HSTS, DENY framing, nosniff', () => {
    const p = one(s.templates.global, 'AWS::CloudFront::ResponseHeadersPolicy', {}, 'StatusPage').props.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect(p.ContentSecurityPolicy.ContentSecurityPolicy).toMatch(/script-src 'self';/);
    expect(p.ContentSecurityPolicy.ContentSecurityPolicy).not.toContain('unsafe-inline');
    expect(p.StrictTransportSecurity).toMatchObject({ AccessControlMaxAgeSec: 31536000, IncludeSubdomains: true });
    expect(p.FrameOptions.FrameOption).toBe('DENY');
    expect(p.ContentTypeOptions.Override).toBe(true);
  });

  test('the deployment never prunes or overwrites the run-time status.json', () => {
    const cr = one(s.templates.global, 'Custom::CDKBucketDeployment', {}, 'StatusPage').props;
    expect(cr.Prune).toBe(false);
    expect(cr.Exclude).toEqual(['status.json', 'feed*.xml']);
  });

  test('the customer notice topic is KMS-encrypted (the incident log key) and TLS-only', () => {
    const topic = one(s.templates.global, 'AWS::SNS::Topic', {}, 'StatusPage');
    const keyId = topic.props.KmsMasterKeyId['Fn::GetAtt'][0];
    // The us-east-1 operations key, which already encrypts every notice in the incident log before it is sent.
    expect(keyId).toMatch(/^IncidentLogKey/);
    expect(s.templates.global.findResources('AWS::KMS::Key')[keyId].Properties.EnableKeyRotation).toBe(true);
    s.templates.global.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('all three buckets block public access, are encrypted and TLS-only; the reports bucket with its own key', () => {
    const buckets = s.templates.global.findResources('AWS::S3::Bucket');
    expect(Object.keys(buckets).length).toBeGreaterThanOrEqual(3);
    const reportsId = s.stacks.global.getLogicalId(s.stacks.global.statusPage.reports.node.defaultChild as never);
    for (const [id, b] of Object.entries(buckets) as [string, any][]) {
      expect(b.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
      const sse = b.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault;
      expect(sse.SSEAlgorithm).toBe(id === reportsId ? 'aws:kms' : 'AES256');
    }
    const policies = Object.values(s.templates.global.findResources('AWS::S3::BucketPolicy')) as any[];
    for (const id of Object.keys(buckets)) {
      const pol = policies.find((p) => JSON.stringify(p.Properties.Bucket) === JSON.stringify({ Ref: id }));
      expect(JSON.stringify(pol.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    }
  });

  test('outputs give the operator CLI its arguments', () => {
    const outputs = s.templates.global.findOutputs('*');
    expect(Object.keys(outputs)).toEqual(expect.arrayContaining(['StatusPageUrl', 'StatusBucketName', 'ReportBucketName', 'NoticeTopicArn']));
  });
});

test('the publisher interval is validated against the confirmation period', () => {
  const stack = new Stack(new App(), 'P', { env: { region: 'us-east-1' } });
  const table = new dynamodb.TableV2(stack, 'T', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING }, dynamoStream: dynamodb.StreamViewType.NEW_IMAGE });
  const s3 = require('aws-cdk-lib/aws-s3');
  const sns = require('aws-cdk-lib/aws-sns');
  const bucket = s3.Bucket.fromBucketName(stack, 'B', 'status-bucket');
  const topic = sns.Topic.fromTopicArn(stack, 'N', 'arn:aws:sns:us-east-1:123456789012:n');
  const { incidentTemplates } = require('../../lib/incidents');
  expect(
    () =>
      new IncidentRecorder(stack, 'R', {
        table,
        publishing: {
          statusBucket: bucket,
          reportBucket: bucket,
          noticeTopic: topic,
          templates: incidentTemplates(plan),
          planName: 'p',
          confirmationMinutes: 5,
          lookbackDays: 30,
          historyLength: 5,
          noticeMaxAgeMinutes: 60,
          interval: Duration.minutes(10),
        },
      }),
  ).toThrow(/publishing.interval must be between 1 minute and the confirmation period \(5 min\), got: 600 s/);
});

describe('response levels drive incidents (issues 4 + 6 wiring)', () => {
  const rulePattern = (t: Template) =>
    (Object.values(t.findResources('AWS::Events::Rule', { Properties: { EventPattern: { 'detail-type': ['CloudWatch Alarm State Change'] } } }))[0] as any)?.Properties.EventPattern;

  test('us-east-1: the recorder follows the failover stack\'s emergency and severe composites by their plan-derived names', () => {
    const failover = Template.fromStack(s.stacks.failover);
    const names = Object.values(failover.findResources('AWS::CloudWatch::CompositeAlarm')).map((r: any) => r.Properties.AlarmName).sort();
    expect(names).toEqual([responseAlarmName('acme-chat', 'us-east-1', 'emergency'), responseAlarmName('acme-chat', 'us-east-1', 'severe')].sort());
    const resources = JSON.stringify(rulePattern(s.templates.global).resources);
    for (const n of names) expect(resources).toContain(`:alarm:${n}`);
    // No reference from the global stack to the failover stack (that would be a cycle).
    expect(JSON.stringify(s.templates.global.toJSON())).not.toContain('acme-chat-failover');
  });

  test.each(['primary', 'standby'] as const)('%s: the recorder follows its own region\'s response composites', (role) => {
    const stack = s.stacks[role];
    const t = s.templates[role];
    // The response-level composites (burn-rate composites also exist, and do not open incidents).
    const composites = (Object.entries(t.findResources('AWS::CloudWatch::CompositeAlarm')) as [string, any][]).filter(([, r]) => /-response-/.test(r.Properties.AlarmName ?? ''));
    expect(composites.map(([, r]) => r.Properties.AlarmName).sort()).toEqual(
      ['general', 'severe'].map((l) => responseAlarmName('acme-chat', role, l as 'general' | 'severe')).sort(),
    );
    const pattern = rulePattern(t);
    expect(pattern.source).toEqual(['aws.cloudwatch']);
    expect(pattern.resources).toEqual(expect.arrayContaining(composites.map(([id]) => ({ 'Fn::GetAtt': [id, 'Arn'] }))));
    const env = fnWith(t, 'ALARM_LEVELS').props.Environment.Variables.ALARM_LEVELS;
    const resolved = JSON.stringify(stack.resolve(env));
    expect(resolved).toContain('\\"level\\":\\"severe\\"');
    expect(resolved).toContain('\\"level\\":\\"general\\"');
  });
});
