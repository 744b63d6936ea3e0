import { CfnOutput, CrossStackReferences, ReferenceStrength, Stack, StackProps } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import type { Plan } from '../config';
import { IncidentRecorder, IncidentTable, incidentTemplates, ResponseAlarm, StatusPage, statusPageTexts } from '../incidents';

export interface GlobalStackProps extends StackProps {
  readonly plan: Plan;
  /** Response-level composite alarms in us-east-1 (e.g. on Route 53 health checks). @default [] */
  readonly responseAlarms?: ResponseAlarm[];
}

/** Physical name of the incident global table, shared by its replicas in every region. */
export function incidentTableName(plan: Plan): string {
  return `${plan.name}-incidents`;
}

/**
 * What is global or must live in us-east-1: the public hosted zone (when the plan creates it), and
 * for later concerns Route 53 health checks and failover records, their alarms (Route 53 metrics
 * exist only in us-east-1), the human-agent fallback site and the status page.
 */
export class GlobalStack extends Stack {
  public readonly hostedZone: route53.IHostedZone;
  public readonly incidentTable: IncidentTable;
  public readonly statusPage: StatusPage;
  /** The incident function of us-east-1, which also publishes the status page, notices and reports. */
  public readonly incidents: IncidentRecorder;

  constructor(scope: Construct, id: string, props: GlobalStackProps) {
    super(scope, id, props);
    // Cross-region values are read with Fn::GetStackOutput: no export-writer custom resources.
    // Set here, not only in cdk.json, so the stacks behave the same inside any CDK app.
    CrossStackReferences.of(this).consume(ReferenceStrength.WEAK);
    const zone = props.plan.dns.zone;
    this.hostedZone =
      'create' in zone
        ? new route53.PublicHostedZone(this, 'Zone', { zoneName: zone.name, comment: `Contingency plan ${props.plan.name}` })
        : route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: zone.id, zoneName: zone.name });

    const { plan } = props;
    const inc = plan.incidents;
    // Created here (us-east-1) with a replica in each chatbot region: no region's outage takes
    // the incident record with it, and the regional stacks find their replica by name.
    this.incidentTable = new IncidentTable(this, 'IncidentLog', {
      tableName: incidentTableName(plan),
      replicaRegions: [plan.regions.primary, plan.regions.standby].filter((r) => r !== this.region),
    });
    this.statusPage = new StatusPage(this, 'StatusPage', { texts: statusPageTexts(plan), timeZone: plan.timeZone });
    this.incidents = new IncidentRecorder(this, 'Incidents', {
      table: this.incidentTable.table,
      responseAlarms: props.responseAlarms ?? [],
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
        pageUrl: this.statusPage.site.url,
      },
    });
    new CfnOutput(this, 'StatusPageUrl', { value: this.statusPage.site.url, description: 'Customer status page' });
    new CfnOutput(this, 'StatusBucketName', { value: this.statusPage.site.bucket.bucketName, description: 'scripts/incident.ts --bucket' });
    new CfnOutput(this, 'ReportBucketName', { value: this.statusPage.reports.bucketName, description: 'scripts/incident.ts --report-bucket; post-incident reports under reports/' });
    new CfnOutput(this, 'NoticeTopicArn', { value: this.statusPage.noticeTopic.topicArn, description: 'Customer notice topic; scripts/incident.ts --topic-arn' });
  }
}
