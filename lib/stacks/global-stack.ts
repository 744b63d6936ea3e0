import { Stack, StackProps } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { Alerting, AlertingDashboard } from '../alerting';
import type { Plan } from '../config';

export interface GlobalStackProps extends StackProps {
  readonly plan: Plan;
}

/** AWS Health service codes of the global services the plan uses (reported in us-east-1). */
export const GLOBAL_HEALTH_SERVICES = ['ROUTE53', 'CLOUDFRONT'];

/**
 * What is global or must live in us-east-1: the public hosted zone (when the plan creates it), and
 * for later concerns Route 53 health checks and failover records, their alarms (Route 53 metrics
 * exist only in us-east-1), the human-agent fallback site and the status page.
 */
export class GlobalStack extends Stack {
  public readonly hostedZone: route53.IHostedZone;
  /**
   * us-east-1 alerting hub: Route 53 health-check alarms join it with
   * `alerting.addAlarm(alarm, level, 'endpoint-health')`, and `new ResponseLevels(this, 'ResponseLevels',
   * { alerting, primaryHealthAlarm, standbyHealthAlarm, publicNameHealthAlarm })` declares the
   * emergency and severe response levels from them. Create the dashboard after both.
   */
  public readonly alerting: Alerting;

  constructor(scope: Construct, id: string, props: GlobalStackProps) {
    super(scope, id, props);
    const zone = props.plan.dns.zone;
    this.hostedZone =
      'create' in zone
        ? new route53.PublicHostedZone(this, 'Zone', { zoneName: zone.name, comment: `Contingency plan ${props.plan.name}` })
        : route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: zone.id, zoneName: zone.name });
    this.alerting = new Alerting(this, 'Alerting', { plan: props.plan, healthServices: GLOBAL_HEALTH_SERVICES });
    new AlertingDashboard(this, 'BigScreen', { plan: props.plan, alerting: this.alerting, heading: 'global (us-east-1): DNS and health checks' });
  }
}
