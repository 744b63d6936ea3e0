import * as path from 'path';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { KMS_GRANT_WILDCARDS } from '../chatbot/chatbot-api';
import { LAMBDAS_DIR, ProjectFunction } from '../shared/project-function';
import { functionEnvironment } from '../shared/function-environment';
import type { StaticSite } from '../site';
import { INCIDENT_KEYS, surveyConfig } from '../../contracts';
import { SURVEY_API_PATTERN, SURVEY_API_PREFIX, SURVEY_DEFAULTS, SURVEY_TTL_ATTRIBUTE } from '../../contracts/survey';

export const SURVEY_HANDLER_ENTRY = path.join(LAMBDAS_DIR, 'survey', 'handler.ts');
/** Stage of the survey API (CloudFront's origin path). */
export const SURVEY_STAGE_NAME = 'live';

export interface SurveySettingsProps {
  readonly windowDays: number;
  readonly retentionDays: number;
  readonly commentMaxLength: number;
  readonly perAddressPerHour: number;
  readonly perIncidentPerHour: number;
  /** Stage throttling, steady requests per second (the outer limit). */
  readonly rateLimit: number;
  readonly burstLimit: number;
}

export interface SurveyApiProps {
  /** The status site: the API is served on its distribution at `/api/survey/*`. */
  readonly site: StaticSite;
  /** The incident table (this region's replica): the function reads only the incident register item. */
  readonly incidentTable: dynamodb.ITableV2;
  /** The plan's languages (the default first). */
  readonly languages: readonly string[];
  readonly settings?: Partial<SurveySettingsProps>;
  /** Function and access log retention. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The customer-satisfaction survey after an incident (plan §10.2): a REST API (`POST
 * /api/survey/{incident}`) served behind the status site's own CloudFront distribution (so the
 * page's CSP keeps `connect-src 'self'`), a function that accepts a rating 1–5 and an optional
 * comment for incidents that exist and closed within the window, and a table of answers:
 * customer-managed key, point-in-time recovery, TTL (`expiresAt`) for the retention. Rate limits:
 * stage throttling (outer), per salted address hash and per incident per hour (DynamoDB counters
 * with a two-hour TTL). No address, name or e-mail is stored.
 */
export class SurveyApi extends Construct {
  public readonly table: dynamodb.TableV2;
  public readonly key: kms.Key;
  public readonly api: apigw.RestApi;
  public readonly fn: lambda.IFunction;
  public readonly accessLogs: logs.LogGroup;
  public readonly settings: SurveySettingsProps;

  constructor(scope: Construct, id: string, props: SurveyApiProps) {
    super(scope, id);
    const s: SurveySettingsProps = { ...SURVEY_DEFAULTS, ...props.settings };
    const errors: string[] = [];
    for (const k of ['windowDays', 'retentionDays', 'perAddressPerHour', 'perIncidentPerHour', 'burstLimit'] as const) {
      if (!Number.isInteger(s[k]) || s[k] < 1) errors.push(`settings.${k} must be a whole number of at least 1, got: ${s[k]}`);
    }
    if (!Number.isInteger(s.commentMaxLength) || s.commentMaxLength < 0) errors.push(`settings.commentMaxLength must be a whole number of at least 0, got: ${s.commentMaxLength}`);
    if (!(s.rateLimit > 0)) errors.push(`settings.rateLimit must be above 0, got: ${s.rateLimit}`);
    if (s.windowDays > 90) errors.push(`settings.windowDays must be at most 90, got: ${s.windowDays}`);
    if (s.retentionDays < s.windowDays) errors.push(`settings.retentionDays (${s.retentionDays}) must be at least settings.windowDays (${s.windowDays}); raise retentionDays`);
    if (errors.length) throw new Error(`${this.node.path}: ${errors.join('; ')}`);
    this.settings = s;

    this.key = new kms.Key(this, 'Key', {
      description: 'Encrypts customer-satisfaction survey answers',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.table = new dynamodb.TableV2(this, 'Answers', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(this.key),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: SURVEY_TTL_ATTRIBUTE,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const retention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    const f = new ProjectFunction(this, 'Function', {
      entry: SURVEY_HANDLER_ENTRY,
      description: 'Customer-satisfaction survey answers (plan §10.2)',
      roleDescription: 'Survey answers: writes the survey table, reads the incident register',
      serviceName: surveyConfig.service,
      timeout: Duration.seconds(10),
      logRetention: retention,
      environment: functionEnvironment(this, surveyConfig, {
        settings: {
          tableName: this.table.tableName,
          incidentTableName: props.incidentTable.tableName,
          languages: [...props.languages],
          windowDays: s.windowDays,
          retentionDays: s.retentionDays,
          commentMaxLength: s.commentMaxLength,
          perAddressPerHour: s.perAddressPerHour,
          perIncidentPerHour: s.perIncidentPerHour,
        },
      }),
    });
    this.fn = f.fn;
    // Exactly what the function does: answers, counters and the day's salt in its own table; one
    // item (the register) of the incident table, read.
    this.table.grant(f.fn, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem');
    this.key.grant(f.fn, 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:DescribeKey');
    f.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem'],
        resources: [props.incidentTable.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [INCIDENT_KEYS.statePk] } },
      }),
    );
    props.incidentTable.encryptionKey?.grant(f.fn, 'kms:Decrypt', 'kms:DescribeKey');

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention });
    this.api = new apigw.RestApi(this, 'Api', {
      restApiName: `${Stack.of(this).stackName}-survey`,
      description: 'Customer-satisfaction survey (served behind the status page distribution)',
      endpointConfiguration: { types: [apigw.EndpointType.REGIONAL] },
      cloudWatchRole: false,
      deployOptions: {
        stageName: SURVEY_STAGE_NAME,
        throttlingRateLimit: s.rateLimit,
        throttlingBurstLimit: s.burstLimit,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogs),
        // No body, no address: the answer is the customer's, the address is not ours to keep.
        accessLogFormat: apigw.AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            method: '$context.httpMethod',
            resource: '$context.resourcePath',
            path: '$context.path',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
        tracingEnabled: false,
      },
    });
    (this.api.node.defaultChild as apigw.CfnRestApi).securityPolicy = 'TLS_1_2';
    let resource = this.api.root;
    for (const part of SURVEY_API_PREFIX.split('/')) resource = resource.addResource(part);
    resource.addResource('{incident}').addMethod('POST', new apigw.LambdaIntegration(f.fn, { proxy: true, allowTestInvoke: false }));
    props.site.addApi(SURVEY_API_PATTERN, this.api);

    Validations.of(this.api).acknowledge(
      { id: 'AwsSolutions-APIG4', reason: 'The survey is anonymous by design (§10.2 asks every affected customer; no personal data is asked); abuse is bounded by stage throttling and per-address and per-incident hourly limits in the function.' },
      { id: 'AwsSolutions-COG4', reason: 'The survey is anonymous by design: there is no user pool to authorize against (see AwsSolutions-APIG4).' },
      { id: 'AwsSolutions-APIG2', reason: 'The function validates every body itself (size, JSON, rating range, comment length, no other fields) and answers 400 naming the rule; an API Gateway validator would answer with its own generic text.' },
      { id: 'AwsSolutions-APIG3', reason: 'Served only through the status page distribution; stage throttling and the function\'s per-address and per-incident limits bound abuse, and a WAF would add a dependency that can itself fail on the page customers read during outages.' },
    );
    Validations.of(this.api.deploymentStage).acknowledge({
      id: 'AwsSolutions-APIG6',
      reason: 'Execution logging needs the account-wide API Gateway CloudWatch role (one per account and region), which this app does not take over; every request is in the JSON access log and the function logs every failure.',
    });
    Validations.of(f.role).acknowledge(
      ...KMS_GRANT_WILDCARDS.filter((a) => a === 'kms:GenerateDataKey*').map((action) => ({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason: `${action} on the survey table's customer-managed key only (DynamoDB encrypts the answers with it on the function's behalf).`,
      })),
    );
  }
}
