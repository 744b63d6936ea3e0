import { Duration, Token } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';

/** Label of the nested name that holds the standby → fallback pair: `<label>.<public name>`. */
export const STANDBY_CHAIN_LABEL = 'failover-standby';

export interface FailoverRoutingProps {
  readonly zone: route53.IHostedZone;
  /** The public name customers use, e.g. chat.example.com. */
  readonly recordName: string;
  /** Primary region: target host and the health check that guards it. */
  readonly primary: { readonly target: string; readonly healthCheck: route53.IHealthCheck };
  /** Standby region: target host and the health check that guards it. */
  readonly standby: { readonly target: string; readonly healthCheck: route53.IHealthCheck };
  /** Host of the human-agent fallback site (a CloudFront distribution); never health-checked. */
  readonly fallbackTarget: string;
  /** TTL of the top pair (primary / standby chain). @default Duration.seconds(60) */
  readonly ttl?: Duration;
  /** TTL of the nested pair (standby / fallback). @default Duration.seconds(60) */
  readonly fallbackTtl?: Duration;
}

/**
 * Nested DNS failover from CNAME records with the plan's TTLs (alias records would take the
 * target's TTL instead):
 *
 *   <name>                    PRIMARY   → primary API    (primary health check)
 *                             SECONDARY → <chain name>
 *   failover-standby.<name>   PRIMARY   → standby API    (standby health check)
 *                             SECONDARY → fallback site  (no check: the last resort)
 *
 * So traffic goes primary → standby → human-agent fallback.
 */
export class FailoverRouting extends Construct {
  /** The nested name holding the standby → fallback pair. */
  public readonly chainName: string;
  public readonly records: {
    readonly primary: route53.CnameRecord;
    readonly standbyChain: route53.CnameRecord;
    readonly standby: route53.CnameRecord;
    readonly fallback: route53.CnameRecord;
  };

  constructor(scope: Construct, id: string, props: FailoverRoutingProps) {
    super(scope, id);
    const ttl = props.ttl ?? Duration.seconds(60);
    const fallbackTtl = props.fallbackTtl ?? Duration.seconds(60);
    const errors: string[] = [];
    const zoneName = props.zone.zoneName.replace(/\.$/, '');
    if (!Token.isUnresolved(props.recordName) && !Token.isUnresolved(zoneName) && !props.recordName.endsWith(`.${zoneName}`)) {
      errors.push(`recordName must be below the zone apex of ${zoneName} (CNAMEs cannot sit at the apex), got: ${props.recordName}`);
    }
    for (const [name, value] of [['ttl', ttl], ['fallbackTtl', fallbackTtl]] as const) {
      if (!Token.isUnresolved(value.toSeconds()) && value.toSeconds() > 86400) errors.push(`${name} must be at most 86400 seconds, got: ${value.toSeconds()}`);
    }
    if (errors.length) throw new Error(`${this.node.path}: ${errors.join('; ')}`);

    this.chainName = `${STANDBY_CHAIN_LABEL}.${props.recordName}`;
    const record = (rid: string, recordName: string, domainName: string, failover: route53.Failover, setIdentifier: string, recordTtl: Duration, healthCheck?: route53.IHealthCheck) =>
      new route53.CnameRecord(this, rid, {
        zone: props.zone,
        recordName,
        domainName,
        ttl: recordTtl,
        failover,
        setIdentifier,
        ...(healthCheck ? { healthCheck } : {}),
        comment: `Contingency failover: ${setIdentifier}`,
      });
    this.records = {
      primary: record('Primary', props.recordName, props.primary.target, route53.Failover.PRIMARY, 'primary', ttl, props.primary.healthCheck),
      standbyChain: record('StandbyChain', props.recordName, this.chainName, route53.Failover.SECONDARY, 'standby-chain', ttl),
      standby: record('Standby', this.chainName, props.standby.target, route53.Failover.PRIMARY, 'standby', fallbackTtl, props.standby.healthCheck),
      fallback: record('Fallback', this.chainName, props.fallbackTarget, route53.Failover.SECONDARY, 'fallback', fallbackTtl),
    };
  }
}
