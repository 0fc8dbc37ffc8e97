import { useEffect, useState } from 'react';
import { useApi } from '../bridge/api-context';
import type { Participant } from './use-classroom';

/** Who has joined; the teacher can remove someone, whose link and socket die at once. */
export function Roster() {
  const api = useApi();
  const [participants, setParticipants] = useState<Participant[]>([]);
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    api.call('teaching.roster', {}).then(
      (value) => setParticipants(value.participants),
      (failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)),
    );
    return api.on('teaching.roster', (payload) => setParticipants(payload.participants));
  }, [api]);
  const remove = (participantId: string) =>
    api.call('teaching.removeParticipant', { participantId }).catch((failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)));
  return (
    <section className="roster" aria-label="Roster">
      <h2>Students ({participants.length})</h2>
      {participants.length === 0 && <p className="notice">No one has joined yet.</p>}
      <ul>
        {participants.map((person) => (
          <li key={person.participantId} data-testid="roster-entry">
            <span className={person.connected ? 'online' : 'offline'} title={person.connected ? 'Connected' : 'Not connected'}>
              ●
            </span>{' '}
            {person.displayName}{' '}
            <button type="button" className="danger" aria-label={`Remove ${person.displayName}`} onClick={() => void remove(person.participantId)}>
              Remove
            </button>
          </li>
        ))}
      </ul>
      {error && <p className="error">{error}</p>}
    </section>
  );
}
