import type { InputDomain } from '../../../src-shared/contract';

/**
 * How the input differs from what the model was trained on, shown with every result of an image task:
 * a reader who does not know the training data cannot otherwise tell when to distrust the output.
 */
export function DomainWarnings({ domain }: { domain: InputDomain }) {
  if (domain.warnings.length === 0 && !domain.bicubicPreferred) return null;
  return (
    <div className="domain-warnings" role="alert" data-testid="domain-warnings">
      <strong>Unlike this model&apos;s training data — read the result with care:</strong>
      <ul>
        {domain.warnings.map((warning) => (
          <li key={warning}>{warning}</li>
        ))}
        {domain.bicubicPreferred && <li data-testid="bicubic-preferred">{domain.bicubicPreferred}</li>}
      </ul>
    </div>
  );
}
