/** After a refused submit, moves keyboard focus to the first field with an error, once React has marked it. */
export function focusFirstInvalid(form: HTMLFormElement | null): void {
  setTimeout(() => {
    const target = form?.querySelector<HTMLElement>('[aria-invalid="true"], .has-error input, .has-error textarea');
    target?.focus();
  }, 0);
}
