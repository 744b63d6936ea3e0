import { Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ConfigInput, EnvVarSpec, FunctionConfig, FunctionConfigError } from '../../contracts';

/**
 * A function's environment, built through its contract (contracts/functions.ts): every field is
 * checked against the schema the handler parses at cold start, so a construct cannot deploy a
 * configuration its function would refuse. JSON fields are serialised with `Stack.toJsonString`
 * (tokens resolve at deploy); fields that are unresolved tokens are written unchecked.
 * Throws `<construct path>: <service> configuration: environment variable X …` on a mismatch.
 */
export function functionEnvironment<V extends Record<string, EnvVarSpec>>(scope: Construct, contract: FunctionConfig<V>, config: ConfigInput<V>): Record<string, string> {
  const stack = Stack.of(scope);
  try {
    return contract.toEnvironment(config, { json: (v) => stack.toJsonString(v), isToken: (v) => Token.isUnresolved(v) });
  } catch (e) {
    if (e instanceof FunctionConfigError) throw new Error(`${scope.node.path}: ${e.message}`);
    throw e;
  }
}
