/**
 * The card numbers the sample's payment gateway knows, each with its behaviour. Any other valid card
 * number is charged like `succeeds`.
 */
export const TEST_CARDS = {
  /** Charged at once. */
  succeeds: '4242424242424242',
  /** The gateway fails (transiently) on the first two attempts, then charges. */
  flaky: '4000000000000119',
  /** Declined: a permanent failure, before anything is captured. */
  declined: '4000000000000002',
  /** Captured, then flagged by the fraud check: a permanent failure after the money was taken. */
  fraudulent: '4000000000000069',
  /** The gateway never answers: every attempt fails transiently. */
  unreachable: '4000000000000341',
} as const;

/** The behaviour of a test card. */
export type CardBehaviour = keyof typeof TEST_CARDS;
