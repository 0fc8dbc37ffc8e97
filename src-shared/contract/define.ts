import type { z } from 'zod';

/**
 * One call between the renderer and the services: a name, a request schema and a
 * response schema. Both hosts validate the request before a service sees it, so a
 * service may trust its argument's shape.
 */
export interface CallDefinition<Request extends z.ZodType, Response extends z.ZodType> {
  readonly request: Request;
  readonly response: Response;
  /** One line for the generated API listing and for error messages. */
  readonly summary: string;
}

export function defineCall<Request extends z.ZodType, Response extends z.ZodType>(
  definition: CallDefinition<Request, Response>,
): CallDefinition<Request, Response> {
  return definition;
}

/** An event the services push to every connected renderer. */
export interface EventDefinition<Payload extends z.ZodType> {
  readonly payload: Payload;
  readonly summary: string;
}

export function defineEvent<Payload extends z.ZodType>(definition: EventDefinition<Payload>): EventDefinition<Payload> {
  return definition;
}
