import { CrossStackReferences, ReferenceStrength, Stack, StackProps } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import type { Plan } from '../config';

export interface GlobalStackProps extends StackProps {
  readonly plan: Plan;
}

/**
 * What is global or must live in us-east-1: the public hosted zone (when the plan creates it), and
 * for later concerns Route 53 health checks and failover records, their alarms (Route 53 metrics
 * exist only in us-east-1), the human-agent fallback site and the status page.
 */
export class GlobalStack extends Stack {
  public readonly hostedZone: route53.IHostedZone;

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
  }
}
