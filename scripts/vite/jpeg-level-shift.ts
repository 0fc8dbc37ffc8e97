import type { Plugin } from 'vite';

/*
 * Cornerstone's JavaScript JPEG decoder (@cornerstonejs/dicom-image-loader, codecs/jpeg.js), which
 * decodes 12-bit lossy JPEG (1.2.840.10008.1.2.4.51), ends each block with the 8-bit level shift
 * and rounding constant (2056 = 128·16 + 8) divided by its bit conversion: for 12 bits that adds
 * 240 where 8 belongs, and every sample comes out 15 levels high (15 HU on a CT), measured
 * against IJG's decoder in DCMTK. This plugin puts the level shift and rounding of the image's own
 * precision in that one expression. For 8 bits it is the same arithmetic as before. If an
 * upgrade changes the expression, the build fails here instead of shipping without the fix.
 */

const faulty = `        q =
            q <= -2056 / component.bitConversion
                ? 0
                : q >= 2024 / component.bitConversion
                    ? 255 / component.bitConversion
                    : (q + 2056 / component.bitConversion) >> 4;`;

// top = 2^precision − 1; the samples are q/16 + 2^(precision−1), rounded, clamped to [0, top].
const corrected = `        var top = Math.round(255 / component.bitConversion);
        var shifted = q + (top + 1) * 8 + 8;
        q = shifted <= 0 ? 0 : shifted >= (top + 1) * 16 ? top : shifted >> 4;`;

export function jpegLevelShift(): Plugin {
  return {
    name: 'radstation-jpeg-level-shift',
    enforce: 'pre',
    transform(code, id) {
      if (!id.replace(/\\/g, '/').includes('@cornerstonejs/dicom-image-loader/') || !/\/codecs\/jpeg\.js(\?|$)/.test(id)) return undefined;
      if (!code.includes(faulty)) this.error(`${id}: the JPEG output step to correct was not found (has @cornerstonejs/dicom-image-loader changed?)`);
      return { code: code.replace(faulty, corrected), map: null };
    },
  };
}
