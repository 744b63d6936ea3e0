import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { parsePlan, PlanValidationError } from '../../lib/config';
import { renderStatusSite, statusPageTexts } from '../../lib/incidents';
import { StaticSite } from '../../lib/site';
import { examplePlanInput, loadedPlan, loadedPlanWith } from '../helpers/plan';
import { synthPlan, Synthesized } from '../helpers/synth';

// Template assertions for the status page's e-mail subscriptions (issue 15): the subscriber table's
// protection, the API on the page's own distribution (no cache, only the headers it needs), stage
// throttling, the delivery function on the notice topic, and SES rights limited to the sender.
const FROM = 'status@acme-example.com';
const enabled = loadedPlanWith((p) => {
  p.incidents = { ...(p.incidents ?? {}), statusPage: { ...(p.incidents?.statusPage ?? {}), subscriptions: { enabled: true, from: FROM } } };
});
let s: Synthesized;
let g: Template;
beforeAll(() => {
  s = synthPlan(enabled);
  g = s.templates.global;
});

const only = (t: Template, type: string, prefix: string) => Object.entries(t.findResources(type)).filter(([id]) => id.startsWith(prefix));

describe('subscriber table', () => {
  test('encrypted at rest, point-in-time recovery, TTL on `ttl`, on demand, retained', () => {
    const [[, table]] = only(g, 'AWS::DynamoDB::Table', 'StatusPageSubscriptions') as [string, any][];
    expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true });
    expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'ttl', Enabled: true });
    expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.DeletionPolicy).toBe('Retain');
  });
});

describe('SES rights', () => {
  test('both functions may only SendEmail, only from the plan sender (its address or its domain identity), conditioned on ses:FromAddress', () => {
    const statements = Object.values(g.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const ses = statements.filter((st: any) => JSON.stringify(st.Action).includes('ses:'));
    expect(ses).toHaveLength(2);
    for (const st of ses) {
      expect(st.Action).toBe('ses:SendEmail');
      expect(st.Condition).toEqual({ StringEquals: { 'ses:FromAddress': FROM } });
      const resources = JSON.stringify(st.Resource);
      expect(st.Resource).toHaveLength(2);
      expect(resources).toContain(':identity/status@acme-example.com"');
      expect(resources).toContain(':identity/acme-example.com"');
      expect(resources).not.toContain('*');
    }
  });
});

describe('API on the status distribution', () => {
  test('served at /api/subscriptions/* over HTTPS only, never cached, every method, forwarding only the query string, Content-Type and the viewer address', () => {
    const [[, dist]] = only(g, 'AWS::CloudFront::Distribution', 'StatusPage') as [string, any][];
    const config = dist.Properties.DistributionConfig;
    const behaviour = config.CacheBehaviors.find((b: any) => b.PathPattern === '/api/subscriptions/*');
    expect(behaviour).toBeDefined();
    expect(behaviour.ViewerProtocolPolicy).toBe('https-only');
    // CloudFront's managed CachingDisabled policy.
    expect(behaviour.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad');
    expect(behaviour.AllowedMethods).toEqual(expect.arrayContaining(['POST', 'GET']));
    // The page's security headers apply to the API's answers too.
    expect(behaviour.ResponseHeadersPolicyId).toEqual(config.DefaultCacheBehavior.ResponseHeadersPolicyId);
    const policy = g.findResources('AWS::CloudFront::OriginRequestPolicy')[behaviour.OriginRequestPolicyId.Ref] as any;
    expect(policy.Properties.OriginRequestPolicyConfig).toMatchObject({
      HeadersConfig: { HeaderBehavior: 'whitelist', Headers: ['Content-Type', 'CloudFront-Viewer-Address'] },
      CookiesConfig: { CookieBehavior: 'none' },
      QueryStringsConfig: { QueryStringBehavior: 'all' },
    });
    // The origin is the subscription API's stage, over HTTPS.
    const origin = config.Origins.find((o: any) => o.Id === behaviour.TargetOriginId);
    // The stage's path, taken from the stage's URL (the stage is `live`).
    expect(JSON.stringify(origin.OriginPath)).toMatch(/"Ref":"StatusPageSubscriptionsApiDeploymentStagelive[0-9A-F]+"/);
    expect(JSON.stringify(origin.DomainName)).toMatch(/"Ref":"StatusPageSubscriptionsApi[0-9A-F]+"/);
    expect(origin.CustomOriginConfig.OriginProtocolPolicy).toBe('https-only');
  });

  test('the stage is throttled (plan defaults 5/s, burst 10), logs no query strings, bodies or client addresses, and the API routes POST subscribe/confirm/unsubscribe and GET unsubscribe', () => {
    const [[, stage]] = only(g, 'AWS::ApiGateway::Stage', 'StatusPageSubscriptions') as [string, any][];
    expect(stage.Properties.MethodSettings).toEqual([expect.objectContaining({ HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 })]);
    const format = stage.Properties.AccessLogSetting.Format as string;
    expect(format).not.toMatch(/sourceIp|querystring|requestOverride|body/i);
    const methods = only(g, 'AWS::ApiGateway::Method', 'StatusPageSubscriptions').map(([, m]: [string, any]) => m.Properties.HttpMethod);
    expect(methods.sort()).toEqual(['GET', 'POST', 'POST', 'POST']);
    const paths = only(g, 'AWS::ApiGateway::Resource', 'StatusPageSubscriptions').map(([, r]: [string, any]) => r.Properties.PathPart);
    expect(paths.sort()).toEqual(['api', 'confirm', 'subscribe', 'subscriptions', 'unsubscribe']);
  });

  test('the delivery function is subscribed to the customer notice topic, with a dead-letter queue wired to an alarm', () => {
    g.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: { Ref: Match.stringLikeRegexp('^StatusPageNotices') },
      Endpoint: { 'Fn::GetAtt': [Match.stringLikeRegexp('^StatusPageSubscriptionsDeliveryFunction'), 'Arn'] },
    });
    g.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: Match.stringLikeRegexp('^StatusPageSubscriptionsDeliveryFunction') },
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^StatusPageSubscriptionsDeadLetters'), 'Arn'] } } },
    });
    const alarms = only(g, 'AWS::CloudWatch::Alarm', 'StatusPageSubscriptionsDeadLetters') as [string, any][];
    expect(alarms).toHaveLength(1);
    expect(alarms[0][1].Properties.AlarmActions?.length ?? 0).toBeGreaterThan(0);
  });
});

describe('plan section', () => {
  test('off by default: no API, table or form', () => {
    const plan = loadedPlan().plan;
    expect(plan.incidents.statusPage.subscriptions.enabled).toBe(false);
    const site = renderStatusSite(statusPageTexts(plan), plan.timeZone);
    expect(site['index.html']).not.toContain('subscribe-form');
    expect(Object.keys(site)).not.toContain('confirm.html');
  });

  test('enabled without a from address is refused at from, with the fix', () => {
    const raw: any = examplePlanInput();
    raw.incidents = { ...(raw.incidents ?? {}), statusPage: { subscriptions: { enabled: true } } };
    let issues: { path: string; message: string }[] = [];
    try {
      parsePlan(raw, 'test plan', '.');
    } catch (e) {
      if (!(e instanceof PlanValidationError)) throw e;
      issues = e.issues.map((i) => ({ path: String(i.path), message: i.message }));
    }
    expect(issues).toEqual([expect.objectContaining({ path: 'incidents.statusPage.subscriptions.from', message: expect.stringMatching(/required when subscriptions.enabled is true.*verified in SES.*or set enabled: false/) })]);
  });

  test('a from that is not an address is refused with an example', () => {
    const raw: any = examplePlanInput();
    raw.incidents = { ...(raw.incidents ?? {}), statusPage: { subscriptions: { enabled: true, from: 'Status <status@example.com>' } } };
    expect(() => parsePlan(raw, 'test plan', '.')).toThrow(/incidents\.statusPage\.subscriptions\.from.*must be an e-mail address such as "status@example.com"/);
  });
});

describe('StaticSite.addApi', () => {
  const stackIn = () => new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'S', { env: { region: 'us-east-1', account: '123456789012' } });
  const apiIn = (stack: Stack, id: string) => {
    const api = new apigateway.RestApi(stack, id, { cloudWatchRole: false });
    api.root.addMethod('GET', new apigateway.MockIntegration());
    return api;
  };

  test('refuses a path that is not a prefix pattern, and one path twice', () => {
    const stack = stackIn();
    const site = new StaticSite(stack, 'Site', { purpose: 'test', files: { 'index.html': 'x' } });
    expect(() => site.addApi('/api', apiIn(stack, 'A'))).toThrow(/pathPattern must be a path ending in "\/\*" such as "\/api\/subscriptions\/\*", got: \/api/);
    site.addApi('/api/one/*', apiIn(stack, 'B'));
    expect(() => site.addApi('api/one/*', apiIn(stack, 'C'))).toThrow(/already serves an API/);
  });

  test('two APIs share one origin request policy and get a behaviour each', () => {
    const stack = stackIn();
    const site = new StaticSite(stack, 'Site', { purpose: 'test', files: { 'index.html': 'x' } });
    site.addApi('/api/one/*', apiIn(stack, 'One'));
    site.addApi('/api/two/*', apiIn(stack, 'Two'));
    const t = Template.fromStack(stack);
    expect(Object.keys(t.findResources('AWS::CloudFront::OriginRequestPolicy'))).toHaveLength(1);
    const dist = Object.values(t.findResources('AWS::CloudFront::Distribution'))[0] as any;
    expect(dist.Properties.DistributionConfig.CacheBehaviors.map((b: any) => b.PathPattern)).toEqual(['/api/one/*', '/api/two/*']);
  });
});
