import { CfnOutput, Duration, StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { ContingencyStack } from './contingency-stack';
import type { Plan, WarningLevel } from '../config';
import { Alerting, AlertingDashboard, ResponseLevels } from '../alerting';
import { EndpointHealthCheck, FailoverRouting } from '../failover';
import type { DeploymentRole } from './regional-stack';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { WARNING_LEVELS } from '../config';
import { planFailoverTiming, worstCaseFailoverSeconds } from '../config/objectives';
import { drillPeriodDays, drillSchedule, drillSettings } from '../config/drills';
import { DrillRunner, FailoverObserver } from '../drills';
import { responseAlarmName } from '../alerting';
import { ConversationCanary } from '../canaries';
import { canaryProbes } from '../config/canaries';

/** What the failover stack needs from one regional deployment. */
export interface FailoverEndpoint {
  /** The regional custom domain's target host (`d-….execute-api.<region>.amazonaws.com`). */
  readonly target: string;
  /** The API's own execute-api host, probed by the health check. */
  readonly probeHost: string;
  /** Path probed on `probeHost` (`/<stage>/health` on a REST API's own host). @default '/health' */
  readonly probePath?: string;
}

export interface FailoverStackProps extends StackProps {
  readonly plan: Plan;
  /** The plan's hosted zone (from the global stack, or imported). */
  readonly zone: route53.IHostedZone;
  readonly endpoints: Record<DeploymentRole, FailoverEndpoint>;
  /** Host of the fallback site's CloudFront distribution. */
  readonly fallbackTarget: string;
  /**
   * The us-east-1 alerting hub (warning-level topics, notifier) from the global stack. When given, the
   * health alarms join their warning levels, a third check watches the public name, the us-east-1
   * response levels are declared, and the us-east-1 dashboard is built here.
   * @default - health alarms are created but not wired
   */
  readonly alerting?: Alerting;
  /**
   * Where live drills read and write (from the global stack). With `alerting`, the drill runner and
   * the us-east-1 failover observer are built here.
   * @default - no drill runner, no observer
   */
  readonly drills?: {
    readonly incidentTable: dynamodb.ITable;
    readonly statusBucket: s3.IBucket;
    readonly reportBucket: s3.IBucket;
  };
}

/** Warning level of each health alarm: one region down is handled by failover (important); the public name down means customers are not served by the bot (emergency). */
export const HEALTH_ALARM_LEVELS: Record<DeploymentRole | 'public', WarningLevel> = { primary: 'important', standby: 'important', public: 'emergency' };

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
  /** Health check on the public name itself (healthy only while a chatbot region answers it); present when alerting is wired. */
  public readonly publicHealthCheck?: EndpointHealthCheck;
  /** us-east-1 response levels (§5.1) from the health alarms; present when alerting is wired. */
  public readonly responseLevels?: ResponseLevels;
  /** The live drill runner (§9.2); present when alerting and drills are wired. */
  public readonly drillRunner?: DrillRunner;
  /** The failover observer of us-east-1; present when drills are wired. */
  public readonly observer?: FailoverObserver;
  /** The conversation canary on the public name (with `alerting`, when plan `canaries` is enabled). */
  public readonly canary?: ConversationCanary;

  constructor(scope: Construct, id: string, props: FailoverStackProps) {
    super(scope, id, props);
    const { plan } = props;
    const check = (role: DeploymentRole | 'public', host: string, resourcePath = '/health', alarmEvaluationMinutes = plan.failover.alarmEvaluationMinutes) =>
      new EndpointHealthCheck(this, `${role[0].toUpperCase()}${role.slice(1)}Health`, {
        endpointName: role,
        planName: plan.name,
        host,
        resourcePath,
        // No string match: /health answers 503 when any of its checks fails (lambdas/chatbot/health.ts)
        // and the fallback site answers 503 on it, so the status code alone says unhealthy, and string
        // matching would be one more billed option per check (docs/cost.md).
        requestIntervalSeconds: plan.failover.requestIntervalSeconds,
        failureThreshold: plan.failover.failureThreshold,
        ...(plan.failover.checkerRegions ? { checkerRegions: plan.failover.checkerRegions } : {}),
        alarmEvaluationMinutes,
      });
    const regionCheck = (role: DeploymentRole) => check(role, props.endpoints[role].probeHost, props.endpoints[role].probePath);
    this.healthChecks = { primary: regionCheck('primary'), standby: regionCheck('standby') };
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

    if (props.alerting) {
      const alerting = props.alerting;
      // The public name follows the failover records: it answers with the token while either region
      // serves it, and fails once DNS has fallen back to the human-agent page (which has no token).
      // On the custom domain the path has no stage prefix (empty base path mapping).
      // The public name is unhealthy for up to the modelled failover time during EVERY failover of the
      // primary (its checkers resolve the name like any client). Its alarm waits that out, so an
      // ordinary failover pages important (the region's own alarm), and only a public name that stays
      // dark beyond the model pages emergency. An unhealthy span of W s touches at most ceil(W/60)+1
      // one-minute periods, so ceil(W/60)+2 breaching periods cannot come from a failover within the model.
      const publicMinutes = Math.max(plan.failover.alarmEvaluationMinutes, Math.ceil(worstCaseFailoverSeconds(planFailoverTiming(plan)) / 60) + 2);
      this.publicHealthCheck = check('public', plan.dns.name, '/health', publicMinutes);
      for (const role of ['primary', 'standby'] as const) {
        alerting.addAlarm(this.healthChecks[role].alarm, HEALTH_ALARM_LEVELS[role], 'endpoint-health', `The ${role} region fails its /health check`, { condition: `unhealthy for ${plan.failover.alarmEvaluationMinutes} min` });
      }
      alerting.addAlarm(this.publicHealthCheck.alarm, HEALTH_ALARM_LEVELS.public, 'endpoint-health', `The public name ${plan.dns.name} is not served by the chatbot`, { condition: `unhealthy for ${publicMinutes} min (longer than a failover takes)` });
      this.responseLevels = new ResponseLevels(this, 'ResponseLevels', {
        alerting,
        naming: { planName: plan.name, scope: 'us-east-1' },
        primaryHealthAlarm: this.healthChecks.primary.alarm,
        standbyHealthAlarm: this.healthChecks.standby.alarm,
        publicNameHealthAlarm: this.publicHealthCheck.alarm,
      });
      // The public name as customers reach it, from us-east-1: whichever region serves must answer right.
      if (plan.canaries.enabled) {
        const c = plan.canaries;
        this.canary = new ConversationCanary(this, 'Canary', {
          url: `https://${plan.dns.name}/chat`,
          regions: [plan.regions.primary, plan.regions.standby],
          probes: canaryProbes(plan),
          everyMinutes: c.everyMinutes,
          timeoutSeconds: c.timeoutSeconds,
          failedRunsToAlarm: c.failedRunsToAlarm,
          artifactRetentionDays: c.artifactRetentionDays,
          subject: `the public name ${plan.dns.name}`,
        });
        alerting.addAlarm(this.canary.alarm, c.levels.publicName, 'conversation-canary', `The public name ${plan.dns.name} gives no right answer to the conversation canary`, {
          condition: `${c.failedRunsToAlarm} failed run(s) in a row, every ${c.everyMinutes} min`,
        });
      }
      if (props.drills) {
        const d = props.drills;
        const named = (x: cloudwatch.IAlarm) => ({ region: this.region, name: x.alarmName });
        // Detection per warning level: the us-east-1 alarms registered so far (health checks, heartbeat…).
        const levels = Object.fromEntries(WARNING_LEVELS.map((l) => [l, alerting.alarms[l].map(named)])) as Record<WarningLevel, { region: string; name: string }[]>;
        const audiences = plan.drills.audiences.map((a) => plan.audiences[a]).filter((a) => a !== undefined);
        const schedule = drillSchedule(plan);
        this.drillRunner = new DrillRunner(this, 'Drills', {
          planName: plan.name,
          // The us-east-1 operations key (global stack), which encrypts the warning topics the same people read.
          announcementKey: alerting.topics.key,
          settings: drillSettings(plan),
          publicName: plan.dns.name,
          targets: { primary: props.endpoints.primary.target, standby: props.endpoints.standby.target },
          primaryHealthCheck: this.healthChecks.primary.healthCheck,
          alarms: {
            primaryHealth: named(this.healthChecks.primary.alarm),
            standbyHealth: named(this.healthChecks.standby.alarm),
            emergency: [{ region: this.region, name: responseAlarmName(plan.name, 'us-east-1', 'emergency') }],
            burnRate: (['primary', 'standby'] as const).map((role) => ({ region: plan.regions[role], name: responseAlarmName(plan.name, role, 'severe') })),
            levels,
          },
          incidentTable: d.incidentTable,
          incidentRetentionDays: plan.incidents.retentionDays,
          statusBucket: d.statusBucket,
          reportBucket: d.reportBucket,
          words: {
            languages: plan.languages,
            templates: Object.fromEntries((['start', 'abort', 'end', 'cancelled', 'start-faults'] as const).map((w) => [w, Object.fromEntries(plan.languages.map((l) => [l, plan.words[l][`drill.${w}`]]))])) as Record<'start' | 'abort' | 'end' | 'cancelled' | 'start-faults', Record<string, string>>,
          },
          recipients: { emails: [...new Set(audiences.flatMap((a) => a.email))], sms: [...new Set(audiences.flatMap((a) => a.sms))] },
          schedule: { ...schedule, enabled: plan.drills.enabled },
          periodDays: drillPeriodDays(plan),
          logRetention: plan.chatbot.logRetentionDays,
          ...(plan.drills.kind === 'fault-injection' ? { faults: { region: plan.regions.primary } } : {}),
        });
        alerting.addAlarm(this.drillRunner.alarms.failed, 'important', 'drill-failed', 'A live drill failed, was aborted or missed its objective');
        alerting.addAlarm(this.drillRunner.alarms.overdue, 'important', 'drill-overdue', 'No live drill passed within the plan period');
        this.observer = new FailoverObserver(this, 'Observer', {
          publicName: plan.dns.name,
          regions: plan.regions,
          incidentTable: d.incidentTable,
          logRetention: plan.chatbot.logRetentionDays,
        });
        new CfnOutput(this, 'DrillStateMachineArn', { value: this.drillRunner.stateMachine.stateMachineArn, description: 'Live drill runner; contingency drill run|status' });
      }
      // Built here, after every us-east-1 alarm has joined: the global stack cannot show alarms of a stack that depends on it.
      new AlertingDashboard(this, 'BigScreen', {
        plan,
        alerting,
        heading: 'global (us-east-1): DNS and health checks',
      });
    }

    for (const role of ['primary', 'standby'] as const) {
      const cap = role === 'primary' ? 'Primary' : 'Standby';
      new CfnOutput(this, `${cap}HealthCheckId`, {
        value: this.healthChecks[role].healthCheck.healthCheckId,
        description: `Route 53 health check of the ${role} chatbot (contingency failover inverts it for drills)`,
      });
    }
  }
}
