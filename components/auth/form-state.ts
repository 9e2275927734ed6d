/** What an auth or settings form action returns: a message per field, a form-wide error, or a success note. */
export type FormState = {
  fieldErrors?: Partial<Record<string, string>>;
  formError?: string;
  success?: string;
};

export const emptyFormState: FormState = {};
