import { StackProps } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { ContingencyStack } from './contingency-stack';
import { Alerting } from '../alerting';
import type { Plan } from '../config';
import { FallbackSite } from '../fallback';

export interface GlobalStackProps extends StackProps {
  readonly plan: Plan;
}

/** AWS Health service codes of the global services the plan uses (reported in us-east-1). */
export const GLOBAL_HEALTH_SERVICES = ['ROUTE53', 'CLOUDFRONT'];

/**
 * What is global or must live in us-east-1 and depends on no regional stack: the public hosted zone
 * (when the plan creates it) and the human-agent fallback site (CloudFront certificates live in
 * us-east-1). Health checks and failover records are in the failover stack, which depends on both
 * regions; keeping them out of here lets the regional stacks read the zone without a cycle.
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
      content: { ...plan.handoff, ...(plan.title ? { title: plan.title } : {}), ...(plan.failover.fallbackNotice ? { notice: plan.failover.fallbackNotice } : {}) },
      logRetention: plan.chatbot.logRetentionDays,
    });
    this.alerting = new Alerting(this, 'Alerting', { plan: props.plan, healthServices: GLOBAL_HEALTH_SERVICES });
  }
}
