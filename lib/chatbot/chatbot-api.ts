import * as path from 'path';
import { Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BotPhrases, BUILTIN_WORDS, chatbotConfig, HandoffContacts } from '../../contracts';
import { WIDGET_HEALTH_PATH } from '../../contracts/widget';
import { HEALTH_THROTTLE_DEFAULTS } from '../config/schema';
import { functionEnvironment } from '../shared/function-environment';
import { LAMBDAS_DIR, ProjectFunction } from '../shared/project-function';

export { CHATBOT_RUNTIME } from '../shared/project-function';

/** Action wildcards in CDK's KMS grants (kms:GenerateDataKey*, kms:ReEncrypt*); always scoped to one key ARN. */
export const KMS_GRANT_WILDCARDS = ['kms:GenerateDataKey*', 'kms:ReEncrypt*'] as const;

/** Route key of the health check route, throttled on its own. */
export const HEALTH_ROUTE_KEY = 'GET /health';
/** The health route as REST API method settings name it (`<resource path>/<method>`). */
export const HEALTH_METHOD_PATH = '/health/GET';
/**
 * Name of the REST API stage. On the API's own host (`<api id>.execute-api.<region>.amazonaws.com`,
 * which Route 53 probes) every path starts with it; on the custom domain it does not (the base path
 * mapping is empty).
 */
export const CHATBOT_STAGE_NAME = 'live';
/** Path of the health check on the API's own host: `/<stage>/health`. */
export const HEALTH_PROBE_PATH = `/${CHATBOT_STAGE_NAME}/health`;

/** The API metrics the alarms and dashboards read (a REST API's, dimension ApiName). */
export type ChatbotApiMetrics = Pick<apigw.RestApi, 'metricCount' | 'metricLatency' | 'metricClientError' | 'metricServerError'>;

/** Route key of the chat widget's probe (the same deep check), throttled apart from GET /health. */
export const WIDGET_HEALTH_ROUTE_KEY = `GET ${WIDGET_HEALTH_PATH}`;

/**
 * Throttle of the widget's probe route, per region: widgets off the primary probe it once a probe
 * interval each, so a crowd of them is cut here instead of in Route 53's GET /health bucket.
 */
export const WIDGET_HEALTH_THROTTLE = { rateLimit: 20, burstLimit: 40 } as const;

/** Reference bot handler shipped with this project. */
export const REFERENCE_BOT_ENTRY = path.join(LAMBDAS_DIR, 'chatbot', 'handler.ts');

/** Human-agent contacts the bot hands off to (the plan's `handoff` section); the handler's own type. */
export type HandoffContactsProps = HandoffContacts;

/** The bot's phrases when none are given: English, the built-in words. */
export const DEFAULT_BOT_PHRASES: BotPhrases = {
  languages: ['en'],
  noMatch: { en: BUILTIN_WORDS.en['bot.noMatch'] },
  degraded: { en: BUILTIN_WORDS.en['bot.degraded'] },
};

export interface ChatbotApiProps {
  /** The chatbot table (or this region's replica of it). */
  readonly table: dynamodb.ITableV2;
  /** 'primary' or 'standby': reported by /health and in logs. */
  readonly deploymentRole: 'primary' | 'standby';
  /** Human-agent contacts the bot hands off to. */
  readonly contacts: HandoffContactsProps;
  /**
   * The languages the bot speaks (first = default) and its hand-off phrases in each.
   * @default English only, with the built-in phrases
   */
  readonly phrases?: BotPhrases;
  /** Handler entry file. @default REFERENCE_BOT_ENTRY (the reference FAQ bot) */
  readonly entry?: string;
  /** @default 512 */
  readonly memoryMb?: number;
  /** @default Duration.seconds(10) */
  readonly timeout?: Duration;
  /** @default - unreserved (account pool) */
  readonly reservedConcurrency?: number;
  /** Provisioned concurrency on the `live` alias. @default 0 (none, no standing cost) */
  readonly provisionedConcurrency?: number;
  /** Stage throttling: steady requests per second. @default 50 */
  readonly rateLimit?: number;
  /** Stage throttling: burst bucket. @default 100 */
  readonly burstLimit?: number;
  /**
   * Route-level throttling of `GET /health`, a bucket of its own: a flood of /chat requests cannot
   * exhaust it and fail the Route 53 health checks. @default HEALTH_THROTTLE_DEFAULTS (10/s, burst 20)
   */
  readonly healthThrottle?: { readonly rateLimit: number; readonly burstLimit: number };
  /** Retention of function and access logs. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Name of the REST API (its metrics' ApiName dimension, so it must differ between APIs of one
   * account and region). @default `<stack name>-chatbot`
   */
  readonly apiName?: string;
  /** Fixed token in the healthy /health body. @default 'CHATBOT_HEALTHY' */
  readonly healthToken?: string;
  /** Minimum FAQ similarity before the bot answers. @default 0.3 */
  readonly matchThreshold?: number;
  /** Conversation-turn TTL, hours. @default 24 */
  readonly conversationTtlHours?: number;
  /**
   * Web origins whose pages may call the API from a browser (the chat widget): CORS for POST /chat
   * and the widget's probe route GET /widget/health (added with its own throttle,
   * WIDGET_HEALTH_THROTTLE) from exactly these origins, without credentials. No wildcard.
   * @default - no CORS and no widget probe route
   */
  readonly allowedOrigins?: string[];
}

/** How long a browser may cache the API's CORS preflight answer. */
export const CORS_MAX_AGE = Duration.hours(1);

/**
 * One region's chatbot deployment: a NodejsFunction (arm64, bundled locally by esbuild, minified,
 * source maps, X-Ray tracing, own log group) behind an API Gateway REST API (regional endpoint,
 * Lambda proxy integration on the `live` alias, so the function receives REST API payload 1.0
 * events) with stage throttling and JSON access logs. Routes: `POST /chat` and `GET /health` (the
 * deep check Route 53 probes). A REST API rather than an HTTP API because only REST API stages can
 * be associated with an AWS WAF web ACL (see ChatbotFirewall).
 */
export class ChatbotApi extends Construct {
  public readonly fn: NodejsFunction;
  /** The `live` alias the API invokes; provisioned concurrency sits here. */
  public readonly alias: lambda.Alias;
  public readonly api: apigw.RestApi;
  public readonly stage: apigw.Stage;
  public readonly accessLogs: logs.LogGroup;
  public readonly functionLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ChatbotApiProps) {
    super(scope, id);
    const rateLimit = props.rateLimit ?? 50;
    const burstLimit = props.burstLimit ?? 100;
    const provisioned = props.provisionedConcurrency ?? 0;
    const errors: string[] = [];
    if (!Token.isUnresolved(rateLimit) && rateLimit < 1) errors.push(`rateLimit must be at least 1, got: ${rateLimit}`);
    if (!Token.isUnresolved(burstLimit) && burstLimit < rateLimit) errors.push(`burstLimit must be at least rateLimit (${rateLimit}), got: ${burstLimit}`);
    const health = props.healthThrottle ?? HEALTH_THROTTLE_DEFAULTS;
    if (health.rateLimit < 1) errors.push(`healthThrottle.rateLimit must be at least 1, got: ${health.rateLimit}`);
    if (health.burstLimit < health.rateLimit) errors.push(`healthThrottle.burstLimit must be at least healthThrottle.rateLimit (${health.rateLimit}), got: ${health.burstLimit}`);
    if (props.reservedConcurrency !== undefined && provisioned > props.reservedConcurrency) {
      errors.push(`provisionedConcurrency must not exceed reservedConcurrency (${props.reservedConcurrency}), got: ${provisioned}`);
    }
    for (const o of props.allowedOrigins ?? []) {
      if (!Token.isUnresolved(o) && !/^https:\/\/[a-z0-9.-]+(:\d{1,5})?$/.test(o)) errors.push(`allowedOrigins must be https origins such as "https://www.example.com" (no wildcard, path or trailing slash), got: ${o}`);
    }
    if (props.allowedOrigins && props.allowedOrigins.length === 0) errors.push('allowedOrigins must list at least one origin, or be left out for no CORS, got: []');
    if (errors.length) throw new Error(`${this.node.path}: ${errors.join('; ')}`);

    const retention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    this.functionLogs = new logs.LogGroup(this, 'FunctionLogs', { retention });
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention });

    // An explicit role instead of the managed AWSLambdaBasicExecutionRole: logs scoped to this
    // function's own log group, table access through grants only. Id 'Default' keeps the logical
    // ids of Handler and Role as they were before ProjectFunction (see its TSDoc).
    const { fn, role } = new ProjectFunction(this, 'Default', {
      entry: props.entry ?? REFERENCE_BOT_ENTRY,
      logGroup: this.functionLogs,
      roleDescription: `Chatbot handler (${props.deploymentRole})`,
      memorySize: props.memoryMb ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: lambda.Tracing.ACTIVE,
      ...(props.reservedConcurrency !== undefined ? { reservedConcurrentExecutions: props.reservedConcurrency } : {}),
      description: `Customer-service chatbot (${props.deploymentRole})`,
      serviceName: chatbotConfig.service,
      environment: functionEnvironment(this, chatbotConfig, {
        tableName: props.table.tableName,
        role: props.deploymentRole,
        healthToken: props.healthToken ?? 'CHATBOT_HEALTHY',
        threshold: props.matchThreshold ?? 0.3,
        ttlHours: props.conversationTtlHours ?? 24,
        contacts: props.contacts,
        phrases: props.phrases ?? DEFAULT_BOT_PHRASES,
        ...(props.allowedOrigins ? { allowedOrigins: props.allowedOrigins } : {}),
      }),
    });
    this.fn = fn;
    props.table.grantReadWriteData(this.fn);

    this.alias = new lambda.Alias(this, 'Live', {
      aliasName: 'live',
      version: this.fn.currentVersion,
      ...(provisioned > 0 ? { provisionedConcurrentExecutions: provisioned } : {}),
    });

    const accessLogFormat = apigw.AccessLogFormat.custom(
      // No request bodies or query strings: customer messages may hold personal data.
      JSON.stringify({
        requestId: '$context.requestId',
        time: '$context.requestTime',
        method: '$context.httpMethod',
        resource: '$context.resourcePath',
        status: '$context.status',
        latencyMs: '$context.responseLatency',
        integrationLatencyMs: '$context.integrationLatency',
        integrationError: '$context.integrationErrorMessage',
        waf: '$context.wafResponseCode',
        sourceIp: '$context.identity.sourceIp',
      }),
    );
    this.api = new apigw.RestApi(this, 'Api', {
      restApiName: props.apiName ?? `${Stack.of(this).stackName}-chatbot`,
      description: `Customer-service chatbot API (${props.deploymentRole}, ${Stack.of(this).region})`,
      endpointConfiguration: { types: [apigw.EndpointType.REGIONAL] },
      // The chat widget's origins: API Gateway answers the preflight (OPTIONS); the function adds
      // Access-Control-Allow-Origin to its answers for these origins only (REST proxy integrations
      // pass the function's headers through).
      ...(props.allowedOrigins
        ? {
            defaultCorsPreflightOptions: {
              allowOrigins: props.allowedOrigins,
              allowMethods: ['POST', 'GET'],
              allowHeaders: ['content-type'],
              allowCredentials: false,
              maxAge: CORS_MAX_AGE,
            },
          }
        : {}),
      // Execution logs would need the account-wide API Gateway CloudWatch role (see the acknowledgement).
      cloudWatchRole: false,
      deployOptions: {
        stageName: CHATBOT_STAGE_NAME,
        throttlingRateLimit: rateLimit,
        throttlingBurstLimit: burstLimit,
        // GET /health gets its own token bucket (method settings override the stage default).
        methodOptions: {
          [HEALTH_METHOD_PATH]: { throttlingRateLimit: health.rateLimit, throttlingBurstLimit: health.burstLimit },
          ...(props.allowedOrigins ? { [`${WIDGET_HEALTH_PATH}/GET`]: { throttlingRateLimit: WIDGET_HEALTH_THROTTLE.rateLimit, throttlingBurstLimit: WIDGET_HEALTH_THROTTLE.burstLimit } } : {}),
        },
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogs),
        accessLogFormat,
        tracingEnabled: true,
      },
    });
    // The API's own host (which Route 53 probes) takes TLS 1.2 at least, like the custom domain.
    (this.api.node.defaultChild as apigw.CfnRestApi).securityPolicy = 'TLS_1_2';
    const integration = new apigw.LambdaIntegration(this.alias, { proxy: true, allowTestInvoke: false });
    this.api.root.addResource('chat').addMethod('POST', integration);
    this.api.root.addResource('health').addMethod('GET', integration);
    // The chat widget's probe (the same deep check) on a path and throttle bucket of its own, so
    // widgets probing their way back never crowd out Route 53's GET /health.
    if (props.allowedOrigins) this.api.root.addResource(WIDGET_HEALTH_PATH.split('/')[1]).addResource(WIDGET_HEALTH_PATH.split('/')[2]).addMethod('GET', integration);
    this.stage = this.api.deploymentStage;

    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'Customer-facing chat is anonymous by design (anyone on the company site may ask a question); abuse is bounded by the per-client WAF rate rules, stage throttling and the reserved-concurrency option, and the bot returns no customer data.',
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-COG4',
      reason: 'Customer-facing chat is anonymous by design: there is no user pool to authorize against (see AwsSolutions-APIG4).',
    });
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG2',
      reason: 'The function validates every /chat body itself and answers 400 naming the rule that failed (message length in characters, conversation id form, plan language); /health takes no input. An API Gateway validator would answer with its own generic text instead.',
    });
    Validations.of(this.stage).acknowledge({
      id: 'AwsSolutions-APIG6',
      reason: 'Execution logging needs the account-wide API Gateway CloudWatch role (AWS::ApiGateway::Account, one per account and region, shared with every other API there), which this app does not take over. Every request is in the JSON access log (method, resource, status, latencies, WAF result, source IP) and the function logs every failure.',
    });
    Validations.of(role).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'X-Ray PutTraceSegments/PutTelemetryRecords do not support resource-level permissions; added by Tracing.ACTIVE.',
      },
      ...KMS_GRANT_WILDCARDS.map((action) => ({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason: `${action} comes from the table grant on its customer-managed key and is scoped to that one key ARN.`,
      })),
    );
  }

  /** Base URL of the API's stage on its own host (`https://<api id>.execute-api.<region>.<suffix>/live/`). */
  public get url(): string {
    return this.api.url;
  }
}
