import * as kms from 'aws-cdk-lib/aws-kms';
/**
 * The chat widget's infrastructure: each region's own name (certificate, custom domain, alias record)
 * in its regional stack, CORS on the chat API for the plan's origins only, and the widget's files
 * (script, document, hand-off copy) published on the status site with the same names the regional
 * stacks create.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { RegionalStack } from '../../lib/stacks';
import { WIDGET_HEALTH_THROTTLE } from '../../lib/chatbot/chatbot-api';
import { WIDGET_PATHS, WidgetDocument } from '../../contracts/widget';
import { parsePlan, regionNameOf, widgetOrigins } from '../../lib/config';
import { widgetDocument } from '../../lib/stacks/global-stack';
import { examplePlanInput, loadedPlan, patchedInput } from '../helpers/plan';
import { synthPlan, Synthesized } from '../helpers/synth';

type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;
const byType = (r: Resources, type: string) => Object.entries(r).filter(([, v]) => v.Type === type);

const NAMES = { primary: 'ap-southeast-1.chat.acme-example.com', standby: 'ap-northeast-1.chat.acme-example.com' } as const;

let s: Synthesized;
let custom: { primary: Template; standby: Template };
const customOrigins = ['https://shop.acme-example.com', 'https://help.acme-example.com:8443'];
beforeAll(() => {
  s = synthPlan();
  // The plan-settings case needs the regional stacks only.
  const loaded = loadedPlan({ widget: { allowedOrigins: customOrigins, regionNames: { standby: 'chat-tokyo.acme-example.com' } } });
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const keys = new Stack(app, 'keys');
  const regional = (role: 'primary' | 'standby') =>
    new RegionalStack(app, role, {
      plan: loaded.plan,
      planDir: loaded.dir,
      role,
      hostedZoneId: 'Z0123456789ABCDEFGHIJ',
      standbyKeyArn: 'arn:aws:kms:ap-northeast-1:123456789012:key/1',
      incidentKey: kms.Key.fromKeyArn(keys, `IncidentKey-${role}`, `arn:aws:kms:${loaded.plan.regions[role]}:123456789012:key/2`),
      env: { region: loaded.plan.regions[role] },
    });
  const [primary, standby] = [regional('primary'), regional('standby')];
  custom = { primary: Template.fromStack(primary), standby: Template.fromStack(standby) };
});

describe.each(['primary', 'standby'] as const)('%s region', (role) => {
  let r: Resources;
  beforeAll(() => {
    r = s.templates[role].toJSON().Resources as Resources;
  });

  test('its own name: DNS-validated certificate in the plan zone, regional TLS 1.2 custom domain on it, mapped to the chatbot stage', () => {
    const name = NAMES[role];
    const certs = byType(r, 'AWS::CertificateManager::Certificate').filter(([, c]) => c.Properties.DomainName === name);
    expect(certs).toHaveLength(1);
    const [certId, cert] = certs[0];
    expect(cert.Properties.ValidationMethod).toBe('DNS');
    expect(cert.Properties.DomainValidationOptions).toEqual([{ DomainName: name, HostedZoneId: expect.anything() }]);
    // Only its own name: the certificate does not also cover the shared public name or the other region.
    expect(cert.Properties.SubjectAlternativeNames).toBeUndefined();

    const domains = byType(r, 'AWS::ApiGatewayV2::DomainName').filter(([, d]) => d.Properties.DomainName === name);
    expect(domains).toHaveLength(1);
    const [domainId, domain] = domains[0];
    expect(domain.Properties.DomainNameConfigurations).toEqual([{ CertificateArn: { Ref: certId }, EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' }]);

    const [api] = byType(r, 'AWS::ApiGateway::RestApi');
    const [stage] = byType(r, 'AWS::ApiGateway::Stage');
    const mappings = byType(r, 'AWS::ApiGatewayV2::ApiMapping').filter(([, m]) => m.Properties.DomainName?.Ref === domainId);
    expect(mappings).toHaveLength(1);
    expect(mappings[0][1].Properties.ApiId).toEqual({ Ref: api[0] });
    // The chatbot REST API's own stage.
    expect(JSON.stringify(mappings[0][1].Properties.Stage)).toContain(stage[0]);
    expect(stage[1].Properties.RestApiId).toEqual({ Ref: api[0] });
  });

  test('an alias A record for its own name points at that custom domain only (no health check, no failover)', () => {
    const name = NAMES[role];
    const [domainId] = byType(r, 'AWS::ApiGatewayV2::DomainName').find(([, d]) => d.Properties.DomainName === name)!;
    const records = byType(r, 'AWS::Route53::RecordSet').filter(([, rec]) => rec.Properties.Name === `${name}.`);
    expect(records).toHaveLength(1);
    const rec = records[0][1].Properties;
    expect(rec.Type).toBe('A');
    expect(rec.AliasTarget).toEqual({
      DNSName: { 'Fn::GetAtt': [domainId, 'RegionalDomainName'] },
      HostedZoneId: { 'Fn::GetAtt': [domainId, 'RegionalHostedZoneId'] },
    });
    expect(rec.Failover).toBeUndefined();
    expect(rec.HealthCheckId).toBeUndefined();
    expect(rec.HostedZoneId).toBeDefined();
  });

  test('CORS: preflights answer the default origins (the zone and www) only, POST/GET, no credentials, no wildcard; the function gets the same list', () => {
    const preflights = byType(r, 'AWS::ApiGateway::Method').filter(([, m]) => m.Properties.HttpMethod === 'OPTIONS');
    // One per resource: /, /chat, /health, /widget, /widget/health.
    expect(preflights.length).toBe(5);
    for (const [, m] of preflights) {
      const text = JSON.stringify(m.Properties.Integration);
      expect(text).toContain('https://acme-example.com');
      expect(text).toContain('https://www.acme-example.com');
      expect(text).not.toContain("'*'");
      const headers = m.Properties.Integration.IntegrationResponses[0].ResponseParameters;
      expect(headers['method.response.header.Access-Control-Allow-Methods']).toBe("'POST,GET'");
      expect(headers['method.response.header.Access-Control-Allow-Headers']).toBe("'content-type'");
      expect(headers['method.response.header.Access-Control-Max-Age']).toBe("'3600'");
      expect(headers['method.response.header.Access-Control-Allow-Credentials']).toBeUndefined();
    }
    const fn = byType(r, 'AWS::Lambda::Function').find(([, f]) => f.Properties.Environment?.Variables?.ALLOWED_ORIGINS)!;
    expect(JSON.parse(fn[1].Properties.Environment.Variables.ALLOWED_ORIGINS)).toEqual(['https://acme-example.com', 'https://www.acme-example.com']);
  });

  test('the widget probes GET /widget/health, a route with a throttle bucket of its own; Route 53\'s GET /health keeps the plan\'s bucket', () => {
    const paths = byType(r, 'AWS::ApiGateway::Resource').map(([, x]) => x.Properties.PathPart).sort();
    expect(paths).toEqual(['chat', 'health', 'health', 'widget']);
    const [[, stage]] = byType(r, 'AWS::ApiGateway::Stage');
    const plan = loadedPlan().plan;
    const settings = stage.Properties.MethodSettings as any[];
    expect(settings.find((m) => m.ResourcePath === '/~1health')).toMatchObject({ HttpMethod: 'GET', ThrottlingRateLimit: plan.chatbot.throttle.healthRateLimit, ThrottlingBurstLimit: plan.chatbot.throttle.healthBurstLimit });
    expect(settings.find((m) => m.ResourcePath === '/~1widget~1health')).toMatchObject({ HttpMethod: 'GET', ThrottlingRateLimit: WIDGET_HEALTH_THROTTLE.rateLimit, ThrottlingBurstLimit: WIDGET_HEALTH_THROTTLE.burstLimit });
  });
});

test('the shared public name keeps its own certificate and custom domain (DNS failover is unchanged)', () => {
  for (const role of ['primary', 'standby'] as const) {
    const r = s.templates[role].toJSON().Resources as Resources;
    expect(byType(r, 'AWS::ApiGatewayV2::DomainName').map(([, d]) => d.Properties.DomainName).sort()).toEqual([NAMES[role], 'chat.acme-example.com'].sort());
  }
});

test('plan settings: widget.allowedOrigins replace the default CORS origins; widget.regionNames.standby renames the standby only', () => {
  const primary = custom.primary.toJSON().Resources as Resources;
  const standby = custom.standby.toJSON().Resources as Resources;
  for (const r of [primary, standby]) {
    const fn = byType(r, 'AWS::Lambda::Function').find(([, f]) => f.Properties.Environment?.Variables?.ALLOWED_ORIGINS)!;
    expect(JSON.parse(fn[1].Properties.Environment.Variables.ALLOWED_ORIGINS)).toEqual(customOrigins);
    const preflight = byType(r, 'AWS::ApiGateway::Method').find(([, m]) => m.Properties.HttpMethod === 'OPTIONS')!;
    for (const o of customOrigins) expect(JSON.stringify(preflight[1].Properties.Integration)).toContain(o);
  }
  const names = (r: Resources) => byType(r, 'AWS::CertificateManager::Certificate').map(([, c]) => c.Properties.DomainName);
  expect(names(standby)).toContain('chat-tokyo.acme-example.com');
  expect(names(standby)).not.toContain(NAMES.standby);
  expect(names(primary)).toContain(NAMES.primary);
});

describe('status site', () => {
  /** The files the status site's deployment copies, read from the staged assets of the synthesized app. */
  function stagedWidgetFile(syn: Synthesized, key: string): string {
    const outdir = syn.app.synth().directory;
    const hits = fs
      .readdirSync(outdir)
      .filter((d) => d.startsWith('asset.'))
      .map((d) => path.join(outdir, d, key))
      .filter((f) => fs.existsSync(f));
    expect(hits).toHaveLength(1);
    return fs.readFileSync(hits[0], 'utf8');
  }

  test('publishes the widget document naming exactly the regional names the regional stacks certify, primary first, with both hand-off documents', () => {
    const doc = JSON.parse(stagedWidgetFile(s, WIDGET_PATHS.document)) as WidgetDocument;
    expect(doc.endpoints.map((e) => e.url)).toEqual([`https://${NAMES.primary}`, `https://${NAMES.standby}`]);
    expect(doc.endpoints.map((e) => e.region)).toEqual(['ap-southeast-1', 'ap-northeast-1']);
    for (const [i, role] of (['primary', 'standby'] as const).entries()) {
      const certs = byType(s.templates[role].toJSON().Resources as Resources, 'AWS::CertificateManager::Certificate').map(([, c]) => `https://${c.Properties.DomainName}`);
      expect(certs).toContain(doc.endpoints[i].url);
    }
    expect(doc.fallback).toEqual(['handoff.json', 'https://chat.acme-example.com/handoff.json']);
    expect(doc.languages).toEqual(['zh-Hant', 'en']);
    expect(doc.words['zh-Hant']['widget.send']).toBe('傳送');
    expect(doc.words.en['widget.send']).toBe('Send');
    expect(doc.timeoutMs).toBe(5000);
    expect(doc.probeIntervalMs).toBe(60000);
    const handoff = JSON.parse(stagedWidgetFile(s, WIDGET_PATHS.handoff));
    expect(handoff).toMatchObject({ mode: 'human', phone: loadedPlan().plan.handoff.phone });
    const script = stagedWidgetFile(s, WIDGET_PATHS.script);
    expect(script).toContain('contingency-chat');
    expect(script).not.toMatch(/\beval\(|new Function\(/);
  });

  test('serves them cross-origin (GET/HEAD from any origin, no credentials) and invalidates widget/* on deployment', () => {
    const r = s.templates.global.toJSON().Resources as Resources;
    const policies = byType(r, 'AWS::CloudFront::ResponseHeadersPolicy').filter(([, p]) => /status page/.test(p.Properties.ResponseHeadersPolicyConfig.Comment));
    expect(policies).toHaveLength(1);
    const cors = policies[0][1].Properties.ResponseHeadersPolicyConfig.CorsConfig;
    expect(cors).toMatchObject({ AccessControlAllowCredentials: false, AccessControlAllowMethods: { Items: ['GET', 'HEAD'] }, AccessControlAllowOrigins: { Items: ['*'] } });
    const deployments = byType(r, 'Custom::CDKBucketDeployment').filter(([, d]) => (d.Properties.DistributionPaths ?? []).includes('/widget/*'));
    expect(deployments).toHaveLength(1);
  });
});

describe('plan rules', () => {
  const parse = (patch: Record<string, unknown>) => () => parsePlan(patchedInput(patch), 'test plan', '.');

  test('defaults: each region is <region>.<dns.name>; origins are the zone and www', () => {
    const plan = loadedPlan().plan;
    expect(regionNameOf(plan, 'primary')).toBe(NAMES.primary);
    expect(regionNameOf(plan, 'standby')).toBe(NAMES.standby);
    expect(widgetOrigins(plan)).toEqual(['https://acme-example.com', 'https://www.acme-example.com']);
    expect(widgetDocument(plan).endpoints[0].role).toBe('primary');
  });

  test.each([
    [['*'], /wildcard/],
    [['https://*.acme-example.com'], /wildcard/],
    [['http://www.acme-example.com'], /not https/],
    [['https://www.acme-example.com/'], /not an origin/],
    [['https://www.acme-example.com/shop'], /not an origin/],
  ])('allowedOrigins %j is refused', (origins, message) => {
    expect(parse({ widget: { allowedOrigins: origins } })).toThrow(message);
  });

  test('a region name outside the zone, equal to the public name, or shared by both regions is refused', () => {
    expect(parse({ widget: { regionNames: { primary: 'chat.other-example.com' } } })).toThrow(/widget\.regionNames\.primary.*not below dns\.zone\.name/s);
    expect(parse({ widget: { regionNames: { standby: 'chat.acme-example.com' } } })).toThrow(/already dns\.name/);
    expect(parse({ widget: { regionNames: { primary: 'a.acme-example.com', standby: 'a.acme-example.com' } } })).toThrow(/already the primary region's own name/);
    expect(parse({ widget: { regionNames: { primary: `${'a'.repeat(50)}.acme-example.com` } } })).toThrow(/at most 64/);
  });

  test('timeouts: 1-29 s, probe interval 10-3600 s', () => {
    expect(parse({ widget: { timeoutSeconds: 30 } })).toThrow(/widget\.timeoutSeconds/);
    expect(parse({ widget: { probeIntervalSeconds: 5 } })).toThrow(/widget\.probeIntervalSeconds/);
    expect(examplePlanInput()).toBeDefined();
  });
});
