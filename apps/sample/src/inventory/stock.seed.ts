import type { StockItem } from './stock-item.entity.js';

/** The catalogue a fresh database starts with. */
export const SEED_STOCK: readonly Pick<StockItem, 'sku' | 'name' | 'available'>[] = [
  { sku: 'MUG-BLUE', name: 'Blue enamel mug', available: 500 },
  { sku: 'TEE-DUREX-M', name: 'durex T-shirt, size M', available: 200 },
  { sku: 'BOOK-SAGAS', name: 'Sagas in Practice (paperback)', available: 100 },
  { sku: 'STICKER-PACK', name: 'Sticker pack', available: 1_000 },
];
