/**
 * The patient directions at a viewport's four edges (R/L, A/P, S/I), from its camera, so they
 * follow rotation, flips and reformats. DICOM's patient axes (LPS): +x points to the patient's
 * left, +y posterior, +z superior (head). A direction is named by its dominant components, largest
 * first, down to those that count (an oblique edge reads "LA").
 */
export interface EdgeLabels {
  left: string;
  right: string;
  top: string;
  bottom: string;
}

type Vector = readonly [number, number, number];

export function directionLabel(vector: Vector): string {
  const names: [string, string][] = [
    ['L', 'R'],
    ['P', 'A'],
    ['S', 'I'],
  ];
  const order = [0, 1, 2].sort((a, b) => Math.abs(vector[b] ?? 0) - Math.abs(vector[a] ?? 0));
  let label = '';
  for (const axis of order) {
    const component = vector[axis] ?? 0;
    // Components below about 25° of the edge's direction do not name it.
    if (Math.abs(component) < 0.42) continue;
    label += component > 0 ? names[axis]![0] : names[axis]![1];
  }
  return label;
}

const negate = (v: Vector): Vector => [-v[0], -v[1], -v[2]];
const cross = (a: Vector, b: Vector): Vector => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];

/** The labels from a camera's up vector and its view-plane normal (pointing from the scene to the viewer). */
export function edgeLabels(viewUp: Vector, viewPlaneNormal: Vector): EdgeLabels {
  const right = cross(viewUp, viewPlaneNormal);
  return { right: directionLabel(right), left: directionLabel(negate(right)), top: directionLabel(viewUp), bottom: directionLabel(negate(viewUp)) };
}
