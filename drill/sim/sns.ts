/**
 * SNS delivery with subscription filter policies on message attributes ("Amazon SNS subscription
 * filter policies"): every key of the policy must match (AND); a key matches when any of its
 * conditions does (OR). Conditions: exact string or number, {"exists": bool}, {"prefix": s},
 * {"anything-but": value | [values]}, {"numeric": [op, n, ...]}. A message without a policy-named
 * attribute matches only {"exists": false}.
 */

export type FilterPolicy = Readonly<Record<string, readonly unknown[]>>;

export interface SubscriptionDef {
  readonly id: string;
  readonly topic: string;
  readonly protocol: 'email' | 'sms' | 'lambda' | 'sqs' | 'https' | 'http' | string;
  readonly endpoint: string;
  readonly filterPolicy?: FilterPolicy;
}

export type Attributes = Readonly<Record<string, string | number>>;

function matchesCondition(cond: unknown, present: boolean, value: string | number | undefined): boolean {
  if (cond !== null && typeof cond === 'object' && !Array.isArray(cond)) {
    const c = cond as Record<string, unknown>;
    if ('exists' in c) return c.exists === present;
    if (!present) return false;
    if ('prefix' in c) return typeof value === 'string' && value.startsWith(String(c.prefix));
    if ('anything-but' in c) {
      const not = Array.isArray(c['anything-but']) ? (c['anything-but'] as unknown[]) : [c['anything-but']];
      return !not.some((n) => String(n) === String(value));
    }
    if ('numeric' in c) {
      const ops = c.numeric as (string | number)[];
      const v = Number(value);
      for (let i = 0; i < ops.length; i += 2) {
        const n = Number(ops[i + 1]);
        const ok = { '=': v === n, '<': v < n, '<=': v <= n, '>': v > n, '>=': v >= n }[String(ops[i]) as '='];
        if (!ok) return false;
      }
      return true;
    }
    throw new Error(`filter policy condition ${JSON.stringify(cond)} is not simulated`);
  }
  return present && String(cond) === String(value);
}

export function matchesPolicy(policy: FilterPolicy | undefined, attrs: Attributes): boolean {
  if (!policy) return true;
  return Object.entries(policy).every(([key, conds]) => conds.some((c) => matchesCondition(c, key in attrs, attrs[key])));
}

export interface Delivery {
  readonly subscription: SubscriptionDef;
  readonly topic: string;
  readonly message: string;
  readonly subject?: string;
  readonly attributes: Attributes;
}

export class SnsSim {
  constructor(private readonly subscriptions: readonly SubscriptionDef[]) {}

  /** The deliveries one publish makes: one per subscription of the topic whose filter policy matches. */
  publish(topic: string, message: string, attributes: Attributes = {}, subject?: string): Delivery[] {
    return this.subscriptions
      .filter((s) => s.topic === topic && matchesPolicy(s.filterPolicy, attributes))
      .map((subscription) => ({ subscription, topic, message, attributes, ...(subject ? { subject } : {}) }));
  }

  subscriptionsOf(topic: string): SubscriptionDef[] {
    return this.subscriptions.filter((s) => s.topic === topic);
  }
}
