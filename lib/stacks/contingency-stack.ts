import { CrossStackReferences, ReferenceStrength, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/**
 * Base of every stack in this project. Cross-region values are read with Fn::GetStackOutput (weak
 * references): no export-writer custom resources or SSM parameters. Set here, before any child is
 * added, so the stacks behave the same inside any CDK app, whatever its cdk.json says.
 */
export abstract class ContingencyStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    CrossStackReferences.of(this).consume(ReferenceStrength.WEAK);
  }
}
