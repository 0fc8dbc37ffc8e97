import type { z } from 'zod';
import type { Role } from './roles';

/**
 * One call between the renderer and the services: a name, a request schema, a response
 * schema and the roles that may make it. Both hosts validate the request before a
 * service sees it, so a service may trust its argument's shape; the dispatcher refuses
 * a caller whose role is not listed, whatever the client sends.
 */
export interface CallDefinition<Request extends z.ZodType, Response extends z.ZodType> {
  readonly request: Request;
  readonly response: Response;
  /** One line for the generated API listing and for error messages. */
  readonly summary: string;
  /** Who may make this call; required, so no call is open to a role by omission. */
  readonly roles: readonly Role[];
}

export function defineCall<Request extends z.ZodType, Response extends z.ZodType>(
  definition: CallDefinition<Request, Response>,
): CallDefinition<Request, Response> {
  return definition;
}

/** An event the services push to connected renderers whose role is listed. */
export interface EventDefinition<Payload extends z.ZodType> {
  readonly payload: Payload;
  readonly summary: string;
  /** Which connected clients receive it; the host drops it for every other role. */
  readonly roles: readonly Role[];
}

export function defineEvent<Payload extends z.ZodType>(definition: EventDefinition<Payload>): EventDefinition<Payload> {
  return definition;
}
