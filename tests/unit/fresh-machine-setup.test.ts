import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli-process';

/**
 * The README promises that on a fresh machine its set-up commands install and its test command
 * passes, and CI proves it only if `.ci/run` runs exactly those commands. These checks fail when
 * the two drift apart: an extra flag or environment variable in CI hides a broken set-up.
 */
const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
const ciScript = fs.readFileSync(path.join(repoRoot, '.ci/run'), 'utf8');
const packageJson = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };

/** The shell lines of the fenced `sh` blocks in one section of the README, comments dropped. */
function sectionCommands(heading: string): string[] {
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`the README has no "## ${heading}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((match) => commandLines(match[1] ?? ''));
}

function commandLines(script: string): string[] {
  return script
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** The Debian package names a line such as `sudo apt-get install -y a b c` installs. */
function aptPackages(line: string): string[] {
  return line
    .replace(/^sudo\s+/, '')
    .replace(/^apt-get\s+install\s+/, '')
    .split(/\s+/)
    .filter((word) => word !== '' && !word.startsWith('-'));
}

const setUp = sectionCommands('Set up');
const npmSetUp = setUp.filter((line) => line.startsWith('npm ') && line !== 'npm start');
const readmeApt = setUp.filter((line) => /^(sudo\s+)?apt-get\s+install\b/.test(line));

describe("the README's set-up and .ci/run", () => {
  it('the README sets up with npm install and tests with npm test, and lists the Debian packages the tests need', () => {
    expect(npmSetUp).toEqual(['npm install', 'npm test']);
    expect(readmeApt).toHaveLength(1);
  });

  it('.ci/run runs the npm commands of the README verbatim, in order, and no other npm command', () => {
    const ciNpm = commandLines(ciScript).filter((line) => /^npm\b/.test(line));
    expect(ciNpm).toEqual(npmSetUp);
  });

  it('.ci/run sets no environment variable that changes how npm installs or tests', () => {
    const lines = commandLines(ciScript);
    expect(lines.filter((line) => /^export\s/.test(line))).toEqual([]);
    // An assignment before a command (VAR=value cmd) is allowed only for apt-get itself.
    const prefixed = lines.filter((line) => /^[A-Z_][A-Z0-9_]*=\S*\s/.test(line) && !/^DEBIAN_FRONTEND=noninteractive\s+apt-get\s/.test(line));
    expect(prefixed).toEqual([]);
    expect(ciScript).not.toMatch(/ELECTRON_SKIP_BINARY_DOWNLOAD|ONNXRUNTIME_NODE_INSTALL/);
  });

  it('.ci/run installs exactly the Debian packages the README lists', () => {
    const listed = /^need=\(([^)]*)\)$/m.exec(ciScript)?.[1];
    expect(listed, '.ci/run declares its packages as need=(…)').toBeDefined();
    expect((listed ?? '').split(/\s+/).filter(Boolean).sort()).toEqual(aptPackages(readmeApt[0] ?? '').sort());
  });
});

describe("onnxruntime-node's CUDA download is skipped without npm configuration", () => {
  it('no .npmrc key that npm does not know (npm 11 warns on each, and will stop honouring them)', () => {
    const npmrc = path.join(repoRoot, '.npmrc');
    const keys = fs.existsSync(npmrc)
      ? commandLines(fs.readFileSync(npmrc, 'utf8')).map((line) => line.split('=')[0]?.trim() ?? '')
      : [];
    expect(keys).not.toContain('onnxruntime-node-install');
  });

  it("package.json's allowScripts denies onnxruntime-node's install script and allows the ones the build needs", () => {
    expect(packageJson.allowScripts).toMatchObject({
      'onnxruntime-node': false,
      'better-sqlite3': true,
      esbuild: true,
      electron: true,
    });
  });
});
