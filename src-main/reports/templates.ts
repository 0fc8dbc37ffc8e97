/**
 * Starting text for a new report, by the study's modalities. Only headings and prompts
 * a radiologist fills in: a template never states a finding.
 */
export interface ReportTemplate {
  readonly id: string;
  readonly label: string;
  readonly findings: string;
  readonly impression: string;
}

const templates: readonly (ReportTemplate & { modalities: readonly string[] })[] = [
  {
    id: 'ct',
    label: 'CT',
    modalities: ['CT'],
    findings: 'Technique: \nComparison: \n\nFindings:\n',
    impression: '',
  },
  {
    id: 'mr',
    label: 'MR',
    modalities: ['MR'],
    findings: 'Technique (sequences): \nComparison: \n\nFindings:\n',
    impression: '',
  },
  {
    id: 'radiograph',
    label: 'Radiograph',
    modalities: ['CR', 'DX', 'RG', 'MG'],
    findings: 'Views: \nComparison: \n\nFindings:\n',
    impression: '',
  },
  {
    id: 'ultrasound',
    label: 'Ultrasound',
    modalities: ['US'],
    findings: 'Technique: \nComparison: \n\nFindings:\n',
    impression: '',
  },
];

const generic: ReportTemplate = { id: 'generic', label: 'General', findings: 'Comparison: \n\nFindings:\n', impression: '' };

/** The first template matching one of the study's modalities, in the template list's order. */
export function templateForModalities(modalities: readonly string[]): ReportTemplate {
  const upper = new Set(modalities.map((modality) => modality.toUpperCase()));
  return templates.find((template) => template.modalities.some((modality) => upper.has(modality))) ?? generic;
}
