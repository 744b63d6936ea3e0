import { AUDIENCE_NAMES, HEALTH_CHECKER_HEADROOM, Plan } from './schema';
import { WARNING_LEVELS } from './levels';
import { regionNameOf } from './widget';
import { PlanIssue } from './errors';
import { CANARY_RULES } from './canaries';
import { PITR_LAG_MINUTES, planFailoverChain, planFailoverTiming, worstCaseChainSeconds, worstCaseFailoverSeconds } from './objectives';
import { COMPONENT_RANK, placeholdersOf, RESPONSE_LEVELS, TEMPLATE_PLACEHOLDERS } from '../../contracts';

/** Largest knowledge base the bot stores in one DynamoDB item (limit 400 KB, kept with headroom). */
export const MAX_KNOWLEDGE_BASE_BYTES = 350 * 1024;

/** Adds one problem: its path and the rule, the value seen and the fix. */
export type AddIssue = (path: string, message: string) => void;

/**
 * One cross-field rule: what a single field's schema cannot express. Rules are small so that, when
 * part of a plan is invalid, only the rules that read an invalid value are skipped (see
 * `runRules`); every other rule still reports.
 */
export interface PlanRule {
  readonly id: string;
  readonly check: (plan: Plan, add: AddIssue) => void;
}

const rule = (id: string, check: PlanRule['check']): PlanRule => ({ id, check });

/** The channels an audience is reached on; an audience with levels and none of them reaches no one. */
export const AUDIENCE_CHANNEL_KEYS = ['email', 'sms', 'webhooks'] as const;

const zoneNameOf = (plan: Plan) => plan.dns.zone.name.toLowerCase().replace(/\.$/, '');

export const CORE_RULES: readonly PlanRule[] = [
  rule('regions-differ', (plan, add) => {
    if (plan.regions.standby === plan.regions.primary) {
      add('regions.standby', `must differ from regions.primary ("${plan.regions.primary}"): the standby must survive a regional outage of the primary`);
    }
  }),
  rule('name-in-zone', (plan, add) => {
    const zoneName = zoneNameOf(plan);
    const name = plan.dns.name.toLowerCase();
    if (name !== zoneName && !name.endsWith(`.${zoneName}`)) {
      add('dns.name', `"${plan.dns.name}" is not inside dns.zone.name ("${zoneName}"); use a name such as "chat.${zoneName}" or the zone that holds the name`);
    }
  }),
  rule('status-name-in-zone', (plan, add) => {
    const zoneName = zoneNameOf(plan);
    const name = plan.dns.name.toLowerCase();
    const statusName = (plan.dns.statusName ?? `status.${name}`).toLowerCase();
    const statusKey = plan.dns.statusName ? 'dns.statusName' : 'dns.name';
    if (!statusName.endsWith(`.${zoneName}`)) {
      add(statusKey, `the status page name "${statusName}" is not below dns.zone.name ("${zoneName}"); set dns.statusName to a name such as "status.${zoneName}"`);
    } else if (statusName === name) {
      add('dns.statusName', `must differ from dns.name ("${name}"), which the chatbot API and its failover records use; use a name such as "status.${name}"`);
    } else if (statusName.length > 64) {
      add(statusKey, `the status page name "${statusName}" is ${statusName.length} characters; ACM certificates take at most 64: set dns.statusName to a shorter name such as "status.${zoneName}"`);
    }
  }),
  rule('widget-region-names', (plan, add) => {
    const zoneName = zoneNameOf(plan);
    const taken = new Map<string, string>([[plan.dns.name.toLowerCase(), 'dns.name'], [(plan.dns.statusName ?? `status.${plan.dns.name}`).toLowerCase(), 'the status page name']]);
    for (const role of ['primary', 'standby'] as const) {
      const name = regionNameOf(plan, role);
      const key = plan.widget.regionNames[role] ? `widget.regionNames.${role}` : 'dns.name';
      const fix = `set widget.regionNames.${role} to a name such as "${role}.${zoneName}"`;
      if (!name.endsWith(`.${zoneName}`)) add(key, `the ${role} region's own name "${name}" is not below dns.zone.name ("${zoneName}"); ${fix}`);
      else if (name.length > 64) add(key, `the ${role} region's own name "${name}" is ${name.length} characters; ACM certificates take at most 64: ${fix}`);
      // Two default names collide only when the regions do, which regions-differ reports already.
      else if (taken.has(name) && !(role === 'standby' && plan.regions.standby === plan.regions.primary && !plan.widget.regionNames.primary && !plan.widget.regionNames.standby)) {
        add(key, `the ${role} region's own name "${name}" is already ${taken.get(name)}; each region needs a name of its own: ${fix}`);
      }
      taken.set(name, `the ${role} region's own name`);
    }
  }),
  rule('time-zone', (plan, add) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: plan.timeZone });
    } catch {
      add('timeZone', `"${plan.timeZone}" is not an IANA time zone; use one such as "Asia/Hong_Kong" or "Europe/London"`);
    }
  }),
  ...(['apiLatencyP99Ms', 'errorRatePercent', 'throttledRequests', 'concurrencyPercent', 'functionDurationPercent', 'functionThrottles', 'tableThrottles', 'clientErrorPercent', 'trafficAnomalyBand', 'functionErrors', 'unhandledErrors', 'blockedRequests'] as const).map((name) =>
    rule(`thresholds-${name}`, (plan, add) => {
      const byLevel = plan.thresholds[name];
      for (let i = 1; i < WARNING_LEVELS.length; i++) {
        const lower = WARNING_LEVELS[i - 1];
        const higher = WARNING_LEVELS[i];
        if (!(byLevel[higher] > byLevel[lower])) {
          add(`thresholds.${name}.${higher}`, `must be greater than thresholds.${name}.${lower} (${byLevel[lower]}), got ${byLevel[higher]}: a stricter level fires on a worse value`);
        }
      }
    }),
  ),
  rule('health-rate-leaves-room-for-checkers', (plan, add) => {
    const { healthRequestsPerClient, windowSeconds } = plan.chatbot.protection;
    const perChecker = Math.ceil(windowSeconds / plan.failover.requestIntervalSeconds);
    const needed = HEALTH_CHECKER_HEADROOM * perChecker;
    if (healthRequestsPerClient < needed) {
      add(
        'chatbot.protection.healthRequestsPerClient',
        `must be at least ${needed} per ${windowSeconds} s: each Route 53 checker sends one /health request every ${plan.failover.requestIntervalSeconds} s (${perChecker} per window) and several may share an address, so the limit keeps ${HEALTH_CHECKER_HEADROOM}× that; got ${healthRequestsPerClient}. ` +
          'A lower limit could block the health checks and fail the region over',
      );
    }
  }),
  rule('provisioned-within-reserved', (plan, add) => {
    const { reservedConcurrency, provisionedConcurrency } = plan.chatbot;
    if (reservedConcurrency !== undefined && provisionedConcurrency > reservedConcurrency) {
      add('chatbot.provisionedConcurrency', `must not exceed chatbot.reservedConcurrency (${reservedConcurrency}), got ${provisionedConcurrency}`);
    }
  }),
  rule('burst-at-least-rate', (plan, add) => {
    if (plan.chatbot.throttle.burstLimit < plan.chatbot.throttle.rateLimit) {
      add('chatbot.throttle.burstLimit', `must be at least chatbot.throttle.rateLimit (${plan.chatbot.throttle.rateLimit}), got ${plan.chatbot.throttle.burstLimit}`);
    }
  }),
  rule('rto-failover', (plan, add) => {
    const failoverSeconds = worstCaseFailoverSeconds(planFailoverTiming(plan));
    if (failoverSeconds > plan.objectives.rtoMinutes * 60) {
      add(
        'objectives.rtoMinutes',
        `${plan.objectives.rtoMinutes} min cannot be met: failover alone can take ${failoverSeconds} s ` +
          `(interval ${plan.failover.requestIntervalSeconds} s × threshold ${plan.failover.failureThreshold} + probe timeout + DNS TTL ${plan.failover.dnsTtlSeconds} s); ` +
          'raise the objective or lower failover.failureThreshold / failover.dnsTtlSeconds',
      );
    }
  }),
  rule('rpo-pitr', (plan, add) => {
    if (plan.objectives.rpoMinutes < PITR_LAG_MINUTES) {
      add(
        'objectives.rpoMinutes',
        `${plan.objectives.rpoMinutes} min cannot be met by restoring from backup: point-in-time recovery trails by about ${PITR_LAG_MINUTES} min; set at least ${PITR_LAG_MINUTES}`,
      );
    }
  }),
  rule('restore-silence-within-retention', (plan, add) => {
    if (plan.backup.restoreTestMaxSilenceDays > plan.backup.retentionDays) {
      add(
        'backup.restoreTestMaxSilenceDays',
        `must not exceed backup.retentionDays (${plan.backup.retentionDays}), got ${plan.backup.restoreTestMaxSilenceDays}: a restore test needs a recovery point still kept`,
      );
    }
  }),
  ...WARNING_LEVELS.map((level) =>
    rule(`level-reached-${level}`, (plan, add) => {
      const reached = AUDIENCE_NAMES.some((name) => {
        const a = plan.audiences[name];
        return a && a.levels.includes(level) && AUDIENCE_CHANNEL_KEYS.some((k) => a[k].length > 0);
      });
      if (!reached) {
        add('audiences', `no audience with a channel receives "${level}" warnings; add "${level}" to the levels of an audience that has email, sms or webhooks`);
      }
    }),
  ),
  ...AUDIENCE_NAMES.map((name) =>
    rule(`audience-reaches-someone-${name}`, (plan, add) => {
      const a = plan.audiences[name];
      if (a && a.levels.length > 0 && !AUDIENCE_CHANNEL_KEYS.some((k) => a[k].length > 0)) {
        add(
          `audiences.${name}`,
          `is told about ${a.levels.map((l) => `"${l}"`).join(', ')} warnings but has no ${AUDIENCE_CHANNEL_KEYS.join(', ')}: it reaches no one; add an address, a phone number or a webhook, or remove the audience`,
        );
      }
    }),
  ),
  rule('knowledge-base-unique-ids', (plan, add) => {
    const seen = new Map<string, number>();
    plan.knowledgeBase.forEach((entry, i) => {
      const first = seen.get(entry.id);
      if (first !== undefined) add(`knowledgeBase[${i}].id`, `"${entry.id}" is already used by knowledgeBase[${first}]; ids must be unique`);
      else seen.set(entry.id, i);
    });
  }),
  rule('knowledge-base-size', (plan, add) => {
    const kbBytes = Buffer.byteLength(JSON.stringify(plan.knowledgeBase), 'utf8');
    if (kbBytes > MAX_KNOWLEDGE_BASE_BYTES) {
      add('knowledgeBase', `is ${kbBytes} bytes; at most ${MAX_KNOWLEDGE_BASE_BYTES} fit in one table item. Shorten answers or serve a larger FAQ from your own bot (chatbot.entry)`);
    }
  }),
];

/**
 * Rules of the DNS failover chain (issue 3): primary → standby → human-agent fallback, built from
 * CNAME failover records, so the public name cannot be the zone apex.
 */
export const FAILOVER_RULES: readonly PlanRule[] = [
  rule('name-below-apex', (plan, add) => {
    const zoneName = zoneNameOf(plan);
    if (plan.dns.name.toLowerCase() === zoneName) {
      add('dns.name', `must be below the zone apex, got "${plan.dns.name}" (the zone itself): failover records are CNAMEs, which DNS forbids at the apex; use a name such as "chat.${zoneName}"`);
    }
  }),
  rule('checker-regions-unique', (plan, add) => {
    const regions = plan.failover.checkerRegions ?? [];
    const repeated = regions.filter((r, i) => regions.indexOf(r) !== i);
    if (repeated.length > 0) {
      add('failover.checkerRegions', `must not repeat a region, got ${[...new Set(repeated)].map((r) => `"${r}"`).join(', ')} more than once; list at least 3 different checker regions`);
    }
  }),
  rule('rto-chain', (plan, add) => {
    const chainSeconds = worstCaseChainSeconds(planFailoverChain(plan));
    if (chainSeconds > plan.objectives.rtoMinutes * 60) {
      add(
        'objectives.rtoMinutes',
        `${plan.objectives.rtoMinutes} min cannot be met when both regions fail: reaching the human-agent fallback can take ${chainSeconds} s ` +
          `(interval ${plan.failover.requestIntervalSeconds} s × threshold ${plan.failover.failureThreshold} + probe timeout + the longer of DNS TTL ${plan.failover.dnsTtlSeconds} s and fallback TTL ${plan.failover.fallbackTtlSeconds} s); ` +
          'raise the objective or lower failover.failureThreshold / failover.dnsTtlSeconds / failover.fallbackTtlSeconds',
      );
    }
  }),
];

/** Backup rules (issue 5): retention inside the vault lock, sentinel cadence against the RPO, copy target. */
export const BACKUP_RULES: readonly PlanRule[] = [
  rule('vault-lock-range', (plan, add) => {
    const lock = plan.backup.vaultLock;
    if (lock.maxRetentionDays < lock.minRetentionDays) {
      add('backup.vaultLock.maxRetentionDays', `must be at least backup.vaultLock.minRetentionDays (${lock.minRetentionDays}), got ${lock.maxRetentionDays}; raise it or lower the minimum`);
    }
  }),
  rule('retention-within-lock', (plan, add) => {
    const b = plan.backup;
    const lock = b.vaultLock;
    if (b.retentionDays < lock.minRetentionDays || b.retentionDays > lock.maxRetentionDays) {
      add(
        'backup.retentionDays',
        `must be within the vault lock's retention range ${lock.minRetentionDays}-${lock.maxRetentionDays} days, got ${b.retentionDays}: the vault would reject every backup and copy; change backup.retentionDays or backup.vaultLock`,
      );
    }
  }),
  rule('selection-within-retention', (plan, add) => {
    const b = plan.backup;
    if (b.restoreTestSelectionWindowDays > b.retentionDays) {
      add(
        'backup.restoreTestSelectionWindowDays',
        `must not exceed backup.retentionDays (${b.retentionDays}), got ${b.restoreTestSelectionWindowDays}: recovery points older than the retention are gone`,
      );
    }
  }),
  rule('sentinel-within-rpo', (plan, add) => {
    const b = plan.backup;
    if (b.sentinelIntervalMinutes > plan.objectives.rpoMinutes) {
      add(
        'backup.sentinelIntervalMinutes',
        `must not exceed objectives.rpoMinutes (${plan.objectives.rpoMinutes}), got ${b.sentinelIntervalMinutes}: restore tests could not show data as fresh as the RPO; write the sentinel more often`,
      );
    }
  }),
  rule('copy-vault-account', (plan, add) => {
    const c = plan.backup.copyToAccount;
    if (!c) return;
    const arnAccount = c.vaultArn.split(':')[4];
    if (arnAccount !== c.accountId) {
      add('backup.copyToAccount.vaultArn', `is in account ${arnAccount}, not backup.copyToAccount.accountId (${c.accountId}); give the vault of that account`);
    }
  }),
  rule('copy-other-account', (plan, add) => {
    const c = plan.backup.copyToAccount;
    if (c && plan.account !== undefined && c.accountId === plan.account) {
      add('backup.copyToAccount.accountId', `must differ from account (${plan.account}), got ${c.accountId}: the copy must survive a compromise of the deploying account; leave copyToAccount out for none`);
    }
  }),
];

/** Rules of the `alerting` section: burn-rate tiers ordered by level, windows CloudWatch can evaluate, timing. */
export const ALERTING_RULES: readonly PlanRule[] = [
  rule('burn-rate-order', (plan, add) => {
    const tiers = plan.alerting.burnRates;
    for (let i = 1; i < WARNING_LEVELS.length; i++) {
      const lower = WARNING_LEVELS[i - 1];
      const higher = WARNING_LEVELS[i];
      if (!(tiers[higher].factor > tiers[lower].factor)) {
        add(
          `alerting.burnRates.${higher}.factor`,
          `must be greater than alerting.burnRates.${lower}.factor (${tiers[lower].factor}), got ${tiers[higher].factor}: a stricter level fires on a faster burn`,
        );
      }
    }
  }),
  ...WARNING_LEVELS.map((level) =>
    rule(`burn-rate-windows-${level}`, (plan, add) => {
      const t = plan.alerting.burnRates[level];
      const path = `alerting.burnRates.${level}`;
      if (t.shortWindowMinutes >= t.longWindowMinutes) {
        add(`${path}.shortWindowMinutes`, `must be shorter than ${path}.longWindowMinutes (${t.longWindowMinutes}), got ${t.shortWindowMinutes}; the SRE workbook uses 1/12 of the long window`);
      }
    }),
  ),
  ...WARNING_LEVELS.map((level) =>
    rule(`burn-rate-reachable-${level}`, (plan, add) => {
      const t = plan.alerting.burnRates[level];
      const budgetPercent = 100 - plan.objectives.availabilityPercent;
      if (t.factor * budgetPercent > 100) {
        add(
          `alerting.burnRates.${level}.factor`,
          `${t.factor}× the error budget (${budgetPercent.toFixed(3)}% of requests) is more than 100% errors, so it can never fire; lower it below ${(100 / budgetPercent).toFixed(1)}`,
        );
      }
    }),
  ),
  rule('heartbeat-silence', (plan, add) => {
    const a = plan.alerting;
    if (a.heartbeatSilenceMinutes < 2 * a.emergencyRepeatMinutes) {
      add(
        'alerting.heartbeatSilenceMinutes',
        `must be at least twice alerting.emergencyRepeatMinutes (${a.emergencyRepeatMinutes}), got ${a.heartbeatSilenceMinutes}: one late tick must not page; raise it to ${2 * a.emergencyRepeatMinutes}`,
      );
    }
  }),
  rule('delivery-budget', (plan, add) => {
    const a = plan.alerting;
    if (a.deliveryTimeoutSeconds * a.deliveryAttempts + 2 * (a.deliveryAttempts - 1) > 60) {
      add(
        'alerting.deliveryAttempts',
        `${a.deliveryAttempts} attempts × ${a.deliveryTimeoutSeconds} s plus backoff exceed the notifier's 60 s budget; lower alerting.deliveryAttempts or alerting.deliveryTimeoutSeconds`,
      );
    }
  }),
  rule('reserved-within-account', (plan, add) => {
    const a = plan.alerting;
    if (plan.chatbot.reservedConcurrency !== undefined && plan.chatbot.reservedConcurrency > a.accountConcurrencyLimit) {
      add('chatbot.reservedConcurrency', `must not exceed alerting.accountConcurrencyLimit (${a.accountConcurrencyLimit}), got ${plan.chatbot.reservedConcurrency}`);
    }
  }),
];

/** Rules of the `incidents` section: templates only use known placeholders, stricter levels never look better. */
export const INCIDENT_RULES: readonly PlanRule[] = [
  ...RESPONSE_LEVELS.map((level) => placeholderRule(`incidents.templates.${level}.message`, (plan) => plan.incidents.templates[level].message)),
  placeholderRule('incidents.recoveringMessage', (plan) => plan.incidents.recoveringMessage),
  placeholderRule('incidents.resolvedMessage', (plan) => plan.incidents.resolvedMessage),
  ...RESPONSE_LEVELS.slice(1).map((higher, i) =>
    rule(`component-order-${higher}`, (plan, add) => {
      const lower = RESPONSE_LEVELS[i];
      const t = plan.incidents.templates;
      if (COMPONENT_RANK[t[higher].chatbot] < COMPONENT_RANK[t[lower].chatbot]) {
        add(
          `incidents.templates.${higher}.chatbot`,
          `must be at least as bad as incidents.templates.${lower}.chatbot ("${t[lower].chatbot}"), got "${t[higher].chatbot}": a wider-impact level must not show a better state`,
        );
      }
    }),
  ),
  rule('incident-retention', (plan, add) => {
    const inc = plan.incidents;
    if (inc.retentionDays < inc.lookbackDays) {
      add('incidents.retentionDays', `must be at least incidents.lookbackDays (${inc.lookbackDays}), got ${inc.retentionDays}: the log would expire before the status history that reads it`);
    }
  }),
  rule('incident-confirmation', (plan, add) => {
    const inc = plan.incidents;
    if (inc.confirmationMinutes >= inc.lookbackDays * 24 * 60) {
      add('incidents.confirmationMinutes', `must be shorter than incidents.lookbackDays (${inc.lookbackDays} d), got ${inc.confirmationMinutes} min; lower it or look back further`);
    }
  }),
];

function placeholderRule(path: string, textsOf: (plan: Plan) => Readonly<Record<string, string>>): PlanRule {
  return rule(`placeholders-${path}`, (plan, add) => {
    const known: readonly string[] = TEMPLATE_PLACEHOLDERS;
    // One text per plan language (a missing language is the languages rule's problem, not this one's).
    for (const lang of plan.languages) {
      const unknown = placeholdersOf(textsOf(plan)[lang] ?? '').filter((p) => !known.includes(p));
      if (unknown.length) add(`${path}.${lang}`, `uses unknown placeholder ${unknown.map((u) => `{${u}}`).join(', ')}; use only ${known.map((k) => `{${k}}`).join(' ')}`);
    }
  });
}

/** Live drills (§9.2): the window fits a drill, the objective can be measured, the audiences exist. */
export const DRILL_RULES: readonly PlanRule[] = [
  rule('drill-window-order', (plan, add) => {
    const w = plan.drills.window;
    if (w.endHour <= w.startHour) add('drills.window.endHour', `must be after drills.window.startHour (${w.startHour}), got ${w.endHour}; e.g. startHour 10, endHour 16`);
  }),
  rule('drill-window-room', (plan, add) => {
    const w = plan.drills.window;
    // Injection may last maxDuration, then the wait for the primary as long again.
    const needMinutes = 2 * plan.drills.maxDurationMinutes;
    if (w.endHour > w.startHour && (w.endHour - w.startHour) * 60 < needMinutes) {
      add('drills.window', `${w.startHour}:00-${w.endHour}:00 is ${(w.endHour - w.startHour) * 60} min; a drill needs up to ${needMinutes} min (2 × drills.maxDurationMinutes ${plan.drills.maxDurationMinutes}); widen the window or shorten the drill`);
    }
  }),
  rule('drill-time-zone', (plan, add) => {
    const tz = plan.drills.window.timeZone;
    if (tz === undefined) return;
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
    } catch {
      add('drills.window.timeZone', `"${tz}" is not an IANA time zone; use one such as "Asia/Hong_Kong", or leave it out to use timeZone`);
    }
  }),
  rule('drill-objective', (plan, add) => {
    const objective = plan.drills.objectiveMinutes ?? plan.objectives.rtoMinutes;
    if (plan.drills.maxDurationMinutes <= objective) {
      add(
        'drills.maxDurationMinutes',
        `must be longer than the drill objective (${objective} min${plan.drills.objectiveMinutes === undefined ? ', objectives.rtoMinutes' : ''}), got ${plan.drills.maxDurationMinutes}: a drill stopped before its objective cannot measure it; raise it to at least ${Math.floor(objective) + 1}`,
      );
    }
  }),
  rule('drill-hold', (plan, add) => {
    if (plan.drills.holdMinutes >= plan.drills.maxDurationMinutes) {
      add('drills.holdMinutes', `must be shorter than drills.maxDurationMinutes (${plan.drills.maxDurationMinutes}), got ${plan.drills.holdMinutes}: the drill would always abort on its maximum duration`);
    }
  }),
  rule('drill-audiences', (plan, add) => {
    plan.drills.audiences.forEach((a, i) => {
      if (!plan.audiences[a]) add(`drills.audiences[${i}]`, `"${a}" is not defined in audiences; define audiences.${a} or remove it from drills.audiences`);
    });
  }),
  rule('drill-fis-extension', (plan, add) => {
    const d = plan.drills;
    if (d.kind !== 'fault-injection' || d.fis.lambdaExtension) return;
    d.faults.forEach((f, i) => {
      if (f === 'lambda-errors' || f === 'lambda-delay') {
        add(
          `drills.faults[${i}]`,
          `"${f}" needs the AWS FIS Lambda extension on the primary chatbot function, which is off (drills.fis.lambdaExtension: false); set drills.fis.lambdaExtension: true (it adds the extension layer, two environment variables and an S3 configuration bucket in the primary region), or use only "replication-pause"`,
        );
      }
    });
  }),
  rule('drill-faults-unique', (plan, add) => {
    const seen = new Set<string>();
    plan.drills.faults.forEach((f, i) => {
      if (seen.has(f)) add(`drills.faults[${i}]`, `"${f}" is listed twice; list each fault once`);
      seen.add(f);
    });
  }),
];

/** Every cross-field rule, in report order. */
/** Rules of the organisation (§2) and the risk register (§3). */
export const ORGANISATION_RULES: readonly PlanRule[] = [
  rule('audience-owned', (plan, add) => {
    const owned = new Set(Object.values(plan.organisation).flatMap((u) => u?.audiences ?? []));
    const units = Object.keys(plan.organisation);
    for (const name of AUDIENCE_NAMES) {
      if (!plan.audiences[name] || owned.has(name)) continue;
      add(
        `audiences.${name}`,
        `is owned by no unit of organisation (rule: every audience is owned by someone, who keeps its recipients current and acts on what it is told); add "${name}" to the audiences of one of organisation.${units.length ? units.join(', organisation.') : 'technicalSupport'}`,
      );
    }
  }),
  rule('owned-audience-exists', (plan, add) => {
    for (const [unit, u] of Object.entries(plan.organisation)) {
      (u?.audiences ?? []).forEach((name, i) => {
        if (!plan.audiences[name]) add(`organisation.${unit}.audiences[${i}]`, `names audience "${name}", which the plan does not define (rule: a unit owns audiences that exist); define audiences.${name} or remove it here`);
      });
    }
  }),
  rule('risk-ids-unique', (plan, add) => {
    const seen = new Set<string>();
    plan.risks.register.forEach((r, i) => {
      if (seen.has(r.id)) add(`risks.register[${i}].id`, `"${r.id}" is used by an earlier risk (rule: risk ids are unique); rename one of them`);
      seen.add(r.id);
    });
  }),
  rule('risk-detected', (plan, add) => {
    const from = plan.risks.detectionRequiredFrom;
    plan.risks.register.forEach((r, i) => {
      if (r.priority >= from && r.detectedBy.length === 0) {
        add(
          `risks.register[${i}].detectedBy`,
          `risk "${r.id}" has priority ${r.priority} (likelihood ${r.likelihood} × impact ${r.impact}), at or above risks.detectionRequiredFrom (${from}), and nothing detects it (rule: a high-priority risk names the alarms that detect it); list its indicators, e.g. detectedBy: [endpoint-health, error-rate], or lower its likelihood or impact if they were overstated`,
        );
      }
    });
  }),
];

/** Every cross-field rule, in report order. */
export const PLAN_RULES: readonly PlanRule[] = [...CORE_RULES, ...BACKUP_RULES, ...FAILOVER_RULES, ...ALERTING_RULES, ...INCIDENT_RULES, ...DRILL_RULES, ...CANARY_RULES, ...ORGANISATION_RULES];

/** Paths read through a tracked plan, as `a.b[2].c`. */
function tracked<T extends object>(value: T, at: string, reads: Set<string>): T {
  return new Proxy(value, {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver) as unknown;
      if (typeof key === 'symbol' || (Array.isArray(target) && key === 'length')) return v;
      if (Array.isArray(target) && typeof Reflect.get(Array.prototype, key) === 'function') return v;
      const path = Array.isArray(target) && /^\d+$/.test(key) ? `${at}[${key}]` : at ? `${at}.${key}` : key;
      reads.add(path);
      return v !== null && typeof v === 'object' ? tracked(v as object, path, reads) : v;
    },
  });
}

/** True when `read` is `tainted` itself or inside it (`a.b` is inside `a`, `a[1]` inside `a`). */
function inside(read: string, tainted: string): boolean {
  return tainted === '' || read === tainted || read.startsWith(`${tainted}.`) || read.startsWith(`${tainted}[`);
}

/**
 * Runs rules on a plan and returns their problems. `untrusted` lists paths whose values are
 * stand-ins for invalid input (see the loader): a rule that read any of them is skipped, so a
 * problem is never reported about a value the user did not write. A rule that throws on such a
 * plan is skipped the same way.
 */
export function runRules(plan: Plan, rules: readonly PlanRule[] = PLAN_RULES, untrusted: readonly string[] = []): PlanIssue[] {
  const issues: PlanIssue[] = [];
  for (const r of rules) {
    const reads = new Set<string>();
    const found: PlanIssue[] = [];
    try {
      r.check(untrusted.length ? tracked(plan, '', reads) : plan, (path, message) => found.push({ path, message }));
    } catch (e) {
      if (untrusted.length) continue;
      throw e;
    }
    if (untrusted.length && [...reads].some((read) => untrusted.some((t) => inside(read, t)))) continue;
    issues.push(...found);
  }
  return issues;
}

/** Every cross-field problem of a valid plan. */
export function crossFieldIssues(plan: Plan): PlanIssue[] {
  return runRules(plan);
}
