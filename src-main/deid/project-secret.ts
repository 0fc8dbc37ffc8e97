import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Where each de-identification project's secret lives: beside the study cache, never in the output. */
export function projectsDir(cacheDir: string): string {
  return path.join(cacheDir, 'deid-projects');
}

const projectNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function checkProjectName(name: string): string {
  if (!projectNamePattern.test(name)) throw new Error(`project name "${name}" must be 1-64 letters, digits, dots, dashes or underscores`);
  return name;
}

/**
 * The project's secret, created on first use. Later jobs of the same project read the same
 * secret, so a UID de-identified today maps to the same UID as one de-identified last week.
 */
export function projectSecret(cacheDir: string, project: string): Buffer {
  const file = path.join(projectsDir(cacheDir), `${checkProjectName(project)}.key`);
  try {
    const stored = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'hex');
    if (stored.length === 32) return stored;
    throw new Error(`the secret of project "${project}" in ${file} is damaged; restore it from a backup, or remove it to start a new project`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const secret = randomBytes(32);
  try {
    // 'wx' fails if another job created it meanwhile; then that job's secret is the project's.
    fs.writeFileSync(file, `${secret.toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return projectSecret(cacheDir, project);
    throw error;
  }
}
