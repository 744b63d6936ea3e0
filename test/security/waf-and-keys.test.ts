import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { Template } from 'aws-cdk-lib/assertions';
import { stringify } from 'yaml';
import { CHATBOT_MANAGED_RULE_GROUPS, ChatbotFirewall, FIREWALL_RULES, HEALTH_PROBE_PATH } from '../../lib/chatbot';
import { loadPlan, PlanIssue, PlanValidationError } from '../../lib/config';
import { ENDPOINT_TAG_KEY } from '../../lib/failover';
import { examplePlanInput, loadedPlan } from '../helpers/plan';
import { synthPlan, Synthesized } from '../helpers/synth';

// Issue 10, security: AWS WAF in front of the chat API in both regions (per-client rate limits,
// managed groups, health checks never blocked), and the incident log under customer-managed keys.

type Res = { Type: string; Properties: any; DeletionPolicy?: string };
const resources = (t: { toJSON(): any }, type: string): [string, Res][] => Object.entries<Res>(t.toJSON().Resources).filter(([, r]) => r.Type === type);

// Non-default protection settings, so a test cannot pass on the defaults.
const PROTECTION = { requestsPerClient: 1234, healthRequestsPerClient: 77, windowSeconds: 60 } as const;
const BLOCKED = { general: 50, important: 500, emergency: 5000 } as const;
let s: Synthesized;
beforeAll(() => {
  s = synthPlan(loadedPlan({ chatbot: { protection: PROTECTION }, thresholds: { blockedRequests: BLOCKED } }));
});

const webAclOf = (role: 'primary' | 'standby') => {
  const acls = resources(s.templates[role], 'AWS::WAFv2::WebACL');
  expect(acls).toHaveLength(1);
  return { id: acls[0][0], props: acls[0][1].Properties };
};
const ruleOf = (role: 'primary' | 'standby', name: string) => webAclOf(role).props.Rules.find((r: any) => r.Name === name);
/** The URI paths a scope-down statement matches exactly (one byte match or an OR of them). */
const exactPaths = (st: any): string[] =>
  (st.OrStatement ? st.OrStatement.Statements : [st]).map((m: any) => {
    expect(m.ByteMatchStatement).toMatchObject({ FieldToMatch: { UriPath: {} }, PositionalConstraint: 'EXACTLY' });
    return m.ByteMatchStatement.SearchString;
  });

describe.each(['primary', 'standby'] as const)('AWS WAF in front of the %s chat API', (role) => {
  test('a regional web ACL, allow by default, associated with this region\'s REST API stage', () => {
    const t = s.templates[role];
    const acl = webAclOf(role);
    expect(acl.props.Scope).toBe('REGIONAL');
    expect(acl.props.DefaultAction).toEqual({ Allow: {} });
    const [[, assoc]] = resources(t, 'AWS::WAFv2::WebACLAssociation');
    expect(assoc.Properties.WebACLArn).toEqual({ 'Fn::GetAtt': [acl.id, 'Arn'] });
    const [[apiId]] = resources(t, 'AWS::ApiGateway::RestApi');
    const [[stageId]] = resources(t, 'AWS::ApiGateway::Stage');
    const arn = assoc.Properties.ResourceArn['Fn::Join'][1];
    expect(arn).toEqual(expect.arrayContaining([{ Ref: apiId }, { Ref: stageId }]));
    expect(arn.join('')).toMatch(/:apigateway:.*::\/restapis\/.*\/stages\//);
  });

  test('per-client rate rule on chat: keyed on the client IP, limit and window from the plan, blocks, excludes /health', () => {
    const rule = ruleOf(role, FIREWALL_RULES.chatPerClient);
    expect(rule.Action).toEqual({ Block: {} });
    const rb = rule.Statement.RateBasedStatement;
    expect(rb).toMatchObject({ AggregateKeyType: 'IP', Limit: PROTECTION.requestsPerClient, EvaluationWindowSec: PROTECTION.windowSeconds });
    expect(exactPaths(rb.ScopeDownStatement.NotStatement.Statement).sort()).toEqual(['/health', HEALTH_PROBE_PATH].sort());
  });

  test('the AWS managed groups (IP reputation, common rule set, known bad inputs) are present, enforced, and scoped off /health', () => {
    for (const name of ['AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesAmazonIpReputationList']) {
      const rule = ruleOf(role, name);
      expect(rule).toBeDefined();
      // Override "none": the group's own block actions apply (not count-only).
      expect(rule.OverrideAction).toEqual({ None: {} });
      const m = rule.Statement.ManagedRuleGroupStatement;
      expect(m).toMatchObject({ VendorName: 'AWS', Name: name });
      expect(m.ExcludedRules ?? []).toEqual([]);
      expect(exactPaths(m.ScopeDownStatement.NotStatement.Statement).sort()).toEqual(['/health', HEALTH_PROBE_PATH].sort());
    }
    expect(webAclOf(role).props.Rules).toHaveLength(2 + CHATBOT_MANAGED_RULE_GROUPS.length);
  });

  test('health path reachable: the paths Route 53 probes meet only the /health per-client rule, whose limit leaves room for the checkers', () => {
    const checks = resources(s.templates.failover, 'AWS::Route53::HealthCheck');
    const own = checks.find(([, hc]) => hc.Properties.HealthCheckTags.some((t: any) => t.Key === ENDPOINT_TAG_KEY && t.Value === role))!;
    const pub = checks.find(([, hc]) => hc.Properties.HealthCheckTags.some((t: any) => t.Key === ENDPOINT_TAG_KEY && t.Value === 'public'))!;
    const probed = [own[1].Properties.HealthCheckConfig.ResourcePath, pub[1].Properties.HealthCheckConfig.ResourcePath];
    expect(probed).toEqual([HEALTH_PROBE_PATH, '/health']);
    const health = ruleOf(role, FIREWALL_RULES.healthPerClient);
    const rb = health.Statement.RateBasedStatement;
    expect(exactPaths(rb.ScopeDownStatement).sort()).toEqual([...probed].sort());
    expect(rb).toMatchObject({ AggregateKeyType: 'IP', Limit: PROTECTION.healthRequestsPerClient, EvaluationWindowSec: PROTECTION.windowSeconds });
    // One checker sends window ÷ interval requests per window; the limit keeps at least 10× that.
    const interval = own[1].Properties.HealthCheckConfig.RequestInterval;
    expect(rb.Limit).toBeGreaterThanOrEqual((10 * PROTECTION.windowSeconds) / interval);
    // Every other rule excludes the probed paths, and the API has the GET /health method the probe reaches.
    for (const rule of webAclOf(role).props.Rules.filter((r: any) => r.Name !== FIREWALL_RULES.healthPerClient)) {
      const scope = rule.Statement.RateBasedStatement?.ScopeDownStatement ?? rule.Statement.ManagedRuleGroupStatement?.ScopeDownStatement;
      expect(exactPaths(scope.NotStatement.Statement).sort()).toEqual([...probed].sort());
    }
    const [[healthResource]] = resources(s.templates[role], 'AWS::ApiGateway::Resource').filter(([, r]) => r.Properties.PathPart === 'health');
    expect(resources(s.templates[role], 'AWS::ApiGateway::Method').some(([, m]) => m.Properties.HttpMethod === 'GET' && m.Properties.ResourceId.Ref === healthResource)).toBe(true);
  });

  test('blocked-request surge: one alarm per warning level on the web ACL\'s BlockedRequests, plan thresholds, wired to that level\'s topic', () => {
    const t = s.templates[role];
    const metricName = webAclOf(role).props.VisibilityConfig.MetricName;
    expect(metricName).toBe(`acme-chat-chatbot-${role}`);
    const alarms = resources(t, 'AWS::CloudWatch::Alarm').filter(([, a]) => a.Properties.Namespace === 'AWS/WAFV2');
    expect(alarms).toHaveLength(3);
    for (const level of ['general', 'important', 'emergency'] as const) {
      const [, alarm] = alarms.find(([id]) => id.includes(`blockedrequests${level}`))!;
      expect(alarm.Properties).toMatchObject({
        MetricName: 'BlockedRequests',
        Statistic: 'Sum',
        Period: 300,
        Threshold: BLOCKED[level],
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
      expect(alarm.Properties.Dimensions).toEqual(
        expect.arrayContaining([
          { Name: 'WebACL', Value: metricName },
          { Name: 'Rule', Value: 'ALL' },
          { Name: 'Region', Value: role === 'primary' ? 'ap-southeast-1' : 'ap-northeast-1' },
        ]),
      );
      const [topicId] = resources(t, 'AWS::SNS::Topic').find(([id]) => id.startsWith(`AlertingTopics${level}`))!;
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
    }
  });
});

describe('ChatbotFirewall props validation (aws-cdk style: rule, value, fix)', () => {
  const make = (props: Partial<ConstructorParameters<typeof ChatbotFirewall>[2]>) => () => {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1' } });
    const api = new apigw.RestApi(stack, 'Api');
    api.root.addMethod('GET');
    new ChatbotFirewall(stack, 'Fw', { stage: api.deploymentStage, healthPaths: ['/health'], requestsPerClient: 100, healthRequestsPerClient: 100, metricName: 'm', ...props });
  };
  test('a limit below WAF\'s minimum', () => expect(make({ requestsPerClient: 9 })).toThrow(/requestsPerClient must be a whole number between 10 and 2000000000 \(AWS WAF rate-based rule limits\), got: 9/));
  test('a window WAF does not offer', () => expect(make({ windowSeconds: 30 })).toThrow(/windowSeconds must be one of 60, 120, 300, 600 \(AWS WAF evaluation windows\), got: 30/));
  test('a relative health path', () => expect(make({ healthPaths: ['health'] })).toThrow(/healthPaths must start with "\/", got: health/));
  test('a metric name with spaces', () => expect(make({ metricName: 'a b' })).toThrow(/metricName must be 1-100 letters, digits, - or _, got: a b/));
});

describe('plan settings for the rate limits (through the loader)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-waf-'));
  let n = 0;
  const issuesOf = (change: (p: any) => void): PlanIssue[] => {
    const input = examplePlanInput() as any;
    change(input);
    const file = path.join(tmp, `plan-${n++}.yaml`);
    fs.writeFileSync(file, stringify(input));
    try {
      loadPlan(file);
    } catch (e) {
      if (e instanceof PlanValidationError) return [...e.issues];
      throw e;
    }
    return [];
  };

  test('documented defaults: 600 chat and 300 /health requests per client per 5 minutes', () => {
    expect(loadedPlan().plan.chatbot.protection).toEqual({ requestsPerClient: 600, healthRequestsPerClient: 300, windowSeconds: 300 });
  });
  test('a /health limit that could block Route 53 checkers is refused, naming the key, the need and why', () => {
    const issues = issuesOf((p) => (p.chatbot.protection = { healthRequestsPerClient: 299 }));
    expect(issues.map((i) => i.path)).toEqual(['chatbot.protection.healthRequestsPerClient']);
    expect(issues[0].message).toMatch(/must be at least 300 per 300 s: each Route 53 checker sends one \/health request every 10 s \(30 per window\).*got 299/);
  });
  test('the /health rule follows the check interval: 30 s checks need a third of it', () => {
    expect(issuesOf((p) => ((p.failover.requestIntervalSeconds = 30), (p.chatbot.protection = { healthRequestsPerClient: 100 })))).toEqual([]);
  });
  test('a window WAF does not offer lists the allowed values', () => {
    const issues = issuesOf((p) => (p.chatbot.protection = { windowSeconds: 30 }));
    expect(issues.find((i) => i.path === 'chatbot.protection.windowSeconds')?.message).toMatch(/60, 120, 300, 600/);
  });
  test('a chat limit below WAF\'s minimum of 10 is refused', () => {
    expect(issuesOf((p) => (p.chatbot.protection = { requestsPerClient: 5 })).map((i) => i.path)).toContain('chatbot.protection.requestsPerClient');
  });
  test('blocked-request thresholds must rise with the level', () => {
    const issues = issuesOf((p) => (p.thresholds = { ...p.thresholds, blockedRequests: { general: 100, important: 100, emergency: 1000 } }));
    expect(issues.map((i) => i.path)).toContain('thresholds.blockedRequests.important');
  });
});

describe('incident log under customer-managed keys', () => {
  const keyStack = (role: 'primary' | 'standby') => s.stacks.incidentKeys[role]!;
  const incidentTable = () => resources(s.templates.global, 'AWS::DynamoDB::GlobalTable').find(([id]) => id.startsWith('IncidentLog'))!;

  test('the table keeps its logical id (a new one would replace the incident record)', () => {
    expect(incidentTable()[0]).toBe('IncidentLogTable0EA35D7F');
  });

  test('each replica is encrypted with the key of its own region', () => {
    const [, table] = incidentTable();
    expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
    const byRegion = Object.fromEntries(table.Properties.Replicas.map((r: any) => [r.Region, r.SSESpecification.KMSMasterKeyId]));
    const [[globalKeyId]] = resources(s.templates.global, 'AWS::KMS::Key').filter(([id]) => id.startsWith('IncidentLogKey'));
    expect(byRegion['us-east-1']).toEqual({ 'Fn::GetAtt': [globalKeyId, 'Arn'] });
    for (const role of ['primary', 'standby'] as const) {
      const region = role === 'primary' ? 'ap-southeast-1' : 'ap-northeast-1';
      const ref = byRegion[region]['Fn::GetStackOutput'];
      expect(ref).toMatchObject({ StackName: `acme-chat-incident-key-${role}`, Region: region });
      expect(keyStack(role).region).toBe(region);
    }
  });

  test('every operations (incident) key: rotated, retained, aliased; its policy names only this account, and CloudWatch only for alarms of this account and region (no other service, no other account, no *)', () => {
    const templates = [s.templates.global, ...(['primary', 'standby'] as const).map((r) => Template.fromStack(keyStack(r)))];
    const keys = templates.flatMap((t) => resources(t, 'AWS::KMS::Key').filter(([id]) => id.startsWith('IncidentLogKey')));
    expect(keys).toHaveLength(3);
    for (const t of templates) {
      const [[keyId]] = resources(t, 'AWS::KMS::Key').filter(([id]) => id.startsWith('IncidentLogKey'));
      const aliases = resources(t, 'AWS::KMS::Alias').filter(([, a]) => a.Properties.AliasName === 'alias/acme-chat/incident-log');
      expect(aliases.map(([, a]) => a.Properties.TargetKeyId)).toEqual([{ 'Fn::GetAtt': [keyId, 'Arn'] }]);
    }
    for (const [, key] of keys) {
      expect(key.Properties.EnableKeyRotation).toBe(true);
      expect(key.DeletionPolicy).toBe('Retain');
      const [account, ...services] = key.Properties.KeyPolicy.Statement;
      expect(account.Principal).toEqual({ AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } });
      // The warning topics share the key (docs/security.md): alarm actions publish to them as CloudWatch.
      expect(services).toEqual([
        {
          Sid: 'CloudWatchAlarmsOfThisAccountAndRegion',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Resource: '*',
          Condition: {
            StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':alarm:*']] } },
          },
        },
      ]);
    }
  });

  test('one operations key per region: it encrypts every topic (warning levels, direct, and in us-east-1 customer notices and drill announcements) and the incident replica; customer data and backups keep keys of their own', () => {
    const keyIdsOf = (t: Template) => resources(t, 'AWS::KMS::Key').map(([id]) => id);
    // Chatbot regions: the data key and the backup vault key only; the operations key lives in the region's key stack.
    for (const role of ['primary', 'standby'] as const) {
      expect(keyIdsOf(s.templates[role]).map((id) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(['BackupVaultKey', 'DataKey']);
      const topics = resources(s.templates[role], 'AWS::SNS::Topic');
      expect(topics).toHaveLength(4);
      for (const [id, topic] of topics) {
        const ref = JSON.stringify(topic.Properties.KmsMasterKeyId);
        expect({ id, ref }).toEqual({ id, ref: expect.stringContaining(`acme-chat-incident-key-${role}`) });
        expect(ref).toContain('IncidentLogKey');
      }
      // Neither the data key nor the vault key encrypts a topic: alert texts never share the customer-data key.
      for (const [, topic] of topics) for (const k of keyIdsOf(s.templates[role])) expect(JSON.stringify(topic.Properties.KmsMasterKeyId)).not.toContain(k);
    }
    // us-east-1: the operations key, the ten-year reports key and the survey answers' key (customers'
    // words kept apart from operations texts); the failover stack has none of its own.
    const [ops] = keyIdsOf(s.templates.global).filter((id) => id.startsWith('IncidentLogKey'));
    expect(keyIdsOf(s.templates.global).sort()).toEqual([ops, expect.stringMatching(/^StatusPageReportsKey/), expect.stringMatching(/^SurveyKey/)].sort());
    for (const [id, topic] of resources(s.templates.global, 'AWS::SNS::Topic')) expect({ id, key: topic.Properties.KmsMasterKeyId }).toEqual({ id, key: { 'Fn::GetAtt': [ops, 'Arn'] } });
    expect(keyIdsOf(s.templates.failover)).toEqual([]);
    const failoverTopics = resources(s.templates.failover, 'AWS::SNS::Topic');
    expect(failoverTopics.length).toBeGreaterThan(0);
    for (const [, topic] of failoverTopics) expect(JSON.stringify(topic.Properties.KmsMasterKeyId)).toContain(ops);
  });

  test('each region\'s incident function may use only its own region\'s incident key', () => {
    for (const role of ['primary', 'standby'] as const) {
      const policies = resources(s.templates[role], 'AWS::IAM::Policy').filter(([id]) => id.startsWith('IncidentsRole'));
      const statements = policies.flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
      const kmsStatements = statements.filter((st: any) => JSON.stringify(st.Action).includes('kms:'));
      expect(kmsStatements).toHaveLength(1);
      expect(kmsStatements[0].Resource['Fn::GetStackOutput']).toMatchObject({ StackName: `acme-chat-incident-key-${role}` });
    }
  });

  test('stateful resources of the regional stacks keep their logical ids (chatbot table and key, custom domain, certificate)', () => {
    for (const role of ['primary', 'standby'] as const) {
      const ids = Object.keys(s.templates[role].toJSON().Resources);
      expect(ids).toEqual(expect.arrayContaining(['DataKey2A0DE9E6', 'EndpointDomain72FAC8F0', 'EndpointCertificate9E0928B4', 'EndpointMapping96659509']));
    }
    expect(Object.keys(s.templates.primary.toJSON().Resources)).toContain('DataTableFDBAD0F2');
  });

  test('a plan whose primary region is us-east-1 uses the global stack\'s key there and builds one key stack', () => {
    const input = examplePlanInput() as any;
    input.regions = { primary: 'us-east-1', standby: 'ap-northeast-1' };
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'plan-use1-')), 'plan.yaml');
    fs.writeFileSync(file, stringify(input));
    const ex = synthPlan(loadPlan(file));
    expect(ex.stacks.incidentKeys.primary).toBeUndefined();
    expect(ex.stacks.incidentKeys.standby?.region).toBe('ap-northeast-1');
    const [, table] = resources(ex.templates.global, 'AWS::DynamoDB::GlobalTable').find(([id]) => id.startsWith('IncidentLog'))!;
    expect(table.Properties.Replicas.map((r: any) => r.Region).sort()).toEqual(['ap-northeast-1', 'us-east-1']);
  });
});
