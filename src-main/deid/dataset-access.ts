/** dcmjs's unnaturalised form: elements keyed by eight upper-case hex digits. */
export interface DcmjsElement {
  vr: string;
  Value?: unknown[];
  _rawValue?: unknown;
  [key: string]: unknown;
}
export type DcmjsElementMap = Record<string, DcmjsElement>;

/** The string values of an element, person names included (their alphabetic form). */
export function stringValues(element: DcmjsElement | undefined): string[] {
  if (!element?.Value) return [];
  const values: string[] = [];
  for (const value of element.Value) {
    if (typeof value === 'string') values.push(value);
    else if (typeof value === 'number') values.push(String(value));
    else if (value && typeof value === 'object' && 'Alphabetic' in value) {
      const name = (value as { Alphabetic?: unknown }).Alphabetic;
      if (typeof name === 'string') values.push(name);
    }
  }
  return values;
}

export function firstString(elements: DcmjsElementMap, tag: string): string | undefined {
  return stringValues(elements[tag])[0]?.trim();
}

export function setElement(elements: DcmjsElementMap, tag: string, vr: string, value: unknown[]): void {
  elements[tag] = { vr, Value: value };
}
