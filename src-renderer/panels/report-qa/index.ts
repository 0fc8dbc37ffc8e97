import { registerPanel } from '../../viewer/services';
import { ReportQaPanel } from './ReportQaPanel';

registerPanel({
  id: 'report-qa',
  title: 'Report Q&A',
  icon: '?',
  shortcutKey: 'q',
  tasks: ['vqa-closed', 'report-qa'],
  order: 10,
  // Metadata questions and the report draft need no model; the panel itself says which answers need one.
  availability: ({ activeSeries }) => (activeSeries ? { enabled: true } : { enabled: false, reason: 'Open a series to ask about its images.' }),
  Component: ReportQaPanel,
});
