import { useCall } from '../bridge/api-context';
import { useEscapeToClose } from './use-escape';

export function AboutDialog({ onClose }: { onClose: () => void }) {
  const about = useCall('app.about', {});
  useEscapeToClose(onClose);
  return (
    <div className="dialog-backdrop" onClick={onClose}>
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="about-title" onClick={(event) => event.stopPropagation()}>
        <h2 id="about-title">About Radstation</h2>
        {about.status === 'loading' && <p>Loading…</p>}
        {about.status === 'failed' && <p className="error">{about.message}</p>}
        {about.status === 'ready' && (
          <dl className="about-versions" data-testid="about-versions">
            <dt>Radstation</dt>
            <dd data-testid="version-app">{about.value.appVersion}</dd>
            <dt>Electron</dt>
            <dd data-testid="version-electron">{about.value.electronVersion ?? 'not used (web host)'}</dd>
            <dt>Chromium</dt>
            <dd>{about.value.chromeVersion ?? navigator.userAgent.match(/Chrom(?:e|ium)\/([\d.]+)/)?.[1] ?? 'unknown'}</dd>
            <dt>Node</dt>
            <dd data-testid="version-node">{about.value.nodeVersion}</dd>
            <dt>onnxruntime</dt>
            <dd data-testid="version-onnxruntime">{about.value.onnxruntimeVersion}</dd>
            <dt>Host</dt>
            <dd data-testid="host-kind">{about.value.host === 'electron' ? 'Desktop (Electron)' : 'Web host'}</dd>
            <dt>Platform</dt>
            <dd>
              {about.value.platform} {about.value.arch}
            </dd>
          </dl>
        )}
        <p className="notice">Radstation's AI output is not for diagnosis.</p>
        <button type="button" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </div>
  );
}
