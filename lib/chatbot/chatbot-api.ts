import * as path from 'path';
import { Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
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
 * source maps, X-Ray tracing, own log group) behind an API Gateway HTTP API with stage throttling
 * and JSON access logs. Routes: `POST /chat` and `GET /health` (the deep check Route 53 probes).
 */
export class ChatbotApi extends Construct {
  public readonly fn: NodejsFunction;
  /** The `live` alias the API invokes; provisioned concurrency sits here. */
  public readonly alias: lambda.Alias;
  public readonly api: apigwv2.HttpApi;
  public readonly stage: apigwv2.HttpStage;
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
      }),
    });
    this.fn = fn;
    props.table.grantReadWriteData(this.fn);

    this.alias = new lambda.Alias(this, 'Live', {
      aliasName: 'live',
      version: this.fn.currentVersion,
      ...(provisioned > 0 ? { provisionedConcurrentExecutions: provisioned } : {}),
    });

    this.api = new apigwv2.HttpApi(this, 'Api', {
      description: `Customer-service chatbot API (${props.deploymentRole}, ${Stack.of(this).region})`,
      createDefaultStage: false,
      ...(props.allowedOrigins
        ? {
            corsPreflight: {
              allowOrigins: props.allowedOrigins,
              allowMethods: [apigwv2.CorsHttpMethod.POST, apigwv2.CorsHttpMethod.GET],
              allowHeaders: ['content-type'],
              allowCredentials: false,
              maxAge: CORS_MAX_AGE,
            },
          }
        : {}),
    });
    const integration = new HttpLambdaIntegration('Bot', this.alias);
    this.api.addRoutes({ path: '/chat', methods: [apigwv2.HttpMethod.POST], integration });
    this.api.addRoutes({ path: '/health', methods: [apigwv2.HttpMethod.GET], integration });
    if (props.allowedOrigins) this.api.addRoutes({ path: WIDGET_HEALTH_PATH, methods: [apigwv2.HttpMethod.GET], integration });

    this.stage = new apigwv2.HttpStage(this, 'Stage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit, burstLimit },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogs),
        // No request bodies or query strings: customer messages may hold personal data.
        format: apigw.AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationLatencyMs: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            sourceIp: '$context.identity.sourceIp',
          }),
        ),
      },
    });

    // GET /health gets its own token bucket (route settings override the stage default per route).
    (this.stage.node.defaultChild as apigwv2.CfnStage).routeSettings = {
      [HEALTH_ROUTE_KEY]: { ThrottlingRateLimit: health.rateLimit, ThrottlingBurstLimit: health.burstLimit },
      ...(props.allowedOrigins ? { [WIDGET_HEALTH_ROUTE_KEY]: { ThrottlingRateLimit: WIDGET_HEALTH_THROTTLE.rateLimit, ThrottlingBurstLimit: WIDGET_HEALTH_THROTTLE.burstLimit } } : {}),
    };

    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'Customer-facing chat is anonymous by design (anyone on the company site may ask a question); abuse is bounded by stage throttling and the reserved-concurrency option, and the bot returns no customer data.',
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

  /** Base URL of the API's default stage (e.g. for tests and the health check in the next issue). */
  public get url(): string {
    return this.api.apiEndpoint;
  }
}
