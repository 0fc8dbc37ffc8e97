/** The label every AI image and answer carries: what made it, and that it is not for diagnosis. */
export function AiLabel({ model, version, provider }: { model: string; version?: string; provider?: string }) {
  return (
    <p className="ai-label" data-testid="ai-label" role="note">
      <strong>AI-generated — not for diagnosis.</strong>{' '}
      <span className="ai-provenance">
        {model}
        {version ? ` ${version}` : ''}
        {provider ? ` · ${provider.toUpperCase()}` : ''}
      </span>
    </p>
  );
}
