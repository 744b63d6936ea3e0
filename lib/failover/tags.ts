// Tag keys shared by the constructs that set them and the operator CLI that finds resources by them.
// No aws-cdk-lib here: the CLI imports this at run time.

/** Tag every resource of a plan carries (ChatbotContingency); the CLI finds the plan's checks by it. */
export const PLAN_TAG_KEY = 'contingency:plan';

/** Tag naming the endpoint a Route 53 health check watches (primary, standby, public). */
export const ENDPOINT_TAG_KEY = 'contingency:endpoint';
