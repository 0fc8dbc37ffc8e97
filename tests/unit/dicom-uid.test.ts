import { describe, expect, it } from 'vitest';
import { newUid } from '../../src-shared/dicom/uid';

describe('new DICOM UIDs', () => {
  it('are valid UI values under the 2.25 root (PS3.5 9.1 and B.2), unique, with room for a suffix', () => {
    const uids = Array.from({ length: 2000 }, () => newUid());
    for (const uid of uids) {
      // Components of digits, no leading zero except a lone 0, dots between them.
      expect(uid).toMatch(/^2\.25\.(0|[1-9]\d*)$/);
      expect(uid.length).toBeLessThanOrEqual(44);
      // The 128-bit UUID's decimal form, with version 4 bits set: 4 in the 13th hex digit.
      expect(BigInt(uid.slice(5)).toString(16).padStart(32, '0')[12]).toBe('4');
    }
    expect(new Set(uids).size).toBe(uids.length);
  });
});
