import type { TaskAvailability } from '../task-availability';

/** Radio buttons for a panel's tasks; the ones that cannot run are disabled and say why. */
export function TaskChoice({ name, tasks, selected, onSelect, disabled }: { name: string; tasks: TaskAvailability[]; selected: string | undefined; onSelect: (taskId: string) => void; disabled?: boolean }) {
  return (
    <ul className="task-list" role="radiogroup" aria-label="Task">
      {tasks.map((task) => (
        <li key={task.taskId} className={task.available ? undefined : 'unavailable'}>
          <label title={task.available ? `${task.bundleName} ${task.bundleVersion}` : task.reason}>
            <input
              type="radio"
              name={name}
              value={task.taskId}
              checked={selected === task.taskId}
              disabled={!task.available || disabled}
              onChange={() => onSelect(task.taskId)}
              data-testid={`task-${task.taskId}`}
            />{' '}
            {task.label}
          </label>
          {!task.available && (
            <span className="hint task-reason" data-testid={`task-reason-${task.taskId}`}>
              {' '}
              — {task.reason}
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}
