/** Not enough free units of a product to reserve. */
export class OutOfStockError extends Error {
  constructor(readonly sku: string) {
    super(`${sku} is out of stock`);
    this.name = 'OutOfStockError';
  }
}
