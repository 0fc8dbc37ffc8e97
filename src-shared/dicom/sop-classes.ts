/**
 * What a SOP Class is, for deciding how the viewer shows an object: as images, or as
 * what it is (a report, a document, a list of references), or not at all, with a reason.
 * Every SOP Class not named here is taken to be an image, which Cornerstone then tries.
 */
export type SopClassKind = 'image' | 'structured-report' | 'document' | 'key-objects' | 'presentation-state' | 'segmentation' | 'not-shown';

const srRoot = '1.2.840.10008.5.1.4.1.1.88.';
const keyObjectSelection = '1.2.840.10008.5.1.4.1.1.88.59';
export const encapsulatedPdf = '1.2.840.10008.5.1.4.1.1.104.1';
/** Drawn as an overlay on the images it references, not as images of its own. */
export const segmentationSopClass = '1.2.840.10008.5.1.4.1.1.66.4';

/** Names of the classes the viewer treats as other than images (PS3.4 Annex B), and of common image classes. */
const names: Record<string, string> = {
  '1.2.840.10008.5.1.4.1.1.88.11': 'Basic Text SR',
  '1.2.840.10008.5.1.4.1.1.88.22': 'Enhanced SR',
  '1.2.840.10008.5.1.4.1.1.88.33': 'Comprehensive SR',
  '1.2.840.10008.5.1.4.1.1.88.34': 'Comprehensive 3D SR',
  '1.2.840.10008.5.1.4.1.1.88.35': 'Extensible SR',
  '1.2.840.10008.5.1.4.1.1.88.40': 'Procedure Log',
  '1.2.840.10008.5.1.4.1.1.88.50': 'Mammography CAD SR',
  [keyObjectSelection]: 'Key Object Selection',
  '1.2.840.10008.5.1.4.1.1.88.65': 'Chest CAD SR',
  '1.2.840.10008.5.1.4.1.1.88.67': 'X-Ray Radiation Dose SR',
  '1.2.840.10008.5.1.4.1.1.88.68': 'Radiopharmaceutical Radiation Dose SR',
  '1.2.840.10008.5.1.4.1.1.88.69': 'Colon CAD SR',
  '1.2.840.10008.5.1.4.1.1.88.71': 'Acquisition Context SR',
  '1.2.840.10008.5.1.4.1.1.88.72': 'Simplified Adult Echo SR',
  '1.2.840.10008.5.1.4.1.1.88.73': 'Patient Radiation Dose SR',
  [encapsulatedPdf]: 'Encapsulated PDF',
  '1.2.840.10008.5.1.4.1.1.104.2': 'Encapsulated CDA',
  '1.2.840.10008.5.1.4.1.1.104.3': 'Encapsulated STL',
  '1.2.840.10008.5.1.4.1.1.104.4': 'Encapsulated OBJ',
  '1.2.840.10008.5.1.4.1.1.104.5': 'Encapsulated MTL',
  '1.2.840.10008.5.1.4.1.1.11.1': 'Grayscale Softcopy Presentation State',
  '1.2.840.10008.5.1.4.1.1.11.2': 'Color Softcopy Presentation State',
  '1.2.840.10008.5.1.4.1.1.11.3': 'Pseudo-Color Softcopy Presentation State',
  '1.2.840.10008.5.1.4.1.1.11.4': 'Blending Softcopy Presentation State',
  '1.2.840.10008.5.1.4.1.1.11.5': 'XA/XRF Grayscale Softcopy Presentation State',
  '1.2.840.10008.5.1.4.1.1.66': 'Raw Data',
  '1.2.840.10008.5.1.4.1.1.66.1': 'Spatial Registration',
  '1.2.840.10008.5.1.4.1.1.66.2': 'Spatial Fiducials',
  '1.2.840.10008.5.1.4.1.1.66.3': 'Deformable Spatial Registration',
  [segmentationSopClass]: 'Segmentation',
  '1.2.840.10008.5.1.4.1.1.66.5': 'Surface Segmentation',
  '1.2.840.10008.5.1.4.1.1.481.2': 'RT Dose',
  '1.2.840.10008.5.1.4.1.1.481.3': 'RT Structure Set',
  '1.2.840.10008.5.1.4.1.1.481.4': 'RT Beams Treatment Record',
  '1.2.840.10008.5.1.4.1.1.481.5': 'RT Plan',
  '1.2.840.10008.5.1.4.1.1.481.8': 'RT Ion Plan',
  '1.2.840.10008.5.1.4.1.1.481.9': 'RT Ion Beams Treatment Record',
  '1.2.840.10008.5.1.4.1.1.2': 'CT Image',
  '1.2.840.10008.5.1.4.1.1.4': 'MR Image',
  '1.2.840.10008.5.1.4.1.1.7': 'Secondary Capture Image',
};

/** Non-image classes with no view of their own: named, and refused with that reason. */
const notShown = new Set([
  '1.2.840.10008.5.1.4.1.1.104.2',
  '1.2.840.10008.5.1.4.1.1.104.3',
  '1.2.840.10008.5.1.4.1.1.104.4',
  '1.2.840.10008.5.1.4.1.1.104.5',
  '1.2.840.10008.5.1.4.1.1.66',
  '1.2.840.10008.5.1.4.1.1.66.1',
  '1.2.840.10008.5.1.4.1.1.66.2',
  '1.2.840.10008.5.1.4.1.1.66.3',
  '1.2.840.10008.5.1.4.1.1.66.5',
  '1.2.840.10008.5.1.4.1.1.481.3',
  '1.2.840.10008.5.1.4.1.1.481.4',
  '1.2.840.10008.5.1.4.1.1.481.5',
  '1.2.840.10008.5.1.4.1.1.481.8',
  '1.2.840.10008.5.1.4.1.1.481.9',
]);

export function sopClassKind(sopClassUid: string): SopClassKind {
  if (sopClassUid === keyObjectSelection) return 'key-objects';
  if (sopClassUid.startsWith(srRoot)) return 'structured-report';
  if (sopClassUid === encapsulatedPdf) return 'document';
  if (sopClassUid === segmentationSopClass) return 'segmentation';
  if (sopClassUid.startsWith('1.2.840.10008.5.1.4.1.1.11.')) return 'presentation-state';
  // Waveforms (ECG, hemodynamic, audio…) share one root; none is an image.
  if (notShown.has(sopClassUid) || sopClassUid.startsWith('1.2.840.10008.5.1.4.1.1.9.')) return 'not-shown';
  return 'image';
}

/** A readable name for the class, or the UID itself when it is not one the viewer knows by name. */
export function sopClassName(sopClassUid: string): string {
  if (names[sopClassUid]) return names[sopClassUid];
  if (sopClassUid.startsWith('1.2.840.10008.5.1.4.1.1.9.')) return 'Waveform';
  if (sopClassUid.startsWith(srRoot)) return 'Structured Report';
  if (sopClassUid.startsWith('1.2.840.10008.5.1.4.1.1.11.')) return 'Presentation State';
  return sopClassUid || 'unknown SOP Class';
}
