import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ChatbotApi, CHATBOT_RUNTIME, CHATBOT_STAGE_NAME } from '../../lib/chatbot';
import { loadedPlan } from '../helpers/plan';
import { synthPlan, Synthesized } from '../helpers/synth';

let s: Synthesized;
beforeAll(() => {
  s = synthPlan(loadedPlan({ chatbot: { reservedConcurrency: 40, provisionedConcurrency: 2, throttle: { rateLimit: 25, burstLimit: 60 } } }));
});

const fnProps = (t: Template) => Object.values(t.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('Customer-service chatbot') } }))[0] as any;

describe.each(['primary', 'standby'] as const)('chatbot deployment (%s)', (role) => {
  const t = () => s.templates[role];

  test('function: arm64, newest accepted Node.js runtime, plan sizing, tracing, source maps', () => {
    const fn = fnProps(t()).Properties;
    expect(fn.Runtime).toBe(CHATBOT_RUNTIME.name);
    expect(fn.Runtime).toBe('nodejs24.x');
    expect(fn.Architectures).toEqual(['arm64']);
    expect(fn.MemorySize).toBe(512);
    expect(fn.Timeout).toBe(10);
    expect(fn.ReservedConcurrentExecutions).toBe(40);
    expect(fn.TracingConfig).toEqual({ Mode: 'Active' });
    expect(fn.Environment.Variables).toMatchObject({
      DEPLOYMENT_ROLE: role,
      HEALTH_TOKEN: 'CHATBOT_HEALTHY',
      MATCH_THRESHOLD: '0.3',
      CONVERSATION_TTL_HOURS: '24',
      NODE_OPTIONS: '--enable-source-maps',
    });
    expect(JSON.parse(fn.Environment.Variables.HANDOFF_CONTACTS)).toEqual(loadedPlan().plan.handoff);
  });

  test('function logs go to its own log group with the plan retention', () => {
    const fn = fnProps(t()).Properties;
    const groups = t().findResources('AWS::Logs::LogGroup');
    const ref = fn.LoggingConfig.LogGroup.Ref as string;
    expect(groups[ref].Properties.RetentionInDays).toBe(30);
  });

  test('provisioned concurrency sits on the live alias the API invokes (Lambda proxy, REST payload 1.0)', () => {
    t().hasResourceProperties('AWS::Lambda::Alias', { Name: 'live', ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 2 } });
    // The CORS preflights (OPTIONS) are answered by API Gateway itself (MOCK integrations).
    const methods = (Object.values(t().findResources('AWS::ApiGateway::Method')) as any[]).filter((m) => m.Properties.HttpMethod !== 'OPTIONS');
    const aliasId = Object.keys(t().findResources('AWS::Lambda::Alias'))[0];
    expect(methods).toHaveLength(3);
    for (const m of methods) {
      expect(m.Properties.Integration.Type).toBe('AWS_PROXY');
      expect(JSON.stringify(m.Properties.Integration.Uri)).toContain(`{"Ref":"${aliasId}"}`);
    }
    // Only the stage may invoke the alias, per method and path (no test-invoke permissions).
    const permissions = Object.values(t().findResources('AWS::Lambda::Permission', { Properties: { Principal: 'apigateway.amazonaws.com' } })) as any[];
    expect(permissions.map((p) => p.Properties.SourceArn['Fn::Join'][1].at(-1)).sort()).toEqual(['/GET/health', '/GET/widget/health', '/POST/chat']);
    for (const p of permissions) expect(p.Properties.FunctionName).toEqual({ Ref: aliasId });
  });

  test('REST API routes: POST /chat, GET /health and the chat widget\'s probe GET /widget/health (with CORS preflights), no authorizer, regional endpoint', () => {
    const resources = Object.values(t().findResources('AWS::ApiGateway::Resource')).map((r: any) => r.Properties.PathPart).sort();
    expect(resources).toEqual(['chat', 'health', 'health', 'widget']);
    const methods = Object.values(t().findResources('AWS::ApiGateway::Method')).map((m: any) => m.Properties.HttpMethod);
    expect(methods.filter((m) => m !== 'OPTIONS').sort()).toEqual(['GET', 'GET', 'POST']);
    t().hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['REGIONAL'] }, Name: `acme-chat-${role}-chatbot`, SecurityPolicy: 'TLS_1_2' });
    // TLS 1.2 minimum on the API's own host too (Route 53 probes it), as on the custom domain.
    // No account-wide CloudWatch role is taken over.
    expect(t().findResources('AWS::ApiGateway::Account')).toEqual({});
  });

  test('stage throttling from the plan and JSON access logs without bodies', () => {
    const stage = Object.values(t().findResources('AWS::ApiGateway::Stage'))[0] as any;
    expect(stage.Properties.StageName).toBe(CHATBOT_STAGE_NAME);
    expect(stage.Properties.MethodSettings).toEqual(
      expect.arrayContaining([{ HttpMethod: '*', ResourcePath: '/*', DataTraceEnabled: false, ThrottlingRateLimit: 25, ThrottlingBurstLimit: 60 }]),
    );
    const format = JSON.parse(stage.Properties.AccessLogSetting.Format);
    expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status', resource: '$context.resourcePath', waf: '$context.wafResponseCode' });
    expect(stage.Properties.AccessLogSetting.Format).not.toMatch(/body|querystring/i);
  });

  test('role: no managed policies; logs only to its own group; table access scoped to the table and key', () => {
    const fn = fnProps(t()).Properties;
    const roleId = fn.Role['Fn::GetAtt'][0] as string;
    const role = t().findResources('AWS::IAM::Role')[roleId] as any;
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const policy = Object.values(t().findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } }))[0] as any;
    const statements = policy.Properties.PolicyDocument.Statement as any[];
    const logs = statements.find((st) => [st.Action].flat().includes('logs:PutLogEvents'));
    const logGroupId = fn.LoggingConfig.LogGroup.Ref;
    expect(logs.Resource).toEqual({ 'Fn::GetAtt': [logGroupId, 'Arn'] });
    const dynamo = statements.find((st) => [st.Action].flat().includes('dynamodb:PutItem'));
    expect([dynamo.Action].flat()).not.toContain('dynamodb:DeleteTable');
    expect(JSON.stringify(dynamo.Resource)).not.toMatch(/"\*"/);
    const kmsStmt = statements.find((st) => [st.Action].flat().includes('kms:Decrypt'));
    const keyId = Object.keys(t().findResources('AWS::KMS::Key'))[0];
    expect(kmsStmt.Resource).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    for (const st of statements) {
      if ([st.Resource].flat().includes('*')) expect([st.Action].flat().every((a: string) => a.startsWith('xray:'))).toBe(true);
    }
  });

  test('the standby function reads its own region\'s replica', () => {
    if (role !== 'standby') return;
    const fn = fnProps(t()).Properties;
    const policy = Object.values(t().findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: fn.Role['Fn::GetAtt'][0] }] } }))[0] as any;
    const dynamo = (policy.Properties.PolicyDocument.Statement as any[]).find((st) => [st.Action].flat().includes('dynamodb:PutItem'));
    expect(JSON.stringify(dynamo.Resource)).toContain(':dynamodb:ap-northeast-1:');
    expect(JSON.stringify(dynamo.Resource)).toContain('table/acme-chat-chatbot');
  });
});

describe('ChatbotApi props validation', () => {
  function make(props: Partial<ConstructorParameters<typeof ChatbotApi>[2]>) {
    const stack = new Stack(new App(), 'S', { env: { region: 'eu-west-1' } });
    const key = new kms.Key(stack, 'K');
    const table = dynamodb.TableV2.fromTableAttributes(stack, 'T', { tableName: 't', encryptionKey: key });
    return () =>
      new ChatbotApi(stack, 'Bot', {
        table,
        deploymentRole: 'primary',
        contacts: loadedPlan().plan.handoff,
        timeout: Duration.seconds(5),
        ...props,
      });
  }
  test('burst below rate is rejected with both values', () => expect(make({ rateLimit: 10, burstLimit: 5 })).toThrow(/burstLimit must be at least rateLimit \(10\), got: 5/));
  test('rate below 1 is rejected', () => expect(make({ rateLimit: 0, burstLimit: 5 })).toThrow(/rateLimit must be at least 1, got: 0/));
  test('provisioned above reserved is rejected', () => expect(make({ reservedConcurrency: 2, provisionedConcurrency: 3 })).toThrow(/provisionedConcurrency must not exceed reservedConcurrency \(2\), got: 3/));
  test('allowedOrigins: a wildcard, http or a path is rejected, naming the value', () => {
    expect(make({ allowedOrigins: ['*'] })).toThrow(/allowedOrigins must be https origins .* got: \*/);
    expect(make({ allowedOrigins: ['http://www.example.com'] })).toThrow(/got: http:\/\/www\.example\.com/);
    expect(make({ allowedOrigins: ['https://www.example.com/shop'] })).toThrow(/got: https:\/\/www\.example\.com\/shop/);
    expect(make({ allowedOrigins: [] })).toThrow(/allowedOrigins must list at least one origin/);
  });
  test('without allowedOrigins: no CORS and no widget probe route (secure default of the construct)', () => {
    const bot = make({})();
    const api = Stack.of(bot).resolve((bot.api.node.defaultChild as any).corsConfiguration);
    expect(api).toBeUndefined();
    expect(bot.api.node.children.map((c) => c.node.id).filter((id) => /widget/i.test(id))).toEqual([]);
  });
  test('all errors are reported together', () => expect(make({ rateLimit: 10, burstLimit: 5, reservedConcurrency: 1, provisionedConcurrency: 3 })).toThrow(/burstLimit.*; provisionedConcurrency/));
});
