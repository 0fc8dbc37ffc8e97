/**
 * Who is calling. The host adapter decides it in the main process from how the client
 * authenticated, never from anything the client sends:
 * - owner: the workstation's own user (the Electron window, the CLI, the web host's token);
 * - teacher: the holder of a teaching session's teacher link;
 * - student: someone who joined a teaching session with its student code.
 */
export const roles = ['owner', 'teacher', 'student'] as const;
export type Role = (typeof roles)[number];

/** Role lists the contract files use, so each call reads as a sentence. */
export const anyRole = ['owner', 'teacher', 'student'] as const satisfies readonly Role[];
export const ownerOnly = ['owner'] as const satisfies readonly Role[];
export const teacherOnly = ['teacher'] as const satisfies readonly Role[];
export const studentOnly = ['student'] as const satisfies readonly Role[];
export const ownerOrTeacher = ['owner', 'teacher'] as const satisfies readonly Role[];
export const classroom = ['teacher', 'student'] as const satisfies readonly Role[];
