import './transport';

/**
 * Electron's preload tells the path of a file the user dropped on the window, so it can
 * be imported; browsers never reveal paths, so in the web host this is absent and the
 * user types a path on the host machine instead.
 */
function pathForFile(): ((file: File) => string) | undefined {
  return window.radstation?.pathForFile;
}

/** Paths of the files and folders in a drop, or an empty list where the host cannot tell them. */
export function droppedPaths(dataTransfer: DataTransfer): string[] {
  const lookup = pathForFile();
  if (!lookup) return [];
  return Array.from(dataTransfer.files)
    .map((file) => lookup(file))
    .filter((path) => path.length > 0);
}

export function canDropFiles(): boolean {
  return pathForFile() !== undefined;
}
