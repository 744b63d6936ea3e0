import * as fs from 'fs';
import * as path from 'path';
import { ArnFormat, Duration, Names, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as synthetics from 'aws-cdk-lib/aws-synthetics';
import { Construct } from 'constructs';
import type { CanaryProbe } from '../config/canaries';
import { CANARY_DEFAULTS } from '../config/schema';
import { accessLogBucket } from '../site/static-site';
import { LAMBDAS_DIR } from '../shared/project-function';

/**
 * The canary script (plain Node.js, https and crypto only). It is put into the canary inline (the
 * template's Code.Script, a few kB): no asset folder in Synthetics' nodejs/node_modules layout, which
 * neither git nor npm pack would carry (both leave node_modules folders out).
 */
export const CANARY_SCRIPT = path.join(LAMBDAS_DIR, 'canary', 'conversation.js');
/** Handler of an inline script: Synthetics names it index.js; its export `handler`. */
export const CANARY_HANDLER = 'index.handler';
/** Header every canary request carries (the script sends it; the bot leaves canary turns out of its customer metrics). */
export { CANARY_HEADER } from '../../contracts/names';
/** Newest Synthetics runtime for plain Node.js scripts (no browser) in the installed aws-cdk-lib. */
export const CANARY_RUNTIME = synthetics.Runtime.SYNTHETICS_NODEJS_3_1;
/** Time a run needs besides the chat turns (start-up, artifact upload). */
export const CANARY_OVERHEAD_SECONDS = 5;
/** Shortest time a chat turn may be given: the reference bot answers within 2.5 s even when its table hangs. */
export const MIN_TURN_MS = 3000;
/** Synthetics runs a failed run once more before it counts as failed (transient blips do not page). */
export const CANARY_RETRIES = 1;

export interface ConversationCanaryProps {
  /** `https://<name>/chat` of the API this canary talks to. */
  readonly url: string;
  /** Regions allowed to answer (the reply's `region`). */
  readonly regions: readonly string[];
  /** One chat turn per plan language (lib/config/canaries.ts `canaryProbes`). */
  readonly probes: readonly CanaryProbe[];
  /** Minutes between runs, 1-60. @default CANARY_DEFAULTS.everyMinutes (60) */
  readonly everyMinutes?: number;
  /** Longest a run may take, seconds (10-120); each turn gets an equal share after CANARY_OVERHEAD_SECONDS. @default CANARY_DEFAULTS.timeoutSeconds (30) */
  readonly timeoutSeconds?: number;
  /** Consecutive failed runs before the alarm fires. @default CANARY_DEFAULTS.failedRunsToAlarm (1) */
  readonly failedRunsToAlarm?: number;
  /** Days run artifacts are kept (bucket lifecycle and Synthetics retention). @default CANARY_DEFAULTS.artifactRetentionDays (14) */
  readonly artifactRetentionDays?: number;
  /** What the canary watches, for the alarm description (e.g. "the primary region (ap-southeast-1)"). */
  readonly subject: string;
}

/**
 * A conversation canary (CloudWatch Synthetics): every `everyMinutes` it sends a real chat turn in
 * each plan language to `url` and checks the answer (status 200, language, FAQ entry, the answer's
 * SHA-256, no hand-off, serving region). Artifacts go to a bucket of its own (SSE-S3, TLS only, no
 * public access, expiring, access-logged); its role may write only there, to its own log groups and
 * to the CloudWatchSynthetics metric namespace. `alarm` fires after `failedRunsToAlarm` failed runs;
 * the caller adds it to its warning level (Alerting.addAlarm).
 */
export class ConversationCanary extends Construct {
  public readonly canary: synthetics.Canary;
  public readonly bucket: s3.Bucket;
  public readonly role: iam.Role;
  public readonly alarm: cw.Alarm;
  /** The configuration the script reads (CANARY_CONFIG). */
  public readonly config: { readonly url: string; readonly timeoutMs: number; readonly regions: string[]; readonly name: string; readonly probes: CanaryProbe[] };

  constructor(scope: Construct, id: string, props: ConversationCanaryProps) {
    super(scope, id);
    const every = props.everyMinutes ?? CANARY_DEFAULTS.everyMinutes;
    const timeoutSeconds = props.timeoutSeconds ?? CANARY_DEFAULTS.timeoutSeconds;
    const failedRuns = props.failedRunsToAlarm ?? CANARY_DEFAULTS.failedRunsToAlarm;
    const retentionDays = props.artifactRetentionDays ?? CANARY_DEFAULTS.artifactRetentionDays;
    const problems: string[] = [];
    if (!Number.isInteger(every) || every < 1 || every > 60) problems.push(`everyMinutes must be a whole number from 1 to 60, got: ${every}`);
    if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 10 || timeoutSeconds > 120) problems.push(`timeoutSeconds must be a whole number from 10 to 120, got: ${timeoutSeconds}`);
    if (!Number.isInteger(failedRuns) || failedRuns < 1) problems.push(`failedRunsToAlarm must be a whole number of at least 1, got: ${failedRuns}`);
    if (!Number.isInteger(retentionDays) || retentionDays < 1 || retentionDays > 455) problems.push(`artifactRetentionDays must be a whole number from 1 to 455 (Synthetics' longest retention), got: ${retentionDays}`);
    if (props.probes.length === 0) problems.push('probes must hold one chat turn per plan language, got none');
    if (props.regions.length === 0) problems.push('regions must name at least one region allowed to answer, got none');
    if (!Token.isUnresolved(props.url) && !/^https:\/\/[a-z0-9.-]+\/chat$/.test(props.url)) problems.push(`url must be https://<name>/chat, got: ${props.url}`);
    const turnMs = Math.floor(((timeoutSeconds - CANARY_OVERHEAD_SECONDS) * 1000) / Math.max(props.probes.length, 1));
    if (props.probes.length > 0 && turnMs < MIN_TURN_MS) {
      problems.push(
        `timeoutSeconds ${timeoutSeconds} leaves ${turnMs} ms per chat turn for ${props.probes.length} languages; each needs at least ${MIN_TURN_MS} ms: raise it to ${CANARY_OVERHEAD_SECONDS + Math.ceil((MIN_TURN_MS * props.probes.length) / 1000)} or more (plan canaries.timeoutSeconds)`,
      );
    }
    if (problems.length) throw new Error(`${this.node.path}: ${problems.join('; ')}`);

    const stack = Stack.of(this);
    // Synthetics names the canary's function cwsyn-<name>-<uuid> (64 characters at most): 21 for the name.
    const name = Names.uniqueResourceName(this, { maxLength: 21, separator: '-' }).toLowerCase();

    const logs = accessLogBucket(this, 'ArtifactAccessLogs', Duration.days(retentionDays));
    this.bucket = new s3.Bucket(this, 'Artifacts', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'artifacts/',
      lifecycleRules: [{ expiration: Duration.days(retentionDays), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    });

    // Least privilege, narrower than the construct's default role: its own artifacts, its own log groups.
    this.role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description: `Conversation canary ${name}: ${props.subject}`.slice(0, 1000) });
    const logGroups = stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `/aws/lambda/cwsyn-${name}-*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const policy = new iam.Policy(this, 'Policy', {
      statements: [
        new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [this.bucket.arnForObjects('*')] }),
        new iam.PolicyStatement({ actions: ['s3:GetBucketLocation'], resources: [this.bucket.bucketArn] }),
        new iam.PolicyStatement({ actions: ['s3:ListAllMyBuckets'], resources: ['*'] }),
        new iam.PolicyStatement({ actions: ['cloudwatch:PutMetricData'], resources: ['*'], conditions: { StringEquals: { 'cloudwatch:namespace': 'CloudWatchSynthetics' } } }),
        new iam.PolicyStatement({ actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroups, `${logGroups}:*`] }),
      ],
    });
    policy.attachToRole(this.role);
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    // A stack with an explicit account (e.g. a CDK Pipelines stage) has the number in its ARNs.
    const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    const bucketLogicalId = stack.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
    Validations.of(policy).acknowledge(
      { id: `AwsSolutions-IAM5[Resource::<${bucketLogicalId}.Arn>/*]`, reason: 'PutObject into the canary\'s own artifacts bucket: Synthetics writes each run under a key it chooses (canary name, date, run id).' },
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: 's3:ListAllMyBuckets (required by Synthetics for the artifact location) and cloudwatch:PutMetricData have no resource-level permissions; PutMetricData is limited to the CloudWatchSynthetics namespace by condition.' },
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:${region}:${account}:log-group:/aws/lambda/cwsyn-${name}-*]`,
        reason: 'The log group of this canary\'s own function: Synthetics names it cwsyn-<canary name>-<id chosen at creation>.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:${region}:${account}:log-group:/aws/lambda/cwsyn-${name}-*:*]`,
        reason: 'Log streams of this canary\'s own log group (see the log-group entry).',
      },
    );

    this.config = { url: props.url, timeoutMs: turnMs, regions: [...props.regions], name, probes: [...props.probes] };
    this.canary = new synthetics.Canary(this, 'Canary', {
      canaryName: name,
      runtime: CANARY_RUNTIME,
      test: synthetics.Test.custom({ code: synthetics.Code.fromInline(fs.readFileSync(CANARY_SCRIPT, 'utf8')), handler: CANARY_HANDLER }),
      schedule: synthetics.Schedule.rate(Duration.minutes(every)),
      timeout: Duration.seconds(timeoutSeconds),
      maxRetries: CANARY_RETRIES,
      environmentVariables: { CANARY_CONFIG: JSON.stringify(this.config) },
      artifactsBucketLocation: { bucket: this.bucket },
      role: this.role,
      successRetentionPeriod: Duration.days(retentionDays),
      failureRetentionPeriod: Duration.days(retentionDays),
      provisionedResourceCleanup: true,
    });

    const period = Duration.minutes(every);
    this.alarm = new cw.Alarm(this, 'FailedAlarm', {
      metric: this.canary.metricSuccessPercent({ period, statistic: cw.Stats.MINIMUM }),
      threshold: 100,
      comparisonOperator: cw.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: failedRuns,
      datapointsToAlarm: failedRuns,
      // One run per period: a period the run fell outside of keeps the last state instead of flapping.
      treatMissingData: cw.TreatMissingData.IGNORE,
      alarmDescription: `The conversation canary on ${props.subject} got no right answer in ${failedRuns} run(s) in a row`,
    });
  }
}
