/**
 * An instant in an IANA time zone as `YYYY-MM-DD HH:mm[:ss] (zone)`: the one time format alerts,
 * notices and the status page use (plan §4.3.3 "time", in the plan's time zone).
 */
export function zonedTime(iso: string, timeZone: string, opts: { seconds?: boolean } = {}): string {
  const key = `${timeZone}|${opts.seconds ? 's' : 'm'}|${iso}`;
  const hit = recent.get(key);
  if (hit !== undefined) return hit;
  const parts = formatter(timeZone, Boolean(opts.seconds)).formatToParts(new Date(iso));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const clock = `${get('hour')}:${get('minute')}${opts.seconds ? `:${get('second')}` : ''}`;
  const out = `${get('year')}-${get('month')}-${get('day')} ${clock} (${timeZone})`;
  if (recent.size >= RECENT_MAX) recent.clear();
  recent.set(key, out);
  return out;
}

// The incident fold renders the same few instants (an incident's start, its ETA) many times.
const RECENT_MAX = 1000;
const recent = new Map<string, string>();

// Building an Intl.DateTimeFormat costs far more than using one: keep one per zone and precision.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string, seconds: boolean): Intl.DateTimeFormat {
  const key = `${timeZone}|${seconds}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      ...(seconds ? { second: '2-digit' as const } : {}),
      hourCycle: 'h23',
    });
    formatters.set(key, f);
  }
  return f;
}
