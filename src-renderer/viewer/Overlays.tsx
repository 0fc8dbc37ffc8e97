import { metaData } from '@cornerstonejs/core';
import type { ViewerSeries, ViewerStudy } from '../../src-shared/contract';
import { formatDicomDate } from '../studies/format';
import type { ViewportStatus } from './viewer-controller';


function personName(value: string): string {
  return value.replace(/\^+/g, ' ').trim();
}

interface PlaneModule {
  imagePositionPatient?: number[];
  sliceThickness?: number;
  sliceLocation?: number;
}

/**
 * Four-corner text over a viewport. With PHI hidden, nothing identifies the patient.
 * Lines are marked by priority: viewer.css drops the optional, then the secondary ones as the
 * viewport narrows, so slice n/N, W/L, the patient's name and the series stay legible.
 */
export function Overlays({ study, series, status, hidePhi }: { study: ViewerStudy; series: ViewerSeries; status: ViewportStatus; hidePhi: boolean }) {
  const plane = status.imageId ? (metaData.get('imagePlaneModule', status.imageId) as PlaneModule | undefined) : undefined;
  const position = plane?.imagePositionPatient;
  const location = plane?.sliceLocation ?? position?.[2];
  const thickness = plane?.sliceThickness;
  return (
    <div className="viewport-overlays" aria-hidden="true">
      <div className="corner top-left" data-testid="overlay-patient">
        {hidePhi ? (
          <div>Anonymous</div>
        ) : (
          <>
            <div>{personName(study.patientName) || '(no name)'}</div>
            <div className="overlay-secondary">ID {study.patientId}</div>
            <div className="overlay-optional">
              {formatDicomDate(study.patientBirthDate)} {study.patientSex}
            </div>
          </>
        )}
      </div>
      <div className="corner top-right">
        <div className="overlay-secondary">{study.studyDescription}</div>
        {!hidePhi && <div className="overlay-optional">{formatDicomDate(study.studyDate)}</div>}
        <div>
          {series.modality} S{series.seriesNumber ?? '?'} {series.seriesDescription}
        </div>
      </div>
      <div className="corner bottom-left">
        <div data-testid="overlay-slice">
          Im {status.imageCount > 0 ? status.imageIndex + 1 : 0}/{status.imageCount}
        </div>
        {location !== undefined && <div className="overlay-secondary">Loc {location.toFixed(1)} mm</div>}
        {thickness !== undefined && <div className="overlay-optional">Thk {thickness.toFixed(1)} mm</div>}
      </div>
      {status.edges && (
        <>
          <div className="edge-label edge-left" data-testid="orientation-left">{status.edges.left}</div>
          <div className="edge-label edge-right" data-testid="orientation-right">{status.edges.right}</div>
          <div className="edge-label edge-top" data-testid="orientation-top">{status.edges.top}</div>
          <div className="edge-label edge-bottom" data-testid="orientation-bottom">{status.edges.bottom}</div>
        </>
      )}
      <div className="corner bottom-right">
        <div data-testid="overlay-window">
          {status.fileVoiLut
            ? status.fileVoiLut
            : status.windowWidth !== undefined && status.windowCenter !== undefined
            ? `W ${Math.round(status.windowWidth)} L ${Math.round(status.windowCenter)}`
            : 'W – L –'}
          {status.invert ? ' (inv)' : ''}
        </div>
        <div className="overlay-secondary">Zoom {status.zoom !== undefined ? `${status.zoom.toFixed(2)}×` : '–'}</div>
      </div>
    </div>
  );
}
