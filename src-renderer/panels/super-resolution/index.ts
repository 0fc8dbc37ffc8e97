import { registerPanel } from '../../viewer/services';
import { SuperResolutionPanel, superResolutionTasks } from './SuperResolutionPanel';

registerPanel({
  id: 'super-resolution',
  title: 'Super-resolution',
  icon: '⤢',
  shortcutKey: 's',
  tasks: superResolutionTasks,
  order: 30,
  availability: ({ activeSeries }) =>
    activeSeries ? { enabled: true } : { enabled: false, reason: 'Show a series in a viewport to upsample it.' },
  Component: SuperResolutionPanel,
});
