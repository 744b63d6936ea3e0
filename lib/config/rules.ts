import { AUDIENCE_NAMES, Plan } from './schema';
import { WARNING_LEVELS } from './levels';
import { PlanIssue } from './errors';
import { PITR_LAG_MINUTES, planFailoverChain, planFailoverTiming, worstCaseChainSeconds, worstCaseFailoverSeconds } from './objectives';
import { COMPONENT_RANK, placeholdersOf, RESPONSE_LEVELS, TEMPLATE_PLACEHOLDERS } from '../../contracts';

/** Largest knowledge base the bot stores in one DynamoDB item (limit 400 KB, kept with headroom). */
export const MAX_KNOWLEDGE_BASE_BYTES = 350 * 1024;

/**
 * Cross-field rules: the ones a single field's schema cannot express. Each returns every problem
 * with its path, the value seen and the fix. Runs only on a plan that already passed the schema.
 */
export function crossFieldIssues(plan: Plan): PlanIssue[] {
  const issues: PlanIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });

  if (plan.regions.standby === plan.regions.primary) {
    add('regions.standby', `must differ from regions.primary ("${plan.regions.primary}"): the standby must survive a regional outage of the primary`);
  }

  const zoneName = plan.dns.zone.name.replace(/\.$/, '');
  if (plan.dns.name !== zoneName && !plan.dns.name.endsWith(`.${zoneName}`)) {
    add('dns.name', `"${plan.dns.name}" is not inside dns.zone.name ("${zoneName}"); use a name such as "chat.${zoneName}" or the zone that holds the name`);
  }

  try {
    new Intl.DateTimeFormat('en', { timeZone: plan.timeZone });
  } catch {
    add('timeZone', `"${plan.timeZone}" is not an IANA time zone; use one such as "Asia/Hong_Kong" or "Europe/London"`);
  }

  for (const [name, byLevel] of Object.entries(plan.thresholds)) {
    for (let i = 1; i < WARNING_LEVELS.length; i++) {
      const lower = WARNING_LEVELS[i - 1];
      const higher = WARNING_LEVELS[i];
      if (!(byLevel[higher] > byLevel[lower])) {
        add(
          `thresholds.${name}.${higher}`,
          `must be greater than thresholds.${name}.${lower} (${byLevel[lower]}), got ${byLevel[higher]}: a stricter level fires on a worse value`,
        );
      }
    }
  }

  const { reservedConcurrency, provisionedConcurrency } = plan.chatbot;
  if (reservedConcurrency !== undefined && provisionedConcurrency > reservedConcurrency) {
    add('chatbot.provisionedConcurrency', `must not exceed chatbot.reservedConcurrency (${reservedConcurrency}), got ${provisionedConcurrency}`);
  }
  if (plan.chatbot.throttle.burstLimit < plan.chatbot.throttle.rateLimit) {
    add('chatbot.throttle.burstLimit', `must be at least chatbot.throttle.rateLimit (${plan.chatbot.throttle.rateLimit}), got ${plan.chatbot.throttle.burstLimit}`);
  }

  const failoverSeconds = worstCaseFailoverSeconds(planFailoverTiming(plan));
  if (failoverSeconds > plan.objectives.rtoMinutes * 60) {
    add(
      'objectives.rtoMinutes',
      `${plan.objectives.rtoMinutes} min cannot be met: failover alone can take ${failoverSeconds} s ` +
        `(interval ${plan.failover.requestIntervalSeconds} s × threshold ${plan.failover.failureThreshold} + probe timeout + DNS TTL ${plan.failover.dnsTtlSeconds} s); ` +
        'raise the objective or lower failover.failureThreshold / failover.dnsTtlSeconds',
    );
  }
  if (plan.objectives.rpoMinutes < PITR_LAG_MINUTES) {
    add(
      'objectives.rpoMinutes',
      `${plan.objectives.rpoMinutes} min cannot be met by restoring from backup: point-in-time recovery trails by about ${PITR_LAG_MINUTES} min; set at least ${PITR_LAG_MINUTES}`,
    );
  }
  if (plan.backup.restoreTestMaxSilenceDays > plan.backup.retentionDays) {
    add(
      'backup.restoreTestMaxSilenceDays',
      `must not exceed backup.retentionDays (${plan.backup.retentionDays}), got ${plan.backup.restoreTestMaxSilenceDays}: a restore test needs a recovery point still kept`,
    );
  }

  issues.push(...backupIssues(plan));

  for (const level of WARNING_LEVELS) {
    const reached = AUDIENCE_NAMES.some((name) => {
      const a = plan.audiences[name];
      return a && a.levels.includes(level) && a.email.length + a.sms.length + a.webhooks.length > 0;
    });
    if (!reached) {
      add('audiences', `no audience with a channel receives "${level}" warnings; add "${level}" to the levels of an audience that has email, sms or webhooks`);
    }
  }

  const seen = new Map<string, number>();
  plan.knowledgeBase.forEach((entry, i) => {
    const first = seen.get(entry.id);
    if (first !== undefined) add(`knowledgeBase[${i}].id`, `"${entry.id}" is already used by knowledgeBase[${first}]; ids must be unique`);
    else seen.set(entry.id, i);
  });
  const kbBytes = Buffer.byteLength(JSON.stringify(plan.knowledgeBase), 'utf8');
  if (kbBytes > MAX_KNOWLEDGE_BASE_BYTES) {
    add('knowledgeBase', `is ${kbBytes} bytes; at most ${MAX_KNOWLEDGE_BASE_BYTES} fit in one table item. Shorten answers or serve a larger FAQ from your own bot (chatbot.entry)`);
  }
  issues.push(...failoverIssues(plan));
  issues.push(...alertingIssues(plan));
  issues.push(...incidentIssues(plan));
  return issues;
}

/**
 * Rules of the DNS failover chain (issue 3): primary → standby → human-agent fallback, built from
 * CNAME failover records, so the public name cannot be the zone apex.
 */
export function failoverIssues(plan: Plan): PlanIssue[] {
  const issues: PlanIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });

  const zoneName = plan.dns.zone.name.replace(/\.$/, '');
  if (plan.dns.name === zoneName) {
    add('dns.name', `must be below the zone apex, got "${plan.dns.name}" (the zone itself): failover records are CNAMEs, which DNS forbids at the apex; use a name such as "chat.${zoneName}"`);
  }

  const regions = plan.failover.checkerRegions ?? [];
  const repeated = regions.filter((r, i) => regions.indexOf(r) !== i);
  if (repeated.length > 0) {
    add('failover.checkerRegions', `must not repeat a region, got ${[...new Set(repeated)].map((r) => `"${r}"`).join(', ')} more than once; list at least 3 different checker regions`);
  }

  const chainSeconds = worstCaseChainSeconds(planFailoverChain(plan));
  if (chainSeconds > plan.objectives.rtoMinutes * 60) {
    add(
      'objectives.rtoMinutes',
      `${plan.objectives.rtoMinutes} min cannot be met when both regions fail: reaching the human-agent fallback can take ${chainSeconds} s ` +
        `(interval ${plan.failover.requestIntervalSeconds} s × threshold ${plan.failover.failureThreshold} + probe timeout + DNS TTL ${plan.failover.dnsTtlSeconds} s + fallback TTL ${plan.failover.fallbackTtlSeconds} s); ` +
        'raise the objective or lower failover.failureThreshold / failover.dnsTtlSeconds / failover.fallbackTtlSeconds',
    );
  }
  return issues;
}

/** Backup rules (issue 5): retention inside the vault lock, sentinel cadence against the RPO, copy target. */
export function backupIssues(plan: Plan): PlanIssue[] {
  const issues: PlanIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });
  const b = plan.backup;
  const lock = b.vaultLock;
  if (lock.maxRetentionDays < lock.minRetentionDays) {
    add('backup.vaultLock.maxRetentionDays', `must be at least backup.vaultLock.minRetentionDays (${lock.minRetentionDays}), got ${lock.maxRetentionDays}; raise it or lower the minimum`);
  }
  if (b.retentionDays < lock.minRetentionDays || b.retentionDays > lock.maxRetentionDays) {
    add(
      'backup.retentionDays',
      `must be within the vault lock's retention range ${lock.minRetentionDays}-${lock.maxRetentionDays} days, got ${b.retentionDays}: the vault would reject every backup and copy; change backup.retentionDays or backup.vaultLock`,
    );
  }
  if (b.restoreTestSelectionWindowDays > b.retentionDays) {
    add(
      'backup.restoreTestSelectionWindowDays',
      `must not exceed backup.retentionDays (${b.retentionDays}), got ${b.restoreTestSelectionWindowDays}: recovery points older than the retention are gone`,
    );
  }
  if (b.sentinelIntervalMinutes > plan.objectives.rpoMinutes) {
    add(
      'backup.sentinelIntervalMinutes',
      `must not exceed objectives.rpoMinutes (${plan.objectives.rpoMinutes}), got ${b.sentinelIntervalMinutes}: restore tests could not show data as fresh as the RPO; write the sentinel more often`,
    );
  }
  if (b.copyToAccount) {
    const arnAccount = b.copyToAccount.vaultArn.split(':')[4];
    if (arnAccount !== b.copyToAccount.accountId) {
      add('backup.copyToAccount.vaultArn', `is in account ${arnAccount}, not backup.copyToAccount.accountId (${b.copyToAccount.accountId}); give the vault of that account`);
    }
    if (plan.account !== undefined && b.copyToAccount.accountId === plan.account) {
      add('backup.copyToAccount.accountId', `must differ from account (${plan.account}), got ${b.copyToAccount.accountId}: the copy must survive a compromise of the deploying account; leave copyToAccount out for none`);
    }
  }
  return issues;
}

/** Rules of the `alerting` section: burn-rate tiers ordered by level, windows CloudWatch can evaluate, timing. */
export function alertingIssues(plan: Plan): PlanIssue[] {
  const issues: PlanIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });
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
  const budgetPercent = 100 - plan.objectives.availabilityPercent;
  for (const level of WARNING_LEVELS) {
    const t = tiers[level];
    const path = `alerting.burnRates.${level}`;
    if (t.shortWindowMinutes >= t.longWindowMinutes) {
      add(`${path}.shortWindowMinutes`, `must be shorter than ${path}.longWindowMinutes (${t.longWindowMinutes}), got ${t.shortWindowMinutes}; the SRE workbook uses 1/12 of the long window`);
    }
    if (t.factor * budgetPercent > 100) {
      add(`${path}.factor`, `${t.factor}× the error budget (${budgetPercent.toFixed(3)}% of requests) is more than 100% errors, so it can never fire; lower it below ${(100 / budgetPercent).toFixed(1)}`);
    }
  }
  const a = plan.alerting;
  if (a.heartbeatSilenceMinutes < 2 * a.emergencyRepeatMinutes) {
    add(
      'alerting.heartbeatSilenceMinutes',
      `must be at least twice alerting.emergencyRepeatMinutes (${a.emergencyRepeatMinutes}), got ${a.heartbeatSilenceMinutes}: one late tick must not page; raise it to ${2 * a.emergencyRepeatMinutes}`,
    );
  }
  if (a.deliveryTimeoutSeconds * a.deliveryAttempts + 2 * (a.deliveryAttempts - 1) > 60) {
    add(
      'alerting.deliveryAttempts',
      `${a.deliveryAttempts} attempts × ${a.deliveryTimeoutSeconds} s plus backoff exceed the notifier's 60 s budget; lower alerting.deliveryAttempts or alerting.deliveryTimeoutSeconds`,
    );
  }
  if (plan.chatbot.reservedConcurrency !== undefined && plan.chatbot.reservedConcurrency > a.accountConcurrencyLimit) {
    add('chatbot.reservedConcurrency', `must not exceed alerting.accountConcurrencyLimit (${a.accountConcurrencyLimit}), got ${plan.chatbot.reservedConcurrency}`);
  }
  return issues;
}

/** Rules of the `incidents` section: templates only use known placeholders, stricter levels never look better. */
export function incidentIssues(plan: Plan): PlanIssue[] {
  const issues: PlanIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });
  const inc = plan.incidents;
  const known: readonly string[] = TEMPLATE_PLACEHOLDERS;
  const texts: [string, string][] = [];
  for (const level of RESPONSE_LEVELS) {
    for (const lang of plan.languages) texts.push([`incidents.templates.${level}.message.${lang}`, inc.templates[level].message[lang]]);
  }
  for (const lang of plan.languages) {
    texts.push([`incidents.recoveringMessage.${lang}`, inc.recoveringMessage[lang]], [`incidents.resolvedMessage.${lang}`, inc.resolvedMessage[lang]]);
  }
  for (const [path, text] of texts) {
    const unknown = placeholdersOf(text).filter((p) => !known.includes(p));
    if (unknown.length) {
      add(path, `uses unknown placeholder ${unknown.map((u) => `{${u}}`).join(', ')}; use only ${known.map((k) => `{${k}}`).join(' ')}`);
    }
  }
  for (let i = 1; i < RESPONSE_LEVELS.length; i++) {
    const lower = RESPONSE_LEVELS[i - 1];
    const higher = RESPONSE_LEVELS[i];
    if (COMPONENT_RANK[inc.templates[higher].chatbot] < COMPONENT_RANK[inc.templates[lower].chatbot]) {
      add(
        `incidents.templates.${higher}.chatbot`,
        `must be at least as bad as incidents.templates.${lower}.chatbot ("${inc.templates[lower].chatbot}"), got "${inc.templates[higher].chatbot}": a wider-impact level must not show a better state`,
      );
    }
  }
  if (inc.retentionDays < inc.lookbackDays) {
    add('incidents.retentionDays', `must be at least incidents.lookbackDays (${inc.lookbackDays}), got ${inc.retentionDays}: the log would expire before the status history that reads it`);
  }
  if (inc.confirmationMinutes >= inc.lookbackDays * 24 * 60) {
    add('incidents.confirmationMinutes', `must be shorter than incidents.lookbackDays (${inc.lookbackDays} d), got ${inc.confirmationMinutes} min; lower it or look back further`);
  }
  return issues;
}
