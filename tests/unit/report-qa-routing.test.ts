import { describe, expect, it } from 'vitest';
import { routeQuestion } from '../../src-main/inference/qa/question-form';
import { displayedGrey, fullRangeWindow, toBase64 } from '../../src-renderer/panels/report-qa/displayed-pixels';

describe('Report Q&A question routing', () => {
  it.each([
    'What modality is this?',
    'what is the imaging modality',
    'Is there a fracture?',
    'are the lungs clear',
    'Does this show a pneumothorax?',
    'Which plane is this image in?',
    'what organ is shown',
    'What part of the body is this?',
    'Is this CT or MRI?',
    'was contrast given',
    'What type of imaging is this?',
  ])('sends "%s" to the compact closed-question model', (question) => {
    expect(routeQuestion(question)).toBe('closed');
  });

  it.each(['Describe the findings.', 'Where is the lesion?', 'Why is the ventricle enlarged?', 'How large is the mass?', 'What is the abnormality?', 'what do you see'])(
    'sends "%s" to the full model as an open question',
    (question) => {
      expect(routeQuestion(question)).toBe('open');
    },
  );
});

describe('the displayed slice for closed questions', () => {
  const source = { rows: 2, columns: 3, samplesPerPixel: 1, photometricInterpretation: 'MONOCHROME2', values: [-1000, 0, 40, 80, 120, 3000] };

  it('maps modality values through the LINEAR window (PS3.3 C.11.2.1.2.1) to 0–255, clamped, as the viewer shows them', () => {
    // Window 40/80 spans 0..79 (c − 0.5 ± (w − 1)/2): 0 → 0, 40 → ((40 − 39.5)/79 + 0.5) × 255 = 129.1 → 129, 80 → 255.
    // (The panel used c ± w/2 before, half a level off what the viewport shows.)
    expect([...displayedGrey(source, { center: 40, width: 80 }).pixels]).toEqual([0, 0, 129, 255, 255, 255]);
  });

  it('inverts MONOCHROME1 and crops to the region of interest', () => {
    const image = displayedGrey({ ...source, photometricInterpretation: 'MONOCHROME1' }, { center: 40, width: 80 }, { x: 1, y: 0, width: 2, height: 2 });
    expect(image).toMatchObject({ width: 2, height: 2 });
    expect([...image.pixels]).toEqual([255, 255 - 129, 0, 0]);
  });

  it('refuses a region outside the image', () => {
    expect(() => displayedGrey(source, { center: 40, width: 80 }, { x: 5, y: 5, width: 2, height: 2 })).toThrow(/outside the image/);
  });

  it('uses the full range when the viewer reports no window, and encodes bytes as base64', () => {
    // As a LINEAR window whose bounds are −1000 and 3000: width 3000 − (−1000) + 1, centre (−1000 + 3000 + 1)/2, as the viewport reports it.
    expect(fullRangeWindow(source.values)).toEqual({ center: 1000.5, width: 4001 });
    expect(toBase64(new Uint8Array([0, 255, 16]))).toBe(Buffer.from([0, 255, 16]).toString('base64'));
  });
});
