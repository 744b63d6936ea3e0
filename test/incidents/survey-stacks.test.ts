import { Match, Template } from 'aws-cdk-lib/assertions';
import { synthPlan, Synthesized } from '../helpers/synth';
import { loadedPlan } from '../helpers/plan';

// Template assertions for the satisfaction survey (§10.2): the answers table (encryption, PITR,
// TTL), the function's IAM scope, the REST API's throttling, and the status distribution's
// /api/survey/* behaviour (no caching, only the needed headers, same security headers).
let s: Synthesized;
let g: Template;
beforeAll(() => {
  s = synthPlan();
  g = s.templates.global;
});

function statementsOf(t: Template, rolePrefix: string): any[] {
  const policies = t.findResources('AWS::IAM::Policy', { Properties: { Roles: Match.arrayWith([{ Ref: Match.stringLikeRegexp(`^${rolePrefix}`) }]) } });
  return Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}
const actionsOf = (st: any): string[] => [st.Action].flat();
const idOf = (t: Template, type: string, prefix: string) => Object.keys(t.findResources(type)).find((id) => id.startsWith(prefix))!;

describe('survey table', () => {
  test('encrypted with its own rotated key, point-in-time recovery, TTL on expiresAt, retained', () => {
    const tableId = idOf(g, 'AWS::DynamoDB::GlobalTable', 'SurveyAnswers');
    const table = g.toJSON().Resources[tableId];
    const keyId = idOf(g, 'AWS::KMS::Key', 'SurveyKey');
    expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
    expect(JSON.stringify(table.Properties.Replicas[0].SSESpecification)).toContain(keyId);
    expect(table.Properties.Replicas[0].PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(table.DeletionPolicy).toBe('Retain');
    expect(g.toJSON().Resources[keyId].Properties.EnableKeyRotation).toBe(true);
  });
});

describe('survey function IAM', () => {
  const tableId = () => idOf(g, 'AWS::DynamoDB::GlobalTable', 'SurveyAnswers');
  test('writes only its own table (GetItem, PutItem, UpdateItem: no Scan, Query or Delete)', () => {
    const st = statementsOf(g, 'SurveyFunctionRole');
    const onSurvey = st.filter((x) => JSON.stringify(x.Resource).includes(tableId()));
    expect(onSurvey.flatMap(actionsOf).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    const dynamo = st.filter((x) => actionsOf(x).some((a) => a.startsWith('dynamodb:')));
    for (const x of dynamo) expect(actionsOf(x).every((a) => ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'].includes(a))).toBe(true);
  });

  test('reads the incident table only through GetItem on the STATE partition (the register)', () => {
    const st = statementsOf(g, 'SurveyFunctionRole');
    const incident = st.filter((x) => JSON.stringify(x.Resource).includes('IncidentLog'));
    const ddb = incident.filter((x) => actionsOf(x).some((a) => a.startsWith('dynamodb:')));
    expect(ddb).toHaveLength(1);
    expect(actionsOf(ddb[0])).toEqual(['dynamodb:GetItem']);
    expect(ddb[0].Condition).toEqual({ 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['STATE'] } });
  });

  test('the incident publisher may only read the survey table (GetItem, Query)', () => {
    const st = statementsOf(g, 'IncidentsRole');
    const onSurvey = st.filter((x) => JSON.stringify(x.Resource).includes(tableId()));
    expect(onSurvey.flatMap(actionsOf).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:Query']);
    const env = Object.values(g.findResources('AWS::Lambda::Function')).map((f: any) => f.Properties.Environment?.Variables?.PUBLISH_CONFIG).find(Boolean);
    expect(JSON.stringify(env)).toContain(tableId());
  });
});

describe('survey API', () => {
  test('a POST on api/survey/{incident}, stage throttled from the plan, access logs without addresses', () => {
    const plan = loadedPlan().plan;
    const resources = Object.values(g.findResources('AWS::ApiGateway::Resource')).map((r: any) => r.Properties.PathPart);
    expect(resources).toEqual(expect.arrayContaining(['api', 'survey', '{incident}']));
    const methods = Object.values(g.findResources('AWS::ApiGateway::Method')).filter((m: any) => JSON.stringify(m).includes('Survey'));
    expect(methods.map((m: any) => m.Properties.HttpMethod)).toEqual(['POST']);
    const stage = Object.values(g.findResources('AWS::ApiGateway::Stage')).find((x: any) => x.Properties.StageName === 'live' && JSON.stringify(x).includes('Survey')) as any;
    const setting = stage.Properties.MethodSettings.find((m: any) => m.HttpMethod === '*');
    expect(setting.ThrottlingRateLimit).toBe(plan.incidents.statusPage.survey.rateLimit);
    expect(setting.ThrottlingBurstLimit).toBe(plan.incidents.statusPage.survey.burstLimit);
    expect(stage.Properties.AccessLogSetting.Format).not.toContain('sourceIp');
  });

  test('the function gets the plan window, limits and languages', () => {
    const plan = loadedPlan().plan;
    const fn = Object.values(g.findResources('AWS::Lambda::Function')).find((f: any) => f.Properties.Environment?.Variables?.SURVEY_CONFIG) as any;
    const cfg = JSON.parse(JSON.stringify(fn.Properties.Environment.Variables.SURVEY_CONFIG['Fn::Join'][1].map((p: any) => (typeof p === 'string' ? p : 'X')).join('')));
    const parsed = JSON.parse(cfg);
    expect(parsed).toMatchObject({ windowDays: 30, retentionDays: 365, perAddressPerHour: plan.incidents.statusPage.survey.perAddressPerHour, languages: plan.languages });
  });
});

describe('status distribution', () => {
  test('serves /api/survey/* from the API: no caching, POST allowed, HTTPS only, only Content-Type and the viewer address forwarded', () => {
    const dist = Object.entries(g.findResources('AWS::CloudFront::Distribution')).find(([id]) => id.startsWith('StatusPage'))!;
    const cfg = (dist[1] as any).Properties.DistributionConfig;
    const b = cfg.CacheBehaviors.find((x: any) => x.PathPattern === '/api/survey/*');
    expect(b).toBeDefined();
    expect(b.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad'); // CachingDisabled
    expect(b.AllowedMethods).toEqual(expect.arrayContaining(['POST', 'GET']));
    expect(b.ViewerProtocolPolicy).toBe('https-only');
    expect(b.ResponseHeadersPolicyId).toEqual(cfg.DefaultCacheBehavior.ResponseHeadersPolicyId);
    const origin = cfg.Origins.find((o: any) => o.Id === b.TargetOriginId);
    // The origin path is the survey API's stage (from its URL), its domain the API's own host.
    expect(JSON.stringify(origin.OriginPath)).toMatch(/SurveyApi[A-Za-z0-9]+/);
    expect(JSON.stringify(origin.DomainName)).toMatch(/execute-api/);
    expect(JSON.stringify(origin.DomainName)).toContain('SurveyApi');
    const orp = g.toJSON().Resources[b.OriginRequestPolicyId.Ref].Properties.OriginRequestPolicyConfig;
    expect(orp.HeadersConfig).toEqual({ HeaderBehavior: 'whitelist', Headers: ['Content-Type', 'CloudFront-Viewer-Address'] });
    expect(orp.CookiesConfig.CookieBehavior).toBe('none');
    // One policy for every API on the site: the subscription API's one-click unsubscribe needs the
    // query string; the survey API reads only its path and body.
    expect(orp.QueryStringsConfig.QueryStringBehavior).toBe('all');
  });

  test('the page CSP still allows connections to the own origin only', () => {
    const policies = Object.values(g.findResources('AWS::CloudFront::ResponseHeadersPolicy')).map((p: any) => p.Properties.ResponseHeadersPolicyConfig);
    const status = policies.find((p: any) => /status page/.test(p.Comment))!;
    expect(status.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy).toContain("connect-src 'self'");
  });
});

describe('plan switch', () => {
  test('survey.enabled: false builds no table, API or behaviour, and no publisher grant', () => {
    const off = synthPlan(loadedPlan({ incidents: { statusPage: { survey: { enabled: false } } } } as any)).templates.global;
    expect(Object.keys(off.findResources('AWS::DynamoDB::GlobalTable')).some((id) => id.startsWith('Survey'))).toBe(false);
    expect(JSON.stringify(off.toJSON())).not.toContain('/api/survey/*');
    expect(JSON.stringify(off.toJSON())).not.toContain('SURVEY_CONFIG');
  });
});
