/**
 * The one place that decides which AI panels the app has: importing a panel module registers it.
 * The viewer and the shell never import a panel directly; panels reach the viewer only through
 * viewer/services.ts (eslint.config.js enforces it).
 */
import './panels.css';
import './report-qa';
import './modality-conversion';
import './super-resolution';
