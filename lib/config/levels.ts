/**
 * The plan's three warning levels (§4.2.3): general 一般, important 重要, emergency 緊急.
 * Severity is data: everything per level is a `Record<WarningLevel, …>`, never three copies of code.
 */
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
