// First: it must wrap console.error before any library binds it.
import './shell/quiet-library-logs';
import { createRoot } from 'react-dom/client';
import { connectApi } from './bridge/create-api';
import { ApiProvider } from './bridge/api-context';
import { App } from './shell/App';
import { ClassroomGate } from './teaching/ClassroomGate';
import './shell/theme.css';

const api = connectApi();
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <ApiProvider api={api}>
    <ClassroomGate>
      <App />
    </ClassroomGate>
  </ApiProvider>,
);
