/** Every failure a client can see. The client maps each to one user-facing sentence (components/ui/error-messages.ts). */
export type ErrorCode =
  | 'unauthorized'
  | 'not_found'
  /** A member asked for something only an admin, or only the author, may do. */
  | 'forbidden'
  /** The edit window (24 h) of the message has passed. */
  | 'edit_window_passed'
  | 'invalid_input'
  | 'too_long'
  /** A file over its limit (images 20 MB, other files 50 MB, pictures 10 MB). */
  | 'too_large'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string = code,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export type Ok<T> = { ok: true; data: T };
export type Fail = { ok: false; error: ErrorCode };
/** The shape of every socket ack and every non-form server action result. */
export type Result<T> = Ok<T> | Fail;

export const ok = <T>(data: T): Ok<T> => ({ ok: true, data });
export const fail = (error: ErrorCode): Fail => ({ ok: false, error });

export const MESSAGE_MAX_LENGTH = 4000;
