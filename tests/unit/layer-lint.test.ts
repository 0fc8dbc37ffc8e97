import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli-process';

/**
 * The layering lint (eslint.config.js) must fail a build that crosses a layer. Each case lints a
 * small source text as if it were a file in that folder, with the project's own configuration.
 */
const eslint = new ESLint({ cwd: repoRoot });

async function problems(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: path.join(repoRoot, file) });
  return (result?.messages ?? []).map((message) => `${message.ruleId ?? 'parse'}: ${message.message}`);
}

describe('layer boundaries', () => {
  it.each([
    ['src-shared/dicom/offender.ts', "import fs from 'node:fs';\nexport const size = fs.statSync('x').size;\n", /no Node built-ins/],
    ['src-shared/dicom/offender.ts', "import path from 'path';\nexport const joined = path.join('a', 'b');\n", /no Node built-ins/],
    ['src-shared/imaging/offender.ts', "import { dispatch } from '../../src-main/dispatch';\nexport { dispatch };\n", /src-main is the main process/],
    ['src-shared/imaging/offender.ts', "import { App } from '../../src-renderer/shell/App';\nexport { App };\n", /src-renderer is the UI/],
    ['src-shared/imaging/offender.ts', "import { useState } from 'react';\nexport { useState };\n", /no React or Cornerstone/],
    ['src-shared/imaging/offender.ts', 'export const width = () => window.innerWidth;\n', /no DOM/],
    ['src-shared/imaging/offender.ts', 'export const bytes = (text: string) => Buffer.from(text);\n', /use Uint8Array/],
    ['src-renderer/viewer/offender.ts', "import fs from 'node:fs';\nexport const read = fs.readFileSync;\n", /no Node built-ins/],
    ['src-renderer/viewer/offender.ts', "import { createServices } from '../../src-main/services';\nexport { createServices };\n", /src-main is the main process/],
    ['src-renderer/viewer/offender.ts', "import { app } from 'electron';\nexport { app };\n", /Electron is only for src-main\/app/],
    ['src-main/studies/offender.ts', "import { App } from '../../src-renderer/shell/App';\nexport { App };\n", /src-renderer is the UI/],
    ['src-renderer/panels/report-qa/offender.ts', "import { viewer } from '../../viewer/viewer-state';\nexport { viewer };\n", /only through src-renderer\/viewer\/services\.ts/],
    ['src-renderer/panels/offender.ts', "import { currentMeasurements } from '../viewer/measurements';\nexport { currentMeasurements };\n", /only through src-renderer\/viewer\/services\.ts/],
    ['src-renderer/panels/imaging/offender.ts', "import { registeredPanels } from '../../viewer/panel-host/panel-registry';\nexport { registeredPanels };\n", /only through src-renderer\/viewer\/services\.ts/],
    ['src-renderer/panels/imaging/offender.ts', "import fs from 'node:fs';\nexport const read = fs.readFileSync;\n", /no Node built-ins/],
    ['src-renderer/viewer/offender.ts', "import { useActiveImage } from '../panels/use-active-image';\nexport { useActiveImage };\n", /The viewer imports no panel/],
    ['src-renderer/viewer/panel-host/offender.ts', "import '../../panels/all-panels';\n", /The viewer imports no panel/],
  ])('%s: %s is refused', async (file, source, message) => {
    const found = await problems(file, source);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^no-restricted-(imports|globals): /);
    expect(found[0]).toMatch(message);
  });

  it.each([
    ['src-shared/dicom/fine.ts', "import { z } from 'zod';\nexport const uid = z.string();\n"],
    ['src-renderer/viewer/fine.ts', "import { contract } from '../../src-shared/contract';\nexport { contract };\n"],
    ['src-renderer/panels/report-qa/fine.ts', "import { getActiveImage } from '../../viewer/services';\nimport { AiLabel } from '../AiLabel';\nexport { getActiveImage, AiLabel };\n"],
    ['src-renderer/viewer/panel-host/fine.ts', "import { viewer } from '../viewer-state';\nexport { viewer };\n"],
    ['src-main/studies/fine.ts', "import fs from 'node:fs';\nimport { contract } from '../../src-shared/contract';\nexport { fs, contract };\n"],
    ['src-main/app/fine.ts', "import { app } from 'electron';\nexport { app };\n"],
  ])('%s: imports within the rules pass', async (file, source) => {
    expect(await problems(file, source)).toEqual([]);
  });
});
