import type { ErrorCode } from '@/lib/errors';

/** The one sentence a person sees for each error code. */
export const errorMessages: Record<ErrorCode, string> = {
  unauthorized: 'Your session has ended. Please sign in again.',
  not_found: 'This chat does not exist or you are not a member.',
  forbidden: 'Only a group admin or the author can do that.',
  edit_window_passed: 'Messages can be edited for 24 hours after sending.',
  invalid_input: 'That did not look right. Please check and try again.',
  too_long: 'Messages can be at most 4,000 characters.',
  too_large: 'That file is too big: images can be up to 20 MB, other files up to 50 MB.',
  rate_limited: 'You are sending too fast. Please wait a moment.',
  unavailable: 'Parley cannot reach its server right now. Please try again in a moment.',
  internal: 'Something went wrong on our side. Please try again.',
};
