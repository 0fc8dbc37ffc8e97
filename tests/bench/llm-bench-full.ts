/**
 * bench:llm --full-size WORKDIR — HealthGPT-M3 at its real size, with random weights: makes the checkpoint in
 * the official layouts (WORKDIR/phi3, clip, com_hlora_weights.bin), converts it to the int4 bundle
 * (WORKDIR/bundle), each step skipped when its output is there, then opens the bundle on the CPU and measures
 * load time, prefill for one image and decode speed. Prints figures and ends with one JSON line.
 * Needs about 8 GB of disk for the checkpoint plus 3 GB for the bundle, and the RAM the documentation gives.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { VlmSession } from '../../src-main/inference/vlm/vlm-session';
import { testSlice } from '../parity/parity-helpers';

const PYTHON = process.env['RADSTATION_PYTHON'] ?? '/usr/bin/python3';
const MAKER = path.resolve('build/model/healthgpt/make_tiny_checkpoint.py');
const CONVERTER = path.resolve('build/model/healthgpt/convert.py');
const DECODE_TOKENS = 64;

interface ConversionFigures {
  convert_s: number;
  convert_peak_rss_mb: number | null;
}

/** Runs a Python step with its output shown as it comes; returns its last line (the converter's figures). */
function runStep(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let last = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      last = (last + chunk.toString()).split('\n').filter((line) => line.trim() !== '').pop() ?? last;
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(last) : reject(new Error(`${PYTHON} ${args.join(' ')} exited with ${code}`))));
  });
}

function directoryBytes(dir: string): number {
  return fs.readdirSync(dir).reduce((sum, name) => sum + fs.statSync(path.join(dir, name)).size, 0);
}

export async function benchFullSize(workDir: string): Promise<void> {
  const work = path.resolve(workDir);
  fs.mkdirSync(work, { recursive: true });
  const specFile = path.join(work, 'reference.json');
  const bundle = path.join(work, 'bundle');
  const figuresFile = path.join(work, 'convert-figures.json');

  if (!fs.existsSync(specFile)) {
    console.log(`making the full-size random checkpoint in ${work} (about 8 GB)`);
    await runStep([MAKER, work, '--full-size']);
  } else console.log(`checkpoint present in ${work}: not made again`);
  const spec = JSON.parse(fs.readFileSync(specFile, 'utf8')) as { params: number };

  if (!fs.existsSync(path.join(bundle, 'manifest.json'))) {
    console.log('converting to int4');
    const last = await runStep([CONVERTER, '--phi3', path.join(work, 'phi3'), '--clip', path.join(work, 'clip'), '--hlora', path.join(work, 'com_hlora_weights.bin'),
      '--out', bundle, '--bundle-id', 'healthgpt-m3-random', '--name', 'HealthGPT-M3 shape, random weights (not a model)']);
    fs.writeFileSync(figuresFile, last);
  } else console.log(`bundle present in ${bundle}: not converted again`);
  const conversion = fs.existsSync(figuresFile) ? (JSON.parse(fs.readFileSync(figuresFile, 'utf8')) as ConversionFigures) : undefined;

  const loadStarted = performance.now();
  const session = await VlmSession.open(bundle, { provider: 'cpu' });
  const loadS = (performance.now() - loadStarted) / 1000;
  console.log(`loaded in ${loadS.toFixed(1)} s on ${session.provider}`);
  const image = testSlice(512, 512);
  // CPU seconds beside the wall-clock figures: on a shared machine the wall clock also measures the neighbours.
  const cpuSeconds = () => {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1e6;
  };
  const cpuAtStart = cpuSeconds();
  let cpuAtFirstToken = cpuAtStart;
  const answer = await session.ask({
    question: 'Describe the findings in this image.', image, maxNewTokens: DECODE_TOKENS, ignoreStopTokens: true,
    onToken: (event) => {
      if (event.index === 0) cpuAtFirstToken = cpuSeconds();
    },
  });
  const cpuAtEnd = cpuSeconds();
  await session.close();
  const t = answer.timings;
  const prefillMs = t.imageMs + t.prefillMs;
  const decodeTokensPerS = ((t.decodedTokens) / t.decodeMs) * 1000;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const bundleMb = directoryBytes(bundle) / 1e6;

  console.log(`HealthGPT-M3 shape, random weights: ${(spec.params / 1e9).toFixed(2)}B parameters; int4 bundle ${bundleMb.toFixed(0)} MB`);
  console.log(conversion ? `conversion: ${conversion.convert_s} s, peak RSS ${conversion.convert_peak_rss_mb} MB` : 'conversion: not measured (the bundle was made elsewhere)');
  console.log(`on ${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} cores), ${session.provider}: load ${loadS.toFixed(1)} s, peak RSS ${peakRssMb.toFixed(0)} MB`);
  console.log(`prefill for one image: ${prefillMs.toFixed(0)} ms (vision encoder ${t.imageMs.toFixed(0)} ms + decoder ${t.prefillMs.toFixed(0)} ms for ${answer.promptTokens} positions)`);
  console.log(`decode: ${decodeTokensPerS.toFixed(2)} tokens/s over ${t.decodedTokens} tokens`);
  console.log(`CPU time: prefill ${(cpuAtFirstToken - cpuAtStart).toFixed(1)} s, decode ${((cpuAtEnd - cpuAtFirstToken) / Math.max(1, t.decodedTokens)).toFixed(2)} s per token (all threads)`);
  console.log(JSON.stringify({
    params: spec.params, bundle_mb: Math.round(bundleMb), convert_s: conversion?.convert_s ?? null, convert_peak_rss_mb: conversion?.convert_peak_rss_mb ?? null,
    load_s: Number(loadS.toFixed(2)), peak_rss_mb: Math.round(peakRssMb), prefill_ms: Math.round(prefillMs), decode_tokens_per_s: Number(decodeTokensPerS.toFixed(3)),
    provider: session.provider,
  }));
}
