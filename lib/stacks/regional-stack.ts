import { DrillFaults, FailoverObserver, FisLambdaExtension } from '../drills';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { responseAlarmName } from '../alerting';

import { ConversationCanary } from '../canaries';
import { canaryProbes } from '../config/canaries';
import * as path from 'path';
import { ArnFormat, CfnOutput, Duration, StackProps } from 'aws-cdk-lib';

/** Region of the us-east-1 response levels (health checks). */
const GLOBAL_ALARM_REGION = 'us-east-1';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { PHYSICAL_NAMES } from '../../contracts';
import { ContingencyStack } from './contingency-stack';
import { ChatbotBackup } from '../backup';
import { Alerting, AlertingDashboard, BurnRateAlarms, IndicatorAlarms, ResponseLevels } from '../alerting';
import { ChatbotApi, ChatbotDataKey, ChatbotFirewall, ChatbotRollout, ChatbotTable, HEALTH_PROBE_PATH, KnowledgeBaseSeed, ROLLOUT_CONFIGS } from '../chatbot';
import { botPhrases, regionNameOf, widgetOrigins, type Plan, type RunbookKey } from '../config';
import { RegionalName } from '../widget';
import { DROPPED_EVENTS_LEVEL } from '../shared';
import { RegionalEndpoint } from '../failover';
import { IncidentRecorder, ResponseAlarm, responseAlarmsOf } from '../incidents';
import { incidentTableName } from './global-stack';

export type DeploymentRole = 'primary' | 'standby';

export interface RegionalStackProps extends StackProps {
  readonly plan: Plan;
  /** Directory of the plan file: relative paths in the plan (chatbot.entry) resolve against it. */
  readonly planDir: string;
  readonly role: DeploymentRole;
  /** For the primary: ARN of the standby region's data key, which encrypts the standby replica. */
  readonly standbyKeyArn?: string;
  /**
   * Id of the plan's hosted zone (from the global stack when the plan creates the zone): the API's
   * certificate is DNS-validated in it.
   */
  readonly hostedZoneId: string;
  /**
   * Extra response-level alarms of this region whose state changes drive incidents, besides the
   * stack's own response-level composites (always included). @default []
   */
  readonly responseAlarms?: ResponseAlarm[];
  /** The operations key of this region (IncidentKeyStack): encrypts this region's incident log replica and its warning topics. */
  readonly incidentKey: kms.IKey;
  /**
   * Name of the report bucket (global stack, us-east-1): with a `fault-injection` drill plan, the
   * primary's AWS FIS experiment template writes its reports there. @default - no experiment template
   */
  readonly drillReportBucketName?: string;
}

/**
 * Indicator alarms (important level) that roll a chatbot deployment back when one fires during the
 * canary: the software-anomaly family and the two latency ones, all about the bot itself. Regional
 * only (CodeDeploy reads alarms of its own region) and metric alarms (not composites).
 */
export const ROLLBACK_INDICATORS: readonly RunbookKey[] = ['error-rate', 'function-errors', 'unhandled-errors', 'api-latency', 'function-duration'];

/** AWS Health service codes of what the chatbot uses in its region. */
export const REGIONAL_HEALTH_SERVICES = ['APIGATEWAY', 'LAMBDA', 'DYNAMODB', 'KMS', 'SNS', 'CLOUDWATCH', 'EVENTS', 'SECRETSMANAGER'];

/** Physical name of the chatbot global table, shared by both regions' replicas. */
export function chatbotTableName(plan: Plan): string {
  return PHYSICAL_NAMES.chatbotTable(plan.name);
}

/**
 * One region's chatbot deployment; instantiated twice (primary, standby). The primary owns the
 * global table and seeds the knowledge base; the standby uses its replica of the same table.
 * Composes constructs only.
 */

export class RegionalStack extends ContingencyStack {
  public readonly role: DeploymentRole;
  public readonly dataKey: kms.IKey;
  public readonly table: dynamodb.ITableV2;
  public readonly chatbot: ChatbotApi;
  /** AWS WAF in front of this region's API: per-client rate limits and AWS managed rules (plan §3.3, §4.2.1). */
  public readonly firewall: ChatbotFirewall;
  /** Backups, restore tests and their alarms for this region's table (plan §6.2). */
  public readonly backup: ChatbotBackup;
  /** The public name on this region's API (certificate, custom domain), probed and routed by the failover stack. */
  public readonly endpoint: RegionalEndpoint;
  /** This region's own name (certificate, custom domain, alias record), which the chat widget calls it by. */
  public readonly ownName: RegionalName;
  public readonly alerting: Alerting;
  public readonly indicators: IndicatorAlarms;
  public readonly burnRates: BurnRateAlarms;
  public readonly responseLevels: ResponseLevels;
  public readonly incidents: IncidentRecorder;
  /** The failover observer (standby region only). */
  public readonly observer?: FailoverObserver;
  /** Canary rollout of new chatbot versions with automatic rollback on this region's alarms. */
  public readonly rollout: ChatbotRollout;
  /** The AWS FIS Lambda extension on the chatbot function (primary, plan drills.fis.lambdaExtension). */
  public readonly fisExtension?: FisLambdaExtension;
  /** The AWS FIS experiment template of fault-injection drills (primary, drills.kind fault-injection). */
  public readonly drillFaults?: DrillFaults;
  /** The conversation canary on this region's own name (plan `canaries`; absent when disabled). */
  public readonly canary?: ConversationCanary;

  constructor(scope: Construct, id: string, props: RegionalStackProps) {
    super(scope, id, props);
    const { plan, role } = props;
    this.role = role;
    this.dataKey = new ChatbotDataKey(this, 'DataKey', { aliasName: `alias/${plan.name}/chatbot-data` }).key;
    const tableName = chatbotTableName(plan);

    if (role === 'primary') {
      if (!props.standbyKeyArn) throw new Error(`${this.node.path}: the primary stack needs standbyKeyArn (the standby region's data key) to encrypt the replica`);
      const table = new ChatbotTable(this, 'Data', {
        tableName,
        key: this.dataKey,
        replicas: { [plan.regions.standby]: props.standbyKeyArn },
        backupTagValue: plan.name,
      }).table;
      this.table = table;
      new KnowledgeBaseSeed(this, 'KnowledgeBase', { table, entries: plan.knowledgeBase });
    } else {
      this.table = dynamodb.TableV2.fromTableAttributes(this, 'Data', { tableName, encryptionKey: this.dataKey });
    }

    this.chatbot = new ChatbotApi(this, 'Chatbot', {
      table: this.table,
      deploymentRole: role,
      contacts: plan.handoff,
      phrases: botPhrases(plan),
      ...(plan.chatbot.entry ? { entry: path.resolve(props.planDir, plan.chatbot.entry) } : {}),
      memoryMb: plan.chatbot.memoryMb,
      timeout: Duration.seconds(plan.chatbot.timeoutSeconds),
      ...(plan.chatbot.reservedConcurrency !== undefined ? { reservedConcurrency: plan.chatbot.reservedConcurrency } : {}),
      provisionedConcurrency: plan.chatbot.provisionedConcurrency,
      rateLimit: plan.chatbot.throttle.rateLimit,
      burstLimit: plan.chatbot.throttle.burstLimit,
      healthThrottle: { rateLimit: plan.chatbot.throttle.healthRateLimit, burstLimit: plan.chatbot.throttle.healthBurstLimit },
      logRetention: plan.chatbot.logRetentionDays,
      healthToken: plan.chatbot.healthToken,
      matchThreshold: plan.chatbot.matchThreshold,
      conversationTtlHours: plan.chatbot.conversationTtlHours,
      allowedOrigins: widgetOrigins(plan),
    });
    const protection = plan.chatbot.protection;
    this.firewall = new ChatbotFirewall(this, 'Firewall', {
      stage: this.chatbot.stage,
      // As WAF sees them: on the public name (no stage prefix) and on the API's own host, which Route 53 probes.
      healthPaths: ['/health', HEALTH_PROBE_PATH],
      requestsPerClient: protection.requestsPerClient,
      healthRequestsPerClient: protection.healthRequestsPerClient,
      windowSeconds: protection.windowSeconds,
      metricName: `${plan.name}-chatbot-${role}`,
    });

    // Both regions back up their replica and copy to the other's vault: after a failover the
    // standby keeps being backed up and restore-tested without a redeploy.
    this.backup = new ChatbotBackup(this, 'Backup', {
      planName: plan.name,
      settings: plan.backup,
      otherRegion: role === 'primary' ? plan.regions.standby : plan.regions.primary,
      table: this.table,
      dataKey: this.dataKey,
      logRetention: plan.chatbot.logRetentionDays,
    });

    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: props.hostedZoneId, zoneName: plan.dns.zone.name });
    this.endpoint = new RegionalEndpoint(this, 'Endpoint', {
      api: this.chatbot.api,
      stage: this.chatbot.stage,
      probePath: HEALTH_PROBE_PATH,
      domainName: plan.dns.name,
      zone,
    });
    this.ownName = new RegionalName(this, 'OwnName', {
      api: this.chatbot.api,
      stage: this.chatbot.stage,
      domainName: regionNameOf(plan, role),
      zone,
    });
    this.alerting = new Alerting(this, 'Alerting', {
      plan,
      logGroups: [this.chatbot.functionLogs, this.chatbot.accessLogs],
      healthServices: REGIONAL_HEALTH_SERVICES,
      // The region's operations key (incident key stack): alert texts and the incident records made
      // from the same alarms share one key (docs/security.md).
      topicsKey: props.incidentKey,
    });
    // Restore tests report at the important level (plan §6.2.1: recoverability checked regularly).
    this.alerting.addAlarm(this.backup.alarms.validationFailed, this.backup.level, 'restore-validation', 'Restore test failed', { condition: 'a restore test fails validation' });
    this.alerting.addAlarm(this.backup.alarms.silence, this.backup.level, 'restore-silence', 'No successful restore test within the plan period', { condition: `no passing restore test for > ${plan.backup.restoreTestMaxSilenceDays} days` });
    this.alerting.addAlarm(this.backup.validator.deadLetters.alarm, DROPPED_EVENTS_LEVEL, 'dropped-events', 'Restore-test events were dropped (dead-letter queue)', { condition: '≥ 1 message waiting' });
    this.indicators = new IndicatorAlarms(this, 'Indicators', {
      plan,
      alerting: this.alerting,
      chatbot: this.chatbot,
      table: this.table,
      blockedRequests: this.firewall.metricBlockedRequests(),
    });
    this.rollout = new ChatbotRollout(this, 'Rollout', {
      alias: this.chatbot.alias,
      deploymentConfig: ROLLOUT_CONFIGS[plan.chatbot.rollout],
      alarms: ROLLBACK_INDICATORS.map((key) => this.indicators.alarms[key].important),
    });
    new CfnOutput(this, 'RolloutDeploymentGroup', {
      value: `${this.rollout.deploymentGroup.application.applicationName}/${this.rollout.deploymentGroup.deploymentGroupName}`,
      description: 'CodeDeploy application/deployment group that rolls out the chatbot in this region (watch or stop a rollout there)',
    });
    // A real chat turn per plan language on this region's own name (plan §4.2.1: the bot answers, not only /health).
    // Its alarm joins the warning level only: response levels (and so incidents) come from the other alarms.
    if (plan.canaries.enabled) {
      const c = plan.canaries;
      this.canary = new ConversationCanary(this, 'Canary', {
        url: `https://${regionNameOf(plan, role)}/chat`,
        regions: [plan.regions[role]],
        probes: canaryProbes(plan),
        everyMinutes: c.everyMinutes,
        timeoutSeconds: c.timeoutSeconds,
        failedRunsToAlarm: c.failedRunsToAlarm,
        artifactRetentionDays: c.artifactRetentionDays,
        subject: `the ${role} region's own name ${regionNameOf(plan, role)}`,
      });
      this.alerting.addAlarm(this.canary.alarm, c.levels.region, 'conversation-canary', `The ${role} region gives no right answer to the conversation canary`, {
        condition: `${c.failedRunsToAlarm} failed run(s) in a row, every ${c.everyMinutes} min`,
      });
    }
    this.burnRates = new BurnRateAlarms(this, 'BurnRates', { plan, alerting: this.alerting, api: this.chatbot.api });
    this.responseLevels = new ResponseLevels(this, 'ResponseLevels', {
      alerting: this.alerting,
      severeAlarms: [this.burnRates.tiers.emergency.alert, this.indicators.alarms['error-rate'].emergency],
      degradedAlarms: [this.burnRates.tiers.important.alert, ...Object.values(this.indicators.alarms).map((byLevel) => byLevel.important)],
      naming: { planName: plan.name, scope: role },
    });
    new AlertingDashboard(this, 'BigScreen', {
      plan,
      alerting: this.alerting,
      api: this.chatbot.api,
      blockedRequests: this.firewall.metricBlockedRequests(),
      heading: `${role} (${this.region})`,
    });
    // This region's replica of the incident global table (created by the global stack), by name:
    // a reference to the global stack would make every stack depend on every other.
    const incidentLog = dynamodb.TableV2.fromTableAttributes(this, 'IncidentLog', { tableName: incidentTableName(plan), encryptionKey: props.incidentKey });
    this.incidents = new IncidentRecorder(this, 'Incidents', {
      table: incidentLog,
      // This region's response levels open, update and close incidents (plan §5.2).
      responseAlarms: [...responseAlarmsOf(this.responseLevels), ...(props.responseAlarms ?? [])],
      retentionDays: plan.incidents.retentionDays,
      logRetention: plan.chatbot.logRetentionDays,
    });
    this.alerting.addAlarm(this.incidents.deadLetters.alarm, DROPPED_EVENTS_LEVEL, 'dropped-events', 'Incident events were dropped (dead-letter queue)', { condition: '≥ 1 message waiting' });
    if (role === 'primary') this.addDrillFaults(plan, props.drillReportBucketName ? s3.Bucket.fromBucketName(this, 'DrillReports', props.drillReportBucketName) : undefined);
    // The standby region also watches which region serves the public name (us-east-1 does too):
    // a failover is observed even when us-east-1 itself has trouble.
    if (role === 'standby') {
      this.observer = new FailoverObserver(this, 'Observer', { publicName: plan.dns.name, regions: plan.regions, incidentTable: incidentLog, logRetention: plan.chatbot.logRetentionDays });
    }
  }

  /**
   * Fault-injection drills (plan §9.2.2 with AWS FIS): the opt-in FIS Lambda extension on the
   * chatbot function, and the experiment template the drill runner starts. Its stop conditions are
   * the plan's emergency response level (us-east-1) and the standby's severe response level (the
   * standby fails its customers), by ARN: both names are fixed by the plan, and those stacks cannot
   * be referenced from here (the failover stack depends on this one).
   */
  private addDrillFaults(plan: Plan, reportBucket: s3.IBucket | undefined): void {
    const d = plan.drills;
    if (d.fis.lambdaExtension) {
      (this as { fisExtension?: FisLambdaExtension }).fisExtension = new FisLambdaExtension(this, 'FisLambdaExtension', { fn: this.chatbot.fn });
    }
    if (d.kind !== 'fault-injection' || !reportBucket) return;
    const alarmArn = (region: string, name: string) => this.formatArn({ service: 'cloudwatch', region, resource: 'alarm', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    (this as { drillFaults?: DrillFaults }).drillFaults = new DrillFaults(this, 'DrillFaults', {
      planName: plan.name,
      faults: d.faults,
      fn: this.chatbot.fn,
      table: this.table,
      ...(this.fisExtension ? { lambdaExtension: this.fisExtension } : {}),
      durationSeconds: d.maxDurationMinutes * 60,
      errorPercentage: d.fis.errorPercentage,
      delayMilliseconds: d.fis.delayMilliseconds,
      stopConditionAlarmArns: [alarmArn(GLOBAL_ALARM_REGION, responseAlarmName(plan.name, 'us-east-1', 'emergency')), alarmArn(plan.regions.standby, responseAlarmName(plan.name, 'standby', 'severe'))],
      reportBucket,
      logRetention: plan.chatbot.logRetentionDays,
    });
  }
}
