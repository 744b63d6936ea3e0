import { Match, Template } from 'aws-cdk-lib/assertions';
import { ENDPOINT_TAG_KEY, STANDBY_CHAIN_LABEL } from '../../lib/failover';
import { HANDOFF_DOCUMENT_PATH } from '../../lib/fallback';
import { HEALTH_PROBE_PATH } from '../../lib/chatbot';
import { evaluateHealth } from '../../lambdas/chatbot/health';
import { HEALTH_CHECKS_PER_PLAN } from '../../cli/commands/preflight';
import { findOutput, NOTIFIER_LOG_OUTPUT_ID, topicOutputId } from '../../lib/alerting/outputs';
import { parsePlan, Plan } from '../../lib/config';
import { planFailoverTiming, worstCaseFailoverSeconds } from '../../lib/config/objectives';
import { examplePlanInput, loadedPlan } from '../helpers/plan';
import { synthPlan, Synthesized } from '../helpers/synth';

type Resources = Record<string, { Type: string; Properties: Record<string, any>; DependsOn?: string[] }>;

let s: Synthesized;
let plan: Plan;
let failover: Template;
let failoverResources: Resources;
beforeAll(() => {
  const loaded = loadedPlan({ failover: { checkerRegions: ['us-east-1', 'eu-west-1', 'ap-southeast-1'], dnsTtlSeconds: 30, fallbackTtlSeconds: 45 } });
  plan = loaded.plan;
  s = synthPlan(loaded);
  failover = Template.fromStack(s.stacks.failover);
  failoverResources = failover.toJSON().Resources as Resources;
});

const byType = (r: Resources, type: string) => Object.entries(r).filter(([, v]) => v.Type === type);
const outputName = (v: any): string | undefined => v?.['Fn::GetStackOutput']?.StackName;

test('contingency test-alert finds each level topic and the notifier log group among the outputs of the regional and global stacks', () => {
  for (const stack of [s.stacks.primary, s.stacks.standby, s.stacks.global]) {
    const outputs = Object.entries(Template.fromStack(stack).toJSON().Outputs as Record<string, { Value: unknown }>).map(([OutputKey, o]) => ({ OutputKey, OutputValue: JSON.stringify(o.Value) }));
    for (const level of ['general', 'important', 'emergency'] as const) expect(findOutput(outputs, topicOutputId(level))).toMatch(/Ref/);
    expect(findOutput(outputs, NOTIFIER_LOG_OUTPUT_ID)).toMatch(/Ref/);
  }
});

describe('health checks', () => {
  test(`a plan creates ${HEALTH_CHECKS_PER_PLAN} health checks, as contingency preflight counts against the quota`, () => {
    expect(byType(failoverResources, 'AWS::Route53::HealthCheck')).toHaveLength(HEALTH_CHECKS_PER_PLAN);
  });

  test.each(['primary', 'standby'])('%s: HTTPS (status code, no string match) on /<stage>/health of its own execute-api host, plan interval/threshold/regions', (role) => {
    const [[, hc]] = byType(failoverResources, 'AWS::Route53::HealthCheck').filter(([, v]) =>
      v.Properties.HealthCheckTags.some((t: any) => t.Key === ENDPOINT_TAG_KEY && t.Value === role),
    );
    const c = hc.Properties.HealthCheckConfig;
    expect(c.SearchString).toBeUndefined();
    expect(c).toMatchObject({
      Type: 'HTTPS',
      // A REST API's own host puts the stage first; the path is a literal (no cross-stack read).
      ResourcePath: HEALTH_PROBE_PATH,
      RequestInterval: 10,
      FailureThreshold: 3,
      Port: 443,
      EnableSNI: true,
      Inverted: false,
      Regions: ['us-east-1', 'eu-west-1', 'ap-southeast-1'],
    });
    // The probe goes to the region's own API id (read from that region's stack), not the shared name.
    const parts = c.FullyQualifiedDomainName['Fn::Join'][1];
    expect(outputName(parts[0])).toBe(`acme-chat-${role}`);
    expect(parts[1]).toBe(`execute-api.${role === 'primary' ? 'ap-southeast-1' : 'ap-northeast-1'}`);
  });

  test('one alarm per endpoint on HealthCheckStatus < 1, missing data breaching, exposed as healthAlarms', () => {
    for (const role of ['primary', 'standby'] as const) {
      const hcId = s.stacks.failover.resolve(s.stacks.failover.healthChecks[role].healthCheck.healthCheckId);
      failover.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Route53',
        MetricName: 'HealthCheckStatus',
        Dimensions: [{ Name: 'HealthCheckId', Value: hcId }],
        Statistic: 'Minimum',
        Period: 60,
        ComparisonOperator: 'LessThanThreshold',
        Threshold: 1,
        EvaluationPeriods: 1,
        TreatMissingData: 'breaching',
        // The standard alert description (level, title, runbook) set when the alarm joins its warning level.
        AlarmDescription: Match.stringLikeRegexp(`The ${role} region fails its /health check`),
      });
      expect(s.stacks.failover.resolve(s.stacks.failover.healthAlarms[role].alarmArn)).toEqual(
        s.stacks.failover.resolve(s.stacks.failover.healthChecks[role].alarm.alarmArn),
      );
    }
    expect(s.stacks.failover.region).toBe('us-east-1');
  });
});

describe('failover records', () => {
  const records = () => byType(failoverResources, 'AWS::Route53::RecordSet').map(([, v]) => v.Properties);
  const find = (name: string, role: string) => records().find((r) => r.Name === `${name}.` && r.Failover === role)!;
  const chain = `${STANDBY_CHAIN_LABEL}.chat.acme-example.com`;

  test('top pair: PRIMARY → primary API (primary check), SECONDARY → the standby chain, plan TTL', () => {
    const p = find('chat.acme-example.com', 'PRIMARY');
    expect(p).toMatchObject({ Type: 'CNAME', TTL: '30', SetIdentifier: 'primary' });
    expect(p.HealthCheckId).toEqual({ Ref: s.stacks.failover.getLogicalId(s.stacks.failover.healthChecks.primary.healthCheck.node.defaultChild as any) });
    expect(outputName(p.ResourceRecords[0])).toBe('acme-chat-primary');
    expect(p.ResourceRecords[0]['Fn::GetStackOutput'].OutputName).toMatch(/RegionalDomainName/);
    const sec = find('chat.acme-example.com', 'SECONDARY');
    expect(sec).toMatchObject({ Type: 'CNAME', TTL: '30', ResourceRecords: [chain], SetIdentifier: 'standby-chain' });
    expect(sec.HealthCheckId).toBeUndefined();
  });

  test('nested pair: PRIMARY → standby API (standby check), SECONDARY → fallback distribution (no check), fallback TTL', () => {
    const p = find(chain, 'PRIMARY');
    expect(p).toMatchObject({ Type: 'CNAME', TTL: '45', SetIdentifier: 'standby' });
    expect(p.HealthCheckId).toEqual({ Ref: s.stacks.failover.getLogicalId(s.stacks.failover.healthChecks.standby.healthCheck.node.defaultChild as any) });
    expect(outputName(p.ResourceRecords[0])).toBe('acme-chat-standby');
    const sec = find(chain, 'SECONDARY');
    expect(sec).toMatchObject({ Type: 'CNAME', TTL: '45', SetIdentifier: 'fallback' });
    expect(sec.HealthCheckId).toBeUndefined();
    expect(outputName(sec.ResourceRecords[0])).toBe('acme-chat-global');
    expect(sec.ResourceRecords[0]['Fn::GetStackOutput'].OutputName).toMatch(/Distribution.*DomainName/);
    expect(records()).toHaveLength(4);
  });
});

describe('regional custom domains', () => {
  test.each(['primary', 'standby'] as const)('%s: DNS-validated certificate in the plan zone, TLS 1.2 regional domain mapped to the stage', (role) => {
    const t = s.templates[role];
    t.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'chat.acme-example.com',
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: 'chat.acme-example.com', HostedZoneId: { 'Fn::GetStackOutput': Match.objectLike({ StackName: 'acme-chat-global', Region: 'us-east-1' }) } }],
    });
    t.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: 'chat.acme-example.com',
      DomainNameConfigurations: [Match.objectLike({ EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' })],
    });
    // The v2 mapping maps the REST API's stage; it keeps the logical id it had for the HTTP API, so
    // the move updates it in place instead of adding a second mapping on the same domain.
    const mappings = t.findResources('AWS::ApiGatewayV2::ApiMapping');
    // (The region's own name for the chat widget has a mapping of its own: OwnName….)
    expect(Object.keys(mappings).filter((id) => !id.startsWith('OwnName'))).toEqual(['EndpointMapping96659509']);
    const [restApiId] = Object.keys(t.findResources('AWS::ApiGateway::RestApi'));
    const [stageId] = Object.keys(t.findResources('AWS::ApiGateway::Stage'));
    expect(mappings.EndpointMapping96659509.Properties).toEqual({ ApiId: { Ref: restApiId }, DomainName: { Ref: 'EndpointDomain72FAC8F0' }, Stage: { Ref: stageId } });
  });

  test('an existing zone is imported by id: no reference to the global stack', () => {
    const input = examplePlanInput() as any;
    input.dns.zone = { id: 'Z0123456789ABCDEFGHIJ', name: 'acme-example.com' };
    const ex = synthPlan({ plan: parsePlan(input), source: 'test', dir: '.' });
    ex.templates.primary.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainValidationOptions: [{ DomainName: 'chat.acme-example.com', HostedZoneId: 'Z0123456789ABCDEFGHIJ' }],
    });
    expect(ex.stacks.primary.dependencies.map((d) => d.stackName)).not.toContain('acme-chat-global');
  });
});

describe('stack graph', () => {
  test('the incident key stacks depend on nothing, global only on them, standby never on primary, failover on all three', () => {
    const deps = (st: { dependencies: { stackName: string }[] }) => st.dependencies.map((d) => d.stackName).sort();
    expect(deps(s.stacks.incidentKeys.primary!)).toEqual([]);
    expect(deps(s.stacks.incidentKeys.standby!)).toEqual([]);
    expect(deps(s.stacks.global)).toEqual(['acme-chat-incident-key-primary', 'acme-chat-incident-key-standby']);
    // Each region reads its own region's incident key (for its replica) from its key stack.
    expect(deps(s.stacks.standby)).toEqual(['acme-chat-global', 'acme-chat-incident-key-standby']);
    expect(deps(s.stacks.primary)).toEqual(['acme-chat-global', 'acme-chat-incident-key-primary', 'acme-chat-standby']);
    expect(deps(s.stacks.failover)).toEqual(['acme-chat-global', 'acme-chat-primary', 'acme-chat-standby']);
  });
});

describe('fallback site (global stack)', () => {
  test('content bucket is private, encrypted, TLS-only and logged', () => {
    const g = s.templates.global;
    const buckets = byType(g.toJSON().Resources, 'AWS::S3::Bucket').filter(([id]) => id.startsWith('Fallback'));
    expect(buckets).toHaveLength(2);
    for (const [, b] of buckets) {
      expect(b.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
      expect(b.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
    }
    const content = buckets.find(([, b]) => b.Properties.LoggingConfiguration)!;
    expect(content[1].Properties.LoggingConfiguration.LogFilePrefix).toBe('s3/');
    // No statement grants anyone but CloudFront (by its service principal and this distribution) read access.
    const policies = byType(g.toJSON().Resources, 'AWS::S3::BucketPolicy').filter(([, p]) => p.Properties.Bucket.Ref === content[0]);
    const statements = policies.flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    const allows = statements.filter((st: any) => st.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0]).toMatchObject({ Action: 's3:GetObject', Principal: { Service: 'cloudfront.amazonaws.com' } });
    expect(JSON.stringify(allows[0].Condition)).toMatch(/AWS:SourceArn/);
    expect(statements.some((st: any) => st.Effect === 'Deny' && st.Condition?.Bool?.['aws:SecureTransport'] === 'false')).toBe(true);
  });

  test('distribution: OAC, the public name with a DNS-validated us-east-1 certificate, TLS 1.2, HTTPS only, logging, security headers', () => {
    const g = s.templates.global;
    g.hasResourceProperties('AWS::CloudFront::OriginAccessControl', { OriginAccessControlConfig: Match.objectLike({ SigningBehavior: 'always', OriginAccessControlOriginType: 's3' }) });
    g.hasResourceProperties('AWS::CertificateManager::Certificate', { DomainName: 'chat.acme-example.com', ValidationMethod: 'DNS', DomainValidationOptions: [{ DomainName: 'chat.acme-example.com', HostedZoneId: { Ref: Match.anyValue() } }] });
    g.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['chat.acme-example.com'],
        DefaultRootObject: 'index.html',
        ViewerCertificate: Match.objectLike({ MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' }),
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https', AllowedMethods: ['GET', 'HEAD', 'OPTIONS'] }),
        Logging: Match.objectLike({ Prefix: 'cloudfront/' }),
        Origins: [Match.objectLike({ OriginAccessControlId: Match.anyValue() })],
      }),
    });
    g.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          ContentSecurityPolicy: { ContentSecurityPolicy: Match.stringLikeRegexp("default-src 'none'"), Override: true },
          StrictTransportSecurity: Match.objectLike({ AccessControlMaxAgeSec: 31536000, IncludeSubdomains: true }),
          FrameOptions: { FrameOption: 'DENY', Override: true },
          ContentTypeOptions: { Override: true },
        }),
      }),
    });
  });

  test('the generated page and hand-off document are deployed, and the distribution invalidated', () => {
    const files = s.stacks.global.fallback.files;
    expect(Object.keys(files).sort()).toEqual(['fallback.css', 'favicon.svg', HANDOFF_DOCUMENT_PATH.slice(1), 'index.html'].sort());
    expect(files['index.html']).toContain('+852 3100 0000');
    s.templates.global.hasResourceProperties('Custom::CDKBucketDeployment', { Prune: true, DistributionPaths: ['/*'], DistributionId: { Ref: Match.anyValue() } });
  });
});

describe('warning levels in us-east-1 (issue 4 wiring)', () => {
  const topicRef = (level: 'important' | 'emergency') => {
    const topic = s.stacks.global.alerting.topics.topics[level];
    // Same-region reference to the global stack's topic, read with Fn::GetStackOutput (weak).
    return s.stacks.failover.resolve(s.stacks.failover.resolve(topic.topicArn));
  };
  const alarmOf = (c: { alarm: { node: { defaultChild?: unknown } } }) =>
    failoverResources[s.stacks.failover.getLogicalId(c.alarm.node.defaultChild as any)] as any;

  test('the status code alone says unhealthy wherever a check probes: /health answers 503 without the token when a check fails, and the fallback site (what the public name serves after both regions fail) answers /health with 503', () => {
    const failing = evaluateHealth([{ name: 'table', ok: true }, { name: 'knowledgeBase', ok: true }, { name: 'notDegraded', ok: false }], { token: 'CHATBOT_HEALTHY', region: 'r', role: 'primary' });
    expect(failing.statusCode).toBe(503);
    // Route 53 counts 2xx and 3xx as healthy: no error response of the fallback distribution may turn into one.
    const [[, dist]] = byType(Template.fromStack(s.stacks.global).toJSON().Resources as Resources, 'AWS::CloudFront::Distribution').filter(([id]) => id.startsWith('Fallback'));
    const errors = dist.Properties.DistributionConfig.CustomErrorResponses as { ErrorCode: number; ResponseCode: number }[];
    expect(errors.map((e) => [e.ErrorCode, e.ResponseCode])).toEqual([[403, 503], [404, 503]]);
    // …and /health is not one of the fallback site's files (a file there would answer 200).
    expect(Object.keys(s.stacks.global.fallback.files)).not.toContain('health');
    expect(Object.keys(s.stacks.global.fallback.files).some((f) => /health/i.test(f))).toBe(false);
  });

  test('a third health check watches the public name; it is not part of the failover records', () => {
    const pub = s.stacks.failover.publicHealthCheck!;
    const [[id, hc]] = byType(failoverResources, 'AWS::Route53::HealthCheck').filter(([, v]) => v.Properties.HealthCheckTags.some((t: any) => t.Key === ENDPOINT_TAG_KEY && t.Value === 'public'));
    expect(id).toBe(s.stacks.failover.getLogicalId(pub.healthCheck.node.defaultChild as any));
    expect(hc.Properties.HealthCheckConfig).toMatchObject({ Type: 'HTTPS', FullyQualifiedDomainName: 'chat.acme-example.com', ResourcePath: '/health', RequestInterval: 10 });
    expect(hc.Properties.HealthCheckConfig.SearchString).toBeUndefined();
    const records = byType(failoverResources, 'AWS::Route53::RecordSet').map(([, r]) => JSON.stringify(r.Properties.HealthCheckId ?? null));
    expect(records.some((r) => r.includes(id))).toBe(false);
  });

  test('region health alarms page at important, the public name at emergency, alarm and OK', () => {
    expect(topicRef('important')).not.toEqual(topicRef('emergency'));
    for (const role of ['primary', 'standby'] as const) {
      const a = alarmOf(s.stacks.failover.healthChecks[role]);
      expect(a.Properties.AlarmActions).toEqual([topicRef('important')]);
      expect(a.Properties.OKActions).toEqual([topicRef('important')]);
      expect(a.Properties.AlarmDescription).toMatch(new RegExp(`^\\[Important warning .+\\] The ${role} region fails its /health check`));
    }
    const pub = alarmOf(s.stacks.failover.publicHealthCheck!);
    expect(pub.Properties.AlarmActions).toEqual([topicRef('emergency')]);
    expect(pub.Properties.AlarmDescription).toMatch(/^\[Emergency warning .+\] The public name chat\.acme-example\.com is not served/);
  });

  test('the public-name alarm outlasts an ordinary failover: ceil(modelled worst case / 60) + 2 breaching minutes; the region alarms stay at the plan\'s minutes', () => {
    const model = worstCaseFailoverSeconds(planFailoverTiming(plan));
    const minutes = Math.ceil(model / 60) + 2;
    const pub = alarmOf(s.stacks.failover.publicHealthCheck!);
    expect(pub.Properties).toMatchObject({ Period: 60, EvaluationPeriods: minutes, DatapointsToAlarm: minutes, Statistic: 'Minimum', TreatMissingData: 'breaching' });
    // The longest unhealthy span a failover within the model gives (model seconds, starting just before a
    // minute boundary) touches fewer one-minute periods than the alarm needs.
    expect(Math.floor((59 + model) / 60) + 1).toBeLessThan(minutes);
    for (const role of ['primary', 'standby'] as const) {
      expect(alarmOf(s.stacks.failover.healthChecks[role]).Properties.EvaluationPeriods).toBe(plan.failover.alarmEvaluationMinutes);
    }
  });

  test('response levels: emergency = both regions down OR public name down; severe = either region down', () => {
    const rl = s.stacks.failover.responseLevels!;
    const name = (c: any) => s.stacks.failover.resolve(c.alarm.alarmArn);
    const rule = (level: 'emergency' | 'severe') => JSON.stringify(s.stacks.failover.resolve((rl.alarms[level]!.node.defaultChild as any).alarmRule));
    const [p, st, pub] = [s.stacks.failover.healthChecks.primary, s.stacks.failover.healthChecks.standby, s.stacks.failover.publicHealthCheck!].map((c) => JSON.stringify(name(c)));
    const emergency = rule('emergency');
    expect(emergency).toContain('((ALARM(');
    expect(emergency).toContain(' AND ');
    expect(emergency).toContain(') OR ALARM(');
    const severe = rule('severe');
    expect(severe).toContain(' OR ');
    expect(severe).not.toContain(' AND ');
    for (const ref of [p, st]) {
      const logical = JSON.parse(ref)['Fn::GetAtt'][0];
      expect(emergency).toContain(logical);
      expect(severe).toContain(logical);
    }
    expect(emergency).toContain(JSON.parse(pub)['Fn::GetAtt'][0]);
    expect(severe).not.toContain(JSON.parse(pub)['Fn::GetAtt'][0]);
    const composite = failoverResources[s.stacks.failover.getLogicalId(rl.alarms.emergency!.node.defaultChild as any)] as any;
    expect(composite.Properties.AlarmActions).toEqual([topicRef('emergency')]);
  });

  test('the us-east-1 dashboard lives in the failover stack and shows the health alarms', () => {
    const [[, dash]] = byType(failoverResources, 'AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dash.Properties.DashboardBody);
    for (const c of [s.stacks.failover.healthChecks.primary, s.stacks.failover.publicHealthCheck!]) {
      expect(body).toContain(s.stacks.failover.getLogicalId(c.alarm.node.defaultChild as any));
    }
  });
});
