import { Problem } from '../core/validation';

const MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const FIELDS: Array<[string, number, number, string[]]> = [
  ['minute', 0, 59, []],
  ['hour', 0, 23, []],
  ['day of month', 1, 31, []],
  ['month', 1, 12, ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC']],
  ['day of week', 0, 7, ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT']],
];

/** Why `schedule` is not a schedule the CronJob controller (robfig/cron, standard parser) accepts, or undefined. */
export function cronProblem(schedule: string): Problem | undefined {
  const rule = cronRule(schedule);
  return rule === undefined
    ? undefined
    : { rule, fix: "Use five fields, e.g. '30 2 * * *' (02:30 daily), or @hourly, @daily, @weekly, @monthly." };
}

function cronRule(schedule: string): string | undefined {
  if (typeof schedule !== 'string') return 'must be a cron schedule';
  if (/^\s*(CRON_)?TZ=/.test(schedule)) return 'must not set TZ inside the schedule (Kubernetes rejects it)';
  if (MACROS.has(schedule.trim())) return undefined;
  const parts = schedule.trim().split(/\s+/);
  if (parts.length !== 5) return `must have 5 fields (minute hour day-of-month month day-of-week), not ${parts.length}`;
  for (let i = 0; i < 5; i++) {
    const [field, min, max, names] = FIELDS[i];
    for (const item of parts[i].split(',')) {
      const m = /^(\*|\?|([0-9A-Za-z]+)(-([0-9A-Za-z]+))?)(\/(\d+))?$/.exec(item);
      const value = (v: string) => (/^\d+$/.test(v) ? Number(v) : names.indexOf(v.toUpperCase()) + (i === 3 ? 1 : 0));
      const ok =
        m &&
        [m[2], m[4]]
          .filter((v) => v !== undefined)
          .every((v) => {
            const n = value(v);
            return n >= min && n <= max && (/^\d+$/.test(v) || names.includes(v.toUpperCase()));
          }) &&
        (m[6] === undefined || Number(m[6]) > 0);
      if (!ok) return `has an invalid ${field} field '${parts[i]}' (allowed ${min}-${max}${names.length ? ' or names' : ''})`;
    }
  }
  return undefined;
}

/** Whether `tz` is an IANA time zone name. */
export function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(tz);
  } catch {
    return false;
  }
}

/**
 * The zone name as the IANA database spells it, matched without regard to case:
 * the JavaScript runtime accepts `europe/paris`, Go's time.LoadLocation (which the
 * API server and the CronJob controller use) reads a file of that exact name.
 */
export function canonicalTimeZone(tz: string): string {
  const lower = tz.toLowerCase();
  const exact = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  const found = [...exact, 'UTC', 'Etc/UTC'].find((z) => z.toLowerCase() === lower);
  if (found) return found;
  // Links (Asia/Calcutta) are not listed; the runtime's resolved name serves when only the case differs.
  const resolved = new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
  return resolved.toLowerCase() === lower ? resolved : tz;
}
