import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli-process';

/**
 * Each layer is type-checked with only its own platform's types (tsconfig.shared.json,
 * tsconfig.main.json, tsconfig.renderer.json), so that a platform global the lint rules cannot
 * see (a DOM type in the main process, `process` in the renderer) fails `npm run typecheck`. Each
 * case checks one small source text as a file of that layer, under the project's own configuration.
 */
function layerOptions(configFile: string): ts.CompilerOptions {
  const read = ts.readConfigFile(path.join(repoRoot, configFile), (file) => ts.sys.readFile(file));
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  return ts.parseJsonConfigFileContent(read.config, ts.sys, repoRoot).options;
}

function typeErrors(configFile: string, file: string, source: string): string[] {
  const options = layerOptions(configFile);
  const fileName = path.join(repoRoot, file);
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (name) => (name === fileName ? source : readFile(name));
  host.fileExists = (name) => name === fileName || ts.sys.fileExists(name);
  host.getSourceFile = (name, language) => (name === fileName ? ts.createSourceFile(name, source, language) : getSourceFile(name, language));
  // The shared layer's few platform globals are declared in a file its configuration includes.
  const roots = configFile === 'tsconfig.shared.json' ? [fileName, path.join(repoRoot, 'types', 'shared-globals.d.ts')] : [fileName];
  const program = ts.createProgram(roots, options, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

describe('layer types', () => {
  it.each([
    ['tsconfig.shared.json', 'src-shared/imaging/offender.ts', 'export const title = (): string => document.title;\n', /Cannot find name 'document'/],
    ['tsconfig.shared.json', 'src-shared/imaging/offender.ts', "export const home = (): string | undefined => process.env['HOME'];\n", /Cannot find name 'process'/],
    ['tsconfig.shared.json', 'src-shared/imaging/offender.ts', 'export const canvas = (c: HTMLCanvasElement): number => c.width;\n', /Cannot find name 'HTMLCanvasElement'/],
    ['tsconfig.main.json', 'src-main/studies/offender.ts', 'export const title = (): string => document.title;\n', /Cannot find name 'document'/],
    ['tsconfig.renderer.json', 'src-renderer/viewer/offender.ts', 'export const here = (): string => process.cwd();\n', /Cannot find name 'process'/],
    ['tsconfig.renderer.json', 'src-renderer/viewer/offender.ts', "export const bytes = (): number => Buffer.from('x').length;\n", /Cannot find name 'Buffer'/],
  ])('%s refuses %s: %s', (configFile, file, source, message) => {
    const errors = typeErrors(configFile, file, source);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
  });

  it.each([
    ['tsconfig.shared.json', 'src-shared/dicom/fine.ts', 'export const uid = (): string => crypto.randomUUID() + atob(btoa("x"));\n'],
    ['tsconfig.main.json', 'src-main/studies/fine.ts', "import fs from 'node:fs';\nexport const here = (): string => process.cwd() + String(fs.existsSync('x'));\n"],
    ['tsconfig.renderer.json', 'src-renderer/viewer/fine.ts', 'export const title = (): string => document.title;\n'],
  ])('%s takes %s', (configFile, file, source) => {
    expect(typeErrors(configFile, file, source)).toEqual([]);
  });
});
