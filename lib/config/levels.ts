/**
 * The plan's three warning levels (§4.2.3), defined once in contracts/levels.ts and re-exported
 * here for the plan schema and the constructs.
 */
export { LEVEL_LABELS, LEVEL_RANK, perLevel, WARNING_LEVELS } from '../../contracts';
export type { WarningLevel } from '../../contracts';
