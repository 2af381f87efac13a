/**
 * RDS backup and maintenance windows (UTC). RDS refuses overlapping windows at apply
 * time; checking them here fails synth instead, with a message that says which.
 */
import { RDS_MIN_WINDOW_MINUTES } from "../../variables/aws-catalog";

const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
const DAY = 24 * 60;
const WEEK = 7 * DAY;

type Segment = readonly [start: number, end: number];

function minutes(hh: string, mm: string): number | undefined {
  const h = Number(hh);
  const m = Number(mm);
  return h <= 23 && m <= 59 ? h * 60 + m : undefined;
}

/** Splits [start, start + length) on a circle of `size` minutes into non-wrapping segments. */
function segments(start: number, length: number, size: number): Segment[] {
  const end = start + length;
  return end <= size
    ? [[start, end]]
    : [
        [start, size],
        [0, end - size],
      ];
}

/** `hh:mm-hh:mm` (daily, may cross midnight) as segments of the week. */
export function parseBackupWindow(window: string): Segment[] {
  const m = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(window);
  const start = m ? minutes(m[1], m[2]) : undefined;
  const end = m ? minutes(m[3], m[4]) : undefined;
  if (start === undefined || end === undefined) {
    throw new Error(`rds: backupWindow "${window}" is not hh:mm-hh:mm (UTC)`);
  }
  const length = (end - start + DAY) % DAY;
  if (length < RDS_MIN_WINDOW_MINUTES) throw new Error(`rds: backupWindow "${window}" is shorter than ${RDS_MIN_WINDOW_MINUTES} minutes`);
  return DAYS.flatMap((_, d) => segments(d * DAY + start, length, WEEK));
}

/** `ddd:hh:mm-ddd:hh:mm` (weekly, may cross the week's end) as segments of the week. */
export function parseMaintenanceWindow(window: string): Segment[] {
  const m = /^([a-z]{3}):(\d{2}):(\d{2})-([a-z]{3}):(\d{2}):(\d{2})$/.exec(window.toLowerCase());
  const d1 = m ? DAYS.indexOf(m[1] as (typeof DAYS)[number]) : -1;
  const d2 = m ? DAYS.indexOf(m[4] as (typeof DAYS)[number]) : -1;
  const t1 = m ? minutes(m[2], m[3]) : undefined;
  const t2 = m ? minutes(m[5], m[6]) : undefined;
  if (d1 < 0 || d2 < 0 || t1 === undefined || t2 === undefined) {
    throw new Error(`rds: maintenanceWindow "${window}" is not ddd:hh:mm-ddd:hh:mm (UTC, e.g. sun:04:30-sun:05:30)`);
  }
  const start = d1 * DAY + t1;
  const length = (d2 * DAY + t2 - start + WEEK) % WEEK;
  if (length < RDS_MIN_WINDOW_MINUTES) throw new Error(`rds: maintenanceWindow "${window}" is shorter than ${RDS_MIN_WINDOW_MINUTES} minutes`);
  return segments(start, length, WEEK);
}

/** Throws unless both windows are well-formed and do not overlap on any day. */
export function checkWindows(backupWindow: string, maintenanceWindow: string): void {
  const backup = parseBackupWindow(backupWindow);
  const maintenance = parseMaintenanceWindow(maintenanceWindow);
  const overlaps = backup.some(([b0, b1]) => maintenance.some(([m0, m1]) => b0 < m1 && m0 < b1));
  if (overlaps) {
    throw new Error(`rds: backupWindow "${backupWindow}" overlaps maintenanceWindow "${maintenanceWindow}"; RDS requires windows that do not overlap`);
  }
}
