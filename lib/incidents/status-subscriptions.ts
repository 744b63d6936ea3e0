import * as path from 'path';
import { Arn, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { SUBSCRIPTION_ACTIONS, SUBSCRIPTION_API_PATH, SUBSCRIPTION_TEXTS_FILE, subscriptionsConfig, SERVICES, type SubscriptionTexts } from '../../contracts';
import { DeadLetters } from '../shared/dead-letters';
import { functionEnvironment } from '../shared/function-environment';
import { LAMBDAS_DIR, ProjectFunction } from '../shared/project-function';
import type { StaticSite } from '../site';

/** Stage name of the subscription API (CloudFront calls `/<stage>/api/subscriptions/…`). */
export const SUBSCRIPTION_STAGE_NAME = 'live';

export interface StatusSubscriptionsProps {
  /** The status page's site: the API is served on its distribution under SUBSCRIPTION_API_PATH. */
  readonly site: StaticSite;
  /** The customer notice topic whose notices are mailed to the subscribers. */
  readonly noticeTopic: sns.ITopic;
  /** The page's https URL (links in the mails). */
  readonly pageUrl: string;
  /** Sender: an address (or an address at a domain) verified in SES in this stack's region. */
  readonly from: string;
  /** The mails' texts per plan language. */
  readonly texts: SubscriptionTexts;
  readonly perIpPerHour: number;
  readonly mailsPerAddressPerDay: number;
  /** Stage throttling, requests per second (all callers together) and burst. */
  readonly rateLimit: number;
  readonly burstLimit: number;
  /** SES configuration set the mails go out with. @default - none */
  readonly configurationSet?: string;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * E-mail subscriptions to the customer notices (plan §7.2, §8.1): a REST API (`POST
 * /api/subscriptions/{subscribe,confirm,unsubscribe}`, `GET …/unsubscribe`) on the status page's own
 * distribution, a table of subscribers (encrypted, point-in-time recovery, TTL for unconfirmed
 * subscribers, tokens and counters), and a delivery function subscribed to the notice topic that
 * mails each notice through SES to the confirmed subscribers in their language. Both functions may
 * send mail only from `from` (ses:SendEmail on that identity, condition ses:FromAddress).
 */
export class StatusSubscriptions extends Construct {
  public readonly table: dynamodb.Table;
  public readonly api: apigateway.RestApi;
  public readonly apiFunction: ProjectFunction;
  public readonly deliveryFunction: ProjectFunction;
  public readonly accessLogs: logs.LogGroup;
  /** Notices the delivery function gave up on; wire `deadLetters.alarm` to a warning level. */
  public readonly deadLetters: DeadLetters;

  constructor(scope: Construct, id: string, props: StatusSubscriptionsProps) {
    super(scope, id);
    const problems: string[] = [];
    if (!Token.isUnresolved(props.from) && !/^[^@\s<>"]+@[a-z0-9.-]+\.[a-z]{2,}$/i.test(props.from)) problems.push(`from must be one e-mail address such as "status@example.com" (verified in SES), got: ${props.from}`);
    if (!Token.isUnresolved(props.pageUrl) && !/^https:\/\/[^/]+$/.test(props.pageUrl.replace(/\/+$/, ''))) problems.push(`pageUrl must be the page's https origin such as "https://status.example.com", got: ${props.pageUrl}`);
    if (props.burstLimit < props.rateLimit) problems.push(`burstLimit (${props.burstLimit}) must be at least rateLimit (${props.rateLimit}); raise burstLimit`);
    if (problems.length) throw new Error(`${this.node.path}: ${problems.join('; ')}`);

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      // AWS-managed key: encrypted at rest with no key to pay for or to lose.
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: 'ttl',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const stack = Stack.of(this);
    const environment = functionEnvironment(this, subscriptionsConfig, {
      tableName: this.table.tableName,
      from: props.from,
      pageUrl: props.pageUrl.replace(/\/+$/, ''),
      perIpPerHour: props.perIpPerHour,
      mailsPerAddressPerDay: props.mailsPerAddressPerDay,
      ...(props.configurationSet ? { configurationSet: props.configurationSet } : {}),
    });
    const common = {
      serviceName: SERVICES.subscriptions,
      environment,
      bundledConfig: { [SUBSCRIPTION_TEXTS_FILE]: props.texts },
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    };
    this.apiFunction = new ProjectFunction(this, 'ApiFunction', {
      ...common,
      handlerDir: 'subscriptions',
      description: 'Status page e-mail subscriptions: subscribe, confirm, unsubscribe',
      timeout: Duration.seconds(10),
    });
    this.deliveryFunction = new ProjectFunction(this, 'DeliveryFunction', {
      ...common,
      entry: path.join(LAMBDAS_DIR, 'subscriptions', 'delivery-handler.ts'),
      description: 'Mails each customer notice to the status page subscribers',
      timeout: Duration.minutes(5),
    });

    // Mail only from the plan's sender: its address identity, or the domain identity it belongs to.
    const identity = (name: string) => Arn.format({ service: 'ses', resource: 'identity', resourceName: name }, stack);
    const sendFrom = new iam.PolicyStatement({
      actions: ['ses:SendEmail'],
      resources: [
        identity(props.from),
        ...(Token.isUnresolved(props.from) ? [] : [identity(props.from.split('@')[1])]),
        ...(props.configurationSet ? [Arn.format({ service: 'ses', resource: 'configuration-set', resourceName: props.configurationSet }, stack)] : []),
      ],
      conditions: { StringEquals: { 'ses:FromAddress': props.from } },
    });
    for (const fn of [this.apiFunction, this.deliveryFunction]) {
      fn.role.addToPrincipalPolicy(sendFrom);
      this.table.grantReadWriteData(fn.role);
    }

    this.deadLetters = new DeadLetters(this, 'DeadLetters', { purpose: 'customer notices for e-mail subscribers' });
    this.deliveryFunction.fn.configureAsyncInvoke({ retryAttempts: 2, onFailure: new SqsDestination(this.deadLetters.queue) });
    props.noticeTopic.addSubscription(new subs.LambdaSubscription(this.deliveryFunction.fn));

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH });
    this.api = new apigateway.RestApi(this, 'Api', {
      restApiName: `${stack.stackName}-status-subscriptions`,
      description: 'Status page e-mail subscriptions (served on the status page distribution)',
      endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
      // Execution logs would need the account-wide API Gateway CloudWatch role (see the acknowledgement).
      cloudWatchRole: false,
      deployOptions: {
        stageName: SUBSCRIPTION_STAGE_NAME,
        throttlingRateLimit: props.rateLimit,
        throttlingBurstLimit: props.burstLimit,
        accessLogDestination: new apigateway.LogGroupLogDestination(this.accessLogs),
        // No query strings (tokens), bodies (addresses) or client addresses.
        accessLogFormat: apigateway.AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            method: '$context.httpMethod',
            resource: '$context.resourcePath',
            action: '$context.path',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    (this.api.node.defaultChild as apigateway.CfnRestApi).securityPolicy = 'TLS_1_2';
    const integration = new apigateway.LambdaIntegration(this.apiFunction.fn, { proxy: true, allowTestInvoke: false });
    let resource = this.api.root;
    for (const part of SUBSCRIPTION_API_PATH.split('/').filter(Boolean)) resource = resource.addResource(part);
    for (const action of SUBSCRIPTION_ACTIONS) {
      const r = resource.addResource(action);
      r.addMethod('POST', integration);
      if (action === 'unsubscribe') r.addMethod('GET', integration);
    }
    props.site.addApi(`${SUBSCRIPTION_API_PATH}/*`, this.api);

    Validations.of(this.api).acknowledge(
      {
        id: 'AwsSolutions-APIG4',
        reason: 'Subscribing to public status updates is anonymous by design; the double opt-in mail proves the address, and per-IP and per-address counters plus stage throttling bound abuse.',
      },
      {
        id: 'AwsSolutions-COG4',
        reason: 'Subscribing to public status updates is anonymous by design: there is no user pool to authorize against (see AwsSolutions-APIG4).',
      },
      {
        id: 'AwsSolutions-APIG2',
        reason: 'The function validates every body itself (size, JSON, address form, language, token form) and answers 400/413 with the rule that failed, without echoing the input.',
      },
      {
        id: 'AwsSolutions-APIG3',
        reason: 'Reached through the status page distribution; the function counts requests per source IP and mails per address in DynamoDB and the stage is throttled, which bound a flood without the fixed monthly price of a web ACL for a low-traffic form.',
      },
    );
    Validations.of(this.api.deploymentStage).acknowledge({
      id: 'AwsSolutions-APIG6',
      reason: 'Execution logging needs the account-wide API Gateway CloudWatch role (AWS::ApiGateway::Account), which this app does not take over; every request is in the JSON access log and the function logs each outcome.',
    });
  }
}
