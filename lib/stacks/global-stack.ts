import { CfnOutput, StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { PHYSICAL_NAMES } from '../../contracts';
import { ContingencyStack } from './contingency-stack';
import { incidentKeyAlias } from './incident-key-stack';
import { DROPPED_EVENTS_LEVEL } from '../shared';
import { Alerting, maintenanceSuppressors, responseAlarmName } from '../alerting';
import { regionNameOf, type Plan } from '../config';
import { FallbackSite, HANDOFF_DOCUMENT_PATH } from '../fallback';
import { buildWidgetScript, renderWidgetDocument, widgetSiteFiles } from '../widget';
import { WIDGET_PATHS, type WidgetDocument } from '../../contracts/widget';
import { IncidentLogKey, IncidentRecorder, IncidentTable, incidentTemplates, ResponseAlarm, StatusPage, statusPageTexts, subscriptionSettings, SurveyApi } from '../incidents';

export interface GlobalStackProps extends StackProps {
  readonly plan: Plan;
  /**
   * Extra us-east-1 response-level alarms that drive incidents. The failover stack's composites
   * (emergency, severe) are always followed, by name. @default []
   */
  readonly responseAlarms?: ResponseAlarm[];
  /**
   * ARN of the incident log key in each chatbot region other than us-east-1 (IncidentKeyStack),
   * which encrypts that region's replica.
   */
  readonly incidentReplicaKeyArns: Record<string, string>;
}

/** Physical name of the incident global table, shared by its replicas in every region. */
export function incidentTableName(plan: Plan): string {
  return PHYSICAL_NAMES.incidentTable(plan.name);
}

/** The status page's own name: the plan's `dns.statusName`, else `status.<dns.name>`. */
export function statusPageName(plan: Plan): string {
  return plan.dns.statusName ?? `status.${plan.dns.name}`;
}

/**
 * The chat widget's document for a plan: both regions' own names (primary first), the copy of the
 * hand-off document next to it on the status site, then the fallback site's own copy on the public
 * name (which serves it once DNS has failed over).
 */
export function widgetDocument(plan: Plan): WidgetDocument {
  return renderWidgetDocument({
    languages: plan.languages,
    words: plan.words,
    endpoints: (['primary', 'standby'] as const).map((role) => ({ role, region: plan.regions[role], url: `https://${regionNameOf(plan, role)}` })),
    // Relative to the document's own URL (widget/plan.json).
    fallback: [WIDGET_PATHS.handoff.split('/').pop()!, `https://${plan.dns.name}${HANDOFF_DOCUMENT_PATH}`],
    timeoutSeconds: plan.widget.timeoutSeconds,
    probeIntervalSeconds: plan.widget.probeIntervalSeconds,
  });
}

/** AWS Health service codes of the global services the plan uses (reported in us-east-1). */
export const GLOBAL_HEALTH_SERVICES = ['ROUTE53', 'CLOUDFRONT'];

/**
 * What is global or must live in us-east-1 and depends on no regional stack: the public hosted zone
 * (when the plan creates it), the human-agent fallback site (CloudFront certificates live in
 * us-east-1), the us-east-1 alerting hub, the incident log (a global table with replicas in both
 * chatbot regions), the status page and the incident publisher. Health checks and failover records
 * are in the failover stack, which depends on both regions; keeping them out of here lets the
 * regional stacks read the zone without a cycle.
 */
export class GlobalStack extends ContingencyStack {
  public readonly hostedZone: route53.IHostedZone;
  public readonly fallback: FallbackSite;
  /**
   * us-east-1 alerting hub (warning-level topics, notifier). The failover stack wires the Route 53
   * health alarms into it, declares the us-east-1 response levels and builds the us-east-1 dashboard
   * (this stack cannot reference the failover stack, which depends on it).
   */
  public readonly alerting: Alerting;
  public readonly incidentTable: IncidentTable;
  /** The operations key of us-east-1: the incident log, warning topics, customer notices, drill announcements. */
  public readonly incidentKey: kms.IKey;
  public readonly statusPage: StatusPage;
  /** The incident function of us-east-1, which also publishes the status page, notices and reports. */
  public readonly incidents: IncidentRecorder;
  /** The satisfaction survey after incidents (§10.2), behind the status page's distribution; absent when the plan turns it off. */
  public readonly survey?: SurveyApi;

  constructor(scope: Construct, id: string, props: GlobalStackProps) {
    super(scope, id, props);
    const zone = props.plan.dns.zone;
    this.hostedZone =
      'create' in zone
        ? new route53.PublicHostedZone(this, 'Zone', { zoneName: zone.name, comment: `Contingency plan ${props.plan.name}` })
        : route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: zone.id, zoneName: zone.name });
    const { plan } = props;
    this.fallback = new FallbackSite(this, 'Fallback', {
      domainName: plan.dns.name,
      zone: this.hostedZone,
      content: { languages: plan.languages, words: plan.words, ...plan.handoff, ...(plan.title ? { title: plan.title } : {}), ...(plan.failover.fallbackNotice ? { notice: plan.failover.fallbackNotice } : {}) },
      logRetention: plan.chatbot.logRetentionDays,
    });
    // The operations key of us-east-1: the incident log, the warning topics, customer notices and
    // drill announcements (docs/security.md, "What uses which key").
    this.incidentKey = new IncidentLogKey(this, 'IncidentLogKey', { aliasName: incidentKeyAlias(plan.name) }).key;
    this.alerting = new Alerting(this, 'Alerting', { plan: props.plan, healthServices: GLOBAL_HEALTH_SERVICES, topicsKey: this.incidentKey });

    const inc = plan.incidents;
    // The us-east-1 response levels live in the failover stack, which depends on this one: follow
    // them by their plan-derived names instead of a reference back (which would be a cycle).
    const healthResponse: ResponseAlarm[] = (['emergency', 'severe'] as const).map((level) => ({
      level,
      alarm: cloudwatch.Alarm.fromAlarmName(this, `Response-${level}`, responseAlarmName(plan.name, 'us-east-1', level)),
    }));
    const replicaRegions = [plan.regions.primary, plan.regions.standby].filter((r) => r !== this.region);
    const missing = replicaRegions.filter((r) => !props.incidentReplicaKeyArns[r]);
    if (missing.length) throw new Error(`${this.node.path}: incidentReplicaKeyArns needs the incident log key of ${missing.join(', ')} (IncidentKeyStack)`);
    this.incidentTable = new IncidentTable(this, 'IncidentLog', {
      tableName: incidentTableName(plan),
      key: this.incidentKey,
      replicas: Object.fromEntries(replicaRegions.map((r) => [r, props.incidentReplicaKeyArns[r]])),
    });
    this.statusPage = new StatusPage(this, 'StatusPage', {
      texts: statusPageTexts(plan),
      timeZone: plan.timeZone,
      domain: { name: statusPageName(plan), zone: this.hostedZone },
      // The chat widget (§7.1) lives on the status site: up while either chatbot region is down.
      extraFiles: widgetSiteFiles(buildWidgetScript(), widgetDocument(plan), this.fallback.files[HANDOFF_DOCUMENT_PATH.slice(1)]),
      ...(plan.incidents.statusPage.subscriptions.enabled ? { subscriptions: subscriptionSettings(plan) } : {}),
      noticeKey: this.incidentKey,
    });
    if (this.statusPage.subscriptions) {
      this.alerting.addAlarm(this.statusPage.subscriptions.deadLetters.alarm, DROPPED_EVENTS_LEVEL, 'dropped-events', 'Customer notices were not mailed to subscribers (dead-letter queue)', { condition: '≥ 1 message waiting' });
    }
    const surveyPlan = inc.statusPage.survey;
    if (surveyPlan.enabled) {
      this.survey = new SurveyApi(this, 'Survey', {
        site: this.statusPage.site,
        incidentTable: this.incidentTable.table,
        languages: plan.languages,
        settings: surveyPlan,
        logRetention: plan.chatbot.logRetentionDays,
      });
    }
    this.incidents = new IncidentRecorder(this, 'Incidents', {
      table: this.incidentTable.table,
      responseAlarms: [...healthResponse, ...(props.responseAlarms ?? [])],
      retentionDays: inc.retentionDays,
      logRetention: plan.chatbot.logRetentionDays,
      publishing: {
        statusBucket: this.statusPage.site.bucket,
        reportBucket: this.statusPage.reports,
        noticeTopic: this.statusPage.noticeTopic,
        templates: incidentTemplates(plan),
        planName: plan.name,
        confirmationMinutes: inc.confirmationMinutes,
        lookbackDays: inc.lookbackDays,
        historyLength: inc.historyLength,
        noticeMaxAgeMinutes: inc.noticeMaxAgeMinutes,
        pageUrl: this.statusPage.url,
        maintenance: plan.maintenance,
        suppressors: maintenanceSuppressors(plan.name, { 'us-east-1': 'us-east-1', primary: plan.regions.primary, standby: plan.regions.standby }),
        ...(this.survey ? { surveyTable: this.survey.table } : {}),
      },
    });
    this.alerting.addAlarm(this.incidents.deadLetters.alarm, DROPPED_EVENTS_LEVEL, 'dropped-events', 'Incident events were dropped (dead-letter queue)', { condition: '≥ 1 message waiting' });
    new CfnOutput(this, 'StatusPageUrl', { value: this.statusPage.url, description: 'Customer status page' });
    new CfnOutput(this, 'StatusBucketName', { value: this.statusPage.site.bucket.bucketName, description: 'contingency incident --bucket' });
    new CfnOutput(this, 'ReportBucketName', { value: this.statusPage.reports.bucketName, description: 'contingency incident --report-bucket; post-incident reports under reports/' });
    new CfnOutput(this, 'NoticeTopicArn', { value: this.statusPage.noticeTopic.topicArn, description: 'Customer notice topic; contingency incident --topic-arn' });
  }
}
