/**
 * Vocabularies shared by the plan schema (lib/config), the constructs (lib/) and the functions
 * (lambdas/). Severity is data: everything per level is a `Record<Level, …>`, never copies of code.
 */

/** The plan's three warning levels (§4.2.3): general 一般, important 重要, emergency 緊急. */
export const WARNING_LEVELS = ['general', 'important', 'emergency'] as const;
export type WarningLevel = (typeof WARNING_LEVELS)[number];

/** Display names used in messages, the plan document and the dashboard. */
export const LEVEL_LABELS: Record<WarningLevel, { zh: string; en: string }> = {
  general: { zh: '一般預警', en: 'General warning' },
  important: { zh: '重要預警', en: 'Important warning' },
  emergency: { zh: '緊急預警', en: 'Emergency warning' },
};

/** Rank used to order levels: a higher rank is a stricter response. */
export const LEVEL_RANK: Record<WarningLevel, number> = { general: 0, important: 1, emergency: 2 };

/** Builds a per-level record from a function of the level. */
export function perLevel<T>(fn: (level: WarningLevel) => T): Record<WarningLevel, T> {
  return { general: fn('general'), important: fn('important'), emergency: fn('emergency') };
}

/** The plan's response levels (§5.1, by impact) — not the §4.2.3 warning levels. */
export const RESPONSE_LEVELS = ['general', 'severe', 'emergency'] as const;
export type ResponseLevel = (typeof RESPONSE_LEVELS)[number];
/** Higher rank = wider impact. */
export const RESPONSE_RANK: Record<ResponseLevel, number> = { general: 0, severe: 1, emergency: 2 };
export const RESPONSE_LABELS: Record<ResponseLevel, { zh: string; en: string }> = {
  general: { zh: '一般事件', en: 'General incident' },
  severe: { zh: '嚴重事件', en: 'Severe incident' },
  emergency: { zh: '緊急事件', en: 'Emergency incident' },
};

/** Chat platforms and paging services the notifier can post to (plan `audiences.*.webhooks[].kind`). */
export const WEBHOOK_KINDS = ['slack', 'teams', 'dingtalk', 'feishu', 'wecom', 'webhook', 'pagerduty'] as const;
export type WebhookKind = (typeof WEBHOOK_KINDS)[number];

/** Where a chatbot deployment stands in the failover pair. */
export const DEPLOYMENT_ROLES = ['primary', 'standby'] as const;
export type DeploymentRole = (typeof DEPLOYMENT_ROLES)[number];

/** States of a status-page component (chatbot, agents). */
export const COMPONENT_STATES = ['operational', 'degraded', 'outage'] as const;
export type ComponentState = (typeof COMPONENT_STATES)[number];
/** Higher rank = worse. */
export const COMPONENT_RANK: Record<ComponentState, number> = { operational: 0, degraded: 1, outage: 2 };

export type ResponseScope = 'us-east-1' | 'primary' | 'standby';

/**
 * Name of a response-level composite alarm. Fixed (derived from the plan) so the incident recorder in
 * the global stack can follow the us-east-1 composites of the failover stack, which depends on it,
 * without a reference back.
 */
export function responseAlarmName(planName: string, scope: ResponseScope, level: ResponseLevel): string {
  return `${planName}-response-${scope}-${level}`;
}
