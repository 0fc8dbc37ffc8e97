/** The study browser's search box, modality and date filters. */
export interface StudyFilterValues {
  text: string;
  modality: string;
  from: string;
  to: string;
  /** Only studies Radstation de-identified into the cache. */
  deidentifiedOnly: boolean;
}

export const emptyFilters: StudyFilterValues = { text: '', modality: '', from: '', to: '', deidentifiedOnly: false };

const modalities = ['CT', 'MR', 'CR', 'DX', 'MG', 'US', 'NM', 'PT', 'XA', 'RF', 'OT', 'SC', 'SEG', 'SR', 'RTSTRUCT', 'RTPLAN', 'RTDOSE'];

export function StudyFilters({ value, onChange }: { value: StudyFilterValues; onChange: (value: StudyFilterValues) => void }) {
  const set = (patch: Partial<StudyFilterValues>) => onChange({ ...value, ...patch });
  const active = value.text !== '' || value.modality !== '' || value.from !== '' || value.to !== '' || value.deidentifiedOnly;
  return (
    <div className="toolbar" role="search">
      <input
        type="search"
        placeholder="Search patient, ID, accession, description…"
        aria-label="Search studies"
        value={value.text}
        onChange={(event) => set({ text: event.target.value })}
      />
      <label>
        Modality{' '}
        <select aria-label="Modality" value={value.modality} onChange={(event) => set({ modality: event.target.value })}>
          <option value="">All</option>
          {modalities.map((modality) => (
            <option key={modality} value={modality}>
              {modality}
            </option>
          ))}
        </select>
      </label>
      <label>
        From <input type="date" aria-label="Studies from" value={value.from} onChange={(event) => set({ from: event.target.value })} />
      </label>
      <label>
        To <input type="date" aria-label="Studies to" value={value.to} onChange={(event) => set({ to: event.target.value })} />
      </label>
      <label>
        <input type="checkbox" checked={value.deidentifiedOnly} onChange={(event) => set({ deidentifiedOnly: event.target.checked })} /> De-identified only
      </label>
      {active && (
        <button type="button" onClick={() => onChange(emptyFilters)}>
          Clear filters
        </button>
      )}
    </div>
  );
}
