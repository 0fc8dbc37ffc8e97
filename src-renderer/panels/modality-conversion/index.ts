import { registerPanel } from '../../viewer/services';
import { ModalityConversionPanel, conversionTasks } from './ModalityConversionPanel';

registerPanel({
  id: 'modality-conversion',
  title: 'Modality conversion',
  icon: '⇄',
  shortcutKey: 'm',
  tasks: conversionTasks,
  order: 20,
  availability: ({ activeSeries }) => (activeSeries ? { enabled: true } : { enabled: false, reason: 'Show a series in a viewport to convert it.' }),
  Component: ModalityConversionPanel,
});
