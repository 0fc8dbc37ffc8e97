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

  it('maps modality values linearly through the window to 0–255, clamped', () => {
    // Window 40/80 spans 0..80: 0 → 0, 40 → 127.5 → 128, 80 → 255.
    expect([...displayedGrey(source, { center: 40, width: 80 }).pixels]).toEqual([0, 0, 128, 255, 255, 255]);
  });

  it('inverts MONOCHROME1 and crops to the region of interest', () => {
    const image = displayedGrey({ ...source, photometricInterpretation: 'MONOCHROME1' }, { center: 40, width: 80 }, { x: 1, y: 0, width: 2, height: 2 });
    expect(image).toMatchObject({ width: 2, height: 2 });
    expect([...image.pixels]).toEqual([255, 127, 0, 0]);
  });

  it('refuses a region outside the image', () => {
    expect(() => displayedGrey(source, { center: 40, width: 80 }, { x: 5, y: 5, width: 2, height: 2 })).toThrow(/outside the image/);
  });

  it('uses the full range when the viewer reports no window, and encodes bytes as base64', () => {
    expect(fullRangeWindow(source.values)).toEqual({ center: 1000, width: 4000 });
    expect(toBase64(new Uint8Array([0, 255, 16]))).toBe(Buffer.from([0, 255, 16]).toString('base64'));
  });
});
