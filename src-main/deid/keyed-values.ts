import { createHmac } from 'node:crypto';

/**
 * Replacement values derived from the project's secret with HMAC-SHA-256: the same input
 * gives the same output in every file and every job of a project, and without the secret
 * nobody can go back from the output to the input (a plain hash of a UID could be matched
 * against guessed UIDs; a keyed one cannot).
 */
export class KeyedValues {
  private readonly uids = new Map<string, string>();

  constructor(private readonly secret: Buffer) {}

  private digest(purpose: string, value: string): Buffer {
    return createHmac('sha256', this.secret).update(purpose).update('\0').update(value).digest();
  }

  /** A UID under the 2.25 root (PS3.5 B.2) from the first 128 bits of the keyed hash. */
  uid(original: string): string {
    const key = original.replace(/[\0 ]+$/, '');
    let mapped = this.uids.get(key);
    if (mapped === undefined) {
      mapped = `2.25.${BigInt(`0x${this.digest('uid', key).subarray(0, 16).toString('hex')}`).toString()}`;
      this.uids.set(key, mapped);
    }
    return mapped;
  }

  /** A short stable pseudonym, e.g. for a Patient ID that must stay distinct per patient. */
  pseudonym(prefix: string, original: string, length = 10): string {
    return `${prefix}${this.digest('pseudonym', original).toString('hex').slice(0, length).toUpperCase()}`;
  }

  /** Days to move every date of one patient: 1 to 3650 days earlier, the same in every job. */
  dateShiftDays(patientKey: string): number {
    return -(1 + (this.digest('date-shift', patientKey).readUInt32BE(0) % 3650));
  }
}

const datePattern = /^(\d{4})(\d{2})(\d{2})$/;

/** Moves a DA value by whole days; undefined when the value is not a plain date. */
export function shiftDate(value: string, days: number): string | undefined {
  const match = datePattern.exec(value.trim());
  if (!match) return undefined;
  const moment = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  if (Number.isNaN(moment.getTime())) return undefined;
  moment.setUTCDate(moment.getUTCDate() + days);
  const pad = (number: number, width = 2) => String(number).padStart(width, '0');
  return `${pad(moment.getUTCFullYear(), 4)}${pad(moment.getUTCMonth() + 1)}${pad(moment.getUTCDate())}`;
}

/** Moves the date part of a DT value by whole days, keeping its time and offset. */
export function shiftDateTime(value: string, days: number): string | undefined {
  const trimmed = value.trim();
  if (trimmed.length < 8) return undefined;
  const date = shiftDate(trimmed.slice(0, 8), days);
  return date === undefined ? undefined : `${date}${trimmed.slice(8)}`;
}
