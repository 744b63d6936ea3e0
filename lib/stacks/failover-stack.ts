import { CfnOutput, Duration, StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { ContingencyStack } from './contingency-stack';
import type { Plan } from '../config';
import { EndpointHealthCheck, FailoverRouting } from '../failover';
import type { DeploymentRole } from './regional-stack';

/** What the failover stack needs from one regional deployment. */
export interface FailoverEndpoint {
  /** The regional custom domain's target host (`d-….execute-api.<region>.amazonaws.com`). */
  readonly target: string;
  /** The API's own execute-api host, probed by the health check. */
  readonly probeHost: string;
}

export interface FailoverStackProps extends StackProps {
  readonly plan: Plan;
  /** The plan's hosted zone (from the global stack, or imported). */
  readonly zone: route53.IHostedZone;
  readonly endpoints: Record<DeploymentRole, FailoverEndpoint>;
  /** Host of the fallback site's CloudFront distribution. */
  readonly fallbackTarget: string;
}

/**
 * us-east-1: Route 53 health checks on both regions' /health, their alarms (Route 53 metrics exist
 * only in us-east-1) and the nested failover records primary → standby → human-agent fallback.
 * Depends on both regional stacks and the global stack; nothing depends on it.
 */
export class FailoverStack extends ContingencyStack {
  public readonly healthChecks: Record<DeploymentRole, EndpointHealthCheck>;
  /** One alarm per endpoint, firing while its health check is unhealthy: wire these to warning levels. */
  public readonly healthAlarms: Record<DeploymentRole, cloudwatch.IAlarm>;
  public readonly routing: FailoverRouting;

  constructor(scope: Construct, id: string, props: FailoverStackProps) {
    super(scope, id, props);
    const { plan } = props;
    const check = (role: DeploymentRole) =>
      new EndpointHealthCheck(this, role === 'primary' ? 'PrimaryHealth' : 'StandbyHealth', {
        endpointName: role,
        planName: plan.name,
        host: props.endpoints[role].probeHost,
        resourcePath: '/health',
        searchString: plan.chatbot.healthToken,
        requestIntervalSeconds: plan.failover.requestIntervalSeconds,
        failureThreshold: plan.failover.failureThreshold,
        ...(plan.failover.checkerRegions ? { checkerRegions: plan.failover.checkerRegions } : {}),
        alarmEvaluationMinutes: plan.failover.alarmEvaluationMinutes,
      });
    this.healthChecks = { primary: check('primary'), standby: check('standby') };
    this.healthAlarms = { primary: this.healthChecks.primary.alarm, standby: this.healthChecks.standby.alarm };

    this.routing = new FailoverRouting(this, 'Routing', {
      zone: props.zone,
      recordName: plan.dns.name,
      primary: { target: props.endpoints.primary.target, healthCheck: this.healthChecks.primary.healthCheck },
      standby: { target: props.endpoints.standby.target, healthCheck: this.healthChecks.standby.healthCheck },
      fallbackTarget: props.fallbackTarget,
      ttl: Duration.seconds(plan.failover.dnsTtlSeconds),
      fallbackTtl: Duration.seconds(plan.failover.fallbackTtlSeconds),
    });

    for (const role of ['primary', 'standby'] as const) {
      const cap = role === 'primary' ? 'Primary' : 'Standby';
      new CfnOutput(this, `${cap}HealthCheckId`, {
        value: this.healthChecks[role].healthCheck.healthCheckId,
        description: `Route 53 health check of the ${role} chatbot (scripts/failover.ts inverts it for drills)`,
      });
    }
  }
}
