/**
 * An instant in an IANA time zone as `YYYY-MM-DD HH:mm[:ss] (zone)`: the one time format alerts,
 * notices and the status page use (plan §4.3.3 "time", in the plan's time zone).
 */
export function zonedTime(iso: string, timeZone: string, opts: { seconds?: boolean } = {}): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    ...(opts.seconds ? { second: '2-digit' as const } : {}),
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const clock = `${get('hour')}:${get('minute')}${opts.seconds ? `:${get('second')}` : ''}`;
  return `${get('year')}-${get('month')}-${get('day')} ${clock} (${timeZone})`;
}
