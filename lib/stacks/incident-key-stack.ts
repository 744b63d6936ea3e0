import { StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { ContingencyStack } from './contingency-stack';
import { IncidentLogKey } from '../incidents';

export interface IncidentKeyStackProps extends StackProps {
  /** Plan name, for the key alias `alias/<plan>/incident-log`. */
  readonly planName: string;
}

/**
 * The incident log's customer-managed key in one chatbot region, alone in a stack. The global stack
 * (us-east-1) creates the incident global table and needs each replica region's key ARN when it does,
 * while the regional stacks deploy after the global stack (their certificates are validated in its
 * zone): a stack of its own per region, with no dependency, deploys first and breaks the cycle.
 * Nothing else lives here, so it never needs to change.
 */
export class IncidentKeyStack extends ContingencyStack {
  public readonly key: kms.IKey;

  constructor(scope: Construct, id: string, props: IncidentKeyStackProps) {
    super(scope, id, props);
    this.key = new IncidentLogKey(this, 'IncidentLogKey', { aliasName: incidentKeyAlias(props.planName) }).key;
  }
}

/** Alias of the incident log key in every region. */
export function incidentKeyAlias(planName: string): string {
  return `alias/${planName}/incident-log`;
}
