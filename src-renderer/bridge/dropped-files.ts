/**
 * Electron's preload exposes the path of a file the user dropped on the window, so it
 * can be imported; browsers never reveal paths, so in the web host this is absent and
 * the user types a path on the host machine instead.
 */
export interface DroppedFiles {
  pathForFile(file: File): string;
}

declare global {
  interface Window {
    radstationFiles?: DroppedFiles;
  }
}

/** Paths of the files and folders in a drop, or an empty list where the host cannot tell them. */
export function droppedPaths(dataTransfer: DataTransfer): string[] {
  const files = window.radstationFiles;
  if (!files) return [];
  return Array.from(dataTransfer.files)
    .map((file) => files.pathForFile(file))
    .filter((path) => path.length > 0);
}

export function canDropFiles(): boolean {
  return window.radstationFiles !== undefined;
}
