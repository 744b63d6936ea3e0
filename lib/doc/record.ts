import type { Stack } from 'aws-cdk-lib';
import type * as cxapi from 'aws-cdk-lib/cx-api';
import type { Plan } from '../config';
import { alertContacts } from '../alerting/alerting';
import { contactVolumes, planSecrets } from '../cost/plan-inputs';

/** Metadata type of the plan record the document reads from the assembly. */
export const PLAN_RECORD_TYPE = 'contingency:plan-document';

/**
 * What the plan document needs from the plan that is not in a template (people, texts, objectives),
 * written into the assembly with the stacks so the document is generated from one synthesized
 * assembly: `contingency doc` reads this record, the alarm registry and the templates, nothing else.
 */
export function planRecord(plan: Plan) {
  return {
    name: plan.name,
    title: plan.title,
    languages: plan.languages,
    timeZone: plan.timeZone,
    regions: plan.regions,
    dnsName: plan.dns.name,
    statusName: plan.dns.statusName ?? `status.${plan.dns.name}`,
    objectives: plan.objectives,
    rollout: plan.chatbot.rollout,
    audiences: plan.audiences,
    organisation: plan.organisation,
    risks: plan.risks,
    handoff: plan.handoff,
    fallbackNotice: plan.failover.fallbackNotice,
    alerting: { contacts: alertContacts(plan), emergencyRepeatMinutes: plan.alerting.emergencyRepeatMinutes },
    incidents: {
      confirmationMinutes: plan.incidents.confirmationMinutes,
      lookbackDays: plan.incidents.lookbackDays,
      retentionDays: plan.incidents.retentionDays,
      templates: plan.incidents.templates,
      recoveringMessage: plan.incidents.recoveringMessage,
      resolvedMessage: plan.incidents.resolvedMessage,
      statusTitle: plan.incidents.statusPage.title,
    },
    /** What the cost section prices that no template holds: the contacts alerts reach, the webhook secrets the operator creates. */
    cost: { contacts: contactVolumes(plan), secrets: planSecrets(plan) },
    words: Object.fromEntries(plan.languages.map((l) => [l, plan.words[l]])),
  };
}

export type PlanRecord = ReturnType<typeof planRecord>;

/** Writes the plan record on a stack (the global stack: one per app). */
export function recordPlan(stack: Stack, plan: Plan): void {
  stack.node.addMetadata(PLAN_RECORD_TYPE, planRecord(plan));
}

/** The plan record of a synthesized assembly. */
export function readPlanRecord(assembly: cxapi.CloudAssembly): PlanRecord {
  for (const stack of assembly.stacks) {
    const found = stack.findMetadataByType(PLAN_RECORD_TYPE);
    if (found.length) return found[0].data as unknown as PlanRecord;
  }
  throw new Error(`the cloud assembly in ${assembly.directory} has no plan record (${PLAN_RECORD_TYPE}); synthesize it with this project's app`);
}
