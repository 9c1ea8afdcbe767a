/** No carrier delivers to the country; a retry will not find one. */
export class UnsupportedDestinationError extends Error {
  constructor(readonly country: string) {
    super(`no carrier delivers to ${country}`);
    this.name = 'UnsupportedDestinationError';
  }
}
