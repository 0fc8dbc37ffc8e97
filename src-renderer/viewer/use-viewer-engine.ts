import { useEffect, useState } from 'react';
import { exposeViewerApi, viewer } from './viewer-state';

/**
 * Starts the viewer engine once for a screen and re-renders that screen whenever the
 * viewer's state changes. `failure` is the screen's one error line: a failed start sets it,
 * and the screen sets it too (a study that cannot be read). With `destroyOnUnmount` the
 * engine is torn down with the screen (the classroom, which leaves no tool state behind);
 * the workstation keeps it, so a study opened later keeps the tool chosen before.
 */
export function useViewerEngine(options: { destroyOnUnmount: boolean }) {
  const [ready, setReady] = useState(false);
  const [failure, setFailure] = useState<string | undefined>();
  const [, setTick] = useState(0);

  useEffect(() => {
    let alive = true;
    viewer.init().then(
      () => {
        exposeViewerApi();
        if (alive) setReady(true);
      },
      (error: unknown) => alive && setFailure(`The viewer could not start: ${error instanceof Error ? error.message : String(error)}`),
    );
    return () => {
      alive = false;
      if (options.destroyOnUnmount) viewer.destroy();
    };
    // Started once per screen: the option is fixed for a screen's life.
  }, []);
  useEffect(() => viewer.subscribe(() => setTick((tick) => tick + 1)), []);

  return { ready, failure, setFailure };
}
