import { Duration } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { FAILOVER_DETAIL_TYPE, FAILOVER_EVENT_SOURCE, INCIDENT_KEYS, observerConfig, SERVICES } from '../../contracts';
import { functionEnvironment } from '../shared/function-environment';
import { ProjectFunction } from '../shared/project-function';

export interface FailoverObserverProps {
  readonly publicName: string;
  readonly regions: { readonly primary: string; readonly standby: string };
  /** This region's incident table (replica): holds the observer's last reading. */
  readonly incidentTable: dynamodb.ITable;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The always-on failover observer (one per region it runs in: us-east-1 and the standby region):
 * every minute it resolves the public name, asks /health which region serves, publishes
 * ServedByPrimary/Standby/None and sends `contingency.failover` "Failover Observed" to this
 * region's default bus when the standby starts serving (the incident recorder listens for it).
 */
export class FailoverObserver extends Construct {
  public readonly fn: ProjectFunction;
  public readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: FailoverObserverProps) {
    super(scope, id);
    this.fn = new ProjectFunction(this, 'Function', {
      handlerDir: 'observer',
      serviceName: SERVICES.observer,
      description: 'Failover observer: which region serves the public name, every minute',
      timeout: Duration.seconds(30),
      environment: functionEnvironment(this, observerConfig, {
        publicName: props.publicName,
        primaryRegion: props.regions.primary,
        standbyRegion: props.regions.standby,
        tableName: props.incidentTable.tableName,
      }),
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
    });
    // Only its own items (partition OBSERVER) of the incident table.
    this.fn.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:UpdateItem'],
        resources: [props.incidentTable.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [INCIDENT_KEYS.observerPk] } },
      }),
    );
    this.fn.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['events:PutEvents'],
        resources: [events.EventBus.fromEventBusName(this, 'Default', 'default').eventBusArn],
        conditions: { StringEquals: { 'events:source': FAILOVER_EVENT_SOURCE, 'events:detail-type': FAILOVER_DETAIL_TYPE } },
      }),
    );
    this.rule = new events.Rule(this, 'EveryMinute', {
      description: 'Observe which region serves the public name',
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [new targets.LambdaFunction(this.fn.fn, { retryAttempts: 0 })],
    });
  }
}
